//! The generator's test: it is reproducible, Zipf favours the first index, and a generated
//! title is one a member could write.

use super::*;

#[test]
fn the_generator_is_reproducible_and_zipf_favours_the_first() {
    let (mut a, mut b) = (Rng(7), Rng(7));
    assert_eq!(a.next_u64(), b.next_u64());
    let z = Zipf::new(1_000, 1.0);
    let mut first = 0;
    for _ in 0..10_000 {
        if z.draw(&mut a) == 0 {
            first += 1;
        }
    }
    assert!(first > 800 && first < 2_000, "{first}");
    let vocab = Vocabulary::new(2_000, 1.0);
    let t = title(&mut a, &vocab);
    assert!(TopicTitle::parse(&t).is_ok(), "{t}");
}
