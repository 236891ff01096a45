//! Admin API tests through `app(state).oneshot(…)`.

use axum::body::Body;
use axum::http::Request;
use serde_json::{json, Value};

use crate::config::{KeyMode, MockConfig};
use crate::error::Secret;
use crate::identity;
use crate::store::SubMerchants;
use crate::test_support::{send, signed, signer, state, state_with, Answer, NOW};

fn admin(method: &str, path: &str, body: Option<Value>) -> Request<Body> {
    let b = Request::builder().method(method).uri(format!("/mock/admin{path}"));
    match body {
        Some(v) => {
            b.header("content-type", "application/json").body(Body::from(v.to_string())).unwrap()
        }
        None => b.body(Body::empty()).unwrap(),
    }
}

async fn call(state: &crate::MockState, method: &str, path: &str, body: Option<Value>) -> Answer {
    send(state, admin(method, path, body)).await
}

// Proves advancing a tenant's clock is what request verification checks against: a request
// signed with the old time is stale once the clock moved 301 s.
#[tokio::test]
async fn clock_advance_drives_verification() {
    let (state, clock) = state(KeyMode::Certificate);
    let a = call(&state, "GET", "/clock", None).await;
    assert_eq!(a.json()[0]["now_unix"], NOW);
    let a = call(
        &state,
        "POST",
        "/clock/advance",
        Some(json!({"secs": 301, "mchid": identity::SP_MCHID})),
    )
    .await;
    assert_eq!(a.status, 200);
    assert_eq!(a.json()[0]["now_unix"], NOW + 301);
    assert_eq!(a.json()[0]["offset_secs"], 301);
    let r = send(&state, signed(&signer(&state, &clock), "GET", "/v3/certificates", b"")).await;
    assert_eq!(r.status, 401);
    // The answer is stamped with the virtual time too.
    assert_eq!(r.header("wechatpay-timestamp"), (NOW + 301).to_string());
}

// Proves the clock refuses to go back or to an unknown tenant, and changes nothing then.
#[tokio::test]
async fn clock_refusals() {
    let (state, _) = state(KeyMode::Certificate);
    let a = call(&state, "POST", "/clock/advance", Some(json!({"secs": -1}))).await;
    assert_eq!((a.status.as_u16(), a.json()["detail"]["field"].as_str()), (400, Some("/secs")));
    let a = call(&state, "POST", "/clock/advance", Some(json!({"secs": 5, "mchid": "1"}))).await;
    assert_eq!(a.status, 404);
    let a = call(&state, "POST", "/clock/advance", Some(json!({"seconds": 5}))).await;
    assert_eq!(a.json()["code"], "PARAM_ERROR");
    assert_eq!(call(&state, "GET", "/clock", None).await.json()[0]["offset_secs"], 0);
}

// Proves reset of one tenant and of all: business state, clock and journal go back to start.
#[tokio::test]
async fn reset_one_and_all() {
    let config = MockConfig::from_toml(
        "[[tenant]]\nmchid = \"1900000200\"\nsub_mchids = [\"1900000201\"]\n",
    )
    .unwrap();
    let (state, clock) = state_with(config);
    let other = state.tenant("1900000200").unwrap().clone();
    let builtin = state.tenant(identity::SP_MCHID).unwrap().clone();
    for t in [&builtin, &other] {
        state
            .store()
            .transact(t, |tx| {
                tx.area_mut::<SubMerchants>().0.insert("1900000999".into());
                Ok::<_, ()>(())
            })
            .unwrap();
        t.clock().advance(60).unwrap();
    }
    send(&state, signed(&signer(&state, &clock), "GET", "/v3/certificates", b"")).await;
    assert_eq!(state.journal().len(), 1);

    let a = call(&state, "POST", "/reset", Some(json!({"mchid": "1900000200"}))).await;
    assert_eq!(a.json(), json!({"reset": ["1900000200"]}));
    assert!(!state.store().read(&other, |s: &SubMerchants| s.contains("1900000999")));
    assert!(state.store().read(&other, |s: &SubMerchants| s.contains("1900000201")));
    assert_eq!(other.clock().offset_secs(), 0);
    assert!(state.store().read(&builtin, |s: &SubMerchants| s.contains("1900000999")));
    assert_eq!(state.journal().len(), 1, "the builtin tenant's entries stay");

    let a = call(&state, "POST", "/reset", None).await;
    assert_eq!(a.status, 200);
    assert!(!state.store().read(&builtin, |s: &SubMerchants| s.contains("1900000999")));
    assert_eq!(builtin.clock().offset_secs(), 0);
    assert!(state.journal().is_empty());
    assert_eq!(call(&state, "POST", "/reset", Some(json!({"mchid": "42"}))).await.status, 404);
}

// Proves the journal lists with filters over the query string and can be cleared.
#[tokio::test]
async fn journal_listing() {
    let (state, clock) = state(KeyMode::Certificate);
    let s = signer(&state, &clock);
    send(&state, signed(&s, "GET", "/v3/certificates", b"")).await;
    send(&state, signed(&s, "GET", "/v3/nope", b"")).await;
    send(&state, crate::test_support::request("GET", "/v3/certificates", b"", None)).await;
    let all = call(&state, "GET", "/journal", None).await.json();
    assert_eq!(all.as_array().unwrap().len(), 3);
    assert_eq!(all[0]["verification"]["result"], "verified");
    assert_eq!(all[2]["verification"]["result"], "failed");
    let only = call(&state, "GET", "/journal?status=404", None).await.json();
    assert_eq!(only.as_array().unwrap().len(), 1);
    assert_eq!(only[0]["code"], "RESOURCE_NOT_EXISTS");
    let after = call(&state, "GET", "/journal?after_id=2&code=SIGN_ERROR", None).await.json();
    assert_eq!(after.as_array().unwrap().len(), 1);
    assert_eq!(call(&state, "GET", "/journal?colour=red", None).await.status, 400);
    assert_eq!(call(&state, "DELETE", "/journal", None).await.json(), json!({"remaining": 0}));
}

// Proves `GET /journal/{id}` shows a request's headers and bodies, and for a bad signature
// the canonical message the SIGN_ERROR hint gave beside the Authorization received; an
// unknown or malformed id is 404.
#[tokio::test]
async fn journal_entry_detail() {
    let (state, clock) = state(KeyMode::Certificate);
    let s = signer(&state, &clock);
    let body = br#"{"out_request_no":"A1"}"#;
    let ok = send(&state, signed(&s, "POST", "/v3/nope", body)).await;
    let good = call(&state, "GET", "/journal/1", None).await;
    assert_eq!(good.status, 200);
    let d = &good.json()["detail"];
    assert_eq!(d["request_body"]["text"], std::str::from_utf8(body).unwrap());
    assert_eq!(d["response_body"]["text"], std::str::from_utf8(&ok.body).unwrap());
    let auth = d["request_headers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h["name"] == "authorization")
        .unwrap()["value"]
        .clone();
    assert!(auth.as_str().unwrap().starts_with("WECHATPAY2-SHA256-RSA2048 "));
    assert!(d["response_headers"]
        .as_array()
        .unwrap()
        .iter()
        .any(|h| h["name"] == "wechatpay-signature"));
    assert!(d.get("signature_check").is_none());

    // Signed over one body, sent with another.
    let auth = s.authorize("POST", "/v3/nope", b"{}").unwrap();
    let bad = send(
        &state,
        crate::test_support::request("POST", "/v3/nope", body, Some(&auth.to_header_value())),
    )
    .await;
    assert_eq!(bad.status, 401);
    let record = call(&state, "GET", "/journal/2", None).await.json();
    let check = &record["detail"]["signature_check"];
    assert_eq!(
        check["expected_message"],
        bad.json()["detail"]["sign_information"]["truncated_sign_message"]
    );
    assert!(check["expected_message"]
        .as_str()
        .unwrap()
        .ends_with("\n{\"out_request_no\":\"A1\"}\n"));
    assert_eq!(check["received"]["signature"], auth.signature);
    assert_eq!(check["received"]["nonce_str"], auth.nonce_str);
    assert_eq!(record["detail"]["request_body"]["text"], std::str::from_utf8(body).unwrap());

    assert_eq!(call(&state, "GET", "/journal/99", None).await.status, 404);
    assert_eq!(call(&state, "GET", "/journal/x", None).await.json()["code"], "RESOURCE_NOT_EXISTS");
}

// Proves the tenants listing shows key material ids and onboarded sub-merchants.
#[tokio::test]
async fn tenants_listing() {
    let (state, _) = state(KeyMode::Mixed);
    let t = call(&state, "GET", "/tenants", None).await.json();
    assert_eq!(t[0]["mchid"], identity::SP_MCHID);
    assert_eq!(t[0]["key_mode"], "mixed");
    assert_eq!(t[0]["public_key_id"], identity::PUBLIC_KEY_ID);
    assert_eq!(t[0]["platform_serials"], json!([identity::PLATFORM_CERT_SERIAL]));
    assert_eq!(t[0]["sub_mchids"], json!([identity::SUB_MCHID, identity::SECOND_SUB_MCHID]));
}

// Proves the admin token, when set, is required, and unknown admin paths answer JSON 404.
#[tokio::test]
async fn admin_token_and_unknown_path() {
    let (state, _) = state_with(MockConfig {
        admin_token: Some(Secret::new("s3cret")),
        ..MockConfig::default()
    });
    let a = call(&state, "GET", "/tenants", None).await;
    assert_eq!((a.status.as_u16(), a.json()["code"].as_str()), (401, Some("UNAUTHORIZED")));
    let mut r = admin("GET", "/tenants", None);
    r.headers_mut().insert("authorization", "Bearer wrong".parse().unwrap());
    assert_eq!(send(&state, r).await.status, 401);
    let mut r = admin("GET", "/tenants", None);
    r.headers_mut().insert("authorization", "Bearer s3cret".parse().unwrap());
    assert_eq!(send(&state, r).await.status, 200);
    let mut r = admin("GET", "/nothing", None);
    r.headers_mut().insert("authorization", "Bearer s3cret".parse().unwrap());
    let a = send(&state, r).await;
    assert_eq!((a.status.as_u16(), a.json()["code"].as_str()), (404, Some("RESOURCE_NOT_EXISTS")));
    assert!(state.journal().is_empty(), "admin calls are not journaled");
}

// Proves the token comparison accepts only the exact token.
#[test]
fn token_comparison() {
    assert!(super::same(b"s3cret", b"s3cret"));
    assert!(!super::same(b"s3cret", b"s3creT"));
    assert!(!super::same(b"s3cret", b"s3cre"));
    assert!(!super::same(b"", b"x"));
}

// Proves the ledger admin API: a deposit moves money from EXTERNAL as an entry, balances and
// entries list it with their filters, the invariant check passes, bad input is refused
// without a change, and reset empties the ledger.
#[tokio::test]
async fn ledger_admin() {
    let (state, _) = state(KeyMode::Certificate);
    let a = call(
        &state,
        "POST",
        "/ledger/deposit",
        Some(json!({"account": "1900000109:AVAILABLE", "amount_fen": 500, "memo": "seed"})),
    )
    .await;
    assert_eq!(a.status, 200, "{}", a.json());
    assert_eq!(a.json()["id"], 1);
    assert_eq!(a.json()["debit"], "EXTERNAL");
    assert_eq!(a.json()["credit"], "1900000109:AVAILABLE");
    assert_eq!(a.json()["kind"], "ADMIN_DEPOSIT");
    assert_eq!(a.json()["time_unix"], NOW);
    for bad in [
        json!({"account": "EXTERNAL", "amount_fen": 1}),
        json!({"account": "1900000109:AVAILABLE", "amount_fen": 0}),
        json!({"account": "1900000109:SAVINGS", "amount_fen": 1}),
    ] {
        assert_eq!(call(&state, "POST", "/ledger/deposit", Some(bad)).await.status, 400);
    }
    call(
        &state,
        "POST",
        "/ledger/deposit",
        Some(json!({"account": "1900000100:OPERATION", "amount_fen": 7})),
    )
    .await;
    let b = call(&state, "GET", "/ledger/balances", None).await.json();
    assert_eq!(b["mchid"], identity::SP_MCHID);
    let accounts: Vec<(String, i64)> = b["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| (a["account"].as_str().unwrap().to_owned(), a["balance_fen"].as_i64().unwrap()))
        .collect();
    assert_eq!(
        accounts,
        [
            ("EXTERNAL".to_owned(), -507),
            ("1900000100:OPERATION".to_owned(), 7),
            ("1900000109:AVAILABLE".to_owned(), 500)
        ]
    );
    let b = call(&state, "GET", "/ledger/balances?owner=1900000109", None).await.json();
    assert_eq!(b["accounts"].as_array().unwrap().len(), 1);
    let e = call(&state, "GET", "/ledger/entries?account=1900000109:AVAILABLE", None).await.json();
    assert_eq!(e.as_array().unwrap().len(), 1);
    let e = call(&state, "GET", "/ledger/entries?kind=ADMIN_DEPOSIT&after_id=1", None).await.json();
    assert_eq!(e[0]["credit"], "1900000100:OPERATION");
    assert_eq!(call(&state, "GET", "/ledger/entries?account=nope", None).await.status, 400);
    let c = call(&state, "GET", "/ledger/check", None).await.json();
    assert_eq!(
        (c["ok"].as_bool(), c["entries"].as_u64(), c["held_fen"].as_i64()),
        (Some(true), Some(2), Some(507))
    );
    assert_eq!(call(&state, "GET", "/ledger/check?mchid=42", None).await.status, 404);
    call(&state, "POST", "/reset", None).await;
    let c = call(&state, "GET", "/ledger/check", None).await.json();
    assert_eq!(c["entries"], 0);
}

// Proves the callback admin API refuses bad test callbacks naming the member, lists what it
// enqueued (pending: no dispatcher runs under oneshot), and reset forgets deliveries.
#[tokio::test]
async fn callbacks_admin() {
    let (state, _) = state(KeyMode::Certificate);
    let cb = |url: &str, event: &str| json!({"notify_url": url, "event_type": event, "resource": {"out_trade_no": "T1"}});
    let a = call(&state, "POST", "/callbacks", Some(cb("notify", "TRANSACTION.SUCCESS"))).await;
    assert_eq!(
        (a.status.as_u16(), a.json()["detail"]["field"].as_str()),
        (400, Some("/notify_url"))
    );
    let a = call(&state, "POST", "/callbacks", Some(cb("http://127.0.0.1:9/n", "X.Y"))).await;
    assert_eq!(a.json()["detail"]["field"], "/event_type");
    let a =
        call(&state, "POST", "/callbacks", Some(cb("http://127.0.0.1:9/n", "TRANSACTION.SUCCESS")))
            .await;
    assert_eq!(a.status, 200, "{}", a.json());
    assert_eq!((a.json()["id"].as_u64(), a.json()["status"].as_str()), (Some(1), Some("pending")));
    assert!(a.json()["notification_id"].as_str().unwrap().starts_with("EV-"));
    let one = call(&state, "GET", "/callbacks/1", None).await.json();
    assert_eq!(one["resource_json"], r#"{"out_trade_no":"T1"}"#);
    assert_eq!(one["next_attempt_unix"], NOW);
    assert_eq!(one["attempts"], json!([]));
    assert_eq!(call(&state, "GET", "/callbacks/abc", None).await.status, 400);
    assert_eq!(call(&state, "GET", "/callbacks/9", None).await.status, 404);
    assert_eq!(
        call(&state, "POST", "/callbacks/1/redeliver", None).await.status,
        400,
        "still pending"
    );
    let listed =
        call(&state, "GET", "/callbacks?status=pending&event_type=TRANSACTION.SUCCESS", None).await;
    assert_eq!(listed.json().as_array().unwrap().len(), 1);
    call(&state, "POST", "/reset", Some(json!({"mchid": identity::SP_MCHID}))).await;
    assert_eq!(call(&state, "GET", "/callbacks", None).await.json(), json!([]));
}
