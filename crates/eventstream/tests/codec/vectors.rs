//! Public test vectors in `tests/data/`, built from the frame layout.
//!
//! The `.bin` files are assembled here byte by byte from the layout, with the
//! `crc` crate's plain CRC-32/ISO-HDLC (not the codec's own CRC function), and
//! the expected `.json` is written from the same specification, not from the
//! decoder. `vectors_on_disk_match_the_layout` checks that the files on disk are
//! exactly these bytes; run it with `EVENTSTREAM_WRITE_VECTORS=1` to rewrite
//! them. See `tests/data/README.md`.

use std::path::PathBuf;

use bytes::BytesMut;
use eventstream::{Decoder, Error};
use serde_json::{Value, json};

use crate::json::message_to_json;
use crate::support::decode_all;

const CRC: crc::Crc<u32> = crc::Crc::<u32>::new(&crc::CRC_32_ISO_HDLC);

/// One header value as the layout describes it.
enum V {
    True,
    False,
    Byte(i8),
    Int16(i16),
    Int32(i32),
    Int64(i64),
    Bytes(&'static [u8]),
    Str(&'static str),
    Timestamp(i64),
    Uuid([u8; 16]),
}

impl V {
    /// Type byte and value bytes.
    fn wire(&self) -> (u8, Vec<u8>) {
        match self {
            V::True => (0, vec![]),
            V::False => (1, vec![]),
            V::Byte(v) => (2, v.to_be_bytes().to_vec()),
            V::Int16(v) => (3, v.to_be_bytes().to_vec()),
            V::Int32(v) => (4, v.to_be_bytes().to_vec()),
            V::Int64(v) => (5, v.to_be_bytes().to_vec()),
            V::Bytes(v) => (6, [&(v.len() as u16).to_be_bytes()[..], v].concat()),
            V::Str(v) => (
                7,
                [&(v.len() as u16).to_be_bytes()[..], v.as_bytes()].concat(),
            ),
            V::Timestamp(v) => (8, v.to_be_bytes().to_vec()),
            V::Uuid(v) => (9, v.to_vec()),
        }
    }

    /// `type` and `value` in the `decode` example's JSON.
    fn json(&self) -> (&'static str, Value) {
        match self {
            V::True => ("bool", json!(true)),
            V::False => ("bool", json!(false)),
            V::Byte(v) => ("byte", json!(v)),
            V::Int16(v) => ("int16", json!(v)),
            V::Int32(v) => ("int32", json!(v)),
            V::Int64(v) => ("int64", json!(v)),
            V::Bytes(v) => ("bytes", json!(base64(v))),
            V::Str(v) => ("string", json!(v)),
            V::Timestamp(v) => ("timestamp", json!(v)),
            V::Uuid(v) => (
                "uuid",
                json!(v.iter().map(|b| format!("{b:02x}")).collect::<String>()),
            ),
        }
    }
}

fn base64(bytes: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// A frame assembled from the layout.
fn frame(headers: &[(&str, V)], payload: &[u8]) -> Vec<u8> {
    let mut header_bytes = Vec::new();
    for (name, value) in headers {
        header_bytes.push(name.len() as u8);
        header_bytes.extend_from_slice(name.as_bytes());
        let (type_byte, value_bytes) = value.wire();
        header_bytes.push(type_byte);
        header_bytes.extend_from_slice(&value_bytes);
    }
    let total = 4 + 4 + 4 + header_bytes.len() + payload.len() + 4;
    let mut f = Vec::with_capacity(total);
    f.extend_from_slice(&(total as u32).to_be_bytes());
    f.extend_from_slice(&(header_bytes.len() as u32).to_be_bytes());
    let prelude_crc = CRC.checksum(&f);
    f.extend_from_slice(&prelude_crc.to_be_bytes());
    f.extend_from_slice(&header_bytes);
    f.extend_from_slice(payload);
    let message_crc = CRC.checksum(&f);
    f.extend_from_slice(&message_crc.to_be_bytes());
    f
}

/// The expected JSON line for a frame.
fn expected_json(headers: &[(&str, V)], payload: &[u8]) -> Value {
    let headers: Vec<Value> = headers
        .iter()
        .map(|(name, value)| {
            let (ty, v) = value.json();
            json!({"name": name, "type": ty, "value": v})
        })
        .collect();
    json!({"headers": headers, "payload": base64(payload)})
}

const PAYLOAD: &[u8] = b"{'foo':'bar'}";

fn one_string_header() -> Vec<(&'static str, V)> {
    vec![("content-type", V::Str("application/json"))]
}

fn all_header_types() -> Vec<(&'static str, V)> {
    vec![
        ("event-type", V::Int32(0x0000_A00C)),
        ("content-type", V::Str("application/json")),
        ("bool false", V::False),
        ("bool true", V::True),
        ("byte", V::Byte(-49)),
        ("byte buf", V::Bytes(b"I'm a little teapot!\x00\xff")),
        ("timestamp", V::Timestamp(8_675_309)),
        ("int16", V::Int16(-42)),
        ("int64", V::Int64(0x7FFF_FFFF_FFFF_FFF0)),
        (
            "uuid",
            V::Uuid(*b"\xb7\x9b\xc9\x14\xde\x21\x4e\x13\xb8\xb2\xbc\x47\xe8\x5b\x7f\x0b"),
        ),
        ("utf-8 string", V::Str("héllo, wörld ✓")),
    ]
}

/// Headers as the layout describes them, in order.
type Headers = Vec<(&'static str, V)>;

/// Positive vectors: name, frame bytes, expected JSON.
fn positives() -> Vec<(&'static str, Vec<u8>, Value)> {
    let cases: Vec<(&str, Headers, &[u8])> = vec![
        ("empty_message", vec![], b""),
        ("payload_no_headers", vec![], PAYLOAD),
        ("one_string_header", one_string_header(), PAYLOAD),
        (
            "int32_header",
            vec![("event-type", V::Int32(0x0000_A00C))],
            PAYLOAD,
        ),
        ("all_header_types", all_header_types(), PAYLOAD),
    ];
    cases
        .into_iter()
        .map(|(name, headers, payload)| {
            (
                name,
                frame(&headers, payload),
                expected_json(&headers, payload),
            )
        })
        .collect()
}

/// What a negative vector must fail with.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Kind {
    PreludeCrc,
    MessageCrc,
    DuplicateHeader,
    UnknownHeaderType,
    UnexpectedEof,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::PreludeCrc => "PreludeCrcMismatch",
            Kind::MessageCrc => "MessageCrcMismatch",
            Kind::DuplicateHeader => "DuplicateHeader",
            Kind::UnknownHeaderType => "UnknownHeaderType",
            Kind::UnexpectedEof => "UnexpectedEof",
        }
    }

    fn matches(self, error: &Error) -> bool {
        matches!(
            (self, error),
            (Kind::PreludeCrc, Error::PreludeCrcMismatch { .. })
                | (Kind::MessageCrc, Error::MessageCrcMismatch { .. })
                | (Kind::DuplicateHeader, Error::DuplicateHeader { .. })
                | (Kind::UnknownHeaderType, Error::UnknownHeaderType { .. })
                | (Kind::UnexpectedEof, Error::UnexpectedEof { .. })
        )
    }
}

/// Negative vectors: name, frame bytes, expected error kind.
fn negatives() -> Vec<(&'static str, Vec<u8>, Kind)> {
    let base = frame(&one_string_header(), PAYLOAD);
    let flip = |at: usize, mask: u8| {
        let mut f = base.clone();
        f[at] ^= mask;
        f
    };
    let headers_len = 1 + "content-type".len() + 1 + 2 + "application/json".len();
    let mut unknown_type = frame(&[("x", V::True)], b"");
    // Set the type byte to 10 and fix both CRCs, so only the type is wrong.
    unknown_type[14] = 10;
    let n = unknown_type.len();
    let crc = CRC.checksum(&unknown_type[..n - 4]);
    unknown_type[n - 4..].copy_from_slice(&crc.to_be_bytes());
    vec![
        // total_length changed: the prelude CRC no longer matches.
        ("corrupted_prelude_length", flip(3, 0x01), Kind::PreludeCrc),
        // headers_length changed: the prelude CRC no longer matches.
        ("corrupted_header_length", flip(7, 0x01), Kind::PreludeCrc),
        // A byte of a header value changed: the message CRC no longer matches.
        (
            "corrupted_headers",
            flip(12 + headers_len - 3, 0x20),
            Kind::MessageCrc,
        ),
        // A payload byte changed: the message CRC no longer matches.
        (
            "corrupted_payload",
            flip(12 + headers_len + 2, 0x01),
            Kind::MessageCrc,
        ),
        (
            "duplicate_header",
            frame(&[("a", V::True), ("b", V::Byte(1)), ("a", V::False)], b""),
            Kind::DuplicateHeader,
        ),
        ("unknown_header_type", unknown_type, Kind::UnknownHeaderType),
        (
            "truncated_frame",
            base[..base.len() - 1].to_vec(),
            Kind::UnexpectedEof,
        ),
    ]
}

fn data_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data")
}

fn write_vectors() {
    let dir = data_dir();
    std::fs::create_dir_all(dir.join("positive")).unwrap();
    std::fs::create_dir_all(dir.join("negative")).unwrap();
    for (name, bytes, json) in positives() {
        std::fs::write(dir.join(format!("positive/{name}.bin")), bytes).unwrap();
        std::fs::write(
            dir.join(format!("positive/{name}.json")),
            format!("{json}\n"),
        )
        .unwrap();
    }
    for (name, bytes, kind) in negatives() {
        std::fs::write(dir.join(format!("negative/{name}.bin")), bytes).unwrap();
        std::fs::write(
            dir.join(format!("negative/{name}.error")),
            format!("{}\n", kind.name()),
        )
        .unwrap();
    }
}

fn read(path: &str) -> Vec<u8> {
    let path = data_dir().join(path);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn vectors_on_disk_match_the_layout() {
    if std::env::var_os("EVENTSTREAM_WRITE_VECTORS").is_some() {
        write_vectors();
    }
    for (name, bytes, json) in positives() {
        assert_eq!(read(&format!("positive/{name}.bin")), bytes, "{name}.bin");
        let on_disk = String::from_utf8(read(&format!("positive/{name}.json"))).unwrap();
        assert_eq!(on_disk, format!("{json}\n"), "{name}.json");
    }
    for (name, bytes, kind) in negatives() {
        assert_eq!(read(&format!("negative/{name}.bin")), bytes, "{name}.bin");
        let on_disk = String::from_utf8(read(&format!("negative/{name}.error"))).unwrap();
        assert_eq!(on_disk.trim(), kind.name(), "{name}.error");
    }
}

#[test]
fn positive_vectors_decode_to_the_expected_json() {
    for (name, _, _) in positives() {
        let bytes = read(&format!("positive/{name}.bin"));
        let expected: Value =
            serde_json::from_slice(&read(&format!("positive/{name}.json"))).unwrap();
        let messages = decode_all(&bytes).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(messages.len(), 1, "{name}");
        assert_eq!(message_to_json(&messages[0]), expected, "{name}");
        // The output line is exactly the file's line (key order included).
        let line = format!("{}\n", message_to_json(&messages[0]));
        assert_eq!(
            line.as_bytes(),
            &read(&format!("positive/{name}.json"))[..],
            "{name}"
        );
    }
}

#[test]
fn positive_vectors_reencode_byte_identically() {
    for (name, _, _) in positives() {
        let bytes = read(&format!("positive/{name}.bin"));
        let messages = decode_all(&bytes).unwrap();
        let mut out = BytesMut::new();
        messages[0].encode_to(&mut out).unwrap();
        assert_eq!(&out[..], &bytes[..], "{name}");
    }
}

#[test]
fn positive_vectors_concatenated_decode_in_order() {
    let mut wire = Vec::new();
    let mut expected = Vec::new();
    for (name, _, _) in positives() {
        wire.extend_from_slice(&read(&format!("positive/{name}.bin")));
        expected.push(
            serde_json::from_slice::<Value>(&read(&format!("positive/{name}.json"))).unwrap(),
        );
    }
    let got: Vec<Value> = decode_all(&wire)
        .unwrap()
        .iter()
        .map(message_to_json)
        .collect();
    assert_eq!(got, expected);
}

#[test]
fn negative_vectors_fail_with_the_right_kind() {
    for (name, _, _) in negatives() {
        let bytes = read(&format!("negative/{name}.bin"));
        let kind_name = String::from_utf8(read(&format!("negative/{name}.error"))).unwrap();
        let kind = [
            Kind::PreludeCrc,
            Kind::MessageCrc,
            Kind::DuplicateHeader,
            Kind::UnknownHeaderType,
            Kind::UnexpectedEof,
        ]
        .into_iter()
        .find(|k| k.name() == kind_name.trim())
        .unwrap_or_else(|| panic!("{name}: unknown kind {kind_name}"));
        let error = decode_all(&bytes).expect_err(name);
        assert!(
            kind.matches(&error),
            "{name}: expected {kind:?}, got {error:?}"
        );
        // The same error whatever the split.
        for cut in 1..bytes.len() {
            let (messages, split_error) = crate::support::decode_split(&bytes, &[cut]);
            assert!(messages.is_empty(), "{name} cut at {cut}");
            assert_eq!(split_error.as_ref(), Some(&error), "{name} cut at {cut}");
        }
    }
}

#[test]
fn prelude_corruption_is_caught_before_the_body_arrives() {
    for (name, bytes, kind) in negatives() {
        if kind != Kind::PreludeCrc {
            continue;
        }
        let mut buf = BytesMut::from(&bytes[..12]);
        let error = Decoder::new().decode(&mut buf).expect_err(name);
        assert!(kind.matches(&error), "{name}: {error:?}");
    }
}
