//! Verification of WeChat Pay's response and callback signatures against trusted platform
//! certificates and WeChat Pay public keys.

use std::collections::HashMap;
use std::fmt;

use crate::authorization::SCHEME;
use crate::certificate::Certificate;
use crate::error::{Error, Result};
use crate::message::response_message;
use crate::public_key::{PublicKey, WechatPayPublicKey};
use crate::serial::SerialNo;

/// WeChat Pay's allowed clock difference, seconds.
pub const MAX_CLOCK_SKEW_SECS: i64 = 300;

/// The longest `Wechatpay-Signature` accepted: an RSA-2048 signature is 256 bytes, 344
/// characters of padded base64 (the only signature type, `WECHATPAY2-SHA256-RSA2048`). A longer
/// value is refused with [`Error::SignatureEncoding`] before it is decoded.
pub const MAX_SIGNATURE_BASE64_LEN: usize = 344;

/// The prefix of the probe signatures WeChat Pay sends to check that merchants verify.
pub const SIGN_TEST_PREFIX: &str = "WECHATPAY/SIGNTEST/";

/// The signature headers of a response or callback (`Wechatpay-*`).
#[derive(Debug, Clone, Copy)]
pub struct SignatureHeaders<'a> {
    /// `Wechatpay-Timestamp`.
    pub timestamp: &'a str,
    /// `Wechatpay-Nonce`.
    pub nonce: &'a str,
    /// `Wechatpay-Serial`: a platform certificate serial or a `PUB_KEY_ID_…`.
    pub serial: &'a str,
    /// `Wechatpay-Signature`, base64.
    pub signature: &'a str,
    /// `Wechatpay-Signature-Type`, if sent; must be `WECHATPAY2-SHA256-RSA2048`.
    pub signature_type: Option<&'a str>,
}

/// A key trusted to verify WeChat Pay's signatures.
#[derive(Clone, Debug)]
pub enum TrustedKey {
    /// A platform certificate (certificate mode).
    Certificate(Certificate),
    /// A WeChat Pay public key (public-key mode).
    PublicKey(WechatPayPublicKey),
}

impl TrustedKey {
    /// The serial or public key id.
    pub fn serial(&self) -> &SerialNo {
        match self {
            Self::Certificate(c) => c.serial(),
            Self::PublicKey(k) => k.id(),
        }
    }

    /// The RSA public key.
    pub fn public_key(&self) -> &PublicKey {
        match self {
            Self::Certificate(c) => c.public_key(),
            Self::PublicKey(k) => k.key(),
        }
    }
}

/// Platform certificates and WeChat Pay public keys side by side, keyed by serial / id, so
/// certificate mode, public-key mode and the mixed migration mode all work.
#[derive(Clone, Default)]
pub struct Verifier {
    keys: HashMap<SerialNo, TrustedKey>,
    max_skew_secs: i64,
}

impl fmt::Debug for Verifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Verifier")
            .field("serials", &self.keys.keys().collect::<Vec<_>>())
            .field("max_skew_secs", &self.max_skew_secs)
            .finish()
    }
}

impl Verifier {
    /// An empty verifier with WeChat Pay's ±300 s window.
    pub fn new() -> Self {
        Self { keys: HashMap::new(), max_skew_secs: MAX_CLOCK_SKEW_SECS }
    }

    /// Changes the allowed clock difference.
    #[must_use]
    pub fn with_max_skew_secs(mut self, secs: i64) -> Self {
        self.max_skew_secs = secs;
        self
    }

    /// Trusts a platform certificate (replacing one with the same serial).
    pub fn add_certificate(&mut self, cert: Certificate) {
        self.keys.insert(cert.serial().clone(), TrustedKey::Certificate(cert));
    }

    /// Trusts a WeChat Pay public key (replacing one with the same id).
    pub fn add_public_key(&mut self, key: WechatPayPublicKey) {
        self.keys.insert(key.id().clone(), TrustedKey::PublicKey(key));
    }

    /// Stops trusting a serial; returns what was removed.
    pub fn remove(&mut self, serial: &str) -> Option<TrustedKey> {
        self.keys.remove(&SerialNo::new(serial))
    }

    /// Drops certificates whose validity ended before `now`; public keys stay.
    pub fn remove_expired(&mut self, now: i64) {
        self.keys.retain(|_, k| match k {
            TrustedKey::Certificate(c) => c.not_after() >= now,
            TrustedKey::PublicKey(_) => true,
        });
    }

    /// The key trusted for `serial`, if any.
    pub fn get(&self, serial: &str) -> Option<&TrustedKey> {
        self.keys.get(&SerialNo::new(serial))
    }

    /// Whether `serial` is trusted.
    pub fn contains(&self, serial: &str) -> bool {
        self.get(serial).is_some()
    }

    /// Every trusted key.
    pub fn keys(&self) -> impl Iterator<Item = &TrustedKey> {
        self.keys.values()
    }

    /// Whether no key is trusted.
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// Verifies a response or callback: signature type, probe signatures, the timestamp
    /// window at `now` (unix seconds), the serial, then the signature over the **raw** body.
    ///
    /// # Errors
    /// [`Error::UnsupportedSignatureType`], [`Error::SignTestProbe`],
    /// [`Error::MalformedTimestamp`], [`Error::TimestampExpired`],
    /// [`Error::TimestampInFuture`], [`Error::UnknownSerial`], [`Error::CertificateExpired`],
    /// [`Error::SignatureEncoding`] or [`Error::BadSignature`].
    pub fn verify(&self, headers: &SignatureHeaders<'_>, body: &[u8], now: i64) -> Result<()> {
        check_signature_format(headers)?;
        check_timestamp(headers.timestamp, now, self.max_skew_secs)?;
        let key = self
            .get(headers.serial)
            .ok_or_else(|| Error::UnknownSerial(headers.serial.chars().take(64).collect()))?;
        if let TrustedKey::Certificate(cert) = key {
            cert.check_valid_at(now)?;
        }
        verify_with(key.public_key(), headers, body)
    }
}

/// Checks the signature type and rejects `WECHATPAY/SIGNTEST/` probes.
///
/// # Errors
/// [`Error::UnsupportedSignatureType`] or [`Error::SignTestProbe`].
pub fn check_signature_format(headers: &SignatureHeaders<'_>) -> Result<()> {
    if let Some(t) = headers.signature_type {
        if t != SCHEME {
            return Err(Error::UnsupportedSignatureType(t.chars().take(64).collect()));
        }
    }
    if headers.signature.starts_with(SIGN_TEST_PREFIX) {
        return Err(Error::SignTestProbe);
    }
    Ok(())
}

/// Checks a decimal unix timestamp against `now` within `max_skew_secs` either way.
///
/// # Errors
/// [`Error::MalformedTimestamp`], [`Error::TimestampExpired`] or [`Error::TimestampInFuture`].
pub fn check_timestamp(timestamp: &str, now: i64, max_skew_secs: i64) -> Result<i64> {
    let ts: i64 = if !timestamp.is_empty()
        && timestamp.len() <= 19
        && timestamp.bytes().all(|b| b.is_ascii_digit())
    {
        timestamp.parse().map_err(|_| Error::MalformedTimestamp(timestamp.to_owned()))?
    } else {
        return Err(Error::MalformedTimestamp(timestamp.chars().take(32).collect()));
    };
    let diff = now.saturating_sub(ts);
    if diff > max_skew_secs {
        return Err(Error::TimestampExpired { timestamp: ts, age_secs: diff, max_skew_secs });
    }
    // Saturating: `now` and the skew come from the caller and `diff` may have saturated, so
    // a plain negation could overflow.
    if diff < max_skew_secs.saturating_neg() {
        let ahead_secs = diff.saturating_neg();
        return Err(Error::TimestampInFuture { timestamp: ts, ahead_secs, max_skew_secs });
    }
    Ok(ts)
}

/// Verifies the signature with one key, without the time or serial checks.
///
/// # Errors
/// [`Error::SignatureEncoding`] or [`Error::BadSignature`].
pub fn verify_with(key: &PublicKey, headers: &SignatureHeaders<'_>, body: &[u8]) -> Result<()> {
    // Refuse anything longer than an RSA-2048 signature before decoding it.
    if headers.signature.len() > MAX_SIGNATURE_BASE64_LEN {
        return Err(Error::SignatureEncoding);
    }
    let signature = crate::base64::decode(headers.signature, "signature")
        .map_err(|_| Error::SignatureEncoding)?;
    let message = response_message(headers.timestamp, headers.nonce, body);
    if key.verify(&message, &signature) {
        Ok(())
    } else {
        Err(Error::BadSignature)
    }
}

/// Anything that can verify WeChat Pay signatures: a [`Verifier`] snapshot, or a key store
/// that refreshes its certificates behind the scenes (wechatpay-transport's). The callback
/// parser of wechatpay-notify takes one of these, so it needs no HTTP client.
pub trait VerifySignature: Send + Sync + fmt::Debug {
    /// Verifies `headers` over the raw `body` at `now` (unix seconds).
    ///
    /// # Errors
    /// As [`Verifier::verify`].
    fn verify_signature(&self, headers: &SignatureHeaders<'_>, body: &[u8], now: i64)
        -> Result<()>;
}

impl VerifySignature for Verifier {
    fn verify_signature(
        &self,
        headers: &SignatureHeaders<'_>,
        body: &[u8],
        now: i64,
    ) -> Result<()> {
        self.verify(headers, body, now)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Proves the skew arithmetic cannot overflow at the extremes of `i64`: with `now` at
    // `i64::MIN` the difference saturates, and negating it must not panic.
    #[test]
    fn timestamp_check_saturates_at_the_extremes() {
        let max = i64::MAX.to_string();
        assert!(matches!(
            check_timestamp(&max, i64::MIN, 300),
            Err(Error::TimestampInFuture { ahead_secs: i64::MAX, .. })
        ));
        assert!(matches!(
            check_timestamp("0", i64::MAX, 300),
            Err(Error::TimestampExpired { age_secs: i64::MAX, .. })
        ));
        assert_eq!(check_timestamp("0", 0, i64::MAX), Ok(0));
    }
}
