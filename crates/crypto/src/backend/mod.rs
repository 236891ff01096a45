//! Cryptographic backends.
//!
//! A [`Backend`] is a value made of small object-safe traits, in the manner of rustls'
//! `CryptoProvider`: each implementation is a `const`, cargo features pick the default, and a
//! user can replace one part (for example an HSM that signs) while keeping the rest:
//!
//! ```
//! # #[cfg(feature = "aws-lc")] {
//! use wechatpay_crypto::backend::{Backend, AWS_LC};
//! let backend = Backend { ..AWS_LC };
//! assert_eq!(backend.name, "aws-lc");
//! # }
//! ```
//!
//! Every backend passes the same test suite (`tests/suite/`), which is mounted once per
//! backend.

use std::fmt;

use zeroize::Zeroizing;

use crate::error::Result;

#[cfg(feature = "aws-lc")]
mod aws_lc;
#[cfg(feature = "rustcrypto")]
mod rust_crypto;

#[cfg(feature = "aws-lc")]
pub use aws_lc::AWS_LC;
#[cfg(feature = "rustcrypto")]
pub use rust_crypto::RUST_CRYPTO;

#[cfg(not(any(feature = "aws-lc", feature = "rustcrypto")))]
compile_error!("wechatpay-crypto needs a backend: enable the `aws-lc` or the `rustcrypto` feature");

/// A set of cryptographic primitives.
#[derive(Clone, Copy)]
pub struct Backend {
    /// A short name, for logs and benchmarks.
    pub name: &'static str,
    /// RSA key loading, PKCS#1 v1.5 SHA-256 signatures and RSA-OAEP (SHA-1).
    pub rsa: &'static dyn RsaProvider,
    /// AES-256-GCM.
    pub aead: &'static dyn Aead,
    /// The CSPRNG used for nonces.
    pub random: &'static dyn SecureRandom,
    /// SHA-1 and SHA-256.
    pub digest: &'static dyn DigestProvider,
}

impl fmt::Debug for Backend {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Backend").field("name", &self.name).finish_non_exhaustive()
    }
}

impl Default for Backend {
    /// `aws-lc` when that feature is on, otherwise `rustcrypto`.
    fn default() -> Self {
        default_backend()
    }
}

/// The backend that [`Backend::default`] returns: `aws-lc` when that feature is enabled,
/// otherwise `rustcrypto`.
pub const fn default_backend() -> Backend {
    #[cfg(feature = "aws-lc")]
    {
        AWS_LC
    }
    #[cfg(all(not(feature = "aws-lc"), feature = "rustcrypto"))]
    {
        RUST_CRYPTO
    }
}

/// Loads RSA keys from DER.
pub trait RsaProvider: Send + Sync {
    /// Loads a private key from PKCS#8 `PrivateKeyInfo` DER. The caller has already checked
    /// that the algorithm is rsaEncryption.
    fn private_key_from_pkcs8(&self, der: &[u8]) -> Result<Box<dyn RsaPrivateKey>>;
    /// Loads a public key from `SubjectPublicKeyInfo` DER. The caller has already checked
    /// that the algorithm is rsaEncryption.
    fn public_key_from_spki(&self, der: &[u8]) -> Result<Box<dyn RsaPublicKey>>;
}

/// An RSA private key held by a backend.
pub trait RsaPrivateKey: Send + Sync {
    /// Modulus length in bits.
    fn modulus_bits(&self) -> usize;
    /// RSASSA-PKCS1-v1_5 with SHA-256 over `message`.
    fn sign_pkcs1_sha256(&self, message: &[u8]) -> Result<Vec<u8>>;
    /// RSAES-OAEP with SHA-1 and MGF1-SHA-1 and the given label (WeChat Pay uses an empty one).
    fn decrypt_oaep_sha1(&self, ciphertext: &[u8], label: &[u8]) -> Result<Zeroizing<Vec<u8>>>;
    /// The matching public key as `SubjectPublicKeyInfo` DER.
    fn public_key_spki(&self) -> Result<Vec<u8>>;
}

/// An RSA public key held by a backend.
pub trait RsaPublicKey: Send + Sync {
    /// Modulus length in bits.
    fn modulus_bits(&self) -> usize;
    /// Whether `signature` is a valid RSASSA-PKCS1-v1_5 SHA-256 signature of `message`.
    fn verify_pkcs1_sha256(&self, message: &[u8], signature: &[u8]) -> bool;
    /// RSAES-OAEP with SHA-1 and MGF1-SHA-1 and an empty label.
    fn encrypt_oaep_sha1(&self, plaintext: &[u8]) -> Result<Vec<u8>>;
}

/// AES-256-GCM with a 96-bit nonce and a 128-bit tag appended to the ciphertext.
pub trait Aead: Send + Sync {
    /// Encrypts; returns `ciphertext || tag`.
    fn seal(
        &self,
        key: &[u8; 32],
        nonce: &[u8; 12],
        aad: &[u8],
        plaintext: &[u8],
    ) -> Result<Vec<u8>>;
    /// Decrypts `ciphertext || tag`; any tampering is [`crate::Error::AeadAuthentication`].
    fn open(
        &self,
        key: &[u8; 32],
        nonce: &[u8; 12],
        aad: &[u8],
        ciphertext_and_tag: &[u8],
    ) -> Result<Zeroizing<Vec<u8>>>;
}

/// A cryptographically secure random number generator.
pub trait SecureRandom: Send + Sync {
    /// Fills `dest` with random bytes.
    fn fill(&self, dest: &mut [u8]) -> Result<()>;
}

/// Hash algorithms WeChat Pay uses outside signatures: SHA-256 (media upload meta) and SHA-1
/// (bill file digests).
pub trait DigestProvider: Send + Sync {
    /// Starts an incremental hash.
    fn new_context(&self, algorithm: DigestAlgorithm) -> Box<dyn DigestContext>;
}

/// An incremental hash computation.
pub trait DigestContext: Send {
    /// Feeds more data.
    fn update(&mut self, data: &[u8]);
    /// Finishes and returns the digest.
    fn finish(self: Box<Self>) -> Vec<u8>;
}

/// A hash algorithm.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DigestAlgorithm {
    /// SHA-1 (bill file `hash_value`).
    Sha1,
    /// SHA-256 (media meta `sha256`, bill `hash_type` SHA256 where offered).
    Sha256,
}
