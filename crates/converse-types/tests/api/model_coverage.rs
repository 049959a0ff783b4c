//! Measures coverage of the API model.
//!
//! Walks `tests/data/bedrock-runtime-service-2.json` from the inputs, outputs and errors of
//! Converse, ConverseStream and CountTokens. For every operation it builds JSON documents in
//! which every member of every reachable structure is populated (each union member and each
//! enum value in turn), then checks that deserializing into this crate's types and serializing
//! back gives the same JSON: a member without a Rust counterpart would be dropped and fail the
//! comparison. Unions and string enums are also compared member by member against the
//! `MEMBERS` / `VALUES` lists the types register, because an unknown union member would
//! otherwise survive the round trip in the `Unknown` variant.

use std::collections::{BTreeMap, BTreeSet};

use converse_types::*;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value, json};

const OPERATIONS: [&str; 3] = ["Converse", "ConverseStream", "CountTokens"];

struct Model {
    shapes: Map<String, Value>,
    operations: Map<String, Value>,
}

fn model() -> Model {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/bedrock-runtime-service-2.json"
    ))
    .expect("model file");
    let mut root: Value = serde_json::from_str(&text).expect("model JSON");
    let shapes = root["shapes"].as_object_mut().expect("shapes").clone();
    let operations = root["operations"]
        .as_object_mut()
        .expect("operations")
        .clone();
    Model { shapes, operations }
}

impl Model {
    fn shape(&self, name: &str) -> &Value {
        self.shapes
            .get(name)
            .unwrap_or_else(|| panic!("shape {name} missing"))
    }

    fn is_union(&self, name: &str) -> bool {
        self.shape(name).get("union").and_then(Value::as_bool) == Some(true)
    }

    fn is_document(&self, name: &str) -> bool {
        self.shape(name).get("document").and_then(Value::as_bool) == Some(true)
    }

    fn members(&self, name: &str) -> Vec<(String, Value)> {
        self.shape(name)
            .get("members")
            .and_then(Value::as_object)
            .map(|m| m.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
            .unwrap_or_default()
    }

    /// Top-level shapes of an operation: input, output, errors.
    fn roots(&self, op: &str) -> Vec<String> {
        let op = &self.operations[op];
        let mut roots = vec![];
        for key in ["input", "output"] {
            if let Some(shape) = op.get(key).and_then(|s| s["shape"].as_str()) {
                roots.push(shape.to_owned());
            }
        }
        for error in op["errors"].as_array().into_iter().flatten() {
            roots.push(error["shape"].as_str().expect("error shape").to_owned());
        }
        roots
    }

    fn reachable(&self) -> BTreeSet<String> {
        let mut seen = BTreeSet::new();
        let mut stack: Vec<String> = OPERATIONS.iter().flat_map(|op| self.roots(op)).collect();
        while let Some(name) = stack.pop() {
            if !seen.insert(name.clone()) {
                continue;
            }
            let shape = self.shape(&name);
            for (_, member) in self.members(&name) {
                stack.push(member["shape"].as_str().expect("member shape").to_owned());
            }
            for key in ["member", "key", "value"] {
                if let Some(target) = shape.get(key).and_then(|m| m["shape"].as_str()) {
                    stack.push(target.to_owned());
                }
            }
        }
        seen
    }
}

/// Builds populated JSON documents for shapes; `variant` rotates union members and enum values.
struct Generator<'a> {
    model: &'a Model,
    variant: usize,
    visited: BTreeSet<String>,
    members_emitted: BTreeSet<(String, String)>,
}

impl Generator<'_> {
    fn generate(&mut self, name: &str, depth: usize) -> Value {
        assert!(depth < 40, "shape recursion too deep at {name}");
        self.visited.insert(name.to_owned());
        let shape = self.model.shape(name).clone();
        let kind = shape["type"].as_str().expect("type");
        if self.model.is_document(name) {
            return json!({"doc": [1, "two", true, null, {"nested": 1.5}]});
        }
        match kind {
            "structure" if self.model.is_union(name) => {
                let members = self.model.members(name);
                let pick = self.variant % members.len();
                self.union_member(name, &members[pick], depth)
            }
            "structure" => {
                let mut object = Map::new();
                for (member, spec) in self.model.members(name) {
                    if spec.get("location").is_some() {
                        continue; // URI labels and headers are not part of the body.
                    }
                    let target = spec["shape"].as_str().expect("shape").to_owned();
                    self.members_emitted
                        .insert((name.to_owned(), member.clone()));
                    object.insert(member, self.generate(&target, depth + 1));
                }
                Value::Object(object)
            }
            "list" => {
                let target = shape["member"]["shape"]
                    .as_str()
                    .expect("member")
                    .to_owned();
                if self.model.is_union(&target) && !self.model.is_document(&target) {
                    // One element per union member, so lists exercise every member at once.
                    self.visited.insert(target.clone());
                    let members = self.model.members(&target);
                    members
                        .iter()
                        .map(|m| self.union_member(&target, m, depth + 1))
                        .collect()
                } else {
                    Value::Array(vec![self.generate(&target, depth + 1)])
                }
            }
            "map" => {
                let target = shape["value"]["shape"].as_str().expect("value").to_owned();
                self.visited
                    .insert(shape["key"]["shape"].as_str().expect("key").to_owned());
                json!({ "key-1": self.generate(&target, depth + 1) })
            }
            "string" => match shape.get("enum").and_then(Value::as_array) {
                Some(values) => values[self.variant % values.len()].clone(),
                None => json!(format!("{name}-text")),
            },
            "integer" | "long" => json!(7),
            "float" | "double" => json!(0.5),
            "boolean" => json!(true),
            "blob" => json!("YmxvYg=="),
            other => panic!("shape {name} has unsupported type {other}"),
        }
    }

    fn union_member(
        &mut self,
        union: &str,
        (member, spec): &(String, Value),
        depth: usize,
    ) -> Value {
        let target = spec["shape"].as_str().expect("shape").to_owned();
        self.members_emitted
            .insert((union.to_owned(), member.clone()));
        let mut object = Map::new();
        object.insert(member.clone(), self.generate(&target, depth + 1));
        Value::Object(object)
    }
}

fn round_trip<T: DeserializeOwned + Serialize>(what: &str, document: &Value) {
    let parsed: T = serde_json::from_value(document.clone())
        .unwrap_or_else(|e| panic!("{what}: does not deserialize: {e}\n{document:#}"));
    let back = serde_json::to_value(&parsed).expect("serialize");
    if &back != document {
        panic!(
            "{what}: round trip differs\n-- model document --\n{document:#}\n-- after round trip --\n{back:#}"
        );
    }
}

/// Union shapes of the model and the members the Rust enum registers.
fn registered_unions() -> BTreeMap<&'static str, Vec<&'static str>> {
    let mut stream_output = ConverseStreamEvent::MEMBERS.to_vec();
    stream_output.extend_from_slice(ConverseStreamException::MEMBERS);
    BTreeMap::from([
        ("AudioSource", AudioSource::MEMBERS.to_vec()),
        (
            "CitationGeneratedContent",
            CitationGeneratedContent::MEMBERS.to_vec(),
        ),
        ("CitationLocation", CitationLocation::MEMBERS.to_vec()),
        (
            "CitationSourceContent",
            CitationSourceContent::MEMBERS.to_vec(),
        ),
        ("ContentBlock", ContentBlock::MEMBERS.to_vec()),
        ("ContentBlockDelta", ContentBlockDelta::MEMBERS.to_vec()),
        ("ContentBlockStart", ContentBlockStart::MEMBERS.to_vec()),
        ("ConverseOutput", ConverseOutput::MEMBERS.to_vec()),
        ("ConverseStreamOutput", stream_output),
        ("CountTokensInput", CountTokensInput::MEMBERS.to_vec()),
        (
            "DocumentContentBlock",
            DocumentContentBlock::MEMBERS.to_vec(),
        ),
        ("DocumentSource", DocumentSource::MEMBERS.to_vec()),
        (
            "GuardrailAutomatedReasoningFinding",
            GuardrailAutomatedReasoningFinding::MEMBERS.to_vec(),
        ),
        (
            "GuardrailConverseContentBlock",
            GuardrailConverseContentBlock::MEMBERS.to_vec(),
        ),
        (
            "GuardrailConverseImageSource",
            GuardrailConverseImageSource::MEMBERS.to_vec(),
        ),
        ("ImageSource", ImageSource::MEMBERS.to_vec()),
        (
            "OutputFormatStructure",
            OutputFormatStructure::MEMBERS.to_vec(),
        ),
        (
            "PromptVariableValues",
            PromptVariableValues::MEMBERS.to_vec(),
        ),
        (
            "ReasoningContentBlock",
            ReasoningContentBlock::MEMBERS.to_vec(),
        ),
        (
            "ReasoningContentBlockDelta",
            ReasoningContentBlockDelta::MEMBERS.to_vec(),
        ),
        ("SystemContentBlock", SystemContentBlock::MEMBERS.to_vec()),
        ("Tool", Tool::MEMBERS.to_vec()),
        ("ToolChoice", ToolChoice::MEMBERS.to_vec()),
        ("ToolInputSchema", ToolInputSchema::MEMBERS.to_vec()),
        (
            "ToolResultBlockDelta",
            ToolResultBlockDelta::MEMBERS.to_vec(),
        ),
        (
            "ToolResultContentBlock",
            ToolResultContentBlock::MEMBERS.to_vec(),
        ),
        ("VideoSource", VideoSource::MEMBERS.to_vec()),
    ])
}

/// String-enum shapes of the model and the values the Rust enum registers.
fn registered_enums() -> BTreeMap<&'static str, &'static [&'static str]> {
    BTreeMap::from([
        ("AudioFormat", AudioFormat::VALUES),
        ("CachePointType", CachePointType::VALUES),
        ("CacheTTL", CacheTtl::VALUES),
        ("ConversationRole", ConversationRole::VALUES),
        ("DocumentFormat", DocumentFormat::VALUES),
        (
            "GuardrailAutomatedReasoningLogicWarningType",
            GuardrailAutomatedReasoningLogicWarningType::VALUES,
        ),
        (
            "GuardrailContentFilterConfidence",
            GuardrailContentFilterConfidence::VALUES,
        ),
        (
            "GuardrailContentFilterStrength",
            GuardrailContentFilterStrength::VALUES,
        ),
        (
            "GuardrailContentFilterType",
            GuardrailContentFilterType::VALUES,
        ),
        (
            "GuardrailContentPolicyAction",
            GuardrailContentPolicyAction::VALUES,
        ),
        (
            "GuardrailContextualGroundingFilterType",
            GuardrailContextualGroundingFilterType::VALUES,
        ),
        (
            "GuardrailContextualGroundingPolicyAction",
            GuardrailContextualGroundingPolicyAction::VALUES,
        ),
        (
            "GuardrailConverseContentQualifier",
            GuardrailConverseContentQualifier::VALUES,
        ),
        (
            "GuardrailConverseImageFormat",
            GuardrailConverseImageFormat::VALUES,
        ),
        ("GuardrailManagedWordType", GuardrailManagedWordType::VALUES),
        ("GuardrailOrigin", GuardrailOrigin::VALUES),
        ("GuardrailOwnership", GuardrailOwnership::VALUES),
        ("GuardrailPiiEntityType", GuardrailPiiEntityType::VALUES),
        (
            "GuardrailSensitiveInformationPolicyAction",
            GuardrailSensitiveInformationPolicyAction::VALUES,
        ),
        (
            "GuardrailStreamProcessingMode",
            GuardrailStreamProcessingMode::VALUES,
        ),
        (
            "GuardrailTopicPolicyAction",
            GuardrailTopicPolicyAction::VALUES,
        ),
        ("GuardrailTopicType", GuardrailTopicType::VALUES),
        ("GuardrailTrace", GuardrailTrace::VALUES),
        (
            "GuardrailWordPolicyAction",
            GuardrailWordPolicyAction::VALUES,
        ),
        ("ImageFormat", ImageFormat::VALUES),
        ("OutputFormatType", OutputFormatType::VALUES),
        ("PerformanceConfigLatency", PerformanceConfigLatency::VALUES),
        ("ServiceTierType", ServiceTierType::VALUES),
        ("StopReason", StopReason::VALUES),
        ("ToolResultStatus", ToolResultStatus::VALUES),
        ("ToolUseType", ToolUseType::VALUES),
        ("VideoFormat", VideoFormat::VALUES),
    ])
}

/// Round-trips one model document for an error shape through its Rust exception type.
fn round_trip_error(shape: &str, document: &Value) {
    match shape {
        "AccessDeniedException" => round_trip::<AccessDeniedException>(shape, document),
        "InternalServerException" => round_trip::<InternalServerException>(shape, document),
        "ModelErrorException" => round_trip::<ModelErrorException>(shape, document),
        "ModelNotReadyException" => round_trip::<ModelNotReadyException>(shape, document),
        "ModelStreamErrorException" => round_trip::<ModelStreamErrorException>(shape, document),
        "ModelTimeoutException" => round_trip::<ModelTimeoutException>(shape, document),
        "ResourceNotFoundException" => round_trip::<ResourceNotFoundException>(shape, document),
        "ServiceUnavailableException" => round_trip::<ServiceUnavailableException>(shape, document),
        "ThrottlingException" => round_trip::<ThrottlingException>(shape, document),
        "ValidationException" => round_trip::<ValidationException>(shape, document),
        other => panic!("error shape {other} has no Rust counterpart"),
    }
}

#[test]
fn every_reachable_member_has_a_rust_counterpart() {
    let model = model();
    let reachable = model.reachable();
    let unions = registered_unions();
    let enums = registered_enums();

    // How many variants are needed for every union member and enum value to appear.
    let variants = reachable
        .iter()
        .map(|name| {
            let shape = model.shape(name);
            let members = model.members(name).len();
            let values = shape
                .get("enum")
                .and_then(Value::as_array)
                .map_or(0, Vec::len);
            members.max(values)
        })
        .max()
        .unwrap_or(1);

    let mut generator = Generator {
        model: &model,
        variant: 0,
        visited: BTreeSet::new(),
        members_emitted: BTreeSet::new(),
    };
    let mut documents = 0usize;
    for variant in 0..variants {
        generator.variant = variant;
        for op in OPERATIONS {
            let operation = &model.operations[op];
            let input = operation["input"]["shape"].as_str().expect("input");
            let output = operation["output"]["shape"].as_str().expect("output");
            let request = generator.generate(input, 0);
            match input {
                "ConverseRequest" => round_trip::<ConverseRequest>(input, &request),
                "ConverseStreamRequest" => round_trip::<ConverseStreamRequest>(input, &request),
                "CountTokensRequest" => round_trip::<CountTokensRequest>(input, &request),
                other => panic!("unexpected input {other}"),
            }
            documents += 1;
            match output {
                "ConverseResponse" => {
                    round_trip::<ConverseResponse>(output, &generator.generate(output, 0));
                    documents += 1;
                }
                "CountTokensResponse" => {
                    round_trip::<CountTokensResponse>(output, &generator.generate(output, 0));
                    documents += 1;
                }
                "ConverseStreamResponse" => {
                    // The stream: every event and exception, as a frame payload and as JSON.
                    generator.visited.insert(output.to_owned());
                    generator.visited.insert("ConverseStreamOutput".to_owned());
                    for (member, spec) in model.members("ConverseStreamOutput") {
                        let target = spec["shape"].as_str().expect("shape");
                        generator
                            .members_emitted
                            .insert(("ConverseStreamResponse".into(), "stream".into()));
                        generator
                            .members_emitted
                            .insert(("ConverseStreamOutput".into(), member.clone()));
                        let payload = generator.generate(target, 1);
                        let bytes = serde_json::to_vec(&payload).expect("payload");
                        let frame = if model.shape(target).get("exception").is_some() {
                            parse_stream_frame("exception", &member, &bytes)
                        } else {
                            parse_stream_frame("event", &member, &bytes)
                        }
                        .unwrap_or_else(|e| panic!("{member}: {e}"));
                        let (known, back) = match &frame {
                            StreamFrame::Event(e) => (!e.is_unknown(), e.to_payload()),
                            StreamFrame::Exception(e) => (!e.is_unknown(), e.to_payload()),
                            other => panic!("{member}: unexpected frame {other:?}"),
                        };
                        assert!(known, "stream member {member} fell into Unknown");
                        let back: Value = serde_json::from_slice(&back).expect("payload JSON");
                        assert_eq!(back, payload, "stream member {member} payload round trip");
                        let union = json!({ member.clone(): payload });
                        if model.shape(target).get("exception").is_some() {
                            round_trip::<ConverseStreamException>(&member, &union);
                        } else {
                            round_trip::<ConverseStreamEvent>(&member, &union);
                        }
                        documents += 1;
                    }
                }
                other => panic!("unexpected output {other}"),
            }
            for error in operation["errors"].as_array().into_iter().flatten() {
                let shape = error["shape"].as_str().expect("error shape");
                round_trip_error(shape, &generator.generate(shape, 0));
                documents += 1;
            }
        }
    }

    // Every reachable shape was generated (so every structure member was round-tripped).
    let not_generated: Vec<_> = reachable.difference(&generator.visited).collect();
    // Only URI labels may be skipped.
    for name in &not_generated {
        assert!(
            ["ConversationalModelId", "FoundationModelVersionIdentifier"].contains(&name.as_str()),
            "shape {name} was never exercised"
        );
    }

    // Unions: the Rust enum registers exactly the model's members.
    let mut union_members = 0;
    let mut structure_members = 0;
    let mut structures = 0;
    for name in &reachable {
        let shape = model.shape(name);
        if shape["type"] != "structure" || model.is_document(name) {
            continue;
        }
        let members: Vec<String> = model.members(name).into_iter().map(|(m, _)| m).collect();
        if model.is_union(name) || shape.get("eventstream").is_some() {
            let registered = unions
                .get(name.as_str())
                .unwrap_or_else(|| panic!("union {name} has no registered Rust enum"));
            let expected: BTreeSet<&str> = members.iter().map(String::as_str).collect();
            let actual: BTreeSet<&str> = registered.iter().copied().collect();
            assert_eq!(actual, expected, "members of union {name}");
            union_members += members.len();
        } else {
            structures += 1;
            for member in &members {
                let spec = &model.shape(name)["members"][member];
                assert!(
                    spec.get("location").is_some()
                        || generator
                            .members_emitted
                            .contains(&(name.clone(), member.clone())),
                    "member {name}.{member} never exercised"
                );
            }
            structure_members += members.len();
        }
    }

    // String enums: the Rust enum registers exactly the model's values, and parses each.
    let mut enum_values = 0;
    let mut enum_count = 0;
    for name in &reachable {
        let Some(values) = model.shape(name).get("enum").and_then(Value::as_array) else {
            continue;
        };
        let registered = enums
            .get(name.as_str())
            .unwrap_or_else(|| panic!("enum {name} has no registered Rust enum"));
        let expected: Vec<&str> = values
            .iter()
            .map(|v| v.as_str().expect("enum value"))
            .collect();
        assert_eq!(registered.to_vec(), expected, "values of enum {name}");
        enum_values += expected.len();
        enum_count += 1;
    }

    let union_count = reachable
        .iter()
        .filter(|n| model.is_union(n) || model.shape(n).get("eventstream").is_some())
        .count();
    println!(
        "coverage: {} reachable shapes; {structures} structures with {structure_members} members, \
         {union_count} unions with {union_members} members, {enum_count} string enums with \
         {enum_values} values: all have Rust counterparts; {documents} documents round-tripped",
        reachable.len()
    );
    assert_eq!(
        union_count,
        unions.len(),
        "registered unions that the model no longer reaches"
    );
}
