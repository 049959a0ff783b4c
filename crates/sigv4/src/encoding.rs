//! Percent-encoding, form decoding and hex helpers shared by the canonicalizers.

const HEX_UPPER: &[u8; 16] = b"0123456789ABCDEF";

fn push_percent(out: &mut String, b: u8) {
    out.push('%');
    out.push(char::from(HEX_UPPER[usize::from(b >> 4)]));
    out.push(char::from(HEX_UPPER[usize::from(b & 0x0f)]));
}

/// Appends `s` with every byte that `keep` rejects written as `%XX` (upper-case hex).
///
/// `keep` must only accept ASCII bytes, so runs of kept bytes always end on char boundaries.
fn push_encoded_with(out: &mut String, s: &str, keep: impl Fn(u8) -> bool) {
    let bytes = s.as_bytes();
    let mut start = 0;
    // Copy each run that needs no encoding in one go. Runs are ASCII, so they start and
    // end on char boundaries; an empty run inside a multi-byte char is skipped.
    while let Some(offset) = bytes
        .get(start..)
        .and_then(|rest| rest.iter().position(|&b| !keep(b)))
    {
        let i = start + offset;
        if let Some(run) = s.get(start..i) {
            out.push_str(run);
        }
        if let Some(&b) = bytes.get(i) {
            push_percent(out, b);
        }
        start = i + 1;
    }
    if let Some(run) = s.get(start..) {
        out.push_str(run);
    }
}

const fn unreserved_table(keep_slash: bool) -> [bool; 256] {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        table[b] = c.is_ascii_alphanumeric()
            || c == b'-'
            || c == b'.'
            || c == b'_'
            || c == b'~'
            || (keep_slash && c == b'/');
        b += 1;
    }
    table
}

static UNRESERVED: [bool; 256] = unreserved_table(false);
static UNRESERVED_OR_SLASH: [bool; 256] = unreserved_table(true);

/// SigV4 `UriEncode`: everything but unreserved characters is encoded.
pub(crate) fn push_uri_encoded(out: &mut String, s: &str) {
    push_encoded_with(out, s, |b| UNRESERVED[usize::from(b)]);
}

/// SigV4 `UriEncode` of a path: like [`push_uri_encoded`] but `/` is kept.
pub(crate) fn push_path_encoded(out: &mut String, s: &str) {
    push_encoded_with(out, s, |b| UNRESERVED_OR_SLASH[usize::from(b)]);
}

/// Single-encoding mode: the path is already encoded as sent, so only bytes that cannot
/// appear on the wire (space, controls, non-ASCII) are encoded.
pub(crate) fn push_path_as_sent(out: &mut String, s: &str) {
    push_encoded_with(out, s, |b| b.is_ascii_graphic());
}

/// Lower-case hex of four bytes: eight ASCII digits, big-endian in a `u64` (SWAR).
fn hex8(chunk: u32) -> u64 {
    const LOW_NIBBLES: u64 = 0x000F_000F_000F_000F;
    let x = u64::from(chunk);
    // Spread the four bytes into the low byte of four 16-bit lanes...
    let x = (x | (x << 16)) & 0x0000_FFFF_0000_FFFF;
    let x = (x | (x << 8)) & 0x00FF_00FF_00FF_00FF;
    // ...then each lane holds (high nibble, low nibble), one per byte.
    let nibbles = (((x >> 4) & LOW_NIBBLES) << 8) | (x & LOW_NIBBLES);
    // 1 in every byte whose nibble is 10 or more: those become letters.
    let letters = ((nibbles + 0x0606_0606_0606_0606) >> 4) & 0x0101_0101_0101_0101;
    nibbles + 0x3030_3030_3030_3030 + letters * u64::from(b'a' - b'0' - 10)
}

/// Writes `bytes` as lower-case hex into a fixed buffer (for 32-byte digests).
pub(crate) fn hex32(bytes: &[u8]) -> [u8; 64] {
    let mut out = [b'0'; 64];
    for (digits, chunk) in out.chunks_exact_mut(8).zip(bytes.chunks_exact(4)) {
        if let Ok(chunk) = <[u8; 4]>::try_from(chunk) {
            digits.copy_from_slice(&hex8(u32::from_be_bytes(chunk)).to_be_bytes());
        }
    }
    out
}

fn hex_value(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// Decodes one `application/x-www-form-urlencoded` component into `buf`: `+` is a space and
/// `%XX` is a byte; a `%` not followed by two hex digits stays as it is.
pub(crate) fn form_decode_into(s: &str, buf: &mut Vec<u8>) {
    buf.clear();
    let bytes = s.as_bytes();
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        match b {
            b'+' => {
                buf.push(b' ');
                i += 1;
            }
            b'%' => {
                let hi = bytes.get(i + 1).copied().and_then(hex_value);
                let lo = bytes.get(i + 2).copied().and_then(hex_value);
                if let (Some(hi), Some(lo)) = (hi, lo) {
                    buf.push(hi << 4 | lo);
                    i += 3;
                } else {
                    buf.push(b'%');
                    i += 1;
                }
            }
            _ => {
                buf.push(b);
                i += 1;
            }
        }
    }
}

/// Whether a form component decodes to itself.
pub(crate) fn form_is_plain(s: &str) -> bool {
    !s.bytes().any(|b| b == b'+' || b == b'%')
}

/// The RFC 9110 `tchar` set, as a byte table (also the base of header-name classification).
pub(crate) const fn tchar_table() -> [bool; 256] {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        table[b] = c.is_ascii_alphanumeric()
            || matches!(
                c,
                b'!' | b'#'
                    | b'$'
                    | b'%'
                    | b'&'
                    | b'\''
                    | b'*'
                    | b'+'
                    | b'-'
                    | b'.'
                    | b'^'
                    | b'_'
                    | b'`'
                    | b'|'
                    | b'~'
            );
        b += 1;
    }
    table
}

static TCHAR: [bool; 256] = tchar_table();

/// RFC 9110 `token`: one or more `tchar`.
pub(crate) fn is_token(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| TCHAR[usize::from(b)])
}

/// Appends `bytes` as lower-case hex.
pub(crate) fn push_hex32(out: &mut String, digest: &[u8]) {
    let hex = hex32(digest);
    out.push_str(std::str::from_utf8(&hex).unwrap_or_default());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uri_encoding() {
        let mut s = String::new();
        push_uri_encoded(&mut s, "a b/c:d%e~f\u{1234}+");
        assert_eq!(s, "a%20b%2Fc%3Ad%25e~f%E1%88%B4%2B");
        s.clear();
        push_path_encoded(&mut s, "/model/x-v1%3A0/converse");
        assert_eq!(s, "/model/x-v1%253A0/converse");
        s.clear();
        push_path_as_sent(&mut s, "/a b/%3A:\u{e9}");
        assert_eq!(s, "/a%20b/%3A:%C3%A9");
        s.clear();
        push_uri_encoded(&mut s, "\u{e9}x\u{1234}\u{e9}yz");
        assert_eq!(s, "%C3%A9x%E1%88%B4%C3%A9yz");
    }

    #[test]
    fn form_decoding() {
        let mut buf = Vec::new();
        form_decode_into("a+b%20c%2B%zz%4", &mut buf);
        assert_eq!(buf, b"a b c+%zz%4");
        assert!(form_is_plain("abc=~"));
        assert!(!form_is_plain("a+b"));
    }

    #[test]
    fn hex() {
        let h = hex32(&[0xab; 32]);
        assert_eq!(&h[..4], b"abab");
        let bytes: Vec<u8> = (0..=255u8).collect();
        for chunk in bytes.chunks(32) {
            let expected: String = chunk.iter().map(|b| format!("{b:02x}")).collect();
            assert_eq!(std::str::from_utf8(&hex32(chunk)).unwrap(), expected);
        }
    }

    #[test]
    fn tokens_and_case() {
        assert!(is_token("X-Amz-Date"));
        assert!(!is_token(""));
        assert!(!is_token("a b"));
        assert!(!is_token("a:b"));
        assert!(is_token("!#$%&'*+-.^_`|~09azAZ"));
        assert!(!is_token("\u{e9}"));
        let mut s = String::new();
        push_hex32(&mut s, &[0xab; 32]);
        assert_eq!(s, "ab".repeat(32));
    }
}
