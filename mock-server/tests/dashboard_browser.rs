//! The dashboard in a real headless browser (Debian's `chromium` and `chromedriver`):
//! server-rendered pages with the order an SDK request created, the script running under
//! the page's CSP, a click on "Pay" going through the admin API to a delivered callback and
//! a balance, a click approving an application, a click from the journal to a refused
//! request's detail, and a screenshot of every page (1280×800) in
//! `target/dashboard-screenshots/`. With `fonts-noto-cjk` installed the Chinese text renders.
//!
//! Without `/usr/bin/chromium` the test fails, unless `WECHATPAY_SKIP_BROWSER_TESTS=1`.

mod onboarding_support;

use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::routing::post;
use axum::Router;
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use onboarding_support::{application, Docs, JPG, PNG};
use serde_json::{json, Value};
use wechatpay_applyment::{Applyments, OrganizationType};
use wechatpay_crypto::FixedClock;
use wechatpay_media::Media;
use wechatpay_mock::journal::JournalFilter;
use wechatpay_mock::MockServer;
use wechatpay_transport::http::Method;
use wechatpay_transport::{KeyMode, RetryPolicy, Transport};

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
const T0: i64 = 1_767_232_800; // 2026-01-01T10:00:00+08:00
const OUT_TRADE_NO: &str = "DASHBOARD0001";
const PAGES: [&str; 9] =
    ["", "requests", "sub-merchants", "orders", "money", "callbacks", "clock", "faults", "payer"];

/// Flags for a headless run that talks to nothing but the mock (no sync, no component
/// updates, no background requests) and works as root in a container.
const HEADLESS: [&str; 11] = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--no-first-run",
    "--no-default-browser-check",
    "--window-size=1280,800",
];

/// Whether the browser is there; panics with what to do when it is not and skipping was
/// not asked for.
fn browser_available() -> bool {
    if Path::new(CHROMIUM).exists() && Path::new(CHROMEDRIVER).exists() {
        return true;
    }
    if std::env::var("WECHATPAY_SKIP_BROWSER_TESTS").as_deref() == Ok("1") {
        eprintln!("skipping the dashboard browser test: WECHATPAY_SKIP_BROWSER_TESTS=1");
        return false;
    }
    panic!(
        "the dashboard browser test needs {CHROMIUM} and {CHROMEDRIVER}: \
         `apt-get install -y chromium chromium-driver`, or set WECHATPAY_SKIP_BROWSER_TESTS=1 to skip it"
    );
}

/// `target/dashboard-screenshots`, found from this test binary (`target/<profile>/deps/…`),
/// so it is right with a shared or custom target directory.
fn screenshot_dir() -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    let target = exe.ancestors().nth(3).unwrap().to_path_buf();
    let dir = target.join("dashboard-screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Runs chromium once on `url` with extra flags (`--dump-dom` or `--screenshot=…`), giving
/// the page's script 3 s of virtual time; returns stdout.
async fn chromium(url: String, extra: Vec<String>) -> String {
    tokio::task::spawn_blocking(move || {
        let profile = tempfile::tempdir().unwrap();
        let output = Command::new(CHROMIUM)
            .args(HEADLESS)
            .arg(format!("--user-data-dir={}", profile.path().display()))
            .arg("--virtual-time-budget=3000")
            .args(&extra)
            .arg(&url)
            .stdin(Stdio::null())
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "chromium failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8(output.stdout).unwrap()
    })
    .await
    .unwrap()
}

/// Kills the chromedriver this test started, and the chromium it launched, when the test
/// ends, however it ends: chromedriver runs in its own process group, and a failed assertion
/// (which never reaches the session's `DELETE`) would otherwise leave chromium running with
/// the dashboard's live refresh.
struct Driver(Child);

impl Driver {
    fn spawn(port: u16) -> Self {
        let child = Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .process_group(0)
            .spawn()
            .unwrap();
        Self(child)
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        let group = format!("-{}", self.0.id());
        let _ = Command::new("kill").args(["-KILL", "--", &group]).status();
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A minimal W3C WebDriver client: JSON in, the `value` member out.
struct WebDriver {
    base: String,
    client: Client<hyper_util::client::legacy::connect::HttpConnector, Full<Bytes>>,
}

impl WebDriver {
    async fn call(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        match self.try_call(method, path, body).await {
            Ok(value) => value,
            Err(error) => panic!("WebDriver {method} {path}: {error}"),
        }
    }

    /// Like [`Self::call`], but a WebDriver error answer comes back as `Err` (status and
    /// body) instead of failing the test, so that the caller can retry the ones it expects.
    async fn try_call(
        &self,
        method: &str,
        path: &str,
        body: Option<Value>,
    ) -> Result<Value, String> {
        let request = http::Request::builder()
            .method(method)
            .uri(format!("{}{path}", self.base))
            .header("content-type", "application/json")
            .body(Full::new(Bytes::from(body.map(|b| b.to_string()).unwrap_or_default())))
            .unwrap();
        let response = self.client.request(request).await.unwrap();
        let status = response.status();
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        let answer: Value = serde_json::from_slice(&bytes).unwrap();
        if status.is_success() {
            Ok(answer["value"].clone())
        } else {
            Err(format!("{status} {answer}"))
        }
    }

    /// Clicks the element `selector` finds. The dashboard's live refresh swaps the page's
    /// content in every few seconds, so an element found just before a swap is gone by the
    /// time of the click ("stale element reference", nothing was clicked) and a button may
    /// be missing for the instant of the swap: both are retried with a fresh lookup.
    async fn click(&self, session: &str, selector: &str) {
        let last = std::cell::RefCell::new(String::new());
        let clicked = eventually_or(selector, || {
            let last = &last;
            async move {
                let found = self
                    .try_call(
                        "POST",
                        &format!("{session}/element"),
                        Some(json!({"using": "css selector", "value": selector})),
                    )
                    .await;
                let element = match found {
                    Ok(found) => found
                        .as_object()
                        .unwrap()
                        .values()
                        .next()
                        .unwrap()
                        .as_str()
                        .unwrap()
                        .to_owned(),
                    Err(e) if e.contains("no such element") => {
                        *last.borrow_mut() = e;
                        return None;
                    }
                    Err(e) => panic!("WebDriver: finding {selector}: {e}"),
                };
                let path = format!("{session}/element/{element}/click");
                match self.try_call("POST", &path, Some(json!({}))).await {
                    Ok(_) => Some(Value::Null),
                    Err(e) if e.contains("stale element reference") => {
                        *last.borrow_mut() = e;
                        None
                    }
                    Err(e) => panic!("WebDriver: clicking {selector}: {e}"),
                }
            }
        })
        .await;
        assert!(clicked.is_some(), "could not click {selector}: {}", last.borrow());
    }

    async fn ready(&self) -> bool {
        let request = http::Request::get(format!("{}/status", self.base))
            .body(Full::new(Bytes::new()))
            .unwrap();
        match self.client.request(request).await {
            Ok(r) => {
                let bytes = r.into_body().collect().await.unwrap().to_bytes();
                serde_json::from_slice::<Value>(&bytes).is_ok_and(|v| v["value"]["ready"] == true)
            }
            Err(_) => false,
        }
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// Polls `check` every 50 ms, at most 200 times; fails the test naming `what` after that.
/// Waits for the browser or the dispatcher, never measures time.
async fn eventually<F, Fut>(what: &str, check: F) -> Value
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<Value>>,
{
    match eventually_or(what, check).await {
        Some(v) => v,
        None => panic!("gave up waiting for {what}"),
    }
}

/// Polls `check` every 50 ms for up to 30 s (generous: CI machines are loaded); `None` if it
/// never answered.
async fn eventually_or<F, Fut>(_what: &str, mut check: F) -> Option<Value>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<Value>>,
{
    for _ in 0..600 {
        if let Some(v) = check().await {
            return Some(v);
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    None
}

// Proves, in a real browser: the server-rendered orders page lists an order an SDK request
// created; the script runs under the CSP (live refresh); clicking "Pay" goes through the
// admin API, the callback reaches the receiver and the page and the money page show the
// payment; and every page renders to a screenshot.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dashboard_in_a_headless_browser() {
    if !browser_available() {
        return;
    }
    let mock = MockServer::builder().clock(Arc::new(FixedClock::new(T0))).start().await.unwrap();
    let id = mock.identity();
    let received = Arc::new(Mutex::new(0_usize));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let notify_url = format!("http://{}/notify", listener.local_addr().unwrap());
    let seen = received.clone();
    let receiver = Router::new().route(
        "/notify",
        post(move || {
            let seen = seen.clone();
            async move {
                *seen.lock().unwrap() += 1;
                axum::http::StatusCode::NO_CONTENT
            }
        }),
    );
    tokio::spawn(async move { axum::serve(listener, receiver).await });

    let transport = Transport::builder()
        .mchid(id.mchid.clone())
        .merchant_key_pem(
            id.merchant_private_key_pem.as_ref().unwrap().as_bytes(),
            id.merchant_serial.as_str(),
        )
        .api_v3_key(id.api_v3_key().unwrap())
        .key_mode(KeyMode::PlatformCertificates)
        .base_url(mock.base_url())
        .no_backup_base_url()
        .clock(Arc::new(mock.state().tenants().default_tenant().clock().clone()))
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    let prepay: Value = transport
        .request(Method::POST, "/v3/pay/partner/transactions/native")
        .json(&json!({
            "sp_appid": "wx8888888888888888", "sp_mchid": "1900000100", "sub_mchid": "1900000110",
            "description": "dashboard <b>test</b>", "out_trade_no": OUT_TRADE_NO, "notify_url": notify_url,
            "amount": {"total": 100, "currency": "CNY"},
        }))
        .unwrap()
        .send_json()
        .await
        .unwrap();
    assert!(prepay["code_url"].is_string(), "{prepay}");
    let dashboard = format!("{}/mock/dashboard", mock.base_url());

    // An application (进件) to approve by clicking, through the SDK's services.
    let media = Media::new(transport.clone());
    let docs = Docs {
        id_front: media.upload_image("id_front.jpg", JPG).await.unwrap(),
        id_back: media.upload_image("id_back.jpeg", JPG).await.unwrap(),
        licence: media.upload_image("licence.png", PNG).await.unwrap(),
        store_qr: media.upload_image("store_qr.png", PNG).await.unwrap(),
        letter: media.upload_image("letter.png", PNG).await.unwrap(),
        video: media.upload_video("store.mp4", &b"\0\0\0\x18ftypmp42mock"[..]).await.unwrap(),
    };
    let applyment_id = Applyments::new(transport.clone())
        .submit(&application(OrganizationType::IndividualSeller, "DASHBOARD-APPLY-1", &docs))
        .await
        .unwrap()
        .applyment_id;

    // A request signed over one body and sent with another: SIGN_ERROR, journaled with the
    // canonical message the mock expected.
    let tenant_clock = Arc::new(mock.state().tenants().default_tenant().clock().clone());
    let signer = id.merchant_signer().unwrap().with_clock(tenant_clock);
    let bad_path = "/v3/applyment4sub/applyment/";
    let auth = signer.authorize("POST", bad_path, b"{}").unwrap();
    let http: Client<_, Full<Bytes>> = Client::builder(TokioExecutor::new()).build_http();
    let bad = http::Request::post(format!("{}{bad_path}", mock.base_url()))
        .header("user-agent", "dashboard-browser-test/1")
        .header("accept", "application/json")
        .header("content-type", "application/json")
        .header("authorization", auth.to_header_value())
        .body(Full::new(Bytes::from_static(br#"{"business_code":"BAD-SIGNATURE-DEMO"}"#)))
        .unwrap();
    assert_eq!(http.request(bad).await.unwrap().status(), 401);
    let bad_id = mock
        .state()
        .journal()
        .list(&JournalFilter { code: Some("SIGN_ERROR".into()), ..JournalFilter::default() })[0]
        .id;

    // 1. Server-side rendering and the script, through `--dump-dom`.
    let dom = chromium(format!("{dashboard}/orders"), vec!["--dump-dom".into()]).await;
    assert!(dom.contains(OUT_TRADE_NO), "{dom}");
    assert!(dom.contains("<strong>NOTPAY</strong>"));
    assert!(dom.contains("Live: refreshed"), "the script did not run a refresh: {dom}");
    let dom = chromium(format!("{dashboard}/requests"), vec!["--dump-dom".into()]).await;
    assert!(dom.contains("/v3/pay/partner/transactions/native"));
    assert!(dom.contains("class=\"v-verified\""));

    // 2. A click through chromedriver's W3C WebDriver API.
    let port = free_port();
    let _driver = Driver::spawn(port);
    let wd = WebDriver {
        base: format!("http://127.0.0.1:{port}"),
        client: Client::builder(TokioExecutor::new()).build_http(),
    };
    eventually("chromedriver to be ready", || async { wd.ready().await.then_some(Value::Null) })
        .await;
    let profile = tempfile::tempdir().unwrap();
    let mut args: Vec<String> = HEADLESS.iter().map(|s| (*s).to_owned()).collect();
    args.push(format!("--user-data-dir={}", profile.path().display()));
    let session = wd
        .call(
            "POST",
            "/session",
            Some(json!({"capabilities": {"alwaysMatch": {
                "browserName": "chrome",
                "goog:chromeOptions": {"binary": CHROMIUM, "args": args}
            }}})),
        )
        .await;
    let sid = session["sessionId"].as_str().unwrap().to_owned();
    let s = format!("/session/{sid}");
    wd.call("POST", &format!("{s}/url"), Some(json!({"url": format!("{dashboard}/orders")}))).await;
    wd.click(&s, &format!("button[aria-label=\"Pay order {OUT_TRADE_NO}\"]")).await;
    let source = eventually("the paid order on the page", || async {
        let html = wd.call("GET", &format!("{s}/source"), None).await;
        let html = html.as_str().unwrap_or_default().to_owned();
        (html.contains("<strong>SUCCESS</strong>") && html.contains("/payments/pay: 200"))
            .then_some(Value::String(html))
    })
    .await;
    assert!(!source.as_str().unwrap().contains("<strong>NOTPAY</strong>"));
    eventually("the TRANSACTION.SUCCESS callback", || async {
        (*received.lock().unwrap() >= 1).then_some(Value::Null)
    })
    .await;
    wd.call("POST", &format!("{s}/url"), Some(json!({"url": format!("{dashboard}/callbacks")})))
        .await;
    eventually("the delivered callback on the page", || async {
        let html = wd.call("GET", &format!("{s}/source"), None).await;
        html.as_str()
            .is_some_and(|h| {
                h.contains("TRANSACTION.SUCCESS") && h.contains("<strong>delivered</strong>")
            })
            .then_some(Value::Null)
    })
    .await;
    // Reload until the balance shows: the page may be read while its live refresh swaps the
    // content in, and on a loaded machine the settlement can land a moment after the callback.
    let last = std::cell::RefCell::new(String::new());
    let seen = eventually_or("the paid balance on the money page", || {
        let (wd, s, dashboard, last) = (&wd, &s, &dashboard, &last);
        async move {
            wd.call(
                "POST",
                &format!("{s}/url"),
                Some(json!({"url": format!("{dashboard}/money")})),
            )
            .await;
            let money = wd.call("GET", &format!("{s}/source"), None).await;
            let page = money.as_str().unwrap_or_default().to_owned();
            let paid = page.contains("<code>1900000110:AVAILABLE</code></th><td>1.00</td>")
                && page.contains("Ledger invariants: <strong>hold</strong>");
            *last.borrow_mut() = page;
            paid.then_some(Value::Null)
        }
    })
    .await;
    assert!(seen.is_some(), "money page never showed the paid balance:\n{}", last.borrow());

    // Pass the application's check and approve it by clicking.
    wd.call(
        "POST",
        &format!("{s}/url"),
        Some(json!({"url": format!("{dashboard}/sub-merchants")})),
    )
    .await;
    wd.click(&s, &format!("button[aria-label=\"Pass check application {applyment_id}\"]")).await;
    eventually("the checked application on the page", || async {
        let html = wd.call("GET", &format!("{s}/source"), None).await;
        html.as_str()
            .is_some_and(|h| h.contains(&format!("/applyments/{applyment_id}/pass-check: 200")))
            .then_some(Value::Null)
    })
    .await;
    wd.click(&s, &format!("button[aria-label=\"Approve application {applyment_id}\"]")).await;
    eventually("the approved application on the page", || async {
        let html = wd.call("GET", &format!("{s}/source"), None).await;
        html.as_str()
            .is_some_and(|h| {
                h.contains("<strong>NEED_SIGN</strong>")
                    && h.contains(&format!("/applyments/{applyment_id}/approve: 200"))
            })
            .then_some(Value::Null)
    })
    .await;

    // From the journal to the refused request's detail, by its link.
    wd.call("POST", &format!("{s}/url"), Some(json!({"url": format!("{dashboard}/requests")})))
        .await;
    wd.click(&s, &format!("a[aria-label=\"Request {bad_id} in detail\"]")).await;
    let detail = eventually("the request detail page", || async {
        let html = wd.call("GET", &format!("{s}/source"), None).await;
        html.as_str()
            .filter(|h| h.contains("Canonical message the mock expected"))
            .map(|h| Value::String(h.to_owned()))
    })
    .await;
    let detail = detail.as_str().unwrap();
    assert!(detail.contains("BAD-SIGNATURE-DEMO"), "{detail}");
    assert!(detail.contains(&format!("<code>{}</code>", auth.signature)));
    wd.call("DELETE", &s, None).await;

    // An unpaid order for the payer page's screenshot.
    let second: Value = transport
        .request(Method::POST, "/v3/pay/partner/transactions/jsapi")
        .json(&json!({
            "sp_appid": "wx8888888888888888", "sp_mchid": "1900000100", "sub_mchid": "1900000110",
            "description": "付款页 payer page", "out_trade_no": "DASHBOARD0002", "notify_url": notify_url,
            "amount": {"total": 2500, "currency": "CNY"}, "payer": {"sp_openid": "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"},
        }))
        .unwrap()
        .send_json()
        .await
        .unwrap();
    let prepay_id = second["prepay_id"].as_str().unwrap().to_owned();

    // 3. A screenshot of every page, as CI artifacts.
    let dir = screenshot_dir();
    let mut pages: Vec<(String, String)> = PAGES
        .iter()
        .map(|p| ((if p.is_empty() { "all" } else { p }).to_owned(), (*p).to_owned()))
        .collect();
    pages.push(("request-detail".into(), format!("requests/{bad_id}")));
    if let Some(payer) = pages.iter_mut().find(|(name, _)| name == "payer") {
        payer.1 = format!("payer?prepay_id={prepay_id}");
    }
    for (name, page) in pages {
        let path = dir.join(format!("{name}.png"));
        let _ = std::fs::remove_file(&path);
        chromium(format!("{dashboard}/{page}"), vec![format!("--screenshot={}", path.display())])
            .await;
        let png = std::fs::read(&path).unwrap();
        assert!(png.starts_with(b"\x89PNG"), "{} is not a PNG", path.display());
    }
    // The pages name their own icon: the browser never asked the API for `/favicon.ico`.
    let icons = JournalFilter { path_prefix: Some("/favicon".into()), ..JournalFilter::default() };
    assert!(mock.state().journal().list(&icons).is_empty());
    mock.shutdown().await.unwrap();
}
