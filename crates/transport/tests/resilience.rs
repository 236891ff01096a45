//! Retries, timeouts and backup-host failover against scripted servers.

mod support;

use std::time::Duration;

use support::*;
use wechatpay_transport::http::Method;
use wechatpay_transport::{DispatchErrorKind, Error, RetryPolicy};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer};

const SYSTEM_ERROR: &str = r#"{"code":"SYSTEM_ERROR","message":"系统异常,请稍后重试"}"#;
const FREQUENCY_LIMITED: &str = r#"{"code":"FREQUENCY_LIMITED","message":"频率超限"}"#;

/// First `failures` requests answered with `status`/`body`, then a signed 200.
async fn flaky(
    http_method: &str,
    status: u16,
    body: &str,
    failures: u64,
    successes: u64,
) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method(http_method))
        .and(path("/v3/x"))
        .respond_with(ResponseSigner::public_key().responder(status, body))
        .up_to_n_times(failures)
        .expect(failures)
        .mount(&server)
        .await;
    Mock::given(method(http_method))
        .and(path("/v3/x"))
        .respond_with(ResponseSigner::public_key().responder(200, r#"{"ok":true}"#))
        .expect(successes)
        .mount(&server)
        .await;
    server
}

// Proves a 429 FREQUENCY_LIMITED GET is retried and the following 200 returned.
#[tokio::test]
async fn rate_limited_get_is_retried() {
    let server = flaky("GET", 429, FREQUENCY_LIMITED, 1, 1).await;
    let transport = builder(&server.uri()).build().unwrap();
    let v: serde_json::Value = transport.request(Method::GET, "/v3/x").send_json().await.unwrap();
    assert_eq!(v["ok"], true);
    server.verify().await;
}

// Proves a 500 SYSTEM_ERROR GET is retried and the following 200 returned.
#[tokio::test]
async fn system_error_get_is_retried() {
    let server = flaky("GET", 500, SYSTEM_ERROR, 2, 1).await;
    let transport = builder(&server.uri()).retry(fast_retry(3)).build().unwrap();
    let v: serde_json::Value = transport.request(Method::GET, "/v3/x").send_json().await.unwrap();
    assert_eq!(v["ok"], true);
    server.verify().await;
}

// Proves retries stop at max_attempts and the last answer is returned as the Api error.
#[tokio::test]
async fn retries_are_bounded() {
    let server = flaky("GET", 500, SYSTEM_ERROR, 2, 0).await;
    let transport = builder(&server.uri()).retry(fast_retry(2)).build().unwrap();
    let err = transport.request(Method::GET, "/v3/x").send().await.unwrap_err();
    assert!(err.is_code("SYSTEM_ERROR"), "{err:?}");
    server.verify().await;
}

// Proves a POST is not retried unless its request is marked idempotent.
#[tokio::test]
async fn post_is_retried_only_when_idempotent() {
    let server = flaky("POST", 500, SYSTEM_ERROR, 1, 0).await;
    let transport = builder(&server.uri()).build().unwrap();
    let err = transport
        .request(Method::POST, "/v3/x")
        .json(&serde_json::json!({"a": 1}))
        .unwrap()
        .send()
        .await
        .unwrap_err();
    assert!(err.is_code("SYSTEM_ERROR"), "{err:?}");
    server.verify().await;

    let server = flaky("POST", 500, SYSTEM_ERROR, 1, 1).await;
    let transport = builder(&server.uri()).build().unwrap();
    let raw = transport
        .request(Method::POST, "/v3/x")
        .json(&serde_json::json!({"a": 1}))
        .unwrap()
        .idempotent()
        .send()
        .await
        .unwrap();
    assert_eq!(raw.status, 200);
    server.verify().await;
}

// Proves a response slower than the timeout ends in a Dispatch timeout error.
#[tokio::test]
async fn slow_response_times_out() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseSigner::public_key().template(200, "{}").set_delay(Duration::from_secs(2)),
        )
        .mount(&server)
        .await;
    let transport = builder(&server.uri())
        .timeout(Duration::from_millis(200))
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    let err = transport.request(Method::GET, "/v3/x").send().await.unwrap_err();
    assert!(err.is_timeout(), "{err:?}");
    let Error::Dispatch(d) = &err else { panic!() };
    assert_eq!(d.attempts(), 1);
}

// Proves a refused connection on the primary fails over to the backup host, which gets a
// correctly signed request.
#[tokio::test]
async fn connection_refused_fails_over_to_backup() {
    let backup = MockServer::start().await;
    let check = CheckRequest::new(ResponseSigner::public_key(), 200, r#"{"host":"backup"}"#);
    Mock::given(method("POST"))
        .and(path("/v3/x"))
        .respond_with(check.clone())
        .expect(1)
        .mount(&backup)
        .await;
    let transport = builder(&refused_port_url())
        .backup_base_url(backup.uri())
        .retry(RetryPolicy::none())
        .build()
        .unwrap();

    // A POST that is not idempotent still fails over: nothing reached the primary.
    let v: serde_json::Value = transport
        .request(Method::POST, "/v3/x")
        .json(&serde_json::json!({"a": 1}))
        .unwrap()
        .send_json()
        .await
        .unwrap();
    assert_eq!(v["host"], "backup");
    assert!(check.seen()[0].signature_valid);
}

// Proves that with both hosts refusing, the error says it could not connect and that the
// backup was tried, after the configured attempts.
#[tokio::test]
async fn both_hosts_down_reports_failover() {
    let transport = builder(&refused_port_url())
        .backup_base_url(refused_port_url())
        .retry(fast_retry(2))
        .build()
        .unwrap();
    let err = transport.request(Method::GET, "/v3/x").send().await.unwrap_err();
    assert!(err.is_connect(), "{err:?}");
    let Error::Dispatch(d) = &err else { panic!() };
    assert_eq!(d.kind(), DispatchErrorKind::Connect);
    assert_eq!(d.attempts(), 2);
    assert!(d.failed_over());
    assert_eq!(d.hosts_tried().len(), 4);
}

// Proves a response body over the size limit is a Dispatch error, not truncated data.
#[tokio::test]
async fn oversized_response_is_refused() {
    let server = MockServer::start().await;
    let big = format!(r#"{{"pad":"{}"}}"#, "x".repeat(4096));
    Mock::given(method("GET"))
        .respond_with(ResponseSigner::public_key().responder(200, &big))
        .mount(&server)
        .await;
    let transport =
        builder(&server.uri()).max_response_bytes(1024).retry(RetryPolicy::none()).build().unwrap();
    let err = transport.request(Method::GET, "/v3/x").send().await.unwrap_err();
    assert!(
        matches!(&err, Error::Dispatch(d) if d.kind() == DispatchErrorKind::BodyTooLarge { limit: 1024 }),
        "{err:?}"
    );
    let raw =
        transport.request(Method::GET, "/v3/x").max_response_bytes(8192).send().await.unwrap();
    assert_eq!(raw.body.len(), big.len());
}

// Proves the retry of a signed request carries a fresh signature each time (both valid).
#[tokio::test]
async fn each_attempt_is_signed_afresh() {
    let server = MockServer::start().await;
    let failing = CheckRequest::new(
        ResponseSigner::public_key(),
        503,
        r#"{"code":"SERVICE_UNAVAILABLE","message":"x"}"#,
    );
    let ok = CheckRequest::new(ResponseSigner::public_key(), 200, "{}");
    Mock::given(method("GET")).respond_with(failing.clone()).up_to_n_times(1).mount(&server).await;
    Mock::given(method("GET")).respond_with(ok.clone()).mount(&server).await;
    let transport = builder(&server.uri()).build().unwrap();
    transport.request(Method::GET, "/v3/x").send().await.unwrap();
    let (a, b) = (&failing.seen()[0], &ok.seen()[0]);
    assert!(a.signature_valid && b.signature_valid);
    assert_ne!(
        a.authorization.as_ref().unwrap().nonce_str,
        b.authorization.as_ref().unwrap().nonce_str
    );
}
