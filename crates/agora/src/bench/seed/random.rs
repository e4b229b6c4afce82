//! The seeded generator everything is drawn from: SplitMix64, Zipf-distributed indices and a
//! shuffle.

/// SplitMix64: small, fast and reproducible.
pub(super) struct Rng(pub(super) u64);

impl Rng {
    pub(super) fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    pub(super) fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Uniform in `0..n`.
    pub(super) fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n.max(1) as u64) as usize
    }

    /// Uniform in `lo..=hi`.
    pub(super) fn between(&mut self, lo: usize, hi: usize) -> usize {
        lo + self.below(hi - lo + 1)
    }
}

/// Zipf-distributed indices `0..n` (index 0 the most likely).
pub(super) struct Zipf(Vec<f64>);

impl Zipf {
    pub(super) fn new(n: usize, exponent: f64) -> Self {
        let mut total = 0.0;
        Self(
            (1..=n.max(1))
                .map(|r| {
                    total += 1.0 / (r as f64).powf(exponent);
                    total
                })
                .collect(),
        )
    }

    pub(super) fn draw(&self, rng: &mut Rng) -> usize {
        let total = self.0.last().copied().unwrap_or(1.0);
        let target = rng.unit() * total;
        self.0
            .partition_point(|c| *c < target)
            .min(self.0.len() - 1)
    }
}

pub(super) fn shuffle<T>(v: &mut [T], rng: &mut Rng) {
    for i in (1..v.len()).rev() {
        v.swap(i, rng.below(i + 1));
    }
}
