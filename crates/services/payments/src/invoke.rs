//! What a prepay hands to the front end: a `prepay_id` that still has to be re-signed for
//! JSAPI / mini programs and APPs, an `h5_url` to redirect to, a `code_url` to draw as a QR code.
//!
//! The re-signing (`paySign` / `sign`) uses the platform's merchant API key, the same key that
//! signs requests, through [`MerchantSigner`]; the signed message names the appid the page or
//! app actually runs under, which is why [`JsapiPrepay`] and [`AppPrepay`] carry it.

use std::fmt;

use wechatpay_crypto::{AppPayParams, JsapiPayParams, MerchantSigner};

/// A prepay session id (预支付交易会话标识), valid for 2 hours.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct PrepayId(String);

impl PrepayId {
    /// Wraps a `prepay_id` (e.g. one stored earlier).
    pub fn new(prepay_id: impl Into<String>) -> Self {
        Self(prepay_id.into())
    }

    /// The id.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The id, owned.
    pub fn into_string(self) -> String {
        self.0
    }
}

impl fmt::Display for PrepayId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The answer to a JSAPI / mini-program prepay: the `prepay_id` and the appid the paying
/// page runs under, ready to be re-signed for `WeixinJSBridge` / `wx.requestPayment`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JsapiPrepay {
    prepay_id: PrepayId,
    app_id: String,
}

impl JsapiPrepay {
    /// A prepay for a page or mini program running under `app_id`.
    pub fn new(prepay_id: PrepayId, app_id: impl Into<String>) -> Self {
        Self { prepay_id, app_id: app_id.into() }
    }

    /// The prepay id.
    pub fn prepay_id(&self) -> &PrepayId {
        &self.prepay_id
    }

    /// The appid that will be signed: for a combined order `combine_appid`; for a partner
    /// order `sub_appid` when the payer was given as `sub_openid`, otherwise `sp_appid` (the
    /// appid the payer's openid belongs to is the one the page runs under).
    pub fn app_id(&self) -> &str {
        &self.app_id
    }

    /// The same prepay for a page that runs under another appid.
    #[must_use]
    pub fn with_app_id(mut self, app_id: impl Into<String>) -> Self {
        self.app_id = app_id.into();
        self
    }

    /// The parameters for `WeixinJSBridge.invoke('getBrandWCPayRequest', …)` or
    /// `wx.requestPayment(…)`, with a fresh timestamp and nonce, signed by `signer` (the
    /// platform's merchant key: the merchant that placed the order).
    ///
    /// # Errors
    /// [`wechatpay_crypto::Error`] if signing fails.
    pub fn invoke_params(
        &self,
        signer: &MerchantSigner,
    ) -> wechatpay_crypto::Result<JsapiPayParams> {
        signer.jsapi_pay_params(&self.app_id, self.prepay_id.as_str())
    }
}

/// The answer to an APP prepay: the `prepay_id`, the mobile app's appid and the merchant id
/// that goes in `partnerid`, ready to be re-signed for the WeChat SDK's `PayReq`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AppPrepay {
    prepay_id: PrepayId,
    app_id: String,
    partner_id: String,
}

impl AppPrepay {
    /// A prepay for the mobile app `app_id`, placed by merchant `partner_id`.
    pub fn new(
        prepay_id: PrepayId,
        app_id: impl Into<String>,
        partner_id: impl Into<String>,
    ) -> Self {
        Self { prepay_id, app_id: app_id.into(), partner_id: partner_id.into() }
    }

    /// The prepay id.
    pub fn prepay_id(&self) -> &PrepayId {
        &self.prepay_id
    }

    /// The mobile app's appid: `combine_appid` for a combined order; `sub_appid` when given,
    /// else `sp_appid`, for a partner order.
    pub fn app_id(&self) -> &str {
        &self.app_id
    }

    /// The `partnerid`: the merchant that placed the order (`combine_mchid` / `sp_mchid`).
    pub fn partner_id(&self) -> &str {
        &self.partner_id
    }

    /// The same prepay for another mobile appid.
    #[must_use]
    pub fn with_app_id(mut self, app_id: impl Into<String>) -> Self {
        self.app_id = app_id.into();
        self
    }

    /// The `PayReq` parameters, with a fresh timestamp and nonce, signed by `signer`.
    ///
    /// # Errors
    /// [`wechatpay_crypto::Error`] if signing fails.
    pub fn invoke_params(&self, signer: &MerchantSigner) -> wechatpay_crypto::Result<AppPayParams> {
        signer.app_pay_params(&self.app_id, &self.partner_id, self.prepay_id.as_str())
    }
}

/// The page an H5 payment redirects the mobile browser to (支付跳转链接), valid 5 minutes.
/// Append `&redirect_url=<percent-encoded URL>` to come back to a page of yours.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct H5Url(String);

impl H5Url {
    /// Wraps an `h5_url`.
    pub fn new(url: impl Into<String>) -> Self {
        Self(url.into())
    }

    /// The URL.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The URL, owned.
    pub fn into_string(self) -> String {
        self.0
    }
}

impl fmt::Display for H5Url {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The `weixin://` link a Native payment shows as a QR code (二维码链接), valid 2 hours.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct CodeUrl(String);

impl CodeUrl {
    /// Wraps a `code_url`.
    pub fn new(url: impl Into<String>) -> Self {
        Self(url.into())
    }

    /// The link to encode in the QR code.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The link, owned.
    pub fn into_string(self) -> String {
        self.0
    }
}

impl fmt::Display for CodeUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use wechatpay_crypto::{PrivateKey, PublicKey};

    use super::*;

    const KEY: &str = include_str!("../../../../fixtures/vectors/keys/apiclient_key.pem");
    const PUB: &str = include_str!("../../../../fixtures/vectors/keys/apiclient_pub.pem");
    const SERIAL: &str = "3A2B1C0D9E8F7A6B5C4D3E2F1A0B9C8D7E6F5A4B";

    fn signer() -> MerchantSigner {
        MerchantSigner::new("1900000100", SERIAL, PrivateKey::from_pem(KEY).unwrap()).unwrap()
    }

    fn verifies(message: &str, signature_b64: &str) -> bool {
        let signature = wechatpay_crypto::base64::decode(signature_b64, "signature").unwrap();
        PublicKey::from_pem(PUB).unwrap().verify(message.as_bytes(), &signature)
    }

    // Proves JSAPI parameters sign appId, timeStamp, nonceStr and package in that order with
    // the appid the prepay carries, and verify with the merchant public key.
    #[test]
    fn jsapi_params_verify_with_merchant_public_key() {
        let prepay = JsapiPrepay::new(
            PrepayId::new("wx201410272009395522657a690389285100"),
            "wxd678efh567hg6999",
        );
        let p = prepay.invoke_params(&signer()).unwrap();
        assert_eq!(p.app_id, "wxd678efh567hg6999");
        assert_eq!(p.package, "prepay_id=wx201410272009395522657a690389285100");
        let message = format!("{}\n{}\n{}\n{}\n", p.app_id, p.time_stamp, p.nonce_str, p.package);
        assert!(verifies(&message, &p.pay_sign));
        let other = prepay.with_app_id("wx8888888888888888").invoke_params(&signer()).unwrap();
        assert_eq!(other.app_id, "wx8888888888888888");
    }

    // Proves APP parameters sign appid, timestamp, noncestr and prepayid and carry partnerid.
    #[test]
    fn app_params_verify_with_merchant_public_key() {
        let prepay = AppPrepay::new(PrepayId::new("wx2014"), "wx8888888888888888", "1900000100");
        let p = prepay.invoke_params(&signer()).unwrap();
        assert_eq!((p.partnerid.as_str(), p.package.as_str()), ("1900000100", "Sign=WXPay"));
        let message = format!("{}\n{}\n{}\n{}\n", p.appid, p.timestamp, p.noncestr, p.prepayid);
        assert!(verifies(&message, &p.sign));
        assert!(!verifies(&message.replace("wx2014", "wx2015"), &p.sign));
    }
}
