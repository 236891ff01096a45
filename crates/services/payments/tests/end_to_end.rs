//! wechatpay-payments end to end against `MockServer::start()` over loopback: combined and
//! partner orders through every channel, the payer played by the admin API, callbacks
//! received by a local axum server and verified + decrypted by wechatpay-notify, queries,
//! closing, expiry on the virtual clock, collection limits, front-end invoke parameters and
//! concurrent prepays. Time moves only through the tenant's virtual clock.

use std::future::IntoFuture;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use axum::Router;
use futures_util::StreamExt;
use serde_json::{json, Value};
use wechatpay_crypto::{Clock, FixedClock, MerchantSigner, PublicKey};
use wechatpay_mock::ledger::{Account, Ledger, Purpose};
use wechatpay_mock::MockServer;
use wechatpay_models::amount::Currency;
use wechatpay_models::payments::{
    CombinePrepayAmount, CombinePrepayPayer, CombinePrepayRequest, CombinePrepaySubOrder,
    CombineSceneInfo, H5Info, PartnerPrepayAmount, PartnerPrepayPayer, PartnerPrepayRequest,
    PartnerSceneInfo, SettleInfo, TradeState,
};
use wechatpay_models::DateTime;
use wechatpay_notify::{Event, NotifyParser};
use wechatpay_payments::{Combine, Partner, TradeStateExt};
use wechatpay_transport::http::Method;
use wechatpay_transport::{
    BuildError, Error, HttpClient, HyperClient, KeyMode, RetryPolicy, Transport,
};

/// The pinned base time: 2026-01-01T10:00:00+08:00.
const T0: i64 = 1_767_232_800;
const SUB_A: &str = "1900000109";
const SUB_B: &str = "1900000110";
const SP_APPID: &str = "wx8888888888888888";
const SUB_APPID: &str = "wxd678efh567hg6999";
const MERCHANT_PUBLIC_KEY: &str =
    include_str!("../../../../fixtures/vectors/keys/apiclient_pub.pem");

/// The mock, an SDK transport on the tenant's virtual clock, and a callback receiver.
struct World {
    mock: MockServer,
    transport: Transport,
    signer: MerchantSigner,
    receiver: Receiver,
}

#[derive(Clone)]
struct Receiver {
    parser: NotifyParser,
    seen: Arc<Mutex<Vec<Result<Event, String>>>>,
    url: String,
}

async fn receive(State(r): State<Receiver>, headers: HeaderMap, body: Bytes) -> StatusCode {
    let parsed = r.parser.parse(&headers, &body);
    let status = if parsed.is_ok() { StatusCode::NO_CONTENT } else { StatusCode::BAD_REQUEST };
    r.seen.lock().unwrap().push(parsed.map(|v| v.into_resource()).map_err(|e| e.to_string()));
    status
}

impl World {
    async fn new() -> Self {
        let mock =
            MockServer::builder().clock(Arc::new(FixedClock::new(T0))).start().await.unwrap();
        let id = mock.identity();
        let clock: Arc<dyn Clock> =
            Arc::new(mock.state().tenants().default_tenant().clock().clone());
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
            .retry(RetryPolicy {
                max_attempts: 3,
                initial_backoff: Duration::from_millis(1),
                max_backoff: Duration::from_millis(2),
            })
            .build()
            .unwrap();
        let signer = id.merchant_signer().unwrap().with_clock(clock.clone());
        let parser =
            NotifyParser::new(id.verifier().unwrap(), id.api_v3_key().unwrap()).with_clock(clock);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let receiver = Receiver {
            parser,
            seen: Arc::new(Mutex::new(Vec::new())),
            url: format!("http://{}/wxpay/notify", listener.local_addr().unwrap()),
        };
        let app = Router::new().route("/wxpay/notify", post(receive)).with_state(receiver.clone());
        tokio::spawn(async move { axum::serve(listener, app).await });
        Self { mock, transport, signer, receiver }
    }

    fn combine(&self) -> Combine {
        Combine::new(self.transport.clone())
    }

    fn partner(&self) -> Partner {
        Partner::new(self.transport.clone())
    }

    fn now(&self) -> i64 {
        self.mock.state().tenants().default_tenant().now_unix()
    }

    fn advance(&self, secs: i64) {
        self.mock.state().tenants().default_tenant().clock().advance(secs).unwrap();
    }

    /// Calls the admin API (the payer, settings) and returns status and JSON.
    async fn admin(&self, method: &str, path: &str, body: Value) -> (u16, Value) {
        let client = HyperClient::new(Duration::from_secs(5)).unwrap();
        let request = wechatpay_transport::http::Request::builder()
            .method(method)
            .uri(format!("{}{}{path}", self.mock.base_url(), wechatpay_mock::ADMIN_PREFIX))
            .header("content-type", "application/json")
            .body(bytes::Bytes::from(if body.is_null() { String::new() } else { body.to_string() }))
            .unwrap();
        let response = client.send(request).await.unwrap();
        let status = response.status().as_u16();
        let mut stream = response.into_body();
        let mut bytes = Vec::new();
        while let Some(chunk) = stream.next().await {
            bytes.extend_from_slice(&chunk.unwrap());
        }
        (status, serde_json::from_slice(&bytes).unwrap_or(Value::Null))
    }

    async fn pay(&self, order: Value) -> Value {
        let (status, answer) = self.admin("POST", "/payments/pay", order).await;
        assert_eq!(status, 200, "{answer}");
        answer
    }

    fn balance(&self, sub_mchid: &str, purpose: Purpose) -> i64 {
        let tenant = self.mock.state().tenants().default_tenant();
        self.mock
            .state()
            .store()
            .read(tenant, |l: &Ledger| l.balance(&Account::merchant(sub_mchid, purpose)))
    }

    fn ledger_ok(&self) -> bool {
        let tenant = self.mock.state().tenants().default_tenant();
        self.mock.state().store().read(tenant, |l: &Ledger| l.check().is_ok())
    }

    /// Waits (bounded, polling every 10 ms) until the receiver has seen `n` callbacks.
    async fn callbacks(&self, n: usize) -> Vec<Event> {
        for _ in 0..1_000 {
            let seen = self.receiver.seen.lock().unwrap().clone();
            if seen.len() >= n {
                return seen
                    .into_iter()
                    .map(|r| r.expect("every callback verifies and decrypts"))
                    .collect();
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        panic!("gave up waiting for {n} callbacks");
    }

    fn combine_request(&self, no: &str, sub_orders: usize) -> CombinePrepayRequest {
        CombinePrepayRequest {
            combine_appid: SP_APPID.into(),
            combine_mchid: "1900000100".into(),
            combine_out_trade_no: no.into(),
            scene_info: Some(CombineSceneInfo {
                device_id: Some("POS1".into()),
                payer_client_ip: "203.0.113.7".into(),
                h5_info: Some(H5Info { r#type: "Wap".into(), ..H5Info::default() }),
            }),
            sub_orders: (0..sub_orders)
                .map(|i| CombinePrepaySubOrder {
                    mchid: "1900000100".into(),
                    attach: format!("cart line {i}"),
                    amount: CombinePrepayAmount {
                        total_amount: 1_000 + i as i64,
                        currency: Currency::Cny,
                    },
                    out_trade_no: format!("{no}S{i:02}"),
                    sub_mchid: if i % 2 == 0 { SUB_A } else { SUB_B }.into(),
                    description: "QQ公仔".into(),
                    settle_info: Some(SettleInfo {
                        profit_sharing: Some(i % 2 == 0),
                        subsidy_amount: Some(0),
                    }),
                    detail: None,
                    goods_tag: None,
                    sub_appid: None,
                })
                .collect(),
            combine_payer_info: Some(CombinePrepayPayer {
                openid: "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o".into(),
                sub_openid: None,
            }),
            time_start: None,
            time_expire: None,
            notify_url: self.receiver.url.clone(),
            limit_pay: None,
        }
    }

    fn partner_request(&self, no: &str, total: i64) -> PartnerPrepayRequest {
        PartnerPrepayRequest {
            sp_appid: SP_APPID.into(),
            sp_mchid: "1900000100".into(),
            sub_appid: Some(SUB_APPID.into()),
            sub_mchid: SUB_A.into(),
            description: "Image形象店-深圳腾大-QQ公仔".into(),
            out_trade_no: no.into(),
            time_expire: None,
            attach: Some("order 42".into()),
            notify_url: self.receiver.url.clone(),
            goods_tag: None,
            limit_pay: None,
            support_fapiao: None,
            amount: PartnerPrepayAmount { total, currency: Some(Currency::Cny) },
            payer: Some(PartnerPrepayPayer {
                sp_openid: None,
                sub_openid: Some("oSubUser00000000000000000001".into()),
            }),
            detail: None,
            scene_info: Some(PartnerSceneInfo {
                payer_client_ip: "14.23.150.211".into(),
                device_id: None,
                store_info: None,
                h5_info: Some(H5Info { r#type: "iOS".into(), ..H5Info::default() }),
            }),
            settle_info: Some(SettleInfo { profit_sharing: Some(true), subsidy_amount: None }),
        }
    }
}

fn verifies(message: &str, signature_b64: &str) -> bool {
    let key = PublicKey::from_pem(MERCHANT_PUBLIC_KEY).unwrap();
    let signature = wechatpay_crypto::base64::decode(signature_b64, "signature").unwrap();
    key.verify(message.as_bytes(), &signature)
}

// Proves a combined order over two sub-merchants goes all the way: JSAPI prepay, invoke
// parameters that verify with the merchant public key, payment by the admin API, one
// TRANSACTION.SUCCESS callback verified and decrypted by wechatpay-notify that equals the
// query, money in the ledger (frozen with profit sharing, available without), and a paid
// order that cannot be closed while an unpaid one can.
#[tokio::test]
async fn combine_over_two_sub_merchants() {
    let w = World::new().await;
    let combine = w.combine();
    let cart = w.combine_request("P2026010100001", 2);

    let prepay = combine.prepay_jsapi(&cart).send().await.unwrap();
    assert_eq!(prepay.app_id(), SP_APPID);
    let params = prepay.invoke_params(&w.signer).unwrap();
    assert_eq!(params.package, format!("prepay_id={}", prepay.prepay_id()));
    let message = format!(
        "{}\n{}\n{}\n{}\n",
        params.app_id, params.time_stamp, params.nonce_str, params.package
    );
    assert!(verifies(&message, &params.pay_sign));
    assert_eq!(params.time_stamp, w.now().to_string(), "signed on the virtual clock");
    let again = combine.prepay_jsapi(&cart).await.unwrap();
    assert_eq!(again.prepay_id(), prepay.prepay_id(), "same request, same prepay_id");

    let before = combine.query("P2026010100001").await.unwrap();
    assert!(before.sub_orders.iter().all(|s| s.trade_state == TradeState::NotPay));

    w.pay(json!({"prepay_id": prepay.prepay_id().as_str()})).await;
    let events = w.callbacks(1).await;
    let Event::CombineTransactionSuccess(notified) = &events[0] else { panic!("{:?}", events[0]) };
    let order = combine.query(&cart.combine_out_trade_no).send().await.unwrap();
    assert_eq!(&order, notified, "the callback and the query agree");
    assert_eq!(order.sub_orders.len(), 2);
    for sub in &order.sub_orders {
        assert!(sub.trade_state.is_paid() && sub.trade_state.is_final());
        assert_eq!(sub.amount.payer_amount, Some(sub.amount.total_amount));
        assert!(sub.transaction_id.is_some() && sub.success_time.is_some());
    }
    assert_eq!(order.combine_payer_info.as_ref().unwrap().openid, "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o");
    assert_eq!(w.balance(SUB_A, Purpose::Frozen), 1_000);
    assert_eq!(w.balance(SUB_B, Purpose::Available), 1_001);
    assert!(w.ledger_ok());

    let err = combine.close_order(&cart).await.unwrap_err();
    assert!(err.is_code("INVALID_REQUEST"), "{err:?}");

    let unpaid = w.combine_request("P2026010100002", 2);
    combine.prepay_app(&unpaid).await.unwrap();
    combine.close_order(&unpaid).await.unwrap();
    let closed = combine.query("P2026010100002").await.unwrap();
    assert!(closed.sub_orders.iter().all(|s| s.trade_state == TradeState::Closed));
    assert!(combine.close_order(&unpaid).await.unwrap_err().is_code("ORDER_CLOSED"));
}

// Proves 50 sub-orders are accepted and paid together, while 51 are refused before anything
// is sent (the journal sees no request) and refused by the mock when sent raw.
#[tokio::test]
async fn combine_over_fifty_and_fifty_one() {
    let w = World::new().await;
    let combine = w.combine();
    let cart = w.combine_request("P2026010100050", 50);
    let code_url = combine.prepay_native(&cart).await.unwrap();
    assert!(code_url.as_str().starts_with("weixin://wxpay/bizpayurl?pr="));
    w.pay(json!({"url": code_url.as_str(), "bank_type": "CMB_DEBIT"})).await;
    let order = combine.query("P2026010100050").await.unwrap();
    assert_eq!(order.sub_orders.len(), 50);
    assert!(order.sub_orders.iter().all(|s| s.trade_state == TradeState::Success));
    assert!(order.sub_orders.iter().all(|s| s.bank_type.as_deref() == Some("CMB_DEBIT")));
    let events = w.callbacks(1).await;
    assert!(matches!(&events[0], Event::CombineTransactionSuccess(c) if c.sub_orders.len() == 50));

    let (_, journal_before) = w.admin("GET", "/journal", Value::Null).await;
    let too_big = w.combine_request("P2026010100051", 51);
    let err = combine.prepay_native(&too_big).await.unwrap_err();
    assert!(
        matches!(&err, Error::Build(BuildError::Invalid { field, .. }) if field == "/sub_orders"),
        "{err:?}"
    );
    let (_, journal_after) = w.admin("GET", "/journal", Value::Null).await;
    assert_eq!(
        journal_before.as_array().unwrap().len(),
        journal_after.as_array().unwrap().len(),
        "nothing was sent"
    );

    let raw = w
        .transport
        .request(Method::POST, "/v3/combine-transactions/native")
        .json(&too_big)
        .unwrap()
        .send()
        .await
        .unwrap_err();
    assert!(raw.is_code("PARAM_ERROR"), "{raw:?}");
    assert_eq!(
        raw.api_error().unwrap().detail().and_then(|d| d.field.as_deref()),
        Some("/sub_orders")
    );
}

// Proves an unpaid order with time_expire closes when the virtual clock passes it: the query
// shows CLOSED and the payer can no longer pay.
#[tokio::test]
async fn order_expires_on_the_virtual_clock() {
    let w = World::new().await;
    let combine = w.combine();
    let mut cart = w.combine_request("P2026010100003", 3);
    cart.time_expire = Some(DateTime::from_unix(w.now() + 1_800).unwrap());
    combine.prepay_h5(&cart).await.unwrap();
    w.advance(1_799);
    assert!(combine
        .query("P2026010100003")
        .await
        .unwrap()
        .sub_orders
        .iter()
        .all(|s| s.trade_state == TradeState::NotPay));
    w.advance(1);
    let order = combine.query("P2026010100003").await.unwrap();
    assert!(order.sub_orders.iter().all(|s| s.trade_state == TradeState::Closed));
    let (status, answer) =
        w.admin("POST", "/payments/pay", json!({"combine_out_trade_no": "P2026010100003"})).await;
    assert_eq!((status, answer["code"].as_str()), (400, Some("ORDER_CLOSED")));
    assert!(w.receiver.seen.lock().unwrap().is_empty());
}

// Proves a partner order through all four channels: JSAPI with sub_openid re-signs with
// sub_appid, APP parameters verify, H5 and Native answer their URLs; a payment is notified as
// a partner transaction equal to both queries; an unpaid order closes.
#[tokio::test]
async fn partner_through_four_channels() {
    let w = World::new().await;
    let partner = w.partner();

    let jsapi = partner.prepay_jsapi(&w.partner_request("T2026010100001", 888)).await.unwrap();
    assert_eq!(jsapi.app_id(), SUB_APPID, "the payer's openid belongs to sub_appid");
    let p = jsapi.invoke_params(&w.signer).unwrap();
    assert!(verifies(
        &format!("{}\n{}\n{}\n{}\n", p.app_id, p.time_stamp, p.nonce_str, p.package),
        &p.pay_sign
    ));

    let app = partner.prepay_app(&w.partner_request("T2026010100002", 100)).await.unwrap();
    let a = app.invoke_params(&w.signer).unwrap();
    assert_eq!((a.appid.as_str(), a.partnerid.as_str()), (SUB_APPID, "1900000100"));
    assert!(verifies(
        &format!("{}\n{}\n{}\n{}\n", a.appid, a.timestamp, a.noncestr, a.prepayid),
        &a.sign
    ));

    let h5 = partner.prepay_h5(&w.partner_request("T2026010100003", 100)).await.unwrap();
    assert!(h5.as_str().starts_with("https://"));
    let native = partner.prepay_native(&w.partner_request("T2026010100004", 100)).await.unwrap();
    assert!(native.as_str().starts_with("weixin://"));

    w.pay(json!({"prepay_id": jsapi.prepay_id().as_str()})).await;
    let events = w.callbacks(1).await;
    let Event::PartnerTransactionSuccess(notified) = &events[0] else { panic!("{:?}", events[0]) };
    let by_no = partner.query_by_out_trade_no("T2026010100001", SUB_A).await.unwrap();
    assert_eq!(&by_no, notified);
    let by_id = partner.query_by_id(by_no.transaction_id.clone().unwrap(), SUB_A).await.unwrap();
    assert_eq!(by_id, by_no);
    assert_eq!(by_no.trade_state, TradeState::Success);
    assert_eq!(by_no.amount.payer_total, Some(888));
    assert_eq!(
        by_no.payer.as_ref().and_then(|p| p.sub_openid.as_deref()),
        Some("oSubUser00000000000000000001")
    );
    assert_eq!(w.balance(SUB_A, Purpose::Frozen), 888, "profit_sharing: the money is frozen");

    partner.close("T2026010100004", SUB_A).await.unwrap();
    assert_eq!(
        partner.query_by_out_trade_no("T2026010100004", SUB_A).await.unwrap().trade_state,
        TradeState::Closed
    );
    let missing = partner.query_by_out_trade_no("T2026010100099", SUB_A).await.unwrap_err();
    assert!(missing.is_code("ORDER_NOT_EXIST"));
    assert_eq!(missing.status().map(|s| s.as_u16()), Some(404));
    let changed =
        partner.prepay_jsapi(&w.partner_request("T2026010100002", 101)).await.unwrap_err();
    assert!(changed.is_code("OUT_TRADE_NO_USED"), "{changed:?}");
}

// Proves the 小微 collection limit reaches the SDK as RULE_LIMIT, and a magic amount
// (1.05 → one SYSTEM_ERROR) is retried with the same out_trade_no into a single order.
#[tokio::test]
async fn collection_limit_and_retried_prepay() {
    let w = World::new().await;
    let (status, _) = w
        .admin(
            "PUT",
            &format!("/payments/sub-merchants/{SUB_A}"),
            json!({"organization_type": "2401"}),
        )
        .await;
    assert_eq!(status, 200);
    let partner = w.partner();
    let over =
        partner.prepay_native(&w.partner_request("T2026010100010", 10_000_001)).await.unwrap_err();
    assert!(over.is_code("RULE_LIMIT"), "{over:?}");
    assert_eq!(over.status().map(|s| s.as_u16()), Some(403));
    partner.prepay_native(&w.partner_request("T2026010100011", 10_000_000)).await.unwrap();

    let retried = partner.prepay_native(&w.partner_request("T2026010100012", 105)).await;
    assert!(retried.is_ok(), "{retried:?}");
    let (_, journal) = w
        .admin("GET", "/journal?path_prefix=/v3/pay/partner/transactions/native", Value::Null)
        .await;
    let codes: Vec<Option<&str>> =
        journal.as_array().unwrap().iter().map(|e| e["code"].as_str()).collect();
    assert_eq!(codes, [Some("RULE_LIMIT"), None, Some("SYSTEM_ERROR"), None]);
    let (_, orders) = w.admin("GET", "/payments/orders", Value::Null).await;
    assert_eq!(orders.as_array().unwrap().len(), 2);
}

// Proves 100 parallel prepays with the same out_trade_no create exactly one order and all
// answer the same prepay_id.
#[tokio::test]
async fn concurrent_prepays_create_one_order() {
    let w = World::new().await;
    let partner = w.partner();
    let request = w.partner_request("T2026010100100", 100);
    let calls: Vec<_> = (0..100)
        .map(|_| {
            let call = partner.prepay_jsapi(&request);
            tokio::spawn(call.into_future())
        })
        .collect();
    let mut ids = std::collections::BTreeSet::new();
    for call in calls {
        ids.insert(call.await.unwrap().unwrap().prepay_id().to_string());
    }
    assert_eq!(ids.len(), 1);
    let (_, orders) = w.admin("GET", "/payments/orders", Value::Null).await;
    assert_eq!(orders.as_array().unwrap().len(), 1);
}
