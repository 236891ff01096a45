//! [`Client`]: one handle per platform merchant, with an accessor per API area.

use std::sync::Arc;

use wechatpay_transport::{RefreshTask, Transport};

use crate::builder::ClientBuilder;

/// The WeChat Pay 平台收付通 client of one platform merchant.
///
/// Cheap to clone (the [`Transport`] inside is an `Arc`), `Send + Sync`: build one and share
/// it. Each accessor returns the service handle of one area over the same transport, so
/// every call signs, retries and verifies the same way.
#[derive(Clone, Debug)]
pub struct Client {
    transport: Transport,
    // Held only so the background refresh lives as long as some clone of the client.
    _refresh: Option<Arc<RefreshTask>>,
}

impl Client {
    /// Starts configuring a client.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::new()
    }

    /// Wraps a transport built elsewhere.
    pub fn from_transport(transport: Transport) -> Self {
        Self { transport, _refresh: None }
    }

    pub(crate) fn assemble(transport: Transport, refresh: Option<Arc<RefreshTask>>) -> Self {
        Self { transport, _refresh: refresh }
    }

    /// The signed HTTP transport: [`Transport::request`] is the low-level request builder
    /// for any endpoint, [`Transport::execute`] runs an
    /// [`Operation`](wechatpay_transport::Operation).
    pub fn transport(&self) -> &Transport {
        &self.transport
    }

    /// The platform's merchant id.
    pub fn mchid(&self) -> &str {
        self.transport.mchid()
    }

    /// Sub-merchant onboarding: submit and query applications (二级商户进件).
    #[cfg(feature = "applyment")]
    pub fn applyments(&self) -> wechatpay_applyment::Applyments {
        wechatpay_applyment::Applyments::new(self.transport.clone())
    }

    /// A sub-merchant's settlement bank account: query, modify, follow the change.
    #[cfg(feature = "applyment")]
    pub fn settlement(&self) -> wechatpay_applyment::Settlement {
        wechatpay_applyment::Settlement::new(self.transport.clone())
    }

    /// Image and video upload (the MediaIDs onboarding needs).
    #[cfg(feature = "media")]
    pub fn media(&self) -> wechatpay_media::Media {
        wechatpay_media::Media::new(self.transport.clone())
    }

    /// 合单支付: one payment over 1–50 sub-merchant orders.
    #[cfg(feature = "payments")]
    pub fn combine(&self) -> wechatpay_payments::Combine {
        wechatpay_payments::Combine::new(self.transport.clone())
    }

    /// 普通支付 in partner mode: one sub-merchant's order.
    #[cfg(feature = "payments")]
    pub fn partner(&self) -> wechatpay_payments::Partner {
        wechatpay_payments::Partner::new(self.transport.clone())
    }

    /// Refunds and advance-refund returns.
    #[cfg(feature = "refunds")]
    pub fn refunds(&self) -> wechatpay_refunds::Refunds {
        wechatpay_refunds::Refunds::new(self.transport.clone())
    }

    /// Profit sharing (分账): splits, returns, finish, receivers.
    #[cfg(feature = "profitsharing")]
    pub fn profit_sharing(&self) -> wechatpay_profitsharing::ProfitSharing {
        wechatpay_profitsharing::ProfitSharing::new(self.transport.clone())
    }

    /// Subsidies (补差).
    #[cfg(feature = "profitsharing")]
    pub fn subsidies(&self) -> wechatpay_profitsharing::Subsidies {
        wechatpay_profitsharing::Subsidies::new(self.transport.clone())
    }

    /// Balances (sub-merchants and the platform, real time and day end) and withdrawals.
    #[cfg(feature = "fund")]
    pub fn fund(&self) -> wechatpay_fund::Funds {
        wechatpay_fund::Funds::new(self.transport.clone())
    }

    /// Bills: apply for, download (gunzip, SHA-1 check, decryption) and parse.
    #[cfg(feature = "bill")]
    pub fn bills(&self) -> wechatpay_bill::Bills {
        wechatpay_bill::Bills::new(self.transport.clone())
    }

    /// A callback parser that verifies with this client's key store (the platform
    /// certificates it downloads and refreshes, or the WeChat Pay public key) and decrypts
    /// with its APIv3 key, on its clock.
    ///
    /// The key store never downloads for a callback: in certificate mode make one API call
    /// (or [`Transport::refresh_certificates`]) first, or turn on
    /// [`refresh_certificates_in_background`](ClientBuilder::refresh_certificates_in_background).
    ///
    /// # Errors
    /// [`NotifyConfigError::MissingApiV3Key`](crate::NotifyConfigError::MissingApiV3Key) when
    /// the client was built without an APIv3 key.
    #[cfg(feature = "notify")]
    pub fn notify_parser(
        &self,
    ) -> Result<wechatpay_notify::NotifyParser, crate::error::NotifyConfigError> {
        let api_v3_key = self
            .transport
            .api_v3_key()
            .ok_or(crate::error::NotifyConfigError::MissingApiV3Key)?
            .clone();
        // The key store is a cheap handle: the parser sees every certificate the transport
        // downloads later.
        let verifier: Arc<dyn wechatpay_crypto::VerifySignature> =
            Arc::new(self.transport.key_store().clone());
        Ok(wechatpay_notify::NotifyParser::with_shared_verifier(verifier, api_v3_key)
            .with_clock(Arc::clone(self.transport.clock())))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Proves the client can be shared across tasks and threads, as the docs promise.
    #[test]
    fn client_is_send_sync_clone() {
        fn assert_traits<T: Send + Sync + Clone + 'static>() {}
        assert_traits::<Client>();
    }
}
