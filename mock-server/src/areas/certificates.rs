//! `GET /v3/certificates`: the tenant's platform certificates, each encrypted with the
//! tenant's APIv3 key (`associated_data` "certificate", a fresh 12-character nonce).
//!
//! A tenant in public-key mode has no platform certificate and answers `{"data":[]}`: a
//! client in that mode verifies with the WeChat Pay public key it was configured with.

use axum::routing::get;
use axum::Router;
use serde::Deserialize;
use wechatpay_crypto::nonce::random_alphanumeric;
use wechatpay_models::aead::AeadAlgorithm;
use wechatpay_models::certificate::{CertificateList, EncryptedCertificate, PlatformCertificate};
use wechatpay_models::DateTime;

use crate::error::{ApiError, Location};
use crate::extract::{WxJson, WxQuery};
use crate::protocol::Caller;
use crate::state::MockState;

/// The associated data WeChat Pay uses for certificate ciphertexts.
const ASSOCIATED_DATA: &str = "certificate";

pub(crate) fn routes() -> Router<MockState> {
    Router::new().route("/v3/certificates", get(list))
}

#[derive(Debug, Deserialize)]
struct Query {
    algorithm_type: Option<String>,
}

async fn list(
    caller: Caller,
    WxQuery(query): WxQuery<Query>,
) -> Result<WxJson<CertificateList>, ApiError> {
    let include_rsa = match query.algorithm_type.as_deref() {
        None | Some("RSA") | Some("ALL") => true,
        // The mock issues no SM2 (国密) certificates.
        Some("SM2") => false,
        Some(other) => {
            return Err(ApiError::param_error(
                "algorithm_type",
                Location::Query,
                "must be RSA, SM2 or ALL",
            )
            .with_value(other.to_owned()))
        }
    };
    let tenant = caller.tenant();
    let mut data = Vec::new();
    for cert in tenant.platform_certificates().filter(|_| include_rsa) {
        let system = |e: wechatpay_crypto::Error| {
            ApiError::system_error(format!("certificate encryption failed: {e}"))
        };
        let nonce =
            random_alphanumeric(wechatpay_crypto::Backend::default(), 12).map_err(system)?;
        let ciphertext = tenant
            .apiv3_key()
            .encrypt(&nonce, ASSOCIATED_DATA, cert.pem().as_bytes())
            .map_err(system)?;
        let time = |unix: i64| {
            DateTime::from_unix(unix)
                .map_err(|e| ApiError::system_error(format!("certificate validity: {e}")))
        };
        data.push(PlatformCertificate {
            serial_no: cert.serial().to_string(),
            effective_time: time(cert.not_before())?,
            expire_time: time(cert.not_after())?,
            encrypt_certificate: EncryptedCertificate {
                algorithm: AeadAlgorithm::AeadAes256Gcm,
                nonce,
                associated_data: ASSOCIATED_DATA.to_owned(),
                ciphertext,
            },
        });
    }
    Ok(WxJson(CertificateList { data }))
}
