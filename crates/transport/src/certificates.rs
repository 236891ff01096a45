//! The `/v3/certificates` bootstrap: decrypt every listed certificate with the APIv3 key
//! first, then verify the response with the keys already trusted plus the decrypted ones
//! (the response is signed by a certificate it carries).

use wechatpay_crypto::{ApiV3Key, Certificate, SignatureHeaders, Verifier};
use wechatpay_models::aead::AeadAlgorithm;
use wechatpay_models::certificate::CertificateList;

use crate::error::{Error, VerifyError};
use crate::path::truncate;

/// The most certificates accepted from one answer (WeChat Pay lists one or two).
const MAX_CERTIFICATES: usize = 16;

/// Decrypts and parses the certificates of a `/v3/certificates` body. The body is untrusted
/// at this point; only the AEAD tag (made with the APIv3 key, which only WeChat Pay and the
/// merchant hold) vouches for each certificate until the signature is checked.
pub(crate) fn decrypt_certificate_list(
    list: &CertificateList,
    key: &ApiV3Key,
) -> Result<Vec<Certificate>, VerifyError> {
    let mut certs = Vec::with_capacity(list.data.len().min(MAX_CERTIFICATES));
    for entry in list.data.iter().take(MAX_CERTIFICATES) {
        let serial = truncate(&entry.serial_no, 64);
        let enc = &entry.encrypt_certificate;
        if enc.algorithm != AeadAlgorithm::AeadAes256Gcm {
            return Err(VerifyError::PlatformCertificate {
                serial,
                source: wechatpay_crypto::Error::UnsupportedAlgorithm(truncate(
                    enc.algorithm.as_str(),
                    64,
                )),
            });
        }
        let pem =
            key.decrypt_to_string(&enc.nonce, &enc.associated_data, &enc.ciphertext).map_err(
                |source| VerifyError::PlatformCertificate { serial: serial.clone(), source },
            )?;
        let cert = Certificate::from_pem(pem.as_bytes()).map_err(|source| {
            VerifyError::PlatformCertificate { serial: serial.clone(), source }
        })?;
        if cert.serial() != &wechatpay_crypto::SerialNo::new(entry.serial_no.as_str()) {
            return Err(VerifyError::CertificateSerialMismatch {
                listed: serial,
                actual: cert.serial().to_string(),
            });
        }
        certs.push(cert);
    }
    Ok(certs)
}

/// Verifies the `/v3/certificates` response with `trusted` plus the certificates it carries.
pub(crate) fn verify_with_new_certificates(
    trusted: &Verifier,
    certs: &[Certificate],
    headers: &SignatureHeaders<'_>,
    body: &[u8],
    now: i64,
) -> Result<(), wechatpay_crypto::Error> {
    let mut verifier = trusted.clone();
    for cert in certs {
        verifier.add_certificate(cert.clone());
    }
    verifier.verify(headers, body, now)
}

/// Parses the body, mapping failure to a decode error carrying it.
pub(crate) fn parse_certificate_list(
    body: &bytes::Bytes,
    request_id: Option<String>,
) -> Result<CertificateList, Error> {
    serde_json::from_slice(body).map_err(|e| {
        Error::Decode(crate::error::DecodeError::new(
            "CertificateList",
            Some(http::StatusCode::OK),
            request_id,
            body.clone(),
            e,
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const FIXTURE: &str = include_str!("../../../fixtures/vectors/certificates_response.json");
    const PLATFORM_CERT: &str =
        include_str!("../../../fixtures/vectors/keys/wechatpay_platform_cert.pem");

    fn fixture() -> serde_json::Value {
        serde_json::from_str(FIXTURE).unwrap()
    }

    fn headers(v: &serde_json::Value) -> SignatureHeaders<'_> {
        let h = &v["response"]["headers"];
        SignatureHeaders {
            timestamp: h["Wechatpay-Timestamp"].as_str().unwrap(),
            nonce: h["Wechatpay-Nonce"].as_str().unwrap(),
            serial: h["Wechatpay-Serial"].as_str().unwrap(),
            signature: h["Wechatpay-Signature"].as_str().unwrap(),
            signature_type: h["Wechatpay-Signature-Type"].as_str(),
        }
    }

    // Proves the recorded answer decrypts to the platform certificate and verifies with it
    // while nothing was trusted before (the bootstrap).
    #[test]
    fn bootstrap_from_recorded_answer() {
        let v = fixture();
        let body = bytes::Bytes::from(v["response"]["body"].as_str().unwrap().to_owned());
        let list = parse_certificate_list(&body, None).unwrap();
        let key = ApiV3Key::new("TestOnlyApiV3Key0123456789abcdef").unwrap();
        let certs = decrypt_certificate_list(&list, &key).unwrap();
        assert_eq!(certs.len(), 1);
        assert_eq!(certs[0].pem(), PLATFORM_CERT);
        let h = headers(&v);
        let ts: i64 = h.timestamp.parse().unwrap();
        verify_with_new_certificates(&Verifier::new(), &certs, &h, &body, ts).unwrap();
        // Without the decrypted certificate the serial is unknown.
        assert!(Verifier::new().verify(&h, &body, ts).is_err());
        // A tampered body fails.
        let mut tampered = body.to_vec();
        tampered.push(b' ');
        assert!(verify_with_new_certificates(&Verifier::new(), &certs, &h, &tampered, ts).is_err());
    }

    // Proves a wrong APIv3 key is reported as a certificate decryption failure.
    #[test]
    fn wrong_api_v3_key() {
        let v = fixture();
        let body = bytes::Bytes::from(v["response"]["body"].as_str().unwrap().to_owned());
        let list = parse_certificate_list(&body, None).unwrap();
        let key = ApiV3Key::new("WrongApiV3Key0123456789abcdefXYZ").unwrap();
        let err = decrypt_certificate_list(&list, &key).unwrap_err();
        assert!(
            matches!(
                err,
                VerifyError::PlatformCertificate {
                    source: wechatpay_crypto::Error::AeadAuthentication,
                    ..
                }
            ),
            "{err:?}"
        );
    }

    // Proves a certificate listed under another serial is refused.
    #[test]
    fn serial_mismatch() {
        let v = fixture();
        let body = v["response"]["body"].as_str().unwrap().replacen(
            "\"serial_no\":\"5F1E2D3C4B5A69788796A5B4C3D2E1F00F1E2D3C\"",
            "\"serial_no\":\"0123\"",
            1,
        );
        let list = parse_certificate_list(&bytes::Bytes::from(body), None).unwrap();
        let key = ApiV3Key::new("TestOnlyApiV3Key0123456789abcdef").unwrap();
        assert!(matches!(
            decrypt_certificate_list(&list, &key),
            Err(VerifyError::CertificateSerialMismatch { .. })
        ));
    }
}
