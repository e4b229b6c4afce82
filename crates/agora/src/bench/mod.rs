//! The benchmark's own tooling inside the binary: `agora bench seed` builds a large community
//! for `bench/load.sh` to drive (see docs/performance.md).

pub mod seed;
mod words;

pub use seed::{Manifest, SeedOptions, SeedReport, seed};
