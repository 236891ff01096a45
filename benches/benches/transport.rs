//! What the transport costs per request beyond its two RSA operations.
//!
//! A minimal axum server on 127.0.0.1 answers every request with one fixed body, signed once
//! at start-up with the platform key (so the server does no RSA work per request). Against it
//! the benchmark times, in the same run:
//!
//! - `get_verify`: a full `GET` through `wechatpay-transport` — URL, Authorization (one RSA
//!   sign), HTTP/1.1 keep-alive over loopback, response verification (one RSA verify), JSON;
//! - `rsa_only`: the two RSA operations alone (`MerchantSigner::authorize` + `Verifier::verify`).
//!
//! `get_verify - rsa_only` is the transport's own overhead per request, reported as a
//! fraction of the whole in `docs/performance.md`. Run with
//! `cargo bench -p wechatpay-benches --bench transport`.

use std::hint::black_box;
use std::sync::Arc;
use std::time::Duration;

use axum::http::HeaderValue;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use criterion::{Criterion, Throughput};
use wechatpay_crypto::message::response_message;
use wechatpay_crypto::nonce::random_alphanumeric;
use wechatpay_crypto::Clock as _;
use wechatpay_crypto::{
    ApiV3Key, Backend, Certificate, MerchantSigner, PrivateKey, SignatureHeaders, SystemClock,
    Verifier,
};
use wechatpay_transport::{http::Method, Transport};

const KEYS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../fixtures/vectors/keys/");
const MCHID: &str = "1900000100";
const MERCHANT_SERIAL: &str = "3A2B1C0D9E8F7A6B5C4D3E2F1A0B9C8D7E6F5A4B";
/// A partner order query answer, the most common GET a platform makes.
const BODY: &str = r#"{"sp_appid":"wx8888888888888888","sp_mchid":"1900000100","sub_mchid":"1900000109","out_trade_no":"1217752501201407033233368018","transaction_id":"4200000985202103031441826014","trade_type":"JSAPI","trade_state":"SUCCESS","trade_state_desc":"支付成功","success_time":"2025-01-01T10:34:56+08:00","amount":{"total":100,"payer_total":100,"currency":"CNY","payer_currency":"CNY"}}"#;

fn read(name: &str) -> String {
    std::fs::read_to_string(format!("{KEYS}{name}")).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// The fixed, signed answer: headers and body, built once.
#[derive(Clone)]
struct Signed {
    headers: Vec<(&'static str, String)>,
}

impl IntoResponse for Signed {
    fn into_response(self) -> Response {
        let mut response = BODY.into_response();
        for (name, value) in self.headers {
            if let Ok(v) = HeaderValue::from_str(&value) {
                response.headers_mut().insert(name, v);
            }
        }
        response
    }
}

fn transport(c: &mut Criterion) {
    let backend = Backend::default();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap_or_else(|e| panic!("runtime: {e}"));

    let platform_cert = Certificate::from_pem(read("wechatpay_platform_cert.pem"))
        .unwrap_or_else(|e| panic!("platform cert: {e}"));
    let platform_key = PrivateKey::from_pem(read("wechatpay_platform_key.pem"))
        .unwrap_or_else(|e| panic!("platform key: {e}"));
    let merchant_key = PrivateKey::from_pem(read("apiclient_key.pem"))
        .unwrap_or_else(|e| panic!("merchant key: {e}"));

    // Sign the answer once; the timestamp stays inside the ±300 s window for the whole run.
    let timestamp = SystemClock.now_unix().to_string();
    let nonce = random_alphanumeric(backend, 32).unwrap_or_else(|e| panic!("nonce: {e}"));
    let signature = platform_key
        .sign_base64(&response_message(&timestamp, &nonce, BODY.as_bytes()))
        .unwrap_or_else(|e| panic!("sign: {e}"));
    let signed = Signed {
        headers: vec![
            ("content-type", "application/json".to_owned()),
            ("wechatpay-timestamp", timestamp.clone()),
            ("wechatpay-nonce", nonce.clone()),
            ("wechatpay-serial", platform_cert.serial().to_string()),
            ("wechatpay-signature", signature.clone()),
            ("wechatpay-signature-type", "WECHATPAY2-SHA256-RSA2048".to_owned()),
            ("request-id", "08F78BB5AF0610D302189F0BA2B8F4D9012A0000".to_owned()),
        ],
    };

    let listener = runtime
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .unwrap_or_else(|e| panic!("bind: {e}"));
    let addr = listener.local_addr().unwrap_or_else(|e| panic!("addr: {e}"));
    let app = Router::new().fallback(get(move || {
        let signed = signed.clone();
        async move { signed }
    }));
    runtime.spawn(async move { axum::serve(listener, app).await });

    let client = Transport::builder()
        .mchid(MCHID)
        .merchant_key(merchant_key.clone(), MERCHANT_SERIAL)
        .api_v3_key(
            ApiV3Key::new("TestOnlyApiV3Key0123456789abcdef").unwrap_or_else(|e| panic!("{e}")),
        )
        .platform_certificate(platform_cert.clone())
        .base_url(format!("http://{addr}"))
        .build()
        .unwrap_or_else(|e| panic!("transport: {e}"));
    let path = "/v3/pay/partner/transactions/id/4200000985202103031441826014?sp_mchid=1900000100&sub_mchid=1900000109";

    // Fail loudly before timing if the exchange does not verify.
    runtime
        .block_on(client.request(Method::GET, path).send())
        .unwrap_or_else(|e| panic!("a verified GET must succeed before it is timed: {e}"));

    let signer = MerchantSigner::new(MCHID, MERCHANT_SERIAL, merchant_key)
        .unwrap_or_else(|e| panic!("signer: {e}"));
    let mut verifier = Verifier::new();
    verifier.add_certificate(platform_cert);
    let verifier = Arc::new(verifier);
    let headers = SignatureHeaders {
        timestamp: &timestamp,
        nonce: &nonce,
        serial: "5F1E2D3C4B5A69788796A5B4C3D2E1F00F1E2D3C",
        signature: &signature,
        signature_type: Some("WECHATPAY2-SHA256-RSA2048"),
    };

    let mut group = c.benchmark_group("transport");
    group.throughput(Throughput::Elements(1));
    group.bench_function("get_verify", |b| {
        b.iter(|| runtime.block_on(client.request(Method::GET, black_box(path)).send()))
    });
    group.bench_function("rsa_only", |b| {
        b.iter(|| {
            let auth = signer.authorize("GET", black_box(path), b"");
            let now = SystemClock.now_unix();
            (auth, verifier.verify(black_box(&headers), BODY.as_bytes(), now))
        })
    });
    group.finish();
}

fn main() {
    // Each iteration holds an RSA signature (about a millisecond); 30 samples keep a run short.
    // Command-line flags override these defaults.
    let mut criterion = Criterion::default()
        .sample_size(30)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .configure_from_args();
    transport(&mut criterion);
    criterion.final_summary();
}
