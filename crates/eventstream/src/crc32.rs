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

    #[cfg(feature = "crc32fast")]
    #[test]
    fn crc32fast_branch_is_active() {
        let data: Vec<u8> = (0..=255u8).cycle().take(100_000).collect();
        assert_eq!(crc32(&data), crc32fast::hash(&data));
        assert_eq!(crc32(&data), crc32_table16(&data));
    }
}
