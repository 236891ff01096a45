//! Random nonces for signatures (`nonce_str`, `nonceStr`) and AES-GCM (12 characters).

use std::fmt;

use crate::backend::Backend;
use crate::error::Result;

const ALPHABET: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// Length of a signature nonce.
pub const NONCE_LEN: usize = 32;

/// Makes nonces; injectable so tests can pin them.
pub trait NonceSource: Send + Sync + fmt::Debug {
    /// A fresh nonce of `len` alphanumeric characters.
    ///
    /// # Errors
    /// [`crate::Error::Backend`] if the random generator fails.
    fn nonce(&self, len: usize) -> Result<String>;
}

/// Alphanumeric nonces from the backend's CSPRNG, without modulo bias.
#[derive(Debug, Clone, Copy, Default)]
pub struct RandomNonces {
    backend: Option<Backend>,
}

impl RandomNonces {
    /// Nonces drawn from `backend`'s random generator.
    pub fn with_backend(backend: Backend) -> Self {
        Self { backend: Some(backend) }
    }
}

impl NonceSource for RandomNonces {
    fn nonce(&self, len: usize) -> Result<String> {
        random_alphanumeric(self.backend.unwrap_or_default(), len)
    }
}

/// A nonce source that always returns the same value (tests and vectors).
#[derive(Debug, Clone)]
pub struct FixedNonce(pub String);

impl NonceSource for FixedNonce {
    fn nonce(&self, _len: usize) -> Result<String> {
        Ok(self.0.clone())
    }
}

/// `len` characters from `[0-9A-Za-z]`, uniformly, from the backend's CSPRNG.
///
/// # Errors
/// [`crate::Error::Backend`] if the random generator fails.
pub fn random_alphanumeric(backend: Backend, len: usize) -> Result<String> {
    let mut out = String::with_capacity(len);
    let mut buf = [0u8; 64];
    while out.len() < len {
        backend.random.fill(&mut buf)?;
        // 62 * 4 = 248: bytes at or above it are dropped so every character is equally likely.
        for &b in buf.iter().filter(|&&b| b < 248) {
            if out.len() == len {
                break;
            }
            // `b % 62` is below `ALPHABET.len()` (62), so the index is always in bounds.
            #[allow(clippy::indexing_slicing)]
            out.push(char::from(ALPHABET[usize::from(b % 62)]));
        }
    }
    Ok(out)
}
