//! The `meta` part of a media upload, whose exact JSON string is what gets signed.

use serde::{Deserialize, Serialize};

use crate::backend::{Backend, DigestAlgorithm};
use crate::digest::Hasher;

/// `{"filename":"…","sha256":"…"}` of a media upload.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MediaMeta {
    /// The file name, with its extension (WeChat Pay checks the extension).
    pub filename: String,
    /// Lower-case hex SHA-256 of the file content.
    pub sha256: String,
}

impl MediaMeta {
    /// The meta for `content` named `filename`, hashed with the default backend.
    pub fn new(filename: impl Into<String>, content: &[u8]) -> Self {
        Self::with_backend(filename, content, Backend::default())
    }

    /// Like [`MediaMeta::new`], with a chosen backend.
    pub fn with_backend(filename: impl Into<String>, content: &[u8], backend: Backend) -> Self {
        let mut h = Hasher::with_backend(DigestAlgorithm::Sha256, backend);
        h.update(content);
        Self { filename: filename.into(), sha256: h.finish_hex() }
    }

    /// The compact JSON sent as the `meta` part and signed as the request body.
    pub fn to_json(&self) -> String {
        // Serialising two strings cannot fail; the fallback keeps this function total.
        serde_json::to_string(self).unwrap_or_default()
    }
}
