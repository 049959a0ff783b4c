//! The one CRC-32/ISO-HDLC function used by the codec.
//!
//! By default it is the `crc` crate's 16-table ("slice-by-16") implementation.
//! With the `crc32fast` feature it is `crc32fast`, which uses SIMD where the CPU
//! has it. Both compute the same function; a test compares them.
//!
//! The decoder never hashes a byte twice: the prelude CRC covers the first 8
//! bytes, and the message CRC carries on from it ([`crc32_continue`]).

/// The `crc` crate's CRC-32/ISO-HDLC with 16 lookup tables.
#[cfg(any(test, not(feature = "crc32fast")))]
static TABLE16: crc::Crc<u32, crc::Table<16>> =
    crc::Crc::<u32, crc::Table<16>>::new(&crc::CRC_32_ISO_HDLC);

/// CRC-32/ISO-HDLC of `data`.
#[inline]
pub(crate) fn crc32(data: &[u8]) -> u32 {
    crc32_continue(0, data)
}

/// CRC-32/ISO-HDLC of the first 8 bytes of a prelude.
#[inline]
pub(crate) fn crc32_prelude(bytes: &[u8; 8]) -> u32 {
    #[cfg(feature = "crc32fast")]
    {
        crc32fast::hash(bytes)
    }
    #[cfg(not(feature = "crc32fast"))]
    {
        // As in `table16_continue`: the 8 bytes at the end of a zero block,
        // the initial register XORed into their first 4, hashed from zero.
        let word = u64::from_le_bytes(*bytes) ^ 0xffff_ffff;
        let block = u128::from(word) << 64;
        let mut digest = TABLE16.digest_with_initial(0);
        digest.update(&block.to_le_bytes());
        digest.finalize()
    }
}

/// CRC-32/ISO-HDLC of `a ++ data`, given `crc = crc32(a)`.
#[inline]
pub(crate) fn crc32_continue(crc: u32, data: &[u8]) -> u32 {
    #[cfg(feature = "crc32fast")]
    {
        let mut hasher = crc32fast::Hasher::new_with_initial(crc);
        hasher.update(data);
        hasher.finalize()
    }
    #[cfg(not(feature = "crc32fast"))]
    {
        table16_continue(crc, data)
    }
}

/// [`crc32_continue`] with the `crc` crate's Table<16>.
///
/// The crate hashes 16-byte blocks, then the bytes left over one at a time, on
/// a serial chain of table lookups (about 1 ns a byte). So that nearly nothing
/// goes through that byte loop, the leading `len % 16` bytes, when there are 4
/// or more, are hashed as one block: the CRC is linear, so hashing them from
/// the running register equals hashing, from a zero register, a block of zeros
/// followed by those bytes with the register XORed into their first 4 (leading
/// zeros leave a zero register at zero). The rest is whole blocks.
#[cfg(any(test, not(feature = "crc32fast")))]
#[inline]
fn table16_continue(crc: u32, data: &[u8]) -> u32 {
    // The CRC register (before the final inversion) after the earlier bytes.
    let register = !crc;
    let head_len = data.len() % 16;
    let (Some(head), Some(rest)) = (data.get(..head_len), data.get(head_len..)) else {
        return crc; // unreachable: head_len <= data.len()
    };
    if head_len < 4 {
        // Up to 3 bytes through the byte loop, then whole blocks. (`crc`
        // bit-reverses the initial value of a reflected algorithm.)
        let mut digest = TABLE16.digest_with_initial(register.reverse_bits());
        digest.update(head);
        digest.update(rest);
        return digest.finalize();
    }
    // The head as a little-endian integer, loaded whole when 16 bytes are there.
    let word = match data.first_chunk::<16>() {
        Some(first) => u128::from_le_bytes(*first),
        None => head
            .iter()
            .rev()
            .fold(0u128, |acc, &b| (acc << 8) | u128::from(b)),
    };
    // Shifting left by the padding drops the bytes past the head.
    let block = (word ^ u128::from(register)) << ((16 - head_len) * 8);
    let mut digest = TABLE16.digest_with_initial(0);
    digest.update(&block.to_le_bytes());
    digest.update(rest);
    digest.finalize()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Always the `crc` crate used plainly, whatever the feature says.
    fn crc32_table16(data: &[u8]) -> u32 {
        TABLE16.checksum(data)
    }

    #[test]
    fn check_value() {
        // The catalogue check value of CRC-32/ISO-HDLC.
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
        assert_eq!(crc32_table16(b"123456789"), 0xCBF4_3926);
        assert_eq!(table16_continue(0, b"123456789"), 0xCBF4_3926);
        assert_eq!(crc32(b""), 0);
        assert_eq!(table16_continue(0, b""), 0);
    }

    #[test]
    fn prelude_crc_agrees() {
        for seed in 0..200u32 {
            let bytes: [u8; 8] =
                std::array::from_fn(|i| (seed.wrapping_mul(2_654_435_761) >> (i * 3)) as u8);
            assert_eq!(crc32_prelude(&bytes), crc32_table16(&bytes));
        }
    }

    #[test]
    fn every_short_split_agrees() {
        let data: Vec<u8> = (0..80u8).map(|i| i.wrapping_mul(37) ^ 0x5a).collect();
        for len in 0..=data.len() {
            for cut in 0..=len {
                let (a, b) = data[..len].split_at(cut);
                let expected = crc32_table16(&data[..len]);
                assert_eq!(table16_continue(crc32_table16(a), b), expected);
                assert_eq!(crc32_continue(crc32(a), b), expected);
            }
        }
    }

    proptest! {
        /// The active backend (crc32fast under the feature) agrees with the
        /// `crc` crate's Table<16> on random input of many lengths.
        #[test]
        fn backends_agree(data in proptest::collection::vec(any::<u8>(), 0..4096)) {
            prop_assert_eq!(crc32(&data), crc32_table16(&data));
            prop_assert_eq!(table16_continue(0, &data), crc32_table16(&data));
        }
    }

    proptest! {
        /// Carrying on from a CRC agrees with the one-shot function however
        /// the input is cut.
        #[test]
        fn continue_agrees(data in proptest::collection::vec(any::<u8>(), 0..1024), cut in any::<prop::sample::Index>()) {
            let cut = cut.index(data.len() + 1);
            let (a, b) = data.split_at(cut);
            prop_assert_eq!(crc32_continue(crc32(a), b), crc32_table16(&data));
            prop_assert_eq!(table16_continue(crc32_table16(a), b), crc32_table16(&data));
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
