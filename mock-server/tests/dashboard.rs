//! The dashboard under `/mock/dashboard/` as handler tests: pages, escaping, the admin token
//! rule, the no-JavaScript action path, the request detail and payer pages, and the embedded
//! assets.

use std::sync::Arc;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use http_body_util::BodyExt;
use serde_json::json;
use tower::ServiceExt;
use wechatpay_crypto::FixedClock;
use wechatpay_mock::journal::{JournalEntry, Verification};
use wechatpay_mock::{app, MockServer, MockState};

const T0: i64 = 1_767_232_800; // 2026-01-01T10:00:00+08:00
const SECTIONS: [&str; 7] =
    ["requests", "sub-merchants", "orders", "money", "callbacks", "clock", "faults"];
const CSS: &str = include_str!("../assets/dashboard/dashboard.css");
const JS: &str = include_str!("../assets/dashboard/dashboard.js");

fn state() -> MockState {
    MockServer::builder().clock(Arc::new(FixedClock::new(T0))).build_state().unwrap()
}

async fn send(
    state: &MockState,
    request: Request<Body>,
) -> (StatusCode, axum::http::HeaderMap, String) {
    let response = app(state.clone()).oneshot(request).await.unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let body = response.into_body().collect().await.unwrap().to_bytes();
    (status, headers, String::from_utf8(body.to_vec()).unwrap())
}

async fn get(state: &MockState, uri: &str) -> (StatusCode, axum::http::HeaderMap, String) {
    send(state, Request::get(uri).body(Body::empty()).unwrap()).await
}

/// A `/v3/` request whose `Authorization` the default tenant's key made over `signed_body`
/// (a different `body` makes the signature wrong), with any extra headers.
fn v3(
    state: &MockState,
    method: &str,
    url: &str,
    signed_body: &[u8],
    body: &[u8],
    extra: &[(&str, &str)],
) -> (Request<Body>, wechatpay_crypto::Authorization) {
    let signer = state
        .tenants()
        .default_tenant()
        .credentials()
        .merchant_signer()
        .unwrap()
        .with_clock(Arc::new(FixedClock::new(T0)));
    let auth = signer.authorize(method, url, signed_body).unwrap();
    let mut b = Request::builder()
        .method(method)
        .uri(url)
        .header(header::USER_AGENT, "dashboard-tests/1")
        .header(header::ACCEPT, "application/json")
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::AUTHORIZATION, auth.to_header_value());
    for (k, v) in extra {
        b = b.header(*k, *v);
    }
    (b.body(Body::from(body.to_vec())).unwrap(), auth)
}

async fn admin_post(state: &MockState, path: &str, body: serde_json::Value) -> StatusCode {
    let request = Request::post(format!("/mock/admin{path}"))
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body.to_string()))
        .unwrap();
    send(state, request).await.0
}

// Proves the dashboard pages answer 200 HTML with every section, accessible tables and the
// embedded assets, and that the bare prefix redirects to the index.
#[tokio::test]
async fn every_page_renders_its_sections() {
    let state = state();
    let (status, headers, html) = get(&state, "/mock/dashboard/").await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert_eq!(headers[header::CONTENT_TYPE], "text/html; charset=utf-8");
    assert!(headers[header::CONTENT_SECURITY_POLICY]
        .to_str()
        .unwrap()
        .contains("default-src 'none'"));
    for slug in SECTIONS {
        assert!(html.contains(&format!("<section id=\"{slug}\"")), "index lacks {slug}");
        let (status, _, page) = get(&state, &format!("/mock/dashboard/{slug}")).await;
        assert_eq!(status, StatusCode::OK, "{slug}: {page}");
        assert!(page.contains(&format!("<section id=\"{slug}\"")));
        assert_eq!(page.matches("<section ").count(), 1, "{slug} page shows one section");
        assert!(page.contains("<caption>"), "{slug}");
        assert!(page.contains(&format!("href=\"/mock/dashboard/{slug}\" aria-current=\"page\"")));
    }
    // The seeded sub-merchants and the clock are read from the admin API.
    assert!(html.contains("<code>1900000109</code>"));
    assert!(html.contains("2026-01-01T10:00:00+08:00"));
    assert!(html.contains("<script src=\"/mock/dashboard/assets/dashboard.js\" defer></script>"));
    let (status, headers, _) = get(&state, "/mock/dashboard?mchid=1900000100").await;
    assert!(status.is_redirection());
    assert_eq!(headers[header::LOCATION], "/mock/dashboard/?mchid=1900000100");
    let (status, _, page) = get(&state, "/mock/dashboard/nope").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(page.contains("No dashboard page nope"));
}

// Proves markup smuggled into the journal (a request path), a fault rule and a ledger memo
// reaches the page escaped, never as markup (XSS).
#[tokio::test]
async fn state_text_is_escaped() {
    let state = state();
    let evil = "<script>alert('x')</script>";
    state.journal().record(JournalEntry {
        id: 0,
        request_id: "\"><img src=x onerror=alert(1)>".into(),
        mchid: Some("1900000100".into()),
        method: "POST".into(),
        path: format!("/v3/{evil}"),
        status: 401,
        code: Some("SIGN_ERROR".into()),
        latency_us: 1_500,
        virtual_time_unix: T0,
        verification: Verification::Failed { reason: format!("bad {evil}") },
        fault: None,
    });
    // An entry without a detail still has a page, saying so.
    let (status, _, page) = get(&state, "/mock/dashboard/requests/1").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("no longer kept"));
    assert!(!page.contains("<script>alert") && !page.contains("<img src=x"));
    let rule = json!({"path": format!("/v3/{evil}"), "effect": {"type": "latency", "ms": 1}});
    assert_eq!(admin_post(&state, "/faults", rule).await, StatusCode::OK);
    let deposit = json!({"account": "1900000109:AVAILABLE", "amount_fen": 5, "memo": evil});
    assert_eq!(admin_post(&state, "/ledger/deposit", deposit).await, StatusCode::OK);

    let (_, _, html) = get(&state, "/mock/dashboard/").await;
    assert!(!html.contains("<script>alert"), "raw script in the page");
    assert!(!html.contains("<img src=x"), "raw img in the page");
    let escaped = "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;";
    // Journal path (twice: cell and detail), verification reason, fault rule path, memo.
    assert!(html.matches(escaped).count() >= 5, "{html}");
    assert!(html.contains("&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"));
    // The only script elements are the embedded asset.
    assert_eq!(html.matches("<script").count(), 1);
}

// Proves the dashboard follows the admin token rule: without the token a page is 401 with a
// token form, with it (parameter or bearer header) 200; the static assets need no token.
#[tokio::test]
async fn admin_token_guards_the_pages() {
    let state = MockServer::builder()
        .admin_token("s3cret")
        .clock(Arc::new(FixedClock::new(T0)))
        .build_state()
        .unwrap();
    let (status, _, html) = get(&state, "/mock/dashboard/orders").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(html.contains("<label for=\"token\">Admin token</label>"));
    assert!(!html.contains("<section"));
    let (status, _, _) = get(&state, "/mock/dashboard/orders?token=wrong").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, _, html) = get(&state, "/mock/dashboard/orders?token=s3cret").await;
    assert_eq!(status, StatusCode::OK);
    // Links and forms keep the token for the next page and the no-JS post.
    assert!(html.contains("href=\"/mock/dashboard/money?token=s3cret\""));
    let request = Request::get("/mock/dashboard/")
        .header(header::AUTHORIZATION, "Bearer s3cret")
        .body(Body::empty())
        .unwrap();
    assert_eq!(send(&state, request).await.0, StatusCode::OK);
    let (status, _, css) = get(&state, "/mock/dashboard/assets/dashboard.css").await;
    assert_eq!((status, css.as_str()), (StatusCode::OK, CSS));
}

fn multipart(fields: &[(&str, &str)]) -> (String, String) {
    let boundary = "dashboardtestboundary";
    let mut body = String::new();
    for (name, value) in fields {
        body.push_str(&format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
        ));
    }
    body.push_str(&format!("--{boundary}--\r\n"));
    (format!("multipart/form-data; boundary={boundary}"), body)
}

// Proves an action form posted without JavaScript makes the admin call (here a clock advance)
// and comes back to the page with the outcome, and that another site's post is refused.
#[tokio::test]
async fn form_post_without_javascript_calls_the_admin_api() {
    let state = state();
    let (content_type, body) = multipart(&[
        ("_method", "POST"),
        ("_path", "/clock/advance"),
        ("mchid", "1900000100"),
        ("num.secs", "3600"),
        ("_back", "/mock/dashboard/clock"),
    ]);
    let post = |origin: &'static str| {
        Request::post("/mock/dashboard/act")
            .header(header::CONTENT_TYPE, content_type.clone())
            .header(header::HOST, "127.0.0.1:9966")
            .header(header::ORIGIN, origin)
            .body(Body::from(body.clone()))
            .unwrap()
    };
    let (status, _, _) = send(&state, post("http://evil.example")).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(state.tenants().default_tenant().clock().offset_secs(), 0);

    let (status, headers, _) = send(&state, post("http://127.0.0.1:9966")).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let location = headers[header::LOCATION].to_str().unwrap();
    assert!(
        location.starts_with(
            "/mock/dashboard/clock?msg=POST%20%2Fmock%2Fadmin%2Fclock%2Fadvance%3A%20200"
        ),
        "{location}"
    );
    assert_eq!(state.tenants().default_tenant().clock().offset_secs(), 3600);
    let (_, _, page) = get(&state, location).await;
    assert!(page.contains("POST /mock/admin/clock/advance: 200"));
    assert!(page.contains("2026-01-01T11:00:00+08:00"));
}

// Proves the embedded assets and the rendered page reference nothing outside the mock: no
// http(s) URL, no protocol-relative URL, no CSS import or url().
#[tokio::test]
async fn assets_make_no_external_requests() {
    for (name, text) in [("dashboard.css", CSS), ("dashboard.js", JS)] {
        for needle in ["http://", "https://", "@import", "url(", "//cdn", "src=\"//"] {
            assert!(!text.contains(needle), "{name} contains {needle}");
        }
    }
    let state = state();
    let (_, _, html) = get(&state, "/mock/dashboard/").await;
    assert!(!html.contains("http://") && !html.contains("https://"));
    for attr in ["src=\"", "href=\""] {
        for (i, _) in html.match_indices(attr) {
            let target = &html[i + attr.len()..];
            assert!(
                target.starts_with("/mock/dashboard"),
                "{attr}{}",
                &target[..40.min(target.len())]
            );
        }
    }
    for (path, kind) in [("dashboard.css", "text/css"), ("dashboard.js", "text/javascript")] {
        let (status, headers, _) = get(&state, &format!("/mock/dashboard/assets/{path}")).await;
        assert_eq!(status, StatusCode::OK);
        assert!(headers[header::CONTENT_TYPE].to_str().unwrap().starts_with(kind));
    }
}

// Proves a request's detail page shows its headers and bodies, and for a deliberately bad
// signature the canonical message the mock expected (the SIGN_ERROR hint) beside the
// signature, serial, timestamp and nonce received; each journal row links to it.
#[tokio::test]
async fn request_detail_shows_headers_bodies_and_expected_message() {
    let state = state();
    let url = "/v3/applyment4sub/applyment/";
    let body = br#"{"business_code":"<B1>"}"#;
    let (bad, auth) = v3(&state, "POST", url, b"{}", body, &[("x-trace", "t-1")]);
    let (status, _, answer) = send(&state, bad).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{answer}");
    let hint: serde_json::Value = serde_json::from_str(&answer).unwrap();
    let expected = hint["detail"]["sign_information"]["truncated_sign_message"].as_str().unwrap();
    assert!(expected.starts_with("POST\n/v3/applyment4sub/applyment/\n"));

    let (_, _, list) = get(&state, "/mock/dashboard/requests").await;
    assert!(list.contains("href=\"/mock/dashboard/requests/1\""), "{list}");

    let (status, headers, page) = get(&state, "/mock/dashboard/requests/1").await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert!(headers[header::CONTENT_SECURITY_POLICY]
        .to_str()
        .unwrap()
        .contains("script-src 'self'"));
    assert!(page.contains("Canonical message the mock expected"));
    // Each line of the expected message, escaped, with its line end shown.
    for line in expected.trim_end_matches('\n').split('\n') {
        let shown = line
            .replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
            .replace('"', "&quot;");
        assert!(
            page.contains(&format!("{shown}<span class=\"nl\" aria-hidden=\"true\">\\n</span>")),
            "{line}"
        );
    }
    // What was received, from the Authorization header.
    for part in [&auth.signature, &auth.serial_no, &auth.timestamp, &auth.nonce_str] {
        assert!(page.contains(&format!("<code>{part}</code>")), "{part}");
    }
    // Headers and bodies, escaped.
    assert!(page.contains("<code>x-trace</code></th><td><code>t-1</code>"));
    assert!(page.contains("<code>wechatpay-signature</code>"), "response headers");
    assert!(page.contains("{&quot;business_code&quot;:&quot;&lt;B1&gt;&quot;}"));
    assert!(page.contains("SIGN_ERROR"));
    assert!(!page.contains("<B1>"));
    let (status, _, page) = get(&state, "/mock/dashboard/requests/77").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(page.contains("No request 77"));
}

// Proves an admin token sent to a `/v3/` path never shows on the detail page, and the detail
// page follows the admin token rule.
#[tokio::test]
async fn request_detail_redacts_secrets_and_needs_the_token() {
    let state = MockServer::builder()
        .admin_token("s3cret")
        .clock(Arc::new(FixedClock::new(T0)))
        .build_state()
        .unwrap();
    let request = Request::get("/v3/certificates")
        .header(header::USER_AGENT, "dashboard-tests/1")
        .header(header::AUTHORIZATION, "Bearer s3cret")
        .header(header::COOKIE, "session=s3cret")
        .body(Body::empty())
        .unwrap();
    assert_eq!(send(&state, request).await.0, StatusCode::UNAUTHORIZED);
    assert_eq!(get(&state, "/mock/dashboard/requests/1").await.0, StatusCode::UNAUTHORIZED);
    let page = Request::get("/mock/dashboard/requests/1")
        .header(header::AUTHORIZATION, "Bearer s3cret")
        .body(Body::empty())
        .unwrap();
    let (status, _, html) = send(&state, page).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Bearer [redacted]"), "{html}");
    assert!(!html.contains("s3cret"), "{html}");
}

/// Creates a Native partner order through the API; returns its `code_url`.
async fn native_order(state: &MockState, out_trade_no: &str) -> String {
    let body = json!({
        "sp_appid": "wx8888888888888888", "sp_mchid": "1900000100", "sub_mchid": "1900000110",
        "description": "dashboard test", "out_trade_no": out_trade_no,
        "notify_url": "https://merchant.example/notify", "amount": {"total": 100, "currency": "CNY"},
    })
    .to_string();
    let url = "/v3/pay/partner/transactions/native";
    let (request, _) = v3(state, "POST", url, body.as_bytes(), body.as_bytes(), &[]);
    let (status, _, answer) = send(state, request).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    serde_json::from_str::<serde_json::Value>(&answer).unwrap()["code_url"]
        .as_str()
        .unwrap()
        .to_owned()
}

// Proves the orders page offers every payer and merchant move (pay, user paying, fail,
// close, expire) and links the payer page; the payer page, opened with a code_url, shows the
// amount and pays through a no-JavaScript form post; expire closes an unpaid order.
#[tokio::test]
async fn payer_page_and_order_moves() {
    let state = state();
    let code_url = native_order(&state, "PAYER0001").await;
    let (_, _, orders) = get(&state, "/mock/dashboard/orders").await;
    for label in ["Pay", "User paying", "Fail", "Close", "Expire"] {
        assert!(orders.contains(&format!("aria-label=\"{label} order PAYER0001\"")), "{label}");
    }
    assert!(orders.contains("aria-label=\"Payer page of order PAYER0001\""));

    let (status, _, page) = get(&state, "/mock/dashboard/payer").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("<label for=\"prepay\">"));
    let uri = format!(
        "/mock/dashboard/payer?prepay_id={}",
        code_url.replace(':', "%3A").replace('/', "%2F").replace('?', "%3F").replace('=', "%3D")
    );
    let (status, _, page) = get(&state, &uri).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert!(page.contains("¥ 1.00"));
    assert!(page.contains("<strong>NOTPAY</strong>"));
    assert!(page.contains("aria-label=\"Confirm payment: order PAYER0001\""));
    let prepay_id = code_url.split("pr=").nth(1).unwrap();
    let back = format!("/mock/dashboard/payer?prepay_id={prepay_id}&amp;mchid=1900000100");
    assert!(page.contains(&format!("name=\"_back\" value=\"{back}\"")), "{page}");

    let pay = json!({"mchid": "1900000100", "prepay_id": prepay_id}).to_string();
    let (content_type, body) = multipart(&[
        ("_method", "POST"),
        ("_path", "/payments/pay"),
        ("_body", &pay),
        ("_back", &back.replace("&amp;", "&")),
    ]);
    let request = Request::post("/mock/dashboard/act")
        .header(header::CONTENT_TYPE, content_type)
        .body(Body::from(body))
        .unwrap();
    let (status, headers, _) = send(&state, request).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let location = headers[header::LOCATION].to_str().unwrap().to_owned();
    assert!(location.starts_with("/mock/dashboard/payer?prepay_id="), "{location}");
    let (_, _, page) = get(&state, &location).await;
    assert!(page.contains("<strong>SUCCESS</strong>"), "{page}");
    assert!(page.contains("Nothing to pay"));

    native_order(&state, "PAYER0002").await;
    let expire =
        json!({"mchid": "1900000100", "sub_mchid": "1900000110", "out_trade_no": "PAYER0002"});
    assert_eq!(admin_post(&state, "/payments/expire", expire.clone()).await, StatusCode::OK);
    let (_, _, orders) = get(&state, "/mock/dashboard/orders").await;
    assert!(orders.contains("<strong>CLOSED</strong>"), "{orders}");
    // Only an unpaid order expires.
    assert_ne!(admin_post(&state, "/payments/expire", expire).await, StatusCode::OK);
    let (status, _, page) = get(&state, "/mock/dashboard/payer?prepay_id=wx404").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("No payment found for <code>wx404</code>"));
}
