//! Parameters the front end needs to invoke payment: JSAPI / mini program
//! (`WeixinJSBridge` / `wx.requestPayment`) and APP (`PayReq`), re-signed with the merchant key.

use serde::{Deserialize, Serialize};

use crate::error::Result;
use crate::signer::MerchantSigner;

/// What a JSAPI page or a mini program passes to the payment call.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct JsapiPayParams {
    /// The app id the page or mini program actually runs under (sp_appid or sub_appid).
    pub app_id: String,
    /// Unix seconds, as a string.
    pub time_stamp: String,
    /// Random string.
    pub nonce_str: String,
    /// `prepay_id=…`.
    pub package: String,
    /// Always `RSA`.
    pub sign_type: String,
    /// Base64 SHA256withRSA over `appId\ntimeStamp\nnonceStr\npackage\n`.
    pub pay_sign: String,
}

/// What an APP passes to the WeChat SDK's `PayReq`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppPayParams {
    /// The mobile app's app id.
    pub appid: String,
    /// The merchant id (the platform's sp_mchid in partner mode).
    pub partnerid: String,
    /// The prepay id.
    pub prepayid: String,
    /// Always `Sign=WXPay`.
    pub package: String,
    /// Random string.
    pub noncestr: String,
    /// Unix seconds, as a string.
    pub timestamp: String,
    /// Base64 SHA256withRSA over `appid\ntimestamp\nnoncestr\nprepayid\n`.
    pub sign: String,
}

impl MerchantSigner {
    /// JSAPI / mini-program parameters for `prepay_id`, with a fresh timestamp and nonce.
    ///
    /// # Errors
    /// [`crate::Error::Backend`].
    pub fn jsapi_pay_params(&self, app_id: &str, prepay_id: &str) -> Result<JsapiPayParams> {
        let (timestamp, nonce) = self.fresh()?;
        self.jsapi_pay_params_at(app_id, prepay_id, &timestamp, &nonce)
    }

    /// JSAPI / mini-program parameters with a given timestamp and nonce.
    ///
    /// # Errors
    /// [`crate::Error::Backend`].
    pub fn jsapi_pay_params_at(
        &self,
        app_id: &str,
        prepay_id: &str,
        timestamp: &str,
        nonce: &str,
    ) -> Result<JsapiPayParams> {
        let package = format!("prepay_id={prepay_id}");
        let pay_sign = self.sign_lines(&[app_id, timestamp, nonce, &package])?;
        Ok(JsapiPayParams {
            app_id: app_id.to_owned(),
            time_stamp: timestamp.to_owned(),
            nonce_str: nonce.to_owned(),
            package,
            sign_type: "RSA".to_owned(),
            pay_sign,
        })
    }

    /// APP parameters for `prepay_id`, with a fresh timestamp and nonce. `partner_id` is the
    /// merchant id the order was placed by (sp_mchid in partner mode).
    ///
    /// # Errors
    /// [`crate::Error::Backend`].
    pub fn app_pay_params(
        &self,
        app_id: &str,
        partner_id: &str,
        prepay_id: &str,
    ) -> Result<AppPayParams> {
        let (timestamp, nonce) = self.fresh()?;
        self.app_pay_params_at(app_id, partner_id, prepay_id, &timestamp, &nonce)
    }

    /// APP parameters with a given timestamp and nonce.
    ///
    /// # Errors
    /// [`crate::Error::Backend`].
    pub fn app_pay_params_at(
        &self,
        app_id: &str,
        partner_id: &str,
        prepay_id: &str,
        timestamp: &str,
        nonce: &str,
    ) -> Result<AppPayParams> {
        let sign = self.sign_lines(&[app_id, timestamp, nonce, prepay_id])?;
        Ok(AppPayParams {
            appid: app_id.to_owned(),
            partnerid: partner_id.to_owned(),
            prepayid: prepay_id.to_owned(),
            package: "Sign=WXPay".to_owned(),
            noncestr: nonce.to_owned(),
            timestamp: timestamp.to_owned(),
            sign,
        })
    }
}
