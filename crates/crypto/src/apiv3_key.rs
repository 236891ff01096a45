//! The APIv3 key and AEAD_AES_256_GCM, which protects callback `resource`s, the
//! `/v3/certificates` payload and encrypted bills.

use std::fmt;

use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

use crate::backend::Backend;
use crate::error::{Error, Result};

/// The only `algorithm` value WeChat Pay uses for AES-GCM payloads.
pub const AEAD_AES_256_GCM: &str = "AEAD_AES_256_GCM";

/// The merchant's 32-byte APIv3 key. Zeroized on drop, never printed.
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub struct ApiV3Key {
    key: [u8; 32],
    #[zeroize(skip)]
    backend: Backend,
}

impl fmt::Debug for ApiV3Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ApiV3Key(<redacted>)")
    }
}

impl ApiV3Key {
    /// Takes the key as set in the merchant platform: exactly 32 bytes (32 ASCII characters).
    ///
    /// # Errors
    /// [`Error::ApiV3KeyLength`] for any other length.
    pub fn new(key: impl AsRef<[u8]>) -> Result<Self> {
        Self::with_backend(key, Backend::default())
    }

    /// Like [`ApiV3Key::new`], with a chosen backend.
    ///
    /// # Errors
    /// [`Error::ApiV3KeyLength`] for any length but 32.
    pub fn with_backend(key: impl AsRef<[u8]>, backend: Backend) -> Result<Self> {
        let key = key.as_ref();
        let key: [u8; 32] = key.try_into().map_err(|_| Error::ApiV3KeyLength { len: key.len() })?;
        Ok(Self { key, backend })
    }

    /// Exposes the key bytes (the mock server needs them to encrypt).
    pub fn expose_secret(&self) -> &[u8; 32] {
        &self.key
    }

    /// Decrypts `ciphertext` (base64 of `ct || tag`) with the given nonce and associated data.
    ///
    /// # Errors
    /// [`Error::Base64`], [`Error::AeadNonceLength`], [`Error::AeadCiphertextTooShort`] or
    /// [`Error::AeadAuthentication`] (wrong key, nonce, associated data or a tampered input).
    pub fn decrypt(
        &self,
        nonce: &str,
        associated_data: &str,
        ciphertext_b64: &str,
    ) -> Result<Zeroizing<Vec<u8>>> {
        let nonce = nonce_bytes(nonce)?;
        let data = crate::base64::decode(ciphertext_b64, "AES-GCM ciphertext")?;
        if data.len() < 16 {
            return Err(Error::AeadCiphertextTooShort { len: data.len() });
        }
        self.backend.aead.open(&self.key, &nonce, associated_data.as_bytes(), &data)
    }

    /// Decrypts to a UTF-8 string (callback resources and certificates are JSON / PEM text).
    ///
    /// # Errors
    /// As [`ApiV3Key::decrypt`], plus [`Error::NotUtf8`].
    pub fn decrypt_to_string(
        &self,
        nonce: &str,
        associated_data: &str,
        ciphertext_b64: &str,
    ) -> Result<String> {
        let plain = self.decrypt(nonce, associated_data, ciphertext_b64)?;
        String::from_utf8(plain.to_vec()).map_err(|_| Error::NotUtf8 { what: "AES-GCM plaintext" })
    }

    /// Encrypts `plaintext` and returns base64 of `ct || tag` (what the mock server puts in a
    /// callback `resource.ciphertext`).
    ///
    /// # Errors
    /// [`Error::AeadNonceLength`] unless the nonce is 12 bytes.
    pub fn encrypt(&self, nonce: &str, associated_data: &str, plaintext: &[u8]) -> Result<String> {
        let nonce = nonce_bytes(nonce)?;
        let sealed =
            self.backend.aead.seal(&self.key, &nonce, associated_data.as_bytes(), plaintext)?;
        Ok(crate::base64::encode(sealed))
    }
}

fn nonce_bytes(nonce: &str) -> Result<[u8; 12]> {
    nonce.as_bytes().try_into().map_err(|_| Error::AeadNonceLength { len: nonce.len() })
}
