//! Where every random number comes from. Two sources, both fixed by the run's seed:
//!
//! - [`chunk_rng`]: one generator per chunk of rows, seeded from (seed, chunk index), so
//!   a chunk's rows are the same whichever thread makes them and however many there are;
//! - [`unit`]: a number in [0, 1) hashed from the seed and a few names (a question id, a
//!   code), for the fixed traits of a synthetic panel, such as how strongly one matrix row
//!   follows the position. Hashing rather than drawing keeps a trait the same when other
//!   questions are added to the survey.

use rand::SeedableRng;
use rand::rngs::Xoshiro256PlusPlus;

/// The generator of one chunk: xoshiro256++, a named algorithm whose output is fixed, so
/// the same seed gives the same file on every machine.
pub type ChunkRng = Xoshiro256PlusPlus;

/// The generator for chunk `chunk` of a run seeded with `seed`.
pub fn chunk_rng(seed: u64, chunk: u64) -> ChunkRng {
    // Mixing the seed first keeps (seed, chunk) and (seed + 1, chunk - 1) far apart.
    let key = mix(seed ^ 0x5EED_5EED_5EED_5EED) ^ chunk.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    // `seed_from_u64` expands the key with SplitMix64, as xoshiro's authors recommend.
    Xoshiro256PlusPlus::seed_from_u64(mix(key))
}

/// A number in [0, 1) fixed by the seed and the names, e.g. `unit(seed, &["advise",
/// "lab_safety", "loading"])`.
pub fn unit(seed: u64, names: &[&str]) -> f64 {
    // FNV-1a over the seed and the names (each followed by a byte no name contains, so
    // ["ab", "c"] and ["a", "bc"] differ), then the SplitMix64 finaliser to spread the bits.
    let mut hash: u64 = 0xCBF2_9CE4_8422_2325;
    let mut eat = |byte: u8| {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0000_0100_0000_01B3);
    };
    seed.to_le_bytes().into_iter().for_each(&mut eat);
    for name in names {
        name.bytes().for_each(&mut eat);
        eat(0xFF);
    }
    (mix(hash) >> 11) as f64 / (1u64 << 53) as f64
}

/// The SplitMix64 finaliser: a bijection on u64 that spreads every input bit.
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::Rng;

    #[test]
    fn chunk_generators_depend_on_seed_and_chunk_only() {
        let first = |seed, chunk| chunk_rng(seed, chunk).next_u64();
        assert_eq!(first(7, 3), first(7, 3));
        assert_ne!(first(7, 3), first(7, 4));
        assert_ne!(first(7, 3), first(8, 3));
        assert_ne!(first(8, 2), first(7, 3));
    }

    #[test]
    fn units_are_fixed_spread_and_name_sensitive() {
        let u = unit(1, &["advise", "lab_safety"]);
        assert_eq!(u, unit(1, &["advise", "lab_safety"]));
        assert_ne!(u, unit(2, &["advise", "lab_safety"]));
        assert_ne!(unit(1, &["ab", "c"]), unit(1, &["a", "bc"]));
        let draws: Vec<f64> = (0..1000).map(|i| unit(i, &["q"])).collect();
        assert!(draws.iter().all(|u| (0.0..1.0).contains(u)));
        let mean = draws.iter().sum::<f64>() / 1000.0;
        assert!((mean - 0.5).abs() < 0.05, "mean {mean}");
    }
}
