//! Shared pieces of the fuzz targets: the test identity (fixture keys), a lenient reader of
//! the plain-text HTTP message format the seeds use, and one tokio runtime per process.
//!
//! Seed format (readable, so seeds can be written by hand and taken from the vectors):
//!
//! ```text
//! <start line>\n          e.g. `200` for a response, `POST /v3/x` for a request
//! Name: value\n           zero or more headers
//! \n
//! <body bytes>
//! ```
//!
//! The reader never fails: what does not fit becomes part of the body, invalid header names
//! or values are dropped by the caller, so every input reaches the code under test.

use std::sync::{Arc, OnceLock};

use wechatpay_crypto::{Certificate, FixedClock, PrivateKey, WechatPayPublicKey};

/// The merchant of the test identity.
pub const MCHID: &str = "1900000100";
/// The merchant API certificate serial of the test identity.
pub const MERCHANT_SERIAL: &str = "3A2B1C0D9E8F7A6B5C4D3E2F1A0B9C8D7E6F5A4B";
/// The WeChat Pay public key id of the test identity.
pub const PUB_KEY_ID: &str = "PUB_KEY_ID_0119000001002025010100000001";
/// The APIv3 key of the test identity.
pub const API_V3_KEY: &str = "TestOnlyApiV3Key0123456789abcdef";
/// The clock of the SDK-side targets: inside the window of every signed vector.
pub const NOW: i64 = 1_735_700_003;

/// Fixture PEMs.
pub mod pem {
    /// Merchant private key.
    pub const MERCHANT_KEY: &str = include_str!("../../fixtures/vectors/keys/apiclient_key.pem");
    /// Merchant certificate.
    pub const MERCHANT_CERT: &str = include_str!("../../fixtures/vectors/keys/apiclient_cert.pem");
    /// Platform private key.
    pub const PLATFORM_KEY: &str =
        include_str!("../../fixtures/vectors/keys/wechatpay_platform_key.pem");
    /// Platform certificate.
    pub const PLATFORM_CERT: &str =
        include_str!("../../fixtures/vectors/keys/wechatpay_platform_cert.pem");
    /// WeChat Pay public key.
    pub const PUB_KEY: &str = include_str!("../../fixtures/vectors/keys/pub_key.pem");
    /// Its private half.
    pub const PUB_KEY_PRIVATE: &str =
        include_str!("../../fixtures/vectors/keys/pub_key_private.pem");
}

/// The merchant private key (default backend), parsed once.
pub fn merchant_key() -> &'static PrivateKey {
    static K: OnceLock<PrivateKey> = OnceLock::new();
    K.get_or_init(|| PrivateKey::from_pem(pem::MERCHANT_KEY).expect("fixture key"))
}

/// The platform private key, parsed once.
pub fn platform_key() -> &'static PrivateKey {
    static K: OnceLock<PrivateKey> = OnceLock::new();
    K.get_or_init(|| PrivateKey::from_pem(pem::PLATFORM_KEY).expect("fixture key"))
}

/// The platform certificate, parsed once.
pub fn platform_certificate() -> &'static Certificate {
    static C: OnceLock<Certificate> = OnceLock::new();
    C.get_or_init(|| Certificate::from_pem(pem::PLATFORM_CERT).expect("fixture cert"))
}

/// The WeChat Pay public key, parsed once.
pub fn wechatpay_public_key() -> &'static WechatPayPublicKey {
    static K: OnceLock<WechatPayPublicKey> = OnceLock::new();
    K.get_or_init(|| WechatPayPublicKey::from_pem(PUB_KEY_ID, pem::PUB_KEY).expect("fixture"))
}

/// A verifier trusting the platform certificate and the WeChat Pay public key.
pub fn verifier() -> wechatpay_crypto::Verifier {
    let mut v = wechatpay_crypto::Verifier::new();
    v.add_certificate(platform_certificate().clone());
    v.add_public_key(wechatpay_public_key().clone());
    v
}

/// The fixed clock at [`NOW`].
pub fn clock() -> Arc<FixedClock> {
    Arc::new(FixedClock::new(NOW))
}

/// One current-thread runtime per fuzz process (time enabled for transport timeouts).
pub fn runtime() -> &'static tokio::runtime::Runtime {
    static RT: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    RT.get_or_init(|| {
        tokio::runtime::Builder::new_current_thread().enable_time().build().expect("runtime")
    })
}

/// A message in the seed format, split leniently.
#[derive(Debug)]
pub struct Message<'a> {
    /// The first line, without its line end.
    pub start: &'a [u8],
    /// `(name, value)` pairs, trimmed; lines without `:` are dropped.
    pub headers: Vec<(&'a [u8], &'a [u8])>,
    /// Everything after the first empty line (or nothing if there is none).
    pub body: &'a [u8],
}

fn trim(mut s: &[u8]) -> &[u8] {
    while let [b' ' | b'\t' | b'\r', rest @ ..] = s {
        s = rest;
    }
    while let [rest @ .., b' ' | b'\t' | b'\r'] = s {
        s = rest;
    }
    s
}

/// Splits `data` as described in the module docs.
pub fn split_message(data: &[u8]) -> Message<'_> {
    let mut lines = data.split_inclusive(|&b| b == b'\n');
    let mut consumed = 0;
    let start = match lines.next() {
        Some(l) => {
            consumed += l.len();
            trim(l.strip_suffix(b"\n").unwrap_or(l))
        }
        None => return Message { start: b"", headers: Vec::new(), body: b"" },
    };
    let mut headers = Vec::new();
    for line in lines {
        consumed += line.len();
        let l = trim(line.strip_suffix(b"\n").unwrap_or(line));
        if l.is_empty() {
            return Message { start, headers, body: data.get(consumed..).unwrap_or_default() };
        }
        if let Some(i) = l.iter().position(|&b| b == b':') {
            headers.push((trim(&l[..i]), trim(&l[i + 1..])));
        }
    }
    Message { start, headers, body: b"" }
}

/// Builds an [`http::HeaderMap`] from the pairs, dropping invalid names and values.
pub fn header_map(pairs: &[(&[u8], &[u8])]) -> http::HeaderMap {
    let mut map = http::HeaderMap::new();
    for (n, v) in pairs {
        if let (Ok(n), Ok(v)) = (http::HeaderName::from_bytes(n), http::HeaderValue::from_bytes(v))
        {
            map.append(n, v);
        }
    }
    map
}

/// Splits `data` at every occurrence of `sep`.
pub fn split_on<'a>(data: &'a [u8], sep: &[u8]) -> Vec<&'a [u8]> {
    let mut out = Vec::new();
    let mut rest = data;
    while let Some(i) = rest.windows(sep.len()).position(|w| w == sep) {
        out.push(&rest[..i]);
        rest = &rest[i + sep.len()..];
    }
    out.push(rest);
    out
}

/// The mock server in-process: the real axum [`Router`](wechatpay_mock::app) on a pinned
/// clock, driven with `tower::ServiceExt::oneshot`.
pub mod mock {
    use std::sync::atomic::{AtomicU64, Ordering};
    use std::sync::{Arc, OnceLock};

    use axum::body::Body;
    use bytes::Bytes;
    use http::{HeaderMap, Request, StatusCode};
    use http_body_util::BodyExt;
    use tower::ServiceExt;
    use wechatpay_crypto::{FixedClock, MerchantSigner, SignatureHeaders, Verifier};
    use wechatpay_mock::{MockConfig, MockState};

    /// 2025-01-01T03:00:00Z, the mock's handler tests' "now".
    pub const MOCK_NOW: i64 = 1_735_700_400;

    /// Business state is cleared every this many requests, so memory stays flat however
    /// long a campaign runs.
    const RESET_EVERY: u64 = 2_000;

    /// The mock and what talks to it.
    #[derive(Debug)]
    pub struct Mock {
        /// The state (default configuration: the built-in tenant, certificate mode).
        pub state: MockState,
        router: axum::Router,
        /// Signs as the built-in merchant.
        pub signer: MerchantSigner,
        /// Trusts what the mock signs responses with.
        pub verifier: Verifier,
        count: AtomicU64,
    }

    /// The mock, built once per process.
    pub fn get() -> &'static Mock {
        static M: OnceLock<Mock> = OnceLock::new();
        M.get_or_init(|| {
            let state =
                MockState::with_clock(&MockConfig::default(), Arc::new(FixedClock::new(MOCK_NOW)))
                    .expect("mock state");
            let creds = state.tenants().default_tenant().credentials().clone();
            Mock {
                router: wechatpay_mock::app(state.clone()),
                signer: creds.merchant_signer().expect("signer"),
                verifier: creds.verifier().expect("verifier"),
                state,
                count: AtomicU64::new(0),
            }
        })
    }

    /// A response, buffered.
    #[derive(Debug)]
    pub struct Answer {
        /// Status.
        pub status: StatusCode,
        /// Headers.
        pub headers: HeaderMap,
        /// Body.
        pub body: Bytes,
    }

    impl Mock {
        /// The built-in tenant's virtual now.
        pub fn now(&self) -> i64 {
            self.state.tenants().default_tenant().now_unix()
        }

        /// A correct `Authorization` for this request at the tenant's now.
        pub fn authorization(&self, method: &str, url: &str, body: &[u8]) -> Option<String> {
            let nonce = "FUZZ0123456789ABCDEFGHIJKLMNOPQR";
            let auth = self.signer.authorize_at(method, url, body, self.now(), nonce).ok()?;
            Some(auth.to_header_value())
        }

        /// Sends one request through the whole application.
        pub fn send(&self, request: Request<Body>) -> Answer {
            if self.count.fetch_add(1, Ordering::Relaxed) % RESET_EVERY == RESET_EVERY - 1 {
                self.state.reset_all();
            }
            crate::runtime().block_on(async {
                let response = self.router.clone().oneshot(request).await.expect("infallible");
                let (parts, body) = response.into_parts();
                let body = body.collect().await.expect("mock response body").to_bytes();
                Answer { status: parts.status, headers: parts.headers, body }
            })
        }

        /// Asserts what holds for every answer of the API (not the admin API): the mock
        /// signs it, errors included, with a key the merchant trusts, at the tenant's time;
        /// an error carries WeChat Pay's `{"code","message"}` body.
        pub fn assert_api_answer(&self, answer: &Answer) {
            let h = |n: &str| {
                answer
                    .headers
                    .get(n)
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or_else(|| panic!("API answer {} without {n}", answer.status))
            };
            let headers = SignatureHeaders {
                timestamp: h("wechatpay-timestamp"),
                nonce: h("wechatpay-nonce"),
                serial: h("wechatpay-serial"),
                signature: h("wechatpay-signature"),
                signature_type: Some(h("wechatpay-signature-type")),
            };
            self.verifier
                .verify(&headers, &answer.body, self.now())
                .unwrap_or_else(|e| panic!("API answer {} does not verify: {e}", answer.status));
            assert_error_body(answer);
        }
    }

    /// A 4xx/5xx answer has a JSON body with string `code` and `message`.
    pub fn assert_error_body(answer: &Answer) {
        if answer.status.is_client_error() || answer.status.is_server_error() {
            let v: serde_json::Value = serde_json::from_slice(&answer.body).unwrap_or_else(|e| {
                panic!(
                    "{} error body is not JSON ({e}): {}",
                    answer.status,
                    String::from_utf8_lossy(&answer.body)
                )
            });
            assert!(v["code"].is_string(), "{} error body without code: {v}", answer.status);
            assert!(v["message"].is_string(), "{} error body without message: {v}", answer.status);
        }
    }

    /// Percent-encodes everything but unreserved characters and `=&`, so any bytes make a
    /// valid query string.
    pub fn query(bytes: &[u8]) -> String {
        let mut out = String::with_capacity(bytes.len());
        for &b in bytes {
            if b.is_ascii_alphanumeric() || b"-._~=&".contains(&b) {
                out.push(char::from(b));
            } else {
                out.push_str(&format!("%{b:02X}"));
            }
        }
        out
    }
}
