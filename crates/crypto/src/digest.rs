//! SHA-256 and SHA-1 through the backend, one-shot or streaming.

use std::fmt;

use crate::backend::{Backend, DigestAlgorithm, DigestContext};

/// An incremental hash (bills are hashed as they stream in).
pub struct Hasher(Box<dyn DigestContext>);

impl fmt::Debug for Hasher {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Hasher")
    }
}

impl Hasher {
    /// Starts a hash with the default backend.
    pub fn new(algorithm: DigestAlgorithm) -> Self {
        Self::with_backend(algorithm, Backend::default())
    }

    /// Starts a hash with a chosen backend.
    pub fn with_backend(algorithm: DigestAlgorithm, backend: Backend) -> Self {
        Self(backend.digest.new_context(algorithm))
    }

    /// Feeds data.
    pub fn update(&mut self, data: &[u8]) {
        self.0.update(data);
    }

    /// The digest bytes.
    pub fn finish(self) -> Vec<u8> {
        self.0.finish()
    }

    /// The digest as lower-case hex (WeChat Pay's `sha256` and `hash_value` format).
    pub fn finish_hex(self) -> String {
        hex::encode(self.finish())
    }
}

/// SHA-256 of `data` as lower-case hex.
pub fn sha256_hex(data: &[u8]) -> String {
    let mut h = Hasher::new(DigestAlgorithm::Sha256);
    h.update(data);
    h.finish_hex()
}

/// SHA-1 of `data` as lower-case hex.
pub fn sha1_hex(data: &[u8]) -> String {
    let mut h = Hasher::new(DigestAlgorithm::Sha1);
    h.update(data);
    h.finish_hex()
}
