//! Parsing of incomplete JSON, for streaming partial objects.

use serde_json::Value;

/// Parses the longest meaningful value out of a JSON prefix.
///
/// Open strings, arrays and objects are closed; a dangling key, comma or an
/// incomplete literal is dropped. Returns `None` when nothing usable has
/// arrived yet. Numbers at the very end may still grow in later prefixes.
///
/// # Examples
///
/// ```
/// use goai_core::parse_partial_json;
/// use serde_json::json;
/// assert_eq!(parse_partial_json(r#"{"name": "Ad"#), Some(json!({"name": "Ad"})));
/// assert_eq!(parse_partial_json(r#"{"tags": ["a", "b"#), Some(json!({"tags": ["a", "b"]})));
/// assert_eq!(parse_partial_json(r#"{"ok": tr"#), Some(json!({})));
/// assert_eq!(parse_partial_json(""), None);
/// ```
pub fn parse_partial_json(input: &str) -> Option<Value> {
    let s = input.trim();
    if s.is_empty() {
        return None;
    }
    if let Ok(v) = serde_json::from_str(s) {
        return Some(v);
    }
    let mut stack: Vec<u8> = Vec::new();
    let (mut in_string, mut escape) = (false, false);
    // The last prefix length that ends at a value boundary, with its open containers.
    let mut safe: Option<(usize, Vec<u8>)> = None;
    for (i, b) in s.bytes().enumerate() {
        if in_string {
            if escape {
                escape = false;
            } else if b == b'\\' {
                escape = true;
            } else if b == b'"' {
                in_string = false;
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'{' | b'[' => {
                stack.push(b);
                safe = Some((i + 1, stack.clone()));
            }
            b'}' | b']' => {
                stack.pop();
                safe = Some((i + 1, stack.clone()));
            }
            b',' => safe = Some((i, stack.clone())),
            _ => {}
        }
    }
    let mut candidate = s.to_owned();
    if in_string {
        if escape {
            candidate.pop();
        }
        candidate.push('"');
    }
    close(&mut candidate, &stack);
    if let Ok(v) = serde_json::from_str(&candidate) {
        return Some(v);
    }
    let (pos, open) = safe?;
    let mut cut = s.get(..pos)?.to_owned();
    close(&mut cut, &open);
    serde_json::from_str(&cut).ok()
}

fn close(s: &mut String, open: &[u8]) {
    for b in open.iter().rev() {
        s.push(if *b == b'{' { '}' } else { ']' });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::json;

    #[test]
    fn prefixes() {
        assert_eq!(parse_partial_json(r#"{"a": 1, "b"#), Some(json!({"a": 1})));
        assert_eq!(parse_partial_json(r#"{"a": 1,"#), Some(json!({"a": 1})));
        assert_eq!(parse_partial_json(r#"{"a":"#), Some(json!({})));
        assert_eq!(parse_partial_json(r#"{"a": "x\"#), Some(json!({"a": "x"})));
        assert_eq!(
            parse_partial_json(r#"{"a": [{"b": 1}, {"c"#),
            Some(json!({"a": [{"b": 1}, {}]}))
        );
        assert_eq!(
            parse_partial_json(r#"{"a": [{"b": 1}, "c"#),
            Some(json!({"a": [{"b": 1}, "c"]}))
        );
        assert_eq!(
            parse_partial_json(r#"{"a": [1, tr"#),
            Some(json!({"a": [1]}))
        );
        assert_eq!(
            parse_partial_json(r#"{"a": [{"b": 1}, {"#),
            Some(json!({"a": [{"b": 1}, {}]}))
        );
        assert_eq!(parse_partial_json(r#"{"é": "ü"#), Some(json!({"é": "ü"})));
        assert_eq!(parse_partial_json("nul"), None);
    }

    fn arb_json() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i32>().prop_map(|n| json!(n)),
            "[a-zé\"\\\\ ]{0,8}".prop_map(Value::String),
        ];
        leaf.prop_recursive(3, 24, 4, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
                prop::collection::btree_map("[a-z]{1,4}", inner, 0..4)
                    .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
    }

    proptest! {
        #[test]
        fn every_prefix_is_safe_and_the_whole_is_exact(v in arb_json()) {
            let text = serde_json::to_string(&v).unwrap();
            for (i, _) in text.char_indices() {
                let _ = parse_partial_json(&text[..i]);
            }
            prop_assert_eq!(parse_partial_json(&text), Some(v));
        }

        #[test]
        fn object_prefixes_stay_objects(v in prop::collection::btree_map("[a-z]{1,4}", arb_json(), 1..4)) {
            let text = serde_json::to_string(&v).unwrap();
            for (i, _) in text.char_indices().skip(1) {
                let partial = parse_partial_json(&text[..i]);
                prop_assert!(partial.as_ref().is_some_and(Value::is_object), "{:?} -> {:?}", &text[..i], partial);
            }
        }
    }
}
