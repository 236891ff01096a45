//! Platform certificates: `certificate.list`, `GET /v3/certificates`.
//!
//! [`CertificateListParams`] is its query string, [`CertificateList`] its response.

use serde::{Deserialize, Serialize};

use crate::aead::AeadAlgorithm;
use crate::time::DateTime;

open_enum! {
    /// Which platform certificates to list (证书算法版本).
    pub enum CertificateAlgorithmType {
        /// RSA certificates, the default (RSA证书).
        Rsa = "RSA",
        /// SM2 (Chinese national cryptography) certificates (国密SM2证书).
        Sm2 = "SM2",
        /// Both kinds (全部).
        All = "ALL",
    }
}

/// The query string of `GET /v3/certificates`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CertificateListParams {
    /// Certificate algorithm; absent means RSA (证书算法版本).
    ///
    /// Uncertain: a newer parameter, not in every source.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub algorithm_type: Option<CertificateAlgorithmType>,
}

/// The `GET /v3/certificates` response body (平台证书列表).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CertificateList {
    /// The platform certificates currently valid or about to be (平台证书列表).
    pub data: Vec<PlatformCertificate>,
}

/// One platform certificate, still encrypted.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlatformCertificate {
    /// Certificate serial number, upper-case hex (证书序列号).
    pub serial_no: String,
    /// Valid from (证书启用时间).
    pub effective_time: DateTime,
    /// Valid until (证书过期时间).
    pub expire_time: DateTime,
    /// The PEM certificate, encrypted (证书信息).
    pub encrypt_certificate: EncryptedCertificate,
}

/// A PEM certificate encrypted with the APIv3 key.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EncryptedCertificate {
    /// Encryption algorithm (加密算法).
    pub algorithm: AeadAlgorithm,
    /// The GCM nonce as an ASCII string (加密使用的随机串).
    pub nonce: String,
    /// AEAD associated data, typically `certificate` (附加数据).
    pub associated_data: String,
    /// base64(ciphertext ‖ 16-byte tag); the plaintext is the PEM certificate (密文).
    pub ciphertext: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    // Proves the recorded /v3/certificates body parses and serializes back to the same JSON.
    #[test]
    fn recorded_response_round_trips() {
        let fixture: serde_json::Value = serde_json::from_str(include_str!(
            "../../../fixtures/vectors/certificates_response.json"
        ))
        .unwrap();
        let body = fixture["response"]["body"].as_str().unwrap();
        let list: CertificateList = serde_json::from_str(body).unwrap();
        let cert = &list.data[0];
        assert_eq!(cert.serial_no, "5F1E2D3C4B5A69788796A5B4C3D2E1F00F1E2D3C");
        assert_eq!(cert.effective_time.to_string(), "2024-01-01T08:00:00+08:00");
        assert_eq!(cert.encrypt_certificate.algorithm, AeadAlgorithm::AeadAes256Gcm);
        assert_eq!(cert.encrypt_certificate.associated_data, "certificate");
        let raw: serde_json::Value = serde_json::from_str(body).unwrap();
        assert_eq!(serde_json::to_value(&list).unwrap(), raw);
    }
}
