//! Replays the bad-input corpus's `mock-request/` and `admin/` files (fixtures/bad-input/,
//! see its README and manifest.json) against the in-process mock over loopback: `signed`
//! files as correctly signed requests through the SDK transport (so the body parser is
//! reached), `raw` files byte for byte on a socket (unsigned, malformed, header injection).
//! Every one must get the WeChat error body (`{"code":…,"message":…}`) with the manifest's
//! status and code, or the HTTP layer's refusal, and must leave the mock's state as it was:
//! a fingerprint of the admin API's state dumps (everything but the request journal) is
//! compared byte for byte after every file.

mod support;

use std::panic::AssertUnwindSafe;
use std::path::PathBuf;
use std::sync::Arc;

use futures_util::FutureExt;
use serde_json::{json, Value};
use wechatpay_crypto::FixedClock;
use wechatpay_mock::{MockConfig, MockServer};
use wechatpay_transport::http::Method;
use wechatpay_transport::{KeyMode, RetryPolicy, Transport};

use support::admin;

fn corpus() -> PathBuf {
    [env!("CARGO_MANIFEST_DIR"), "..", "fixtures", "bad-input"].iter().collect()
}

struct Entry {
    file: String,
    expect: String,
    signed: bool,
    bytes: Vec<u8>,
}

#[path = "../../fixtures/bad-input/http_file.rs"]
mod http_file;
use http_file::{parse_http, HttpFile};

fn entries(manifest: &Value, consumer: &str) -> Vec<Entry> {
    manifest["files"]
        .as_array()
        .expect("files")
        .iter()
        .filter(|f| f["consumer"] == consumer)
        .map(|f| {
            let file = f["file"].as_str().expect("file").to_owned();
            let bytes =
                std::fs::read(corpus().join(&file)).unwrap_or_else(|e| panic!("{file}: {e}"));
            Entry {
                expect: f["expect"].as_str().expect("expect").to_owned(),
                signed: f["mode"] == "signed",
                file,
                bytes,
            }
        })
        .collect()
}

/// Sends a request byte for byte on a fresh loopback connection and reads the whole answer:
/// `(status, body)`. `Content-Length` is added for the body, with `Connection: close`.
async fn send_raw(mock: &MockServer, req: &HttpFile) -> (u16, Vec<u8>) {
    let mut wire = {
        let (method, path) = req.method_and_path();
        format!("{method} {path} HTTP/1.1\r\n")
    }
    .into_bytes();
    for (name, value) in &req.headers {
        wire.extend_from_slice(name.as_bytes());
        wire.extend_from_slice(b": ");
        wire.extend_from_slice(value);
        wire.extend_from_slice(b"\r\n");
    }
    wire.extend_from_slice(
        format!("Content-Length: {}\r\nConnection: close\r\n\r\n", req.body.len()).as_bytes(),
    );
    wire.extend_from_slice(&req.body);
    let addr = mock.addr();
    // Blocking std I/O on a worker thread: the test's tokio has no io-util feature.
    let answer = tokio::task::spawn_blocking(move || {
        use std::io::{Read, Write};
        let mut stream = std::net::TcpStream::connect(addr).expect("connect");
        // The server may answer and close before reading everything (an early refusal): a
        // failed write is not the outcome, the answer is.
        let _ = stream.write_all(&wire);
        let mut answer = Vec::new();
        let _ = stream.read_to_end(&mut answer);
        answer
    })
    .await
    .expect("raw exchange");
    parse_response(&answer)
}

fn parse_response(answer: &[u8]) -> (u16, Vec<u8>) {
    let Some(split) = answer.windows(4).position(|w| w == b"\r\n\r\n") else {
        return (0, answer.to_vec());
    };
    let head = String::from_utf8_lossy(&answer[..split]).to_string();
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("status line: {head}"));
    let mut body = answer[split + 4..].to_vec();
    if head.to_ascii_lowercase().contains("transfer-encoding: chunked") {
        body = dechunk(&body);
    }
    (status, body)
}

fn dechunk(mut data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(eol) = data.windows(2).position(|w| w == b"\r\n") {
        let size = std::str::from_utf8(&data[..eol]).expect("chunk size");
        let size = usize::from_str_radix(size.split(';').next().expect("size").trim(), 16)
            .expect("hex chunk size");
        if size == 0 {
            break;
        }
        out.extend_from_slice(&data[eol + 2..eol + 2 + size]);
        data = &data[eol + 2 + size + 2..];
    }
    out
}

/// `"<status> <code>"` of a WeChat error body (which must also carry a message), or why the
/// answer is not one.
fn outcome(status: u16, body: &[u8]) -> String {
    let Ok(json) = serde_json::from_slice::<Value>(body) else {
        return format!("http {status}");
    };
    match (json["code"].as_str(), json["message"].as_str()) {
        (Some(code), Some(message)) if !message.is_empty() => format!("{status} {code}"),
        _ => format!("{status} not a WeChat error body: {json}"),
    }
}

/// Everything the admin API shows about the state, except the request journal.
async fn fingerprint(mock: &MockServer) -> String {
    let mut out = String::new();
    for path in [
        "/ledger/balances",
        "/ledger/entries",
        "/ledger/check",
        "/payments/orders",
        "/payments/settings",
        "/applyments",
        "/media",
        "/callbacks",
        "/faults",
        "/clock",
        "/settlement/settings",
        "/tenants",
    ] {
        let (status, body) = admin(mock, "GET", path, None).await;
        out.push_str(&format!("{path} {status} {body}\n"));
    }
    out
}

fn transport(mock: &MockServer) -> Transport {
    let id = mock.identity();
    let clock = Arc::new(mock.state().tenants().default_tenant().clock().clone());
    Transport::builder()
        .mchid(id.mchid.clone())
        .merchant_key_pem(
            id.merchant_private_key_pem.as_ref().expect("merchant key").as_bytes(),
            id.merchant_serial.as_str(),
        )
        .api_v3_key(id.api_v3_key().expect("APIv3 key"))
        .key_mode(KeyMode::PlatformCertificates)
        .base_url(mock.base_url())
        .no_backup_base_url()
        .clock(clock)
        .retry(RetryPolicy::none())
        .build()
        .expect("transport")
}

async fn outcome_of(mock: &MockServer, t: &Transport, e: &Entry) -> String {
    let req = parse_http(&e.bytes);
    if !e.signed {
        let (status, body) = send_raw(mock, &req).await;
        return outcome(status, &body);
    }
    let (method, path) = req.method_and_path();
    let method = Method::from_bytes(method.as_bytes()).expect("method");
    match t.request(method, path.to_owned()).json_bytes(req.body.clone()).send().await {
        Ok(r) => format!("{} accepted", r.status),
        Err(wechatpay_transport::Error::Api(a)) => outcome(a.status().as_u16(), a.raw_body()),
        Err(other) => format!("transport error: {other:?}"),
    }
}

// Proves every mock-request and admin file of the corpus gets the WeChat error body with its
// manifest status and code (or the HTTP layer's refusal), never a panic or a dropped
// connection, and leaves the ledger, orders, applyments, media, callbacks, faults, clock and
// settings exactly as they were.
#[tokio::test]
async fn bad_requests_get_wechat_errors_and_change_nothing() {
    let manifest: Value = serde_json::from_slice(
        &std::fs::read(corpus().join("manifest.json")).expect("manifest.json"),
    )
    .expect("manifest is JSON");
    let now = manifest["now_unix"].as_i64().expect("now_unix");
    let config = MockConfig {
        max_body_bytes: usize::try_from(manifest["mock_max_body_bytes"].as_u64().expect("limit"))
            .expect("usize"),
        ..MockConfig::default()
    };
    let mock = MockServer::builder()
        .config(config)
        .clock(Arc::new(FixedClock::new(now)))
        .start()
        .await
        .expect("mock starts");
    let t = transport(&mock);

    // Some state to protect: money in the ledger and an open order.
    let (status, _) = admin(
        &mock,
        "POST",
        "/ledger/deposit",
        Some(json!({"account": "1900000109:AVAILABLE", "amount_fen": 500, "memo": "seed"})),
    )
    .await;
    assert_eq!(status, 200);
    let order: Value = t
        .request(Method::POST, "/v3/pay/partner/transactions/jsapi")
        .json(&json!({
            "sp_appid": "wx8888888888888888", "sp_mchid": "1900000100",
            "sub_mchid": "1900000109", "description": "seed", "out_trade_no": "SEED0001",
            "notify_url": "http://127.0.0.1:9/notify", "amount": {"total": 100},
            "payer": {"sp_openid": "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"},
        }))
        .expect("json")
        .send_json()
        .await
        .expect("seed order");
    assert!(order["prepay_id"].is_string(), "{order}");

    let mut files = entries(&manifest, "mock-request");
    files.extend(entries(&manifest, "admin"));
    assert!(files.len() >= 100, "{} files", files.len());
    let before = fingerprint(&mock).await;
    let mut failures = Vec::new();
    for e in &files {
        match AssertUnwindSafe(outcome_of(&mock, &t, e)).catch_unwind().await {
            Ok(got) if got == e.expect => {}
            Ok(got) => failures.push(format!("{}: expected {}, got {got}", e.file, e.expect)),
            Err(_) => failures.push(format!("{}: PANIC", e.file)),
        }
        let now = fingerprint(&mock).await;
        if now != before {
            failures.push(format!("{}: STATE CHANGED\nbefore: {before}\nafter: {now}", e.file));
            break;
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} files:\n{}",
        failures.len(),
        files.len(),
        failures.join("\n")
    );
    // The mock is still answering and still holds the seeded order.
    let seed: Value = t
        .request(Method::GET, "/v3/pay/partner/transactions/out-trade-no/SEED0001")
        .query("sp_mchid", "1900000100")
        .query("sub_mchid", "1900000109")
        .send_json()
        .await
        .expect("seed order still there");
    assert_eq!(seed["trade_state"], "NOTPAY");
}
