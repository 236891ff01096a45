//! The payments area over loopback with the raw transport (no payments SDK): a magic amount
//! pays itself on the first query and the dispatcher POSTs the signed, encrypted
//! `TRANSACTION.SUCCESS` to a receiver that verifies it with wechatpay-notify; a reset
//! forgets every order.

mod support;

use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use axum::Router;
use serde_json::{json, Value};
use wechatpay_crypto::FixedClock;
use wechatpay_mock::ledger::{Account, Ledger, Purpose};
use wechatpay_mock::MockServer;
use wechatpay_notify::{Event, NotifyParser};
use wechatpay_transport::http::Method;
use wechatpay_transport::{KeyMode, RetryPolicy, Transport};

use support::{admin, wait_for};

const T0: i64 = 1_767_232_800; // 2026-01-01T10:00:00+08:00

type Seen = Arc<Mutex<Vec<Result<Event, String>>>>;

async fn receive(
    State((parser, seen)): State<(NotifyParser, Seen)>,
    headers: HeaderMap,
    body: Bytes,
) -> StatusCode {
    let parsed =
        parser.parse(&headers, &body).map(|v| v.into_resource()).map_err(|e| e.to_string());
    let status = if parsed.is_ok() { StatusCode::OK } else { StatusCode::BAD_REQUEST };
    seen.lock().unwrap().push(parsed);
    status
}

// Proves an order with the magic amount 1.02 is paid by its first query, its callback reaches a
// receiver through the dispatcher and decrypts to exactly the query answer, the money is in
// the ledger, and a tenant reset forgets the order.
#[tokio::test]
async fn magic_payment_is_notified_through_the_dispatcher() {
    let mock = MockServer::builder().clock(Arc::new(FixedClock::new(T0))).start().await.unwrap();
    let id = mock.identity();
    let clock = Arc::new(mock.state().tenants().default_tenant().clock().clone());
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
        .clock(clock.clone())
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    let seen: Seen = Arc::new(Mutex::new(Vec::new()));
    let parser =
        NotifyParser::new(id.verifier().unwrap(), id.api_v3_key().unwrap()).with_clock(clock);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let notify_url = format!("http://{}/notify", listener.local_addr().unwrap());
    let app = Router::new().route("/notify", post(receive)).with_state((parser, seen.clone()));
    tokio::spawn(async move { axum::serve(listener, app).await });

    let prepay: Value = transport
        .request(Method::POST, "/v3/pay/partner/transactions/app")
        .json(&json!({
            "sp_appid": "wx8888888888888888", "sp_mchid": "1900000100", "sub_mchid": "1900000110",
            "description": "magic", "out_trade_no": "MAGIC0000102", "notify_url": notify_url,
            "amount": {"total": 102, "currency": "CNY"},
        }))
        .unwrap()
        .send_json()
        .await
        .unwrap();
    assert!(prepay["prepay_id"].as_str().unwrap().starts_with("wx"));
    let query = "/v3/pay/partner/transactions/out-trade-no/MAGIC0000102?sp_mchid=1900000100&sub_mchid=1900000110";
    let order: Value = transport.request(Method::GET, query).send_json().await.unwrap();
    assert_eq!(order["trade_state"], "SUCCESS");

    let event =
        wait_for("the TRANSACTION.SUCCESS callback", || seen.lock().unwrap().first().cloned())
            .await;
    let Ok(Event::PartnerTransactionSuccess(tx)) = event else { panic!("{event:?}") };
    assert_eq!(serde_json::to_value(&tx).unwrap(), order);
    let tenant = mock.state().tenants().default_tenant();
    let available = mock
        .state()
        .store()
        .read(tenant, |l: &Ledger| l.balance(&Account::merchant("1900000110", Purpose::Available)));
    assert_eq!(available, 102);

    let (status, _) = admin(&mock, "POST", "/reset", Some(json!({}))).await;
    assert_eq!(status, 200);
    let gone = transport.request(Method::GET, query).send().await.unwrap_err();
    assert!(gone.is_code("ORDER_NOT_EXIST"), "{gone:?}");
}
