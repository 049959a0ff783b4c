//! Deterministic hashing and ids.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

/// 64-bit FNV-1a.
pub(crate) fn fnv1a(bytes: &[u8]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in bytes {
        hash ^= u64::from(*byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    hash
}

/// The SplitMix64 step: a well-mixed pseudo-random sequence from a seed.
pub(crate) fn splitmix64(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

static REQUEST_COUNTER: AtomicU64 = AtomicU64::new(0);

/// A fresh request id shaped like a UUID (`8-4-4-4-12` lower-case hex).
pub(crate) fn request_id() -> String {
    let n = REQUEST_COUNTER.fetch_add(1, Ordering::Relaxed);
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_nanos() as u64)
        .unwrap_or_default();
    let mut state = nanos ^ n.rotate_left(32) ^ u64::from(std::process::id());
    let hi = splitmix64(&mut state);
    let lo = splitmix64(&mut state);
    // Set the version (4) and variant bits like a random UUID.
    let hi = (hi & 0xffff_ffff_ffff_0fff) | 0x0000_0000_0000_4000;
    let lo = (lo & 0x3fff_ffff_ffff_ffff) | 0x8000_0000_0000_0000;
    format!(
        "{:08x}-{:04x}-{:04x}-{:04x}-{:012x}",
        hi >> 32,
        (hi >> 16) & 0xffff,
        hi & 0xffff,
        lo >> 48,
        lo & 0xffff_ffff_ffff
    )
}

const BASE62: &[u8; 62] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/// A deterministic id like Bedrock's `tooluse_kZJMlvQmRJ6eAyJE5GIl7Q`.
pub(crate) fn tool_use_id(seed: &[u8]) -> String {
    let mut state = fnv1a(seed);
    let mut id = String::from("tooluse_");
    let mut bits = splitmix64(&mut state);
    for i in 0..22 {
        if i == 10 {
            bits = splitmix64(&mut state);
        }
        let index = (bits % 62) as usize;
        bits /= 62;
        id.push(char::from(BASE62.get(index).copied().unwrap_or(b'A')));
    }
    id
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_ids_look_like_uuids() {
        let a = request_id();
        let b = request_id();
        assert_ne!(a, b);
        assert_eq!(a.len(), 36);
        assert_eq!(a.matches('-').count(), 4);
    }

    #[test]
    fn tool_use_ids_are_deterministic() {
        let a = tool_use_id(b"seed");
        assert_eq!(a, tool_use_id(b"seed"));
        assert_ne!(a, tool_use_id(b"other"));
        assert_eq!(a.len(), "tooluse_".len() + 22);
    }
}
