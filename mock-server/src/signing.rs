//! WeChat Pay's side of signatures: the `Wechatpay-*` headers over a response or callback
//! body, made with the platform certificate's key or the WeChat Pay public key's private half.

use std::fmt;

use wechatpay_crypto::authorization::SCHEME;
use wechatpay_crypto::message::response_message;
use wechatpay_crypto::nonce::{random_alphanumeric, NONCE_LEN};
use wechatpay_crypto::{PrivateKey, SerialNo};

/// `Wechatpay-Timestamp`.
pub const TIMESTAMP: &str = "Wechatpay-Timestamp";
/// `Wechatpay-Nonce`.
pub const NONCE: &str = "Wechatpay-Nonce";
/// `Wechatpay-Serial`.
pub const SERIAL: &str = "Wechatpay-Serial";
/// `Wechatpay-Signature`.
pub const SIGNATURE: &str = "Wechatpay-Signature";
/// `Wechatpay-Signature-Type`.
pub const SIGNATURE_TYPE: &str = "Wechatpay-Signature-Type";
/// `Request-ID`.
pub const REQUEST_ID: &str = "Request-ID";

/// A private key WeChat Pay signs with, and the serial (certificate serial or
/// `PUB_KEY_ID_…`) it announces in `Wechatpay-Serial`.
#[derive(Clone)]
pub struct SigningKey {
    serial: SerialNo,
    key: PrivateKey,
}

impl fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SigningKey").field("serial", &self.serial).finish_non_exhaustive()
    }
}

/// The five signature headers of a response or callback.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignatureHeaderValues {
    /// `Wechatpay-Timestamp`.
    pub timestamp: String,
    /// `Wechatpay-Nonce`.
    pub nonce: String,
    /// `Wechatpay-Serial`.
    pub serial: String,
    /// `Wechatpay-Signature`.
    pub signature: String,
}

impl SignatureHeaderValues {
    /// `(name, value)` pairs, including `Wechatpay-Signature-Type`.
    pub fn pairs(&self) -> [(&'static str, &str); 5] {
        [
            (TIMESTAMP, self.timestamp.as_str()),
            (NONCE, self.nonce.as_str()),
            (SERIAL, self.serial.as_str()),
            (SIGNATURE, self.signature.as_str()),
            (SIGNATURE_TYPE, SCHEME),
        ]
    }
}

impl SigningKey {
    /// Pairs a private key with the serial it is announced under.
    pub fn new(serial: impl Into<SerialNo>, key: PrivateKey) -> Self {
        Self { serial: serial.into(), key }
    }

    /// The serial / public key id.
    pub fn serial(&self) -> &SerialNo {
        &self.serial
    }

    /// The private key (the mock also decrypts sensitive fields with it).
    pub fn private_key(&self) -> &PrivateKey {
        &self.key
    }

    /// Signs `body` at `now_unix` with a fresh 32-character nonce.
    ///
    /// # Errors
    /// [`wechatpay_crypto::Error::Backend`] if the random generator or RSA fails.
    pub fn sign(
        &self,
        body: &[u8],
        now_unix: i64,
    ) -> wechatpay_crypto::Result<SignatureHeaderValues> {
        let nonce = random_alphanumeric(self.key.backend(), NONCE_LEN)?;
        self.sign_with_nonce(body, now_unix, &nonce)
    }

    /// [`SigningKey::sign`] on Tokio's blocking pool. An RSA-2048 signature takes about a
    /// millisecond of CPU; done on a runtime worker it stalls the tasks queued behind it (a
    /// worker's LIFO slot cannot be stolen by the other workers), which left half the cores
    /// idle under load. Works on current-thread runtimes too (unlike `block_in_place`).
    ///
    /// # Errors
    /// As [`SigningKey::sign`]; [`wechatpay_crypto::Error::Backend`] if the blocking task
    /// could not run (runtime shutting down).
    pub async fn sign_off_runtime(
        &self,
        body: bytes::Bytes,
        now_unix: i64,
    ) -> wechatpay_crypto::Result<SignatureHeaderValues> {
        let key = self.clone();
        match tokio::task::spawn_blocking(move || key.sign(&body, now_unix)).await {
            Ok(signed) => signed,
            // The task panicked or the runtime is shutting down.
            Err(_) => Err(wechatpay_crypto::Error::Backend("the signing task did not run")),
        }
    }

    /// Signs `body` with a given timestamp and nonce (tests, reproducible fixtures).
    ///
    /// # Errors
    /// [`wechatpay_crypto::Error::Backend`] if RSA fails.
    pub fn sign_with_nonce(
        &self,
        body: &[u8],
        now_unix: i64,
        nonce: &str,
    ) -> wechatpay_crypto::Result<SignatureHeaderValues> {
        let timestamp = now_unix.to_string();
        let signature = self.key.sign_base64(&response_message(&timestamp, nonce, body))?;
        Ok(SignatureHeaderValues {
            timestamp,
            nonce: nonce.to_owned(),
            serial: self.serial.to_string(),
            signature,
        })
    }
}

#[cfg(test)]
mod tests {
    use wechatpay_crypto::{Certificate, SignatureHeaders, Verifier};

    use super::*;
    use crate::identity;

    // Proves a signature reproduces the certificates_response.json vector byte for byte.
    #[test]
    fn reproduces_recorded_certificates_signature() {
        let fixture: serde_json::Value =
            serde_json::from_str(include_str!("../../fixtures/vectors/certificates_response.json"))
                .unwrap();
        let h = &fixture["response"]["headers"];
        let body = fixture["response"]["body"].as_str().unwrap();
        let key = SigningKey::new(
            identity::PLATFORM_CERT_SERIAL,
            PrivateKey::from_pem(identity::PLATFORM_PRIVATE_KEY_PEM).unwrap(),
        );
        let ts: i64 = h["Wechatpay-Timestamp"].as_str().unwrap().parse().unwrap();
        let signed = key
            .sign_with_nonce(body.as_bytes(), ts, h["Wechatpay-Nonce"].as_str().unwrap())
            .unwrap();
        assert_eq!(signed.signature, h["Wechatpay-Signature"].as_str().unwrap());
        assert_eq!(signed.serial, h["Wechatpay-Serial"].as_str().unwrap());
    }

    // Proves fresh signatures verify with the crypto crate's verifier and nonces differ.
    #[test]
    fn fresh_signatures_verify() {
        let key = SigningKey::new(
            identity::PLATFORM_CERT_SERIAL,
            PrivateKey::from_pem(identity::PLATFORM_PRIVATE_KEY_PEM).unwrap(),
        );
        let mut v = Verifier::new();
        v.add_certificate(Certificate::from_pem(identity::PLATFORM_CERTIFICATE_PEM).unwrap());
        let a = key.sign(b"{}", 1_800_000_000).unwrap();
        let b = key.sign(b"{}", 1_800_000_000).unwrap();
        assert_ne!(a.nonce, b.nonce);
        let headers = SignatureHeaders {
            timestamp: &a.timestamp,
            nonce: &a.nonce,
            serial: &a.serial,
            signature: &a.signature,
            signature_type: Some(SCHEME),
        };
        v.verify(&headers, b"{}", 1_800_000_000).unwrap();
        assert!(v.verify(&headers, b"{ }", 1_800_000_000).is_err());
    }
}
