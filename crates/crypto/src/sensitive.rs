//! Sensitive fields (names, ID numbers, phone numbers, bank accounts): RSA-OAEP encrypted
//! with a platform certificate or the WeChat Pay public key, whose serial / id then goes in
//! the `Wechatpay-Serial` request header.

use crate::certificate::Certificate;
use crate::error::{Error, Result};
use crate::public_key::{PublicKey, WechatPayPublicKey};
use crate::serial::SerialNo;
use crate::verifier::{TrustedKey, Verifier};

/// A key that encrypts sensitive fields, with the serial / id to announce in
/// `Wechatpay-Serial`.
#[derive(Clone, Debug)]
pub struct EncryptionKey {
    serial: SerialNo,
    key: PublicKey,
}

impl EncryptionKey {
    /// Encrypt to a platform certificate.
    pub fn from_certificate(cert: &Certificate) -> Self {
        Self { serial: cert.serial().clone(), key: cert.public_key().clone() }
    }

    /// Encrypt to the WeChat Pay public key.
    pub fn from_public_key(key: &WechatPayPublicKey) -> Self {
        Self { serial: key.id().clone(), key: key.key().clone() }
    }

    /// The value for the `Wechatpay-Serial` request header.
    pub fn serial(&self) -> &SerialNo {
        &self.serial
    }

    /// Encrypts one field value: RSA-OAEP (SHA-1, MGF1-SHA-1), base64.
    ///
    /// # Errors
    /// [`Error::OaepPlaintextTooLong`] above 214 bytes (RSA-2048).
    pub fn encrypt(&self, plaintext: &str) -> Result<String> {
        Ok(crate::base64::encode(self.key.encrypt_oaep(plaintext.as_bytes())?))
    }
}

impl Verifier {
    /// The key to encrypt sensitive fields with at `now`: the WeChat Pay public key when one
    /// is trusted (public-key and mixed modes), otherwise the valid platform certificate that
    /// expires last.
    ///
    /// # Errors
    /// [`Error::NoEncryptionKey`] when no usable key is trusted.
    pub fn encryption_key(&self, now: i64) -> Result<EncryptionKey> {
        let mut best_cert: Option<&Certificate> = None;
        for key in self.keys() {
            match key {
                TrustedKey::PublicKey(pk) => return Ok(EncryptionKey::from_public_key(pk)),
                TrustedKey::Certificate(c) if c.is_valid_at(now) => {
                    if best_cert.is_none_or(|b| c.not_after() > b.not_after()) {
                        best_cert = Some(c);
                    }
                }
                TrustedKey::Certificate(_) => {}
            }
        }
        best_cert.map(EncryptionKey::from_certificate).ok_or(Error::NoEncryptionKey)
    }
}
