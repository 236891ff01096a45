//! The built-in test identity (`fixtures/vectors/test_identity.json`, keys embedded so the
//! binary works anywhere) and [`Credentials`], what a client needs to talk to a tenant.
//!
//! Everything here is TEST ONLY: made-up merchant ids and self-signed certificates that
//! WeChat Pay never issued.

use std::fmt;

use wechatpay_crypto::{
    ApiV3Key, Certificate, MerchantSigner, PrivateKey, Verifier, WechatPayPublicKey,
};
use zeroize::Zeroizing;

use crate::config::KeyMode;

/// The platform (service provider) merchant id of the built-in tenant.
pub const SP_MCHID: &str = "1900000100";
/// The first onboarded sub-merchant (二级商户).
pub const SUB_MCHID: &str = "1900000109";
/// The second onboarded sub-merchant.
pub const SECOND_SUB_MCHID: &str = "1900000110";
/// The platform's app id.
pub const SP_APPID: &str = "wx8888888888888888";
/// The sub-merchant's app id.
pub const SUB_APPID: &str = "wxd678efh567hg6999";
/// A payer's openid under [`SP_APPID`].
pub const SP_OPENID: &str = "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o";
/// A payer's openid under [`SUB_APPID`].
pub const SUB_OPENID: &str = "oUpF8uMEb4qRXf22hE3X68TekukE";
/// Serial of the merchant API certificate.
pub const MERCHANT_CERT_SERIAL: &str = "3A2B1C0D9E8F7A6B5C4D3E2F1A0B9C8D7E6F5A4B";
/// Serial of the platform certificate.
pub const PLATFORM_CERT_SERIAL: &str = "5F1E2D3C4B5A69788796A5B4C3D2E1F00F1E2D3C";
/// Id of the WeChat Pay public key.
pub const PUBLIC_KEY_ID: &str = "PUB_KEY_ID_0119000001002025010100000001";
/// The APIv3 key (32 ASCII bytes).
pub const APIV3_KEY: &str = "TestOnlyApiV3Key0123456789abcdef";

/// Merchant API private key (PKCS#8 PEM).
pub const MERCHANT_PRIVATE_KEY_PEM: &str =
    include_str!("../../fixtures/vectors/keys/apiclient_key.pem");
/// Merchant API certificate (PEM).
pub const MERCHANT_CERTIFICATE_PEM: &str =
    include_str!("../../fixtures/vectors/keys/apiclient_cert.pem");
/// Platform certificate (PEM).
pub const PLATFORM_CERTIFICATE_PEM: &str =
    include_str!("../../fixtures/vectors/keys/wechatpay_platform_cert.pem");
/// Platform certificate private key (PKCS#8 PEM); only the mock signs with it.
pub const PLATFORM_PRIVATE_KEY_PEM: &str =
    include_str!("../../fixtures/vectors/keys/wechatpay_platform_key.pem");
/// WeChat Pay public key (SPKI PEM).
pub const PUBLIC_KEY_PEM: &str = include_str!("../../fixtures/vectors/keys/pub_key.pem");
/// Private half of the WeChat Pay public key (PKCS#8 PEM); only the mock signs with it.
pub const PUBLIC_KEY_PRIVATE_PEM: &str =
    include_str!("../../fixtures/vectors/keys/pub_key_private.pem");

/// What a client needs to call one tenant of the mock: its merchant id and key, the APIv3
/// key, and what the tenant's key mode publishes to verify responses (platform certificate,
/// WeChat Pay public key, or both).
#[derive(Clone)]
#[non_exhaustive]
pub struct Credentials {
    /// Platform merchant id (signs every request).
    pub mchid: String,
    /// Serial of the merchant API certificate the client signs with.
    pub merchant_serial: String,
    /// The merchant API private key, when the mock knows it (built-in keys, or configured).
    pub merchant_private_key_pem: Option<Zeroizing<String>>,
    /// The merchant API certificate.
    pub merchant_certificate_pem: String,
    /// The APIv3 key.
    pub apiv3_key: Zeroizing<String>,
    /// How the tenant signs responses.
    pub key_mode: KeyMode,
    /// Platform certificate serial (certificate and mixed modes).
    pub platform_serial: Option<String>,
    /// Platform certificate PEM (certificate and mixed modes); clients may instead download
    /// it from `GET /v3/certificates`.
    pub platform_certificate_pem: Option<String>,
    /// WeChat Pay public key id (public-key and mixed modes).
    pub public_key_id: Option<String>,
    /// WeChat Pay public key PEM (public-key and mixed modes).
    pub public_key_pem: Option<String>,
    /// Sub-merchants onboarded when the mock starts.
    pub sub_mchids: Vec<String>,
    /// App ids of the tenant.
    pub appids: Vec<String>,
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("mchid", &self.mchid)
            .field("merchant_serial", &self.merchant_serial)
            .field("key_mode", &self.key_mode)
            .field("platform_serial", &self.platform_serial)
            .field("public_key_id", &self.public_key_id)
            .field("sub_mchids", &self.sub_mchids)
            .field("appids", &self.appids)
            .finish_non_exhaustive()
    }
}

impl Credentials {
    /// A request signer for this merchant.
    ///
    /// # Errors
    /// [`wechatpay_crypto::Error::NotPem`] (with "merchant private key unknown") when the mock
    /// was not given the private key; key parsing errors otherwise.
    pub fn merchant_signer(&self) -> wechatpay_crypto::Result<MerchantSigner> {
        let pem = self.merchant_private_key_pem.as_ref().ok_or_else(|| {
            wechatpay_crypto::Error::NotPem("merchant private key unknown to the mock".into())
        })?;
        MerchantSigner::new(
            self.mchid.clone(),
            self.merchant_serial.as_str(),
            PrivateKey::from_pem(pem.as_bytes())?,
        )
    }

    /// A verifier trusting what this tenant signs responses with.
    ///
    /// # Errors
    /// Certificate or key parsing errors (not for the built-in identity).
    pub fn verifier(&self) -> wechatpay_crypto::Result<Verifier> {
        let mut v = Verifier::new();
        if let Some(pem) = &self.platform_certificate_pem {
            v.add_certificate(Certificate::from_pem(pem)?);
        }
        if let (Some(id), Some(pem)) = (&self.public_key_id, &self.public_key_pem) {
            v.add_public_key(WechatPayPublicKey::from_pem(id.clone(), pem)?);
        }
        Ok(v)
    }

    /// The APIv3 key.
    ///
    /// # Errors
    /// [`wechatpay_crypto::Error::ApiV3KeyLength`] (not for the built-in identity).
    pub fn api_v3_key(&self) -> wechatpay_crypto::Result<ApiV3Key> {
        ApiV3Key::new(self.apiv3_key.as_bytes())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Proves the embedded PEMs carry the serials test_identity.json documents.
    #[test]
    fn embedded_keys_match_the_identity_file() {
        let identity: serde_json::Value =
            serde_json::from_str(include_str!("../../fixtures/vectors/test_identity.json"))
                .unwrap();
        assert_eq!(identity["sp_mchid"], SP_MCHID);
        assert_eq!(identity["sub_mchid"], SUB_MCHID);
        assert_eq!(identity["second_sub_mchid"], SECOND_SUB_MCHID);
        assert_eq!(identity["sp_appid"], SP_APPID);
        assert_eq!(identity["sub_appid"], SUB_APPID);
        assert_eq!(identity["apiv3_key"], APIV3_KEY);
        assert_eq!(identity["wechatpay_public_key_id"], PUBLIC_KEY_ID);
        let merchant = Certificate::from_pem(MERCHANT_CERTIFICATE_PEM).unwrap();
        assert_eq!(merchant.serial().as_str(), identity["merchant_cert_serial"]);
        assert_eq!(merchant.serial().as_str(), MERCHANT_CERT_SERIAL);
        let platform = Certificate::from_pem(PLATFORM_CERTIFICATE_PEM).unwrap();
        assert_eq!(platform.serial().as_str(), PLATFORM_CERT_SERIAL);
        assert_eq!(platform.serial().as_str(), identity["platform_cert_serial"]);
    }
}
