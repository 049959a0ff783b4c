//! Split invariance: however the bytes are cut, the same messages come out.

use proptest::collection::vec;
use proptest::prelude::*;

use crate::support::{decode_all, decode_split, encode_all, message};

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Random messages, encoded back to back, cut at random points.
    #[test]
    fn random_splits_give_the_same_messages(
        messages in vec(message(), 0..6),
        mut cuts in vec(any::<prop::sample::Index>(), 0..12),
    ) {
        let wire = encode_all(&messages);
        let mut cuts: Vec<usize> = cuts.drain(..).map(|i| i.index(wire.len() + 1)).collect();
        cuts.sort_unstable();
        let (decoded, error) = decode_split(&wire, &cuts);
        prop_assert_eq!(error, None);
        prop_assert_eq!(&decoded, &messages);
        prop_assert_eq!(decode_all(&wire).unwrap(), messages);
    }

    /// One byte at a time.
    #[test]
    fn byte_at_a_time_gives_the_same_messages(messages in vec(message(), 0..4)) {
        let wire = encode_all(&messages);
        let cuts: Vec<usize> = (1..wire.len()).collect();
        let (decoded, error) = decode_split(&wire, &cuts);
        prop_assert_eq!(error, None);
        prop_assert_eq!(decoded, messages);
    }

    /// Damaged input gives the same messages and the same error, however split.
    #[test]
    fn damaged_input_fails_the_same_way_for_every_split(
        messages in vec(message(), 1..4),
        at in any::<prop::sample::Index>(),
        mask in 1u8..,
        cut in any::<prop::sample::Index>(),
    ) {
        let mut wire = encode_all(&messages).to_vec();
        let at = at.index(wire.len());
        wire[at] ^= mask;
        let whole = decode_split(&wire, &[]);
        prop_assert!(whole.1.is_some(), "a flipped bit must be detected");
        let cut = cut.index(wire.len() + 1);
        prop_assert_eq!(decode_split(&wire, &[cut]), whole.clone());
        let every: Vec<usize> = (1..wire.len()).collect();
        prop_assert_eq!(decode_split(&wire, &every), whole);
    }
}

#[test]
fn every_chunk_size_gives_the_same_messages() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;
    let mut runner = TestRunner::deterministic();
    let messages: Vec<_> = (0..8)
        .map(|_| message().new_tree(&mut runner).unwrap().current())
        .collect();
    let wire = encode_all(&messages);
    for size in 1..=wire.len() {
        let cuts: Vec<usize> = (size..wire.len()).step_by(size).collect();
        let (decoded, error) = decode_split(&wire, &cuts);
        assert_eq!(error, None, "chunk size {size}");
        assert_eq!(decoded, messages, "chunk size {size}");
    }
}
