//! RSA public keys and the WeChat Pay public key (`pub_key.pem` with its `PUB_KEY_ID_…`).

use std::fmt;
use std::sync::Arc;

use crate::backend::{Backend, RsaPublicKey};
use crate::error::{Error, Result};
use crate::pem;
use crate::private_key::MIN_RSA_BITS;
use crate::serial::SerialNo;

/// An RSA public key, loaded once and shared cheaply.
#[derive(Clone)]
pub struct PublicKey {
    inner: Arc<dyn RsaPublicKey>,
    backend: Backend,
}

impl fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PublicKey")
            .field("bits", &self.inner.modulus_bits())
            .field("backend", &self.backend.name)
            .finish()
    }
}

impl PublicKey {
    /// Loads a `PUBLIC KEY` (SubjectPublicKeyInfo) PEM with the default backend.
    ///
    /// # Errors
    /// [`Error::NotPem`], [`Error::UnexpectedPemLabel`], [`Error::NotRsa`],
    /// [`Error::KeyTooSmall`] or [`Error::Malformed`].
    pub fn from_pem(pem: impl AsRef<[u8]>) -> Result<Self> {
        Self::from_pem_with(pem, Backend::default())
    }

    /// Like [`PublicKey::from_pem`], with a chosen backend.
    ///
    /// # Errors
    /// As [`PublicKey::from_pem`].
    pub fn from_pem_with(pem: impl AsRef<[u8]>, backend: Backend) -> Result<Self> {
        let block = pem::decode_one(pem.as_ref())?;
        match block.label.as_str() {
            "PUBLIC KEY" => Self::from_spki_der_with(&block.der, backend),
            other => {
                Err(Error::UnexpectedPemLabel { found: other.to_owned(), expected: "PUBLIC KEY" })
            }
        }
    }

    /// Loads SubjectPublicKeyInfo DER.
    ///
    /// # Errors
    /// As [`PublicKey::from_pem`].
    pub fn from_spki_der_with(der: &[u8], backend: Backend) -> Result<Self> {
        let bits = pem::check_spki_rsa(der)?;
        if bits < MIN_RSA_BITS {
            return Err(Error::KeyTooSmall { bits });
        }
        let inner = backend.rsa.public_key_from_spki(der)?;
        let bits = inner.modulus_bits();
        if bits < MIN_RSA_BITS {
            return Err(Error::KeyTooSmall { bits });
        }
        Ok(Self { inner: Arc::from(inner), backend })
    }

    /// Loads SubjectPublicKeyInfo DER without the 2048-bit minimum. Only for test suites
    /// (Project Wycheproof) that exercise other sizes; WeChat Pay keys are 2048 bits.
    ///
    /// # Errors
    /// As [`PublicKey::from_pem`], except [`Error::KeyTooSmall`].
    #[doc(hidden)]
    pub fn from_spki_der_any_size(der: &[u8], backend: Backend) -> Result<Self> {
        pem::check_spki_rsa(der)?;
        let inner = backend.rsa.public_key_from_spki(der)?;
        Ok(Self { inner: Arc::from(inner), backend })
    }

    /// The modulus length in bits.
    pub fn bits(&self) -> usize {
        self.inner.modulus_bits()
    }

    /// Whether `signature` (raw bytes) is a valid SHA256withRSA signature of `message`.
    pub fn verify(&self, message: &[u8], signature: &[u8]) -> bool {
        self.inner.verify_pkcs1_sha256(message, signature)
    }

    /// RSA-OAEP (SHA-1, MGF1-SHA-1, empty label) encryption, raw bytes out.
    ///
    /// # Errors
    /// [`Error::OaepPlaintextTooLong`] over 214 bytes for a 2048-bit key.
    pub fn encrypt_oaep(&self, plaintext: &[u8]) -> Result<Vec<u8>> {
        self.inner.encrypt_oaep_sha1(plaintext)
    }
}

/// The WeChat Pay public key of a merchant (public-key mode), with its id.
#[derive(Clone, Debug)]
pub struct WechatPayPublicKey {
    id: SerialNo,
    key: PublicKey,
}

/// The prefix every WeChat Pay public key id carries.
pub const PUBLIC_KEY_ID_PREFIX: &str = "PUB_KEY_ID_";

impl WechatPayPublicKey {
    /// Pairs a public key with its id (`PUB_KEY_ID_…`, as shown in the merchant platform).
    ///
    /// # Errors
    /// [`Error::InvalidPublicKeyId`] if the id does not start with `PUB_KEY_ID_`.
    pub fn new(id: impl Into<String>, key: PublicKey) -> Result<Self> {
        let id = id.into();
        if !is_public_key_id(&id) {
            return Err(Error::InvalidPublicKeyId(id));
        }
        Ok(Self { id: SerialNo::new(id), key })
    }

    /// Loads `pub_key.pem` with its id, default backend.
    ///
    /// # Errors
    /// As [`PublicKey::from_pem`] and [`WechatPayPublicKey::new`].
    pub fn from_pem(id: impl Into<String>, pem: impl AsRef<[u8]>) -> Result<Self> {
        Self::new(id, PublicKey::from_pem(pem)?)
    }

    /// The `PUB_KEY_ID_…` id, sent as `Wechatpay-Serial`.
    pub fn id(&self) -> &SerialNo {
        &self.id
    }

    /// The key.
    pub fn key(&self) -> &PublicKey {
        &self.key
    }
}

/// Whether a `Wechatpay-Serial` value names a WeChat Pay public key rather than a certificate.
pub fn is_public_key_id(serial: &str) -> bool {
    serial.len() > PUBLIC_KEY_ID_PREFIX.len()
        && serial.starts_with(PUBLIC_KEY_ID_PREFIX)
        && serial.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
}
