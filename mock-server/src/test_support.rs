//! Shared helpers of the handler tests: a state on a pinned clock, signed requests, and a
//! response checker that verifies the mock's signature.

use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, Request, StatusCode};
use http_body_util::BodyExt;
use tower::ServiceExt;
use wechatpay_crypto::{FixedClock, MerchantSigner, SignatureHeaders};

use crate::config::{KeyMode, MockConfig, TenantConfig};
use crate::state::MockState;

/// A fixed "now" for every handler test (2025-01-01T03:00:00Z).
pub(crate) const NOW: i64 = 1_735_700_400;

pub(crate) fn state_with(config: MockConfig) -> (MockState, FixedClock) {
    let clock = FixedClock::new(NOW);
    let state = MockState::with_clock(&config, Arc::new(clock.clone())).unwrap();
    (state, clock)
}

pub(crate) fn state(mode: KeyMode) -> (MockState, FixedClock) {
    let config = MockConfig {
        tenants: vec![TenantConfig { key_mode: mode, ..TenantConfig::builtin() }],
        ..MockConfig::default()
    };
    state_with(config)
}

pub(crate) fn signer(state: &MockState, clock: &FixedClock) -> MerchantSigner {
    state
        .tenants()
        .default_tenant()
        .credentials()
        .merchant_signer()
        .unwrap()
        .with_clock(Arc::new(clock.clone()))
}

/// A request with the protocol headers and an Authorization made by `signer` over `body`.
pub(crate) fn signed(
    signer: &MerchantSigner,
    method: &str,
    url: &str,
    body: &[u8],
) -> Request<Body> {
    let auth = signer.authorize(method, url, body).unwrap();
    request(method, url, body, Some(&auth.to_header_value()))
}

/// A request with the protocol headers and the given Authorization (if any).
pub(crate) fn request(
    method: &str,
    url: &str,
    body: &[u8],
    authorization: Option<&str>,
) -> Request<Body> {
    let mut b = Request::builder()
        .method(method)
        .uri(url)
        .header("user-agent", "wechatpay-mock-tests/1")
        .header("accept", "application/json");
    if !body.is_empty() {
        b = b.header("content-type", "application/json");
    }
    if let Some(a) = authorization {
        b = b.header("authorization", a);
    }
    b.body(Body::from(body.to_vec())).unwrap()
}

pub(crate) struct Answer {
    pub(crate) status: StatusCode,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Bytes,
}

impl Answer {
    pub(crate) fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap()
    }

    pub(crate) fn header(&self, name: &str) -> &str {
        self.headers.get(name).unwrap_or_else(|| panic!("no {name} header")).to_str().unwrap()
    }

    /// Checks the response signature with what the default tenant publishes, at `now`.
    pub(crate) fn assert_signed(&self, state: &MockState, now: i64) {
        let verifier = state.tenants().default_tenant().credentials().verifier().unwrap();
        let h = SignatureHeaders {
            timestamp: self.header("wechatpay-timestamp"),
            nonce: self.header("wechatpay-nonce"),
            serial: self.header("wechatpay-serial"),
            signature: self.header("wechatpay-signature"),
            signature_type: Some(self.header("wechatpay-signature-type")),
        };
        verifier.verify(&h, &self.body, now).unwrap();
        assert_eq!(self.header("request-id").len(), 40);
    }
}

pub(crate) async fn send(state: &MockState, request: Request<Body>) -> Answer {
    let response = crate::app(state.clone()).oneshot(request).await.unwrap();
    let (parts, body) = response.into_parts();
    Answer {
        status: parts.status,
        headers: parts.headers,
        body: body.collect().await.unwrap().to_bytes(),
    }
}
