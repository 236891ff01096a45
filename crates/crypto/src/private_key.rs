//! RSA private keys: the merchant API key (`apiclient_key.pem`), and on the mock server's side
//! the platform / public-key private keys.

use std::fmt;
use std::sync::Arc;

use zeroize::Zeroizing;

use crate::backend::{Backend, RsaPrivateKey};
use crate::error::{Error, Result};
use crate::pem;
use crate::public_key::PublicKey;

/// The smallest RSA modulus accepted, in bits.
pub const MIN_RSA_BITS: usize = 2048;

/// An RSA private key, loaded once and shared cheaply (`Clone` is an `Arc` clone).
///
/// Key material lives inside the backend and is never printed: `Debug` shows only the key
/// size. The PEM bytes read are zeroized after loading.
#[derive(Clone)]
pub struct PrivateKey {
    inner: Arc<dyn RsaPrivateKey>,
    backend: Backend,
}

impl fmt::Debug for PrivateKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PrivateKey")
            .field("bits", &self.inner.modulus_bits())
            .field("backend", &self.backend.name)
            .finish_non_exhaustive()
    }
}

impl PrivateKey {
    /// Loads a PEM private key (`PRIVATE KEY`, PKCS#8, as WeChat Pay's certificate tool
    /// writes it; or `RSA PRIVATE KEY`, PKCS#1) with the default backend.
    ///
    /// # Errors
    /// [`Error::NotPem`], [`Error::UnexpectedPemLabel`], [`Error::EncryptedPrivateKey`],
    /// [`Error::NotRsa`], [`Error::KeyTooSmall`] or [`Error::Malformed`], naming what was wrong.
    pub fn from_pem(pem: impl AsRef<[u8]>) -> Result<Self> {
        Self::from_pem_with(pem, Backend::default())
    }

    /// Like [`PrivateKey::from_pem`], with a chosen backend.
    ///
    /// # Errors
    /// As [`PrivateKey::from_pem`].
    pub fn from_pem_with(pem: impl AsRef<[u8]>, backend: Backend) -> Result<Self> {
        let block = pem::decode_one(pem.as_ref())?;
        match block.label.as_str() {
            "PRIVATE KEY" => Self::from_pkcs8_der_with(&block.der, backend),
            "RSA PRIVATE KEY" => Self::from_pkcs1_der_with(&block.der, backend),
            "ENCRYPTED PRIVATE KEY" => Err(Error::EncryptedPrivateKey),
            "EC PRIVATE KEY" => Err(Error::NotRsa("EC".into())),
            other => Err(Error::UnexpectedPemLabel {
                found: other.to_owned(),
                expected: "PRIVATE KEY or RSA PRIVATE KEY",
            }),
        }
    }

    /// Loads a PKCS#8 DER private key.
    ///
    /// # Errors
    /// As [`PrivateKey::from_pem`].
    pub fn from_pkcs8_der_with(der: &[u8], backend: Backend) -> Result<Self> {
        let bits = pem::check_pkcs8_rsa(der)?;
        if bits < MIN_RSA_BITS {
            return Err(Error::KeyTooSmall { bits });
        }
        let inner = backend.rsa.private_key_from_pkcs8(der)?;
        let bits = inner.modulus_bits();
        if bits < MIN_RSA_BITS {
            return Err(Error::KeyTooSmall { bits });
        }
        Ok(Self { inner: Arc::from(inner), backend })
    }

    /// Loads a PKCS#1 DER (`RSAPrivateKey`) private key.
    ///
    /// # Errors
    /// As [`PrivateKey::from_pem`].
    pub fn from_pkcs1_der_with(der: &[u8], backend: Backend) -> Result<Self> {
        let pkcs8: Zeroizing<Vec<u8>> = pem::pkcs1_to_pkcs8(der)?;
        Self::from_pkcs8_der_with(&pkcs8, backend)
    }

    /// The modulus length in bits.
    pub fn bits(&self) -> usize {
        self.inner.modulus_bits()
    }

    /// The backend this key was loaded with.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// RSASSA-PKCS1-v1_5 SHA-256 signature over `message`, raw bytes.
    ///
    /// # Errors
    /// [`Error::Backend`] if the backend fails.
    pub fn sign(&self, message: &[u8]) -> Result<Vec<u8>> {
        self.inner.sign_pkcs1_sha256(message)
    }

    /// Signature over `message`, base64 as WeChat Pay puts it in headers and `paySign`.
    ///
    /// # Errors
    /// [`Error::Backend`] if the backend fails.
    pub fn sign_base64(&self, message: &[u8]) -> Result<String> {
        Ok(crate::base64::encode(self.sign(message)?))
    }

    /// RSA-OAEP (SHA-1, MGF1-SHA-1, empty label) decryption of raw ciphertext bytes.
    ///
    /// # Errors
    /// [`Error::OaepDecryption`] if the ciphertext does not decrypt with this key.
    pub fn decrypt_oaep(&self, ciphertext: &[u8]) -> Result<Zeroizing<Vec<u8>>> {
        self.inner.decrypt_oaep_sha1(ciphertext, &[])
    }

    /// RSA-OAEP (SHA-1, MGF1-SHA-1) decryption with an explicit label. WeChat Pay never uses
    /// a label; this exists for completeness and test suites.
    ///
    /// # Errors
    /// [`Error::OaepDecryption`] if the ciphertext does not decrypt with this key and label.
    pub fn decrypt_oaep_with_label(
        &self,
        ciphertext: &[u8],
        label: &[u8],
    ) -> Result<Zeroizing<Vec<u8>>> {
        self.inner.decrypt_oaep_sha1(ciphertext, label)
    }

    /// Decrypts a base64 sensitive field (as WeChat Pay returns them encrypted to the
    /// merchant key) into a UTF-8 string.
    ///
    /// # Errors
    /// [`Error::Base64`], [`Error::OaepDecryption`] or [`Error::NotUtf8`].
    pub fn decrypt_field(&self, ciphertext_b64: &str) -> Result<Zeroizing<String>> {
        let raw = crate::base64::decode(ciphertext_b64, "sensitive field ciphertext")?;
        let plain = self.decrypt_oaep(&raw)?;
        String::from_utf8(plain.to_vec())
            .map(Zeroizing::new)
            .map_err(|_| Error::NotUtf8 { what: "sensitive field" })
    }

    /// The matching public key.
    ///
    /// # Errors
    /// [`Error::Backend`] if the backend cannot export it.
    pub fn public_key(&self) -> Result<PublicKey> {
        PublicKey::from_spki_der_with(&self.inner.public_key_spki()?, self.backend)
    }
}
