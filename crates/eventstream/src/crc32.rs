//! The one CRC-32/ISO-HDLC function used by the codec.
//!
//! By default it is the `crc` crate's 16-table ("slice-by-16") implementation.
//! With the `crc32fast` feature it is `crc32fast`, which uses SIMD where the CPU
//! has it. Both compute the same function; a test compares them.

/// The `crc` crate's CRC-32/ISO-HDLC with 16 lookup tables.
#[cfg(any(test, not(feature = "crc32fast")))]
static TABLE16: crc::Crc<u32, crc::Table<16>> =
    crc::Crc::<u32, crc::Table<16>>::new(&crc::CRC_32_ISO_HDLC);

/// CRC-32/ISO-HDLC of `data`.
#[inline]
pub(crate) fn crc32(data: &[u8]) -> u32 {
    #[cfg(feature = "crc32fast")]
    {
        crc32fast::hash(data)
    }
    #[cfg(not(feature = "crc32fast"))]
    {
        TABLE16.checksum(data)
    }
}

/// An incremental CRC-32/ISO-HDLC, so that the message CRC can carry on from
/// the prelude's first 8 bytes instead of hashing them again.
#[derive(Clone)]
pub(crate) struct Hasher {
    #[cfg(feature = "crc32fast")]
    inner: crc32fast::Hasher,
    #[cfg(not(feature = "crc32fast"))]
    inner: crc::Digest<'static, u32, crc::Table<16>>,
}

impl Hasher {
    #[inline]
    pub(crate) fn new() -> Self {
        Hasher {
            #[cfg(feature = "crc32fast")]
            inner: crc32fast::Hasher::new(),
            #[cfg(not(feature = "crc32fast"))]
            inner: TABLE16.digest(),
        }
    }

    #[inline]
    pub(crate) fn update(&mut self, data: &[u8]) {
        self.inner.update(data);
    }

    /// The CRC of everything so far.
    #[inline]
    pub(crate) fn value(&self) -> u32 {
        self.inner.clone().finalize()
    }
}

impl std::fmt::Debug for Hasher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Hasher")
            .field("value", &self.value())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Always the `crc` crate, whatever the feature says.
    fn crc32_table16(data: &[u8]) -> u32 {
        TABLE16.checksum(data)
    }

    #[test]
    fn check_value() {
        // The catalogue check value of CRC-32/ISO-HDLC.
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
        assert_eq!(crc32_table16(b"123456789"), 0xCBF4_3926);
        assert_eq!(crc32(b""), 0);
    }

    proptest! {
        /// The active backend (crc32fast under the feature) agrees with the
        /// `crc` crate's Table<16> on random input of many lengths.
        #[test]
        fn backends_agree(data in proptest::collection::vec(any::<u8>(), 0..4096)) {
            prop_assert_eq!(crc32(&data), crc32_table16(&data));
        }
    }

    proptest! {
        /// The incremental hasher agrees with the one-shot function however
        /// the input is cut.
        #[test]
        fn hasher_agrees(data in proptest::collection::vec(any::<u8>(), 0..1024), cut in any::<prop::sample::Index>()) {
            let cut = cut.index(data.len() + 1);
            let (a, b) = data.split_at(cut);
            let mut hasher = Hasher::new();
            hasher.update(a);
            prop_assert_eq!(hasher.value(), crc32(a));
            hasher.update(b);
            prop_assert_eq!(hasher.value(), crc32(&data));
        }
    }

    #[cfg(feature = "crc32fast")]
    #[test]
    fn crc32fast_branch_is_active() {
        let data: Vec<u8> = (0..=255u8).cycle().take(100_000).collect();
        assert_eq!(crc32(&data), crc32fast::hash(&data));
        assert_eq!(crc32(&data), crc32_table16(&data));
    }
}
