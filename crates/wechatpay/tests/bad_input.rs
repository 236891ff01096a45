//! Replays the bad-input corpus (fixtures/bad-input/, described by its README and
//! manifest.json) through the SDK: callbacks through wechatpay-notify's parser, responses
//! through wechatpay-transport's verification and decoding, PEM files through
//! wechatpay-crypto's loaders and bills through wechatpay-bill's parsers. Every file must give
//! exactly the error kind its manifest entry names (or `ok` for the boundary controls), and
//! never panic: each file runs under `catch_unwind`, so one panic is reported with its file
//! name and does not hide the others.

use std::fmt::Debug;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::PathBuf;
use std::sync::Arc;

use bytes::Bytes;
use futures_util::future::BoxFuture;
use futures_util::FutureExt;
use serde_json::Value;
use wechatpay_crypto::{
    ApiV3Key, Certificate, FixedClock, PrivateKey, PublicKey, Verifier, WechatPayPublicKey,
};
use wechatpay_models::payments::PartnerTransaction;
use wechatpay_notify::NotifyParser;
use wechatpay_transport::http::{self, HeaderMap, HeaderName, HeaderValue, Method};
use wechatpay_transport::{
    HttpClient, HttpError, KeyMode, ResponseBody, RetryPolicy, Transport, VerifyError,
};

const MCHID: &str = "1900000100";
const MERCHANT_SERIAL: &str = "3A2B1C0D9E8F7A6B5C4D3E2F1A0B9C8D7E6F5A4B";
const PUB_KEY_ID: &str = "PUB_KEY_ID_0119000001002025010100000001";
const API_V3_KEY: &str = "TestOnlyApiV3Key0123456789abcdef";

fn fixtures() -> PathBuf {
    [env!("CARGO_MANIFEST_DIR"), "..", "..", "fixtures"].iter().collect()
}

fn vector(rel: &str) -> Vec<u8> {
    let p = fixtures().join("vectors").join(rel);
    std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// One manifest entry.
#[derive(Debug, Clone)]
struct Entry {
    file: String,
    consumer: String,
    expect: String,
    loader: Option<String>,
    bytes: Vec<u8>,
}

struct Manifest {
    doc: Value,
    entries: Vec<Entry>,
}

fn manifest() -> Manifest {
    let dir = fixtures().join("bad-input");
    let doc: Value = serde_json::from_slice(
        &std::fs::read(dir.join("manifest.json")).expect("fixtures/bad-input/manifest.json"),
    )
    .expect("manifest is JSON");
    let entries = doc["files"]
        .as_array()
        .expect("files")
        .iter()
        .map(|f| {
            let file = f["file"].as_str().expect("file").to_owned();
            let bytes = std::fs::read(dir.join(&file)).unwrap_or_else(|e| panic!("{file}: {e}"));
            Entry {
                consumer: f["consumer"].as_str().expect("consumer").to_owned(),
                expect: f["expect"].as_str().expect("expect").to_owned(),
                loader: f["loader"].as_str().map(str::to_owned),
                file,
                bytes,
            }
        })
        .collect();
    Manifest { doc, entries }
}

impl Manifest {
    fn of(&self, consumer: &str) -> Vec<Entry> {
        self.entries.iter().filter(|e| e.consumer == consumer).cloned().collect()
    }

    fn number(&self, key: &str) -> u64 {
        self.doc[key].as_u64().unwrap_or_else(|| panic!("manifest {key}"))
    }
}

#[path = "../../../fixtures/bad-input/http_file.rs"]
mod http_file;
use http_file::parse_http;

/// A header map as a framework would build it; `Err` when the http crate refuses a value
/// (CR, LF, NUL, DEL), which is where header injection stops on the SDK side.
fn header_map(headers: &[(String, Vec<u8>)]) -> Result<HeaderMap, String> {
    let mut map = HeaderMap::new();
    for (name, value) in headers {
        let name = HeaderName::from_bytes(name.as_bytes()).map_err(|_| "HttpHeaderInvalid")?;
        let value = HeaderValue::from_bytes(value).map_err(|_| "HttpHeaderInvalid")?;
        map.append(name, value);
    }
    Ok(map)
}

/// The variant name of an error enum, from its `Debug` form.
fn variant(e: &impl Debug) -> String {
    format!("{e:?}").chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect()
}

fn notify_kind(e: &wechatpay_notify::Error) -> String {
    use wechatpay_notify::Error as E;
    match e {
        E::MalformedHeader { problem, .. } => format!("MalformedHeader/{}", variant(problem)),
        E::Signature(c) => format!("Signature/{}", variant(c)),
        E::Decrypt(c) => format!("Decrypt/{}", variant(c)),
        other => variant(other),
    }
}

fn transport_kind(e: &wechatpay_transport::Error) -> String {
    use wechatpay_transport::Error as E;
    match e {
        E::Verify(VerifyError::InvalidSignature { source, .. }) => {
            format!("Verify/InvalidSignature/{}", variant(source))
        }
        E::Verify(v) => format!("Verify/{}", variant(v)),
        E::Dispatch(d) => format!("Dispatch/{}", variant(&d.kind())),
        E::Api(a) => format!("Api/{}", a.status().as_u16()),
        other => variant(other),
    }
}

/// Records a file whose outcome differs from the manifest's, or that panicked.
fn judge(failures: &mut Vec<String>, entry: &Entry, outcome: std::thread::Result<String>) {
    match outcome {
        Ok(got) if got == entry.expect => {}
        Ok(got) => failures.push(format!("{}: expected {}, got {got}", entry.file, entry.expect)),
        Err(p) => failures.push(format!("{}: PANIC {}", entry.file, panic_text(&*p))),
    }
}

/// Fails the test with every file that went wrong, not just the first.
fn assert_no_failures(failures: &[String], total: usize) {
    assert!(failures.is_empty(), "{} of {total} files:\n{}", failures.len(), failures.join("\n"));
}

fn panic_text(p: &(dyn std::any::Any + Send)) -> String {
    p.downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| p.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "non-string panic".into())
}

/// Runs `check` on every entry under `catch_unwind` and fails listing every mismatch and panic.
fn replay(entries: &[Entry], check: impl Fn(&Entry) -> String) {
    assert!(!entries.is_empty());
    let mut failures = Vec::new();
    for entry in entries {
        judge(&mut failures, entry, catch_unwind(AssertUnwindSafe(|| check(entry))));
    }
    assert_no_failures(&failures, entries.len());
}

fn verifier() -> Verifier {
    let mut v = Verifier::new();
    v.add_certificate(
        Certificate::from_pem(vector("keys/wechatpay_platform_cert.pem")).expect("platform cert"),
    );
    v.add_public_key(
        WechatPayPublicKey::from_pem(PUB_KEY_ID, vector("keys/pub_key.pem")).expect("pub key"),
    );
    v
}

// Proves every callback file is refused by NotifyParser with the manifest's error kind (or,
// for the boundary controls, accepted), without a panic.
#[test]
fn callbacks_get_typed_errors() {
    let m = manifest();
    let parser = NotifyParser::new(verifier(), ApiV3Key::new(API_V3_KEY).expect("APIv3 key"))
        .with_clock(Arc::new(FixedClock::new(m.number("now_unix") as i64)));
    assert_eq!(m.number("callback_max_body_bytes"), wechatpay_notify::MAX_BODY_BYTES as u64);
    replay(&m.of("callback"), |e| {
        let req = parse_http(&e.bytes);
        let headers = match header_map(&req.headers) {
            Ok(h) => h,
            Err(kind) => return kind,
        };
        match parser.parse(&headers, &req.body) {
            Ok(_) => "ok".into(),
            Err(err) => notify_kind(&err),
        }
    });
}

/// An HTTP client that answers every request with one canned response.
#[derive(Debug)]
struct Canned {
    status: u16,
    headers: HeaderMap,
    body: Bytes,
}

impl HttpClient for Canned {
    fn send(
        &self,
        _request: http::Request<Bytes>,
    ) -> BoxFuture<'_, Result<http::Response<ResponseBody>, HttpError>> {
        let mut response = http::Response::new(ResponseBody::from_bytes(self.body.clone()));
        *response.status_mut() = http::StatusCode::from_u16(self.status).expect("status");
        *response.headers_mut() = self.headers.clone();
        Box::pin(async move { Ok(response) })
    }
}

// Proves every response file is refused by the transport (verification before decoding) with
// the manifest's error kind, or decoded for the controls, without a panic.
#[tokio::test]
async fn responses_get_typed_errors() {
    let m = manifest();
    let now = m.number("now_unix") as i64;
    let max = m.number("response_max_bytes");
    let mut failures = Vec::new();
    let entries = m.of("response");
    assert!(!entries.is_empty());
    for e in &entries {
        let run = async {
            let resp = parse_http(&e.bytes);
            let status: u16 = resp.start.trim_start_matches("HTTP/1.1 ").parse().expect("status");
            let headers = match header_map(&resp.headers) {
                Ok(h) => h,
                Err(kind) => return kind,
            };
            let transport = Transport::builder()
                .mchid(MCHID)
                .merchant_key(
                    PrivateKey::from_pem(vector("keys/apiclient_key.pem")).expect("key"),
                    MERCHANT_SERIAL,
                )
                .api_v3_key(ApiV3Key::new(API_V3_KEY).expect("APIv3 key"))
                .key_mode(KeyMode::PublicKey(
                    WechatPayPublicKey::from_pem(PUB_KEY_ID, vector("keys/pub_key.pem"))
                        .expect("pub key"),
                ))
                .base_url("https://api.mch.weixin.qq.com")
                .no_backup_base_url()
                .http_client(Canned { status, headers, body: Bytes::from(resp.body) })
                .clock(Arc::new(FixedClock::new(now)))
                .retry(RetryPolicy::none())
                .max_response_bytes(max)
                .build()
                .expect("transport");
            let result = transport
                .request(
                    Method::GET,
                    "/v3/pay/partner/transactions/id/4200000985202103031441826014",
                )
                .query("sp_mchid", MCHID)
                .query("sub_mchid", "1900000109")
                .send_json::<PartnerTransaction>()
                .await;
            match result {
                Ok(_) => "ok".to_owned(),
                Err(err) => transport_kind(&err),
            }
        };
        judge(&mut failures, e, AssertUnwindSafe(run).catch_unwind().await);
    }
    assert_no_failures(&failures, entries.len());
}

// Proves every PEM file is refused by the loader its manifest entry names, with the expected
// wechatpay-crypto error, without a panic.
#[test]
fn pem_files_get_typed_errors() {
    let m = manifest();
    replay(&m.of("pem"), |e| {
        let loader = e.loader.as_deref().expect("pem entries name a loader");
        let result = match loader.split_once(':') {
            Some(("wechatpay_public_key", id)) => {
                WechatPayPublicKey::from_pem(id, &e.bytes).map(drop)
            }
            _ => match loader {
                "private_key" => PrivateKey::from_pem(&e.bytes).map(drop),
                "public_key" => PublicKey::from_pem(&e.bytes).map(drop),
                "certificate" => Certificate::from_pem(&e.bytes).map(drop),
                other => panic!("unknown loader {other}"),
            },
        };
        result.map_or_else(|err| variant(&err), |()| "ok".into())
    });
}

// Proves every bill file is refused by the parser its manifest entry names, with the expected
// ParseError, without a panic.
#[test]
fn bill_files_get_typed_errors() {
    let m = manifest();
    replay(&m.of("bill"), |e| {
        let result = match e.loader.as_deref() {
            Some("trade") => wechatpay_bill::read_trade_bill(&e.bytes[..]).map(drop),
            Some("fund_flow") => wechatpay_bill::read_fund_flow_bill(&e.bytes[..]).map(drop),
            other => panic!("unknown loader {other:?}"),
        };
        result.map_or_else(|err| variant(&err), |()| "ok".into())
    });
}

// Proves the corpus is what the README promises: at least 300 files, every file on disk is in
// the manifest and every manifest entry exists, across all six consumers.
#[test]
fn manifest_lists_every_file() {
    let m = manifest();
    let dir = fixtures().join("bad-input");
    let mut on_disk = Vec::new();
    for consumer in ["callback", "response", "pem", "bill", "mock-request", "admin"] {
        assert!(!m.of(consumer).is_empty(), "no {consumer} files");
        for f in std::fs::read_dir(dir.join(consumer)).expect("consumer dir") {
            let f = f.expect("entry").path();
            let rel = f.strip_prefix(&dir).expect("under dir");
            on_disk.push(rel.to_string_lossy().replace(std::path::MAIN_SEPARATOR, "/"));
        }
    }
    on_disk.sort();
    let mut listed: Vec<String> = m.entries.iter().map(|e| e.file.clone()).collect();
    listed.sort();
    assert_eq!(on_disk, listed);
    assert!(listed.len() >= 300, "{} files", listed.len());
}
