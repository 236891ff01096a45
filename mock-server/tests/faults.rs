//! Fault rules through the SDK's transport against `MockServer::start()`: injected errors
//! are signed WeChat errors with a Request-ID, a seed reproduces the same failures, and a
//! `timeout_after_commit` answer is withheld after the handler ran.

mod support;

use std::time::Duration;

use serde_json::{json, Value};
use wechatpay_crypto::{ApiV3Key, PrivateKey, WechatPayPublicKey};
use wechatpay_mock::config::KeyMode;
use wechatpay_mock::journal::JournalFilter;
use wechatpay_mock::MockServer;
use wechatpay_transport::http::Method;
use wechatpay_transport::{Error, KeyMode as ClientMode, RetryPolicy, Transport};

use support::admin;

async fn mock() -> MockServer {
    MockServer::builder().key_mode(KeyMode::PublicKey).start().await.unwrap()
}

fn transport(mock: &MockServer, timeout: Duration) -> Transport {
    let id = mock.identity();
    let public = WechatPayPublicKey::from_pem(
        id.public_key_id.clone().unwrap(),
        id.public_key_pem.clone().unwrap(),
    )
    .unwrap();
    Transport::builder()
        .mchid(id.mchid.clone())
        .merchant_key(
            PrivateKey::from_pem(id.merchant_private_key_pem.as_ref().unwrap().as_bytes()).unwrap(),
            id.merchant_serial.as_str(),
        )
        .api_v3_key(ApiV3Key::new(id.apiv3_key.as_bytes()).unwrap())
        .key_mode(ClientMode::PublicKey(public))
        .base_url(mock.base_url())
        .no_backup_base_url()
        .retry(RetryPolicy::none())
        .timeout(timeout)
        .build()
        .unwrap()
}

async fn echo(t: &Transport, n: u32) -> Result<Value, Error> {
    t.request(Method::POST, "/v3/security/echo").json(&json!({"n": n})).unwrap().send_json().await
}

/// N echoes; true where the rule fired. Every failure must be the injected, verified error.
async fn failures(t: &Transport, n: u32) -> Vec<bool> {
    let mut out = Vec::new();
    for i in 0..n {
        match echo(t, i).await {
            Ok(v) => {
                assert_eq!(v["n"], i);
                out.push(false);
            }
            Err(Error::Api(e)) => {
                assert_eq!((e.status().as_u16(), e.code()), (503, Some("SERVICE_UNAVAILABLE")));
                assert!(e.is_verified(), "an injected error is signed like a real one");
                assert_eq!(e.request_id().map(str::len), Some(40));
                out.push(true);
            }
            Err(other) => panic!("unexpected {other:?}"),
        }
    }
    out
}

fn flaky_rule(seed: u64) -> Value {
    json!({
        "method": "POST",
        "path": "/v3/security/*",
        "probability": 0.5,
        "seed": seed,
        "effect": {"type": "error", "status": 503, "code": "SERVICE_UNAVAILABLE", "message": "服务不可用"}
    })
}

// Proves an error rule with a seed fires at exactly the same requests when replayed (after
// clearing and re-adding it), fires at some but not all of them, and that a request the rule
// does not match (another path) is never touched.
#[tokio::test]
async fn seeded_error_rule_is_reproducible() {
    let mock = mock().await;
    let t = transport(&mock, Duration::from_secs(10));
    let (status, rule) = admin(&mock, "POST", "/faults", Some(flaky_rule(42))).await;
    assert_eq!((status, rule["seed"].as_u64()), (200, Some(42)));
    let first = failures(&t, 24).await;
    assert!(first.contains(&true) && first.contains(&false), "{first:?}");
    let certs: Value = t.request(Method::GET, "/v3/certificates").send_json().await.unwrap();
    assert_eq!(certs, json!({"data": []}));

    let (_, listed) = admin(&mock, "GET", "/faults", None).await;
    let hits = first.iter().filter(|f| **f).count();
    assert_eq!(
        (listed[0]["matched"].as_u64(), listed[0]["hits"].as_u64()),
        (Some(24), Some(hits as u64))
    );
    let journal =
        mock.state().journal().list(&JournalFilter { status: Some(503), ..Default::default() });
    assert_eq!(journal.len(), hits);
    assert!(journal[0].fault.as_deref().unwrap().contains("error 503"));

    let (status, cleared) = admin(&mock, "DELETE", "/faults", None).await;
    assert_eq!((status, cleared["removed"].as_u64()), (200, Some(1)));
    assert_eq!(failures(&t, 3).await, [false, false, false], "no rule, no fault");
    admin(&mock, "POST", "/faults", Some(flaky_rule(42))).await;
    assert_eq!(failures(&t, 24).await, first, "same seed, same failures");
}

// Proves `timeout_after_commit` with `drop` runs the handler (its 200 answer is journaled)
// and then closes the connection, so the client sees a transport failure, not an answer.
#[tokio::test]
async fn timeout_after_commit_drops_the_connection() {
    let mock = mock().await;
    let t = transport(&mock, Duration::from_secs(10));
    let (status, _) = admin(
        &mock,
        "POST",
        "/faults",
        Some(json!({"path": "/v3/security/echo", "effect": {"type": "timeout_after_commit", "mode": "drop"}})),
    )
    .await;
    assert_eq!(status, 200);
    let result = echo(&t, 1).await;
    assert!(matches!(result, Err(Error::Dispatch(_))), "{result:?}");
    let journal = mock.state().journal().list(&JournalFilter::default());
    assert_eq!(journal.len(), 1);
    assert_eq!(journal[0].status, 200, "the handler ran and answered");
    assert!(journal[0].fault.as_deref().unwrap().contains("connection dropped"));
}

// Proves `timeout_after_commit` with `delay` holds the answer past the client's timeout:
// the client times out although the handler answered 200.
#[tokio::test]
async fn timeout_after_commit_delays_past_the_client_timeout() {
    let mock = mock().await;
    let t = transport(&mock, Duration::from_millis(200));
    admin(
        &mock,
        "POST",
        "/faults",
        Some(
            json!({"effect": {"type": "timeout_after_commit", "mode": "delay", "delay_ms": 2000}}),
        ),
    )
    .await;
    let result = echo(&t, 1).await;
    assert!(result.as_ref().is_err_and(Error::is_timeout), "{result:?}");
    let journal = mock.state().journal().list(&JournalFilter::default());
    assert_eq!((journal.len(), journal[0].status), (1, 200));
}

// Proves a latency rule scoped to one tenant is applied and journaled, and reset removes the
// rules of that tenant.
#[tokio::test]
async fn latency_rule_and_reset() {
    let mock = mock().await;
    let t = transport(&mock, Duration::from_secs(10));
    let mchid = mock.identity().mchid.clone();
    let (status, _) = admin(
        &mock,
        "POST",
        "/faults",
        Some(json!({"mchid": mchid, "effect": {"type": "latency", "ms": 20}})),
    )
    .await;
    assert_eq!(status, 200);
    echo(&t, 1).await.unwrap();
    let journal = mock.state().journal().list(&JournalFilter::default());
    assert!(journal[0].fault.as_deref().unwrap().contains("latency 20 ms"));
    admin(&mock, "POST", "/reset", Some(json!({"mchid": mchid}))).await;
    let (_, rules) = admin(&mock, "GET", "/faults", None).await;
    assert_eq!(rules, json!([]));
    let (status, answer) = admin(
        &mock,
        "POST",
        "/faults",
        Some(json!({"mchid": "42", "effect": {"type": "latency", "ms": 1}})),
    )
    .await;
    assert_eq!((status, answer["code"].as_str()), (404, Some("RESOURCE_NOT_EXISTS")));
    let (status, answer) = admin(
        &mock,
        "POST",
        "/faults",
        Some(json!({"probability": 2, "effect": {"type": "latency", "ms": 1}})),
    )
    .await;
    assert_eq!((status, answer["detail"]["field"].as_str()), (400, Some("/probability")));
    let (status, _) = admin(&mock, "DELETE", "/faults/77", None).await;
    assert_eq!(status, 404);
}
