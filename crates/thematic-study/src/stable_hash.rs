//! One stable hash for everything thematic persists. The turn cache (`.thematic/turns.bin`)
//! and the search index's manifest (`.thematic/index/thematic.json`) store hashes of file
//! contents, of the parse options and of codings, and compare them with hashes computed by a
//! later run. They are xxh3 (64-bit), a published algorithm with fixed output (the
//! `xxhash-rust` crate), so a later build of thematic computes the same keys. std's
//! `DefaultHasher` promises no such thing (its algorithm may change between Rust releases),
//! and `RandomState` differs from process to process.
//!
//! - [`content_hash`]: xxh3 of exactly the bytes given: for file contents.
//! - [`stable_hash`] and [`StableHasher`]: xxh3 of what a value's `Hash` implementation
//!   feeds the hasher: for values with `#[derive(Hash)]`, such as the parse options or a
//!   coding's span. Integers are fed as little-endian bytes of a fixed width (`usize` and
//!   `isize` as 8 bytes), so the hash is the same on every platform. What the standard
//!   library feeds for a string or a slice (its bytes with a terminator or a length) is
//!   its own choice; were it to change, the keys change and the caches are rebuilt, never
//!   wrongly reused. Reordering or adding fields of a hashed type changes its hash too.
//!
//! ```
//! use thematic_study::{content_hash, stable_hash};
//!
//! assert_eq!(content_hash(b""), 0x2d06_8005_38d3_94c2); // XXH3-64 of no bytes
//! assert_eq!(stable_hash(&7u64), content_hash(&7u64.to_le_bytes()));
//! ```

use std::hash::{Hash, Hasher};

use xxhash_rust::xxh3::{Xxh3, xxh3_64};

/// The xxh3 (64-bit) hash of `bytes`: the key for a file's content.
pub fn content_hash(bytes: &[u8]) -> u64 {
    xxh3_64(bytes)
}

/// The xxh3 (64-bit) hash of `value` as its `Hash` implementation feeds it to a
/// [`StableHasher`].
pub fn stable_hash<T: Hash + ?Sized>(value: &T) -> u64 {
    let mut h = StableHasher::new();
    value.hash(&mut h);
    h.finish()
}

/// A [`Hasher`] over xxh3 (64-bit) that feeds integers as little-endian bytes of a fixed
/// width, so the same value hashes the same on every platform and in every build.
#[derive(Clone, Default)]
pub struct StableHasher(Xxh3);

impl StableHasher {
    /// A hasher with nothing written yet (seed 0).
    pub fn new() -> StableHasher {
        StableHasher(Xxh3::new())
    }
}

impl std::fmt::Debug for StableHasher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StableHasher").finish_non_exhaustive()
    }
}

impl Hasher for StableHasher {
    fn write(&mut self, bytes: &[u8]) {
        self.0.update(bytes);
    }

    fn finish(&self) -> u64 {
        self.0.digest()
    }

    // The signed writes default to these, and `write_isize` to `write_usize`.
    fn write_u16(&mut self, n: u16) {
        self.write(&n.to_le_bytes());
    }

    fn write_u32(&mut self, n: u32) {
        self.write(&n.to_le_bytes());
    }

    fn write_u64(&mut self, n: u64) {
        self.write(&n.to_le_bytes());
    }

    fn write_u128(&mut self, n: u128) {
        self.write(&n.to_le_bytes());
    }

    fn write_usize(&mut self, n: usize) {
        self.write(&(n as u64).to_le_bytes());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_hash_is_xxh3_64() {
        // Reference values of XXH3_64bits (seed 0), from the xxHash project's test vectors.
        assert_eq!(content_hash(b""), 0x2d06_8005_38d3_94c2);
        // One-shot and streamed agree, however the bytes are split.
        let bytes: Vec<u8> = (0..=255u8).cycle().take(5000).collect();
        let mut h = StableHasher::new();
        for part in bytes.chunks(333) {
            h.write(part);
        }
        assert_eq!(h.finish(), content_hash(&bytes));
    }

    #[test]
    fn integers_are_fed_little_endian_at_fixed_widths() {
        assert_eq!(stable_hash(&7usize), content_hash(&7u64.to_le_bytes()));
        assert_eq!(stable_hash(&-7isize), content_hash(&(-7i64).to_le_bytes()));
        assert_eq!(stable_hash(&7u32), content_hash(&7u32.to_le_bytes()));
        assert_eq!(stable_hash(&-1i16), content_hash(&[0xff, 0xff]));
    }

    #[test]
    fn a_derived_hash_is_pinned() {
        // If this fails, persisted keys changed: bump the turn cache's and the index
        // manifest's FORMAT so their old contents are dropped, then update the value.
        #[derive(Hash)]
        struct Key<'a> {
            name: &'a str,
            list: Vec<String>,
            flag: bool,
            count: usize,
            maybe: Option<u8>,
        }
        let key = Key {
            name: "P6",
            list: vec!["Interviewer".into(), "Q".into()],
            flag: true,
            count: 64,
            maybe: Some(3),
        };
        assert_eq!(format!("{:016x}", stable_hash(&key)), "5693e2b4e6b211a8");
    }
}
