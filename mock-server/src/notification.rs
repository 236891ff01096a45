//! Callback notifications as WeChat Pay POSTs them: the resource JSON encrypted with the
//! APIv3 key (AEAD_AES_256_GCM, `associated_data` = the original type), wrapped in the
//! envelope, and the envelope signed like a response.

use wechatpay_crypto::nonce::random_alphanumeric;
use wechatpay_crypto::ApiV3Key;
use wechatpay_models::aead::AeadAlgorithm;
use wechatpay_models::notify::{
    EncryptedResource, EventType, Notification, OriginalType, ResourceType,
};
use wechatpay_models::DateTime;

use crate::signing::{SignatureHeaderValues, SigningKey};

/// Why a callback could not be built.
#[non_exhaustive]
#[derive(Debug, thiserror::Error)]
pub enum CallbackError {
    /// The event type has no known resource type; pass one with [`CallbackSpec::original_type`].
    #[error("no resource type known for event type `{0}`")]
    UnknownEventType(String),
    /// Encryption or signing failed.
    #[error("callback encryption or signing failed")]
    Crypto(#[source] wechatpay_crypto::Error),
    /// The virtual time cannot be written as RFC 3339.
    #[error("the virtual time cannot be written as a create_time")]
    Time(#[source] wechatpay_models::time::TimeError),
    /// The envelope could not be serialized.
    #[error("the envelope could not be serialized")]
    Json(#[source] serde_json::Error),
}

/// A signed, encrypted callback: the headers and the exact body to POST.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignedCallback {
    /// `Wechatpay-*` headers (Timestamp, Nonce, Serial, Signature, Signature-Type).
    pub signature: SignatureHeaderValues,
    /// The envelope JSON, exactly as signed.
    pub body: String,
    /// The notification id (`id` of the envelope).
    pub id: String,
}

impl SignedCallback {
    /// The headers to send, `Content-Type` included.
    pub fn headers(&self) -> Vec<(&'static str, String)> {
        let mut out = vec![("Content-Type", "application/json".to_owned())];
        out.extend(self.signature.pairs().iter().map(|(n, v)| (*n, (*v).to_owned())));
        out
    }
}

/// The prefix of `Wechatpay-Signature` on a signature probe: WeChat Pay sends such callbacks
/// now and then to check that a receiver verifies signatures; a receiver must refuse them.
pub const SIGNATURE_PROBE_PREFIX: &str = "WECHATPAY/SIGNTEST/";

impl SignedCallback {
    /// The same callback as a signature probe: `Wechatpay-Signature` becomes
    /// `WECHATPAY/SIGNTEST/` and random base64, which no key verifies.
    #[must_use]
    pub fn into_signature_probe(mut self) -> Self {
        let noise: [u8; 32] = rand::random();
        self.signature.signature =
            format!("{SIGNATURE_PROBE_PREFIX}{}", wechatpay_crypto::base64::encode(noise));
        self
    }
}

/// What to notify.
#[derive(Clone, Copy, Debug)]
pub struct CallbackSpec<'a> {
    /// `event_type`, e.g. `TRANSACTION.SUCCESS`.
    pub event_type: &'a str,
    /// The plaintext resource JSON, exactly as it will decrypt.
    pub resource_json: &'a str,
    /// `resource.original_type`; derived from the event type when `None`.
    pub original_type: Option<&'a str>,
    /// `summary`; derived from the event type when `None`.
    pub summary: Option<&'a str>,
    /// The notification `id`; a fresh `EV-…` id when `None`. A retried delivery keeps the id
    /// of its first attempt, as WeChat Pay does, so receivers can deduplicate.
    pub id: Option<&'a str>,
    /// `create_time`, unix seconds; the signing time when `None`. Retries keep the time the
    /// notification was created, while their signature carries the time of the attempt.
    pub create_time_unix: Option<i64>,
}

impl<'a> CallbackSpec<'a> {
    /// A callback for `event_type` carrying `resource_json`.
    pub fn new(event_type: &'a str, resource_json: &'a str) -> Self {
        Self {
            event_type,
            resource_json,
            original_type: None,
            summary: None,
            id: None,
            create_time_unix: None,
        }
    }
}

/// The resource type WeChat Pay uses for an event type.
pub fn original_type_for(event_type: &str) -> Option<OriginalType> {
    let prefix = event_type.split('.').next()?;
    match prefix {
        "TRANSACTION" => Some(OriginalType::Transaction),
        "REFUND" => Some(OriginalType::Refund),
        "PROFITSHARING" => Some(OriginalType::ProfitSharing),
        "MCHWITHDRAW" => Some(OriginalType::MchWithdraw),
        _ => None,
    }
}

fn summary_for(event_type: &str) -> &'static str {
    match event_type {
        "TRANSACTION.SUCCESS" => "支付成功",
        "REFUND.SUCCESS" => "退款成功",
        "REFUND.ABNORMAL" => "退款异常",
        "REFUND.CLOSED" => "退款关闭",
        "PROFITSHARING.SUCCESS" => "分账成功",
        "PROFITSHARING.RETURN" => "分账回退",
        "MCHWITHDRAW.CHANGE" => "提现状态变更",
        _ => "通知",
    }
}

/// Encrypts, wraps and signs one callback at `now_unix` (the tenant's virtual time).
///
/// # Errors
/// [`CallbackError`].
pub fn build_callback(
    spec: &CallbackSpec<'_>,
    apiv3_key: &ApiV3Key,
    key: &SigningKey,
    now_unix: i64,
) -> Result<SignedCallback, CallbackError> {
    let original_type = match spec.original_type {
        Some(t) => OriginalType::from(t),
        None => original_type_for(spec.event_type)
            .ok_or_else(|| CallbackError::UnknownEventType(spec.event_type.to_owned()))?,
    };
    let backend = key.private_key().backend();
    let nonce = random_alphanumeric(backend, 12).map_err(CallbackError::Crypto)?;
    let associated_data = original_type.as_str().to_owned();
    let ciphertext = apiv3_key
        .encrypt(&nonce, &associated_data, spec.resource_json.as_bytes())
        .map_err(CallbackError::Crypto)?;
    let id = spec.id.map_or_else(|| format!("EV-{}", random_digits(20)), str::to_owned);
    let create_time = spec.create_time_unix.unwrap_or(now_unix);
    let envelope = Notification {
        id: id.clone(),
        create_time: DateTime::from_unix(create_time).map_err(CallbackError::Time)?,
        resource_type: ResourceType::EncryptResource,
        event_type: EventType::from(spec.event_type),
        summary: spec.summary.unwrap_or_else(|| summary_for(spec.event_type)).to_owned(),
        resource: EncryptedResource {
            original_type,
            algorithm: AeadAlgorithm::AeadAes256Gcm,
            ciphertext,
            associated_data: Some(associated_data),
            nonce,
        },
    };
    let body = serde_json::to_string(&envelope).map_err(CallbackError::Json)?;
    let signature = key.sign(body.as_bytes(), now_unix).map_err(CallbackError::Crypto)?;
    Ok(SignedCallback { signature, body, id })
}

fn random_digits(n: usize) -> String {
    (0..n).map(|_| char::from(b'0' + rand::random_range(0..10u8))).collect()
}

#[cfg(test)]
mod tests {
    use wechatpay_crypto::{Certificate, PrivateKey, SignatureHeaders, Verifier};

    use super::*;
    use crate::identity;

    // Proves a built callback verifies, decrypts to the exact resource, and names its type.
    #[test]
    fn callback_verifies_and_decrypts() {
        let key = SigningKey::new(
            identity::PLATFORM_CERT_SERIAL,
            PrivateKey::from_pem(identity::PLATFORM_PRIVATE_KEY_PEM).unwrap(),
        );
        let apiv3 = ApiV3Key::new(identity::APIV3_KEY).unwrap();
        let resource = r#"{"out_refund_no":"R1","refund_status":"SUCCESS"}"#;
        let cb = build_callback(
            &CallbackSpec::new("REFUND.SUCCESS", resource),
            &apiv3,
            &key,
            1_735_700_000,
        )
        .unwrap();
        let mut v = Verifier::new();
        v.add_certificate(Certificate::from_pem(identity::PLATFORM_CERTIFICATE_PEM).unwrap());
        let s = &cb.signature;
        let h = SignatureHeaders {
            timestamp: &s.timestamp,
            nonce: &s.nonce,
            serial: &s.serial,
            signature: &s.signature,
            signature_type: None,
        };
        v.verify(&h, cb.body.as_bytes(), 1_735_700_000).unwrap();
        let n: Notification = serde_json::from_str(&cb.body).unwrap();
        assert_eq!(n.id, cb.id);
        assert_eq!(n.summary, "退款成功");
        assert_eq!(n.create_time.to_string(), "2025-01-01T10:53:20+08:00");
        let plain =
            apiv3.decrypt_to_string(&n.resource.nonce, "refund", &n.resource.ciphertext).unwrap();
        assert_eq!(plain, resource);
    }

    // Proves an event type with no known resource type is refused unless one is given.
    #[test]
    fn unknown_event_type_needs_original_type() {
        let key = SigningKey::new(
            identity::PUBLIC_KEY_ID,
            PrivateKey::from_pem(identity::PUBLIC_KEY_PRIVATE_PEM).unwrap(),
        );
        let apiv3 = ApiV3Key::new(identity::APIV3_KEY).unwrap();
        let spec = CallbackSpec::new("VIOLATION.NOTIFY", "{}");
        assert!(matches!(
            build_callback(&spec, &apiv3, &key, 0),
            Err(CallbackError::UnknownEventType(_))
        ));
        let spec = CallbackSpec { original_type: Some("violation"), ..spec };
        let cb = build_callback(&spec, &apiv3, &key, 0).unwrap();
        assert_eq!(cb.signature.serial, identity::PUBLIC_KEY_ID);
    }

    // Proves a retry keeps the notification id and create_time while signing at the attempt's
    // time, and a probe carries a signature that starts with the probe prefix and verifies with nothing.
    #[test]
    fn retry_keeps_id_and_probe_never_verifies() {
        let key = SigningKey::new(
            identity::PLATFORM_CERT_SERIAL,
            PrivateKey::from_pem(identity::PLATFORM_PRIVATE_KEY_PEM).unwrap(),
        );
        let apiv3 = ApiV3Key::new(identity::APIV3_KEY).unwrap();
        let spec = CallbackSpec {
            id: Some("EV-1"),
            create_time_unix: Some(1_735_700_000),
            ..CallbackSpec::new("TRANSACTION.SUCCESS", "{}")
        };
        let cb = build_callback(&spec, &apiv3, &key, 1_735_700_900).unwrap();
        let n: Notification = serde_json::from_str(&cb.body).unwrap();
        assert_eq!((n.id.as_str(), n.create_time.unix_timestamp()), ("EV-1", 1_735_700_000));
        assert_eq!(cb.signature.timestamp, "1735700900");
        let probe = cb.into_signature_probe();
        assert!(probe.signature.signature.starts_with(SIGNATURE_PROBE_PREFIX));
        let mut v = Verifier::new();
        v.add_certificate(Certificate::from_pem(identity::PLATFORM_CERTIFICATE_PEM).unwrap());
        let s = &probe.signature;
        let h = SignatureHeaders {
            timestamp: &s.timestamp,
            nonce: &s.nonce,
            serial: &s.serial,
            signature: &s.signature,
            signature_type: None,
        };
        assert!(v.verify(&h, probe.body.as_bytes(), 1_735_700_900).is_err());
    }
}
