//! Handler tests of the payments area: `app(state).oneshot(request)` with signed requests on
//! a pinned clock; the callback dispatcher does not run here, so deliveries stay in the
//! outbox for inspection.

use axum::http::StatusCode;
use serde_json::{json, Value};
use wechatpay_crypto::{FixedClock, MerchantSigner};

use super::Payments;
use crate::callbacks::Callbacks;
use crate::config::KeyMode;
use crate::ledger::{Account, Ledger, Purpose};
use crate::state::MockState;
use crate::test_support::{request, send, signed, signer, state, Answer, NOW};

const SUB_A: &str = "1900000109";
const SUB_B: &str = "1900000110";
const NOTIFY: &str = "https://shop.example.com/wechatpay/notify";

struct Fixture {
    state: MockState,
    clock: FixedClock,
    signer: MerchantSigner,
}

impl Fixture {
    fn new() -> Self {
        let (state, clock) = state(KeyMode::Certificate);
        let signer = signer(&state, &clock);
        Self { state, clock, signer }
    }

    async fn post(&self, path: &str, body: &Value) -> Answer {
        let bytes = serde_json::to_vec(body).unwrap();
        send(&self.state, signed(&self.signer, "POST", path, &bytes)).await
    }

    async fn get(&self, path: &str) -> Answer {
        send(&self.state, signed(&self.signer, "GET", path, b"")).await
    }

    async fn admin(&self, method: &str, path: &str, body: &Value) -> Answer {
        let bytes = serde_json::to_vec(body).unwrap();
        send(&self.state, request(method, &format!("/mock/admin{path}"), &bytes, None)).await
    }

    fn read<R>(&self, f: impl FnOnce(&Payments) -> R) -> R {
        self.state.store().read(self.state.tenants().default_tenant(), f)
    }

    fn balance(&self, sub_mchid: &str, purpose: Purpose) -> i64 {
        self.state.store().read(self.state.tenants().default_tenant(), |l: &Ledger| {
            l.balance(&Account::merchant(sub_mchid, purpose))
        })
    }

    fn deliveries(&self) -> Vec<(String, String, String)> {
        self.state.store().read(self.state.tenants().default_tenant(), |c: &Callbacks| {
            c.iter()
                .map(|d| (d.event_type.clone(), d.notify_url.clone(), d.resource_json.clone()))
                .collect()
        })
    }
}

fn combine(no: &str, amounts: &[i64]) -> Value {
    let subs: Vec<Value> = amounts
        .iter()
        .enumerate()
        .map(|(i, fen)| {
            json!({
                "mchid": "1900000100",
                "attach": format!("line {i}"),
                "amount": {"total_amount": fen, "currency": "CNY"},
                "out_trade_no": format!("{no}S{i:02}"),
                "sub_mchid": if i % 2 == 0 { SUB_A } else { SUB_B },
                "description": "QQ公仔",
                "settle_info": {"profit_sharing": i % 2 == 0},
            })
        })
        .collect();
    json!({
        "combine_appid": "wx8888888888888888",
        "combine_mchid": "1900000100",
        "combine_out_trade_no": no,
        "sub_orders": subs,
        "combine_payer_info": {"openid": "oPayer000000000000000000001"},
        "notify_url": NOTIFY,
    })
}

fn partner(no: &str, total: i64) -> Value {
    json!({
        "sp_appid": "wx8888888888888888",
        "sp_mchid": "1900000100",
        "sub_mchid": SUB_A,
        "description": "Image形象店-深圳腾大-QQ公仔",
        "out_trade_no": no,
        "notify_url": NOTIFY,
        "amount": {"total": total, "currency": "CNY"},
        "payer": {"sp_openid": "oPayer000000000000000000001"},
    })
}

fn code(a: &Answer) -> String {
    a.json()["code"].as_str().unwrap_or_default().to_owned()
}

fn field(a: &Answer) -> String {
    a.json()["detail"]["field"].as_str().unwrap_or_default().to_owned()
}

// Proves the same combined request answers the same prepay_id, while changed content, another
// channel, or a reused sub-order number are OUT_TRADE_NO_USED, and the order reads NOTPAY.
#[tokio::test]
async fn prepay_is_idempotent_by_number() {
    let f = Fixture::new();
    let body = combine("P2025010100001", &[300, 200]);
    let first = f.post("/v3/combine-transactions/jsapi", &body).await;
    assert_eq!(first.status, StatusCode::OK, "{:?}", first.json());
    first.assert_signed(&f.state, NOW);
    let prepay_id = first.json()["prepay_id"].as_str().unwrap().to_owned();
    assert_eq!(prepay_id.len(), 36);
    let again = f.post("/v3/combine-transactions/jsapi", &body).await;
    assert_eq!(again.json()["prepay_id"], prepay_id.as_str());

    let mut changed = body.clone();
    changed["sub_orders"][1]["amount"]["total_amount"] = json!(201);
    let refused = f.post("/v3/combine-transactions/jsapi", &changed).await;
    assert_eq!(
        (refused.status, code(&refused)),
        (StatusCode::FORBIDDEN, "OUT_TRADE_NO_USED".into())
    );
    let other_channel = f.post("/v3/combine-transactions/native", &body).await;
    assert_eq!(code(&other_channel), "OUT_TRADE_NO_USED");
    let mut reuse = combine("P2025010100002", &[1]);
    reuse["sub_orders"][0]["out_trade_no"] = json!("P2025010100001S00");
    let refused = f.post("/v3/combine-transactions/app", &reuse).await;
    assert_eq!(
        (code(&refused), field(&refused)),
        ("OUT_TRADE_NO_USED".into(), "/sub_orders/0/out_trade_no".into())
    );

    let q = f.get("/v3/combine-transactions/out-trade-no/P2025010100001").await;
    assert_eq!(q.status, StatusCode::OK);
    let order = q.json();
    assert_eq!(order["sub_orders"].as_array().unwrap().len(), 2);
    assert_eq!(order["sub_orders"][0]["trade_state"], "NOTPAY");
    assert!(order["sub_orders"][0].get("transaction_id").is_none());
    assert_eq!(f.read(|p| p.payments.len()), 1);
}

// Proves raw requests that break the rules are refused with the member named, and that a
// refused request leaves no order behind (not even its first, valid sub-orders).
#[tokio::test]
async fn raw_rules_are_enforced() {
    let f = Fixture::new();
    let too_many = combine("P2025010100003", &[1; 51]);
    let a = f.post("/v3/combine-transactions/app", &too_many).await;
    assert_eq!(
        (a.status, code(&a), field(&a)),
        (StatusCode::BAD_REQUEST, "PARAM_ERROR".into(), "/sub_orders".into())
    );
    type Change = Box<dyn Fn(&mut Value)>;
    let cases: Vec<(&str, Change, &str, &str)> = vec![
        (
            "/v3/combine-transactions/app",
            Box::new(|b| {
                b["sub_orders"][1]["out_trade_no"] = b["sub_orders"][0]["out_trade_no"].clone()
            }),
            "PARAM_ERROR",
            "/sub_orders/1/out_trade_no",
        ),
        (
            "/v3/combine-transactions/app",
            Box::new(|b| b["sub_orders"][0]["amount"]["total_amount"] = json!(0)),
            "PARAM_ERROR",
            "/sub_orders/0/amount/total_amount",
        ),
        (
            "/v3/combine-transactions/app",
            Box::new(|b| b["combine_mchid"] = json!("1900000999")),
            "PARAM_ERROR",
            "/combine_mchid",
        ),
        (
            "/v3/combine-transactions/app",
            Box::new(|b| b["combine_appid"] = json!("wx0000000000000000")),
            "APPID_MCHID_NOT_MATCH",
            "/combine_appid",
        ),
        (
            "/v3/combine-transactions/app",
            Box::new(|b| b["sub_orders"][1]["sub_mchid"] = json!("1900000999")),
            "NO_AUTH",
            "/sub_orders/1/sub_mchid",
        ),
        (
            "/v3/combine-transactions/jsapi",
            Box::new(|b| {
                b.as_object_mut().unwrap().remove("combine_payer_info");
            }),
            "PARAM_ERROR",
            "/combine_payer_info",
        ),
        ("/v3/combine-transactions/h5", Box::new(|_| {}), "PARAM_ERROR", "/scene_info/h5_info"),
        (
            "/v3/combine-transactions/app",
            Box::new(|b| b["notify_url"] = json!("https://x.example/n?a=1")),
            "PARAM_ERROR",
            "/notify_url",
        ),
        (
            "/v3/combine-transactions/app",
            Box::new(|b| b["time_expire"] = json!("2025-01-01T10:00:00+08:00")),
            "PARAM_ERROR",
            "/time_expire",
        ),
    ];
    for (path, change, want_code, want_field) in cases {
        let mut body = combine("P2025010100004", &[100, 200]);
        change(&mut body);
        let a = f.post(path, &body).await;
        assert_eq!(
            (code(&a).as_str(), field(&a).as_str()),
            (want_code, want_field),
            "{:?}",
            a.json()
        );
    }
    let a = f
        .post("/v3/pay/partner/transactions/jsapi", &json!({"sp_appid": "wx8888888888888888"}))
        .await;
    assert_eq!((code(&a), field(&a)), ("PARAM_ERROR".into(), "/sp_mchid".into()));
    assert_eq!(f.read(|p| (p.payments.len(), p.by_trade.len())), (0, 0));
}

// Proves paying a combined order pays every sub-order: transaction ids, SUCCESS, ledger
// entries (frozen with profit sharing, available without, minus the fee), and one
// TRANSACTION.SUCCESS callback whose resource is exactly the query answer.
#[tokio::test]
async fn pay_settles_money_and_enqueues_the_callback() {
    let f = Fixture::new();
    let fee = f.admin("PUT", "/payments/settings", &json!({"fee_rate_bp": 60})).await;
    assert_eq!(fee.json()["fee_rate_bp"], 60);
    f.post("/v3/combine-transactions/native", &combine("P2025010100005", &[10_000, 2_550])).await;
    let paid =
        f.admin("POST", "/payments/pay", &json!({"combine_out_trade_no": "P2025010100005"})).await;
    assert_eq!(paid.status, StatusCode::OK, "{:?}", paid.json());
    assert_eq!(paid.json()["trade_state"], "SUCCESS");
    assert_eq!(paid.json()["fees_fen"], 60 + 15);

    assert_eq!(f.balance(SUB_A, Purpose::Frozen), 10_000 - 60);
    assert_eq!(f.balance(SUB_B, Purpose::Available), 2_550 - 15);
    assert_eq!(f.balance(SUB_A, Purpose::Available), 0);

    let q = f.get("/v3/combine-transactions/out-trade-no/P2025010100005").await.json();
    for sub in q["sub_orders"].as_array().unwrap() {
        assert_eq!(sub["trade_state"], "SUCCESS");
        assert_eq!(sub["trade_type"], "NATIVE");
        assert_eq!(sub["transaction_id"].as_str().unwrap().len(), 28);
        assert_eq!(sub["amount"]["payer_amount"], sub["amount"]["total_amount"]);
    }
    let deliveries = f.deliveries();
    assert_eq!(deliveries.len(), 1);
    let (event, url, resource) = &deliveries[0];
    assert_eq!((event.as_str(), url.as_str()), ("TRANSACTION.SUCCESS", NOTIFY));
    assert_eq!(serde_json::from_str::<Value>(resource).unwrap(), q);

    let again =
        f.admin("POST", "/payments/pay", &json!({"combine_out_trade_no": "P2025010100005"})).await;
    assert_eq!(code(&again), "INVALID_REQUEST", "a paid order cannot be paid twice");
    assert_eq!(f.deliveries().len(), 1);
    let tx_id = q["sub_orders"][0]["transaction_id"].as_str().unwrap().to_owned();
    let by_id =
        f.admin("GET", &format!("/payments/order?transaction_id={tx_id}"), &json!(null)).await;
    assert_eq!(by_id.json()["kind"], "combine");
    assert!(f
        .state
        .store()
        .read(f.state.tenants().default_tenant(), |l: &Ledger| l.check().is_ok()));
}

// Proves an order closes itself at time_expire on the virtual clock and then can be neither
// paid nor prepaid again, while close answers 204, then ORDER_CLOSED; a paid order cannot be
// closed and a combined close must list every sub-order.
#[tokio::test]
async fn expiry_and_close() {
    let f = Fixture::new();
    let mut body = partner("T2025010100001", 100);
    body["time_expire"] = json!("2025-01-01T12:00:00+08:00"); // NOW + 1 h
    f.post("/v3/pay/partner/transactions/jsapi", &body).await;
    let query = "/v3/pay/partner/transactions/out-trade-no/T2025010100001?sp_mchid=1900000100&sub_mchid=1900000109";
    assert_eq!(f.get(query).await.json()["trade_state"], "NOTPAY");
    f.clock.set(NOW + 3_600);
    let q = f.get(query).await.json();
    assert_eq!(q["trade_state"], "CLOSED");
    let pay = f
        .admin(
            "POST",
            "/payments/pay",
            &json!({"sub_mchid": SUB_A, "out_trade_no": "T2025010100001"}),
        )
        .await;
    assert_eq!(code(&pay), "ORDER_CLOSED");
    let again = f.post("/v3/pay/partner/transactions/jsapi", &body).await;
    assert_eq!(code(&again), "PARAM_ERROR", "time_expire is past now");
    let close_path = "/v3/pay/partner/transactions/out-trade-no/T2025010100001/close";
    let close_body = json!({"sp_mchid": "1900000100", "sub_mchid": SUB_A});
    assert_eq!(
        f.post(close_path, &close_body).await.status,
        StatusCode::NO_CONTENT,
        "an expired order is closed"
    );

    f.post("/v3/pay/partner/transactions/app", &partner("T2025010100002", 100)).await;
    let close_path = "/v3/pay/partner/transactions/out-trade-no/T2025010100002/close";
    let closed = f.post(close_path, &close_body).await;
    assert_eq!(closed.status, StatusCode::NO_CONTENT);
    assert!(closed.body.is_empty());
    closed.assert_signed(&f.state, NOW + 3_600);
    assert_eq!(code(&f.post(close_path, &close_body).await), "ORDER_CLOSED");
    assert_eq!(
        code(&f.post("/v3/pay/partner/transactions/app", &partner("T2025010100002", 100)).await),
        "ORDER_CLOSED"
    );

    f.post("/v3/combine-transactions/app", &combine("P2025010100006", &[100, 200, 300])).await;
    let close = "/v3/combine-transactions/out-trade-no/P2025010100006/close";
    let subs: Vec<Value> = (0..3)
        .map(|i| json!({"mchid": "1900000100", "sub_mchid": if i % 2 == 0 { SUB_A } else { SUB_B }, "out_trade_no": format!("P2025010100006S{i:02}")}))
        .collect();
    let partial = f
        .post(close, &json!({"combine_appid": "wx8888888888888888", "sub_orders": subs[..2]}))
        .await;
    assert_eq!((code(&partial), field(&partial)), ("PARAM_ERROR".into(), "/sub_orders".into()));
    f.admin("POST", "/payments/pay", &json!({"combine_out_trade_no": "P2025010100006"})).await;
    let paid =
        f.post(close, &json!({"combine_appid": "wx8888888888888888", "sub_orders": subs})).await;
    assert_eq!(code(&paid), "INVALID_REQUEST");
}

// Proves each magic amount does what docs/mock-server.md says, without the admin API.
#[tokio::test]
async fn magic_amounts() {
    let f = Fixture::new();
    let q = |no: &str| {
        format!("/v3/pay/partner/transactions/out-trade-no/{no}?sp_mchid=1900000100&sub_mchid=1900000109")
    };
    f.post("/v3/pay/partner/transactions/native", &partner("M101000001", 101)).await;
    assert_eq!(f.get(&q("M101000001")).await.json()["trade_state"], "PAYERROR");
    f.post("/v3/pay/partner/transactions/native", &partner("M102000001", 102)).await;
    let paid = f.get(&q("M102000001")).await.json();
    assert_eq!(paid["trade_state"], "SUCCESS");
    assert_eq!(f.deliveries().len(), 1);
    assert_eq!(f.balance(SUB_A, Purpose::Available), 102);
    f.post("/v3/pay/partner/transactions/native", &partner("M103000001", 103)).await;
    assert_eq!(f.get(&q("M103000001")).await.json()["trade_state"], "USERPAYING");
    assert_eq!(f.get(&q("M103000001")).await.json()["trade_state"], "SUCCESS");
    assert_eq!(
        code(&f.post("/v3/pay/partner/transactions/native", &partner("M104000001", 104)).await),
        "NO_AUTH"
    );
    let once = f.post("/v3/pay/partner/transactions/native", &partner("M105000001", 105)).await;
    assert_eq!((once.status.as_u16(), code(&once)), (500, "SYSTEM_ERROR".into()));
    let retry = f.post("/v3/pay/partner/transactions/native", &partner("M105000001", 105)).await;
    assert_eq!(retry.status, StatusCode::OK);
    assert!(retry.json()["code_url"]
        .as_str()
        .unwrap()
        .starts_with("weixin://wxpay/bizpayurl?pr=wx"));
    for _ in 0..2 {
        assert_eq!(
            code(&f.post("/v3/pay/partner/transactions/native", &partner("M106000001", 106)).await),
            "BANK_ERROR"
        );
    }
}

// Proves the 小微 limits: 100,000 CNY a day at prepay (RULE_LIMIT) and at payment (PAYERROR),
// a new Beijing day starts over, and credit cards are held to 1,000 CNY a day.
#[tokio::test]
async fn collection_limits() {
    let f = Fixture::new();
    let set = f
        .admin(
            "PUT",
            &format!("/payments/sub-merchants/{SUB_A}"),
            &json!({"organization_type": "2401"}),
        )
        .await;
    assert_eq!(set.json()["limits"]["daily_fen"], 10_000_000);
    let over =
        f.post("/v3/pay/partner/transactions/native", &partner("L0000000001", 10_000_001)).await;
    assert_eq!((over.status, code(&over)), (StatusCode::FORBIDDEN, "RULE_LIMIT".into()));
    f.post("/v3/pay/partner/transactions/native", &partner("L0000000002", 9_000_000)).await;
    f.post("/v3/pay/partner/transactions/native", &partner("L0000000003", 1_000_000)).await;
    f.post("/v3/pay/partner/transactions/native", &partner("L0000000004", 1)).await;
    let pay = |no: &str| json!({"sub_mchid": SUB_A, "out_trade_no": no});
    f.admin("POST", "/payments/pay", &pay("L0000000002")).await;
    assert_eq!(
        f.admin("POST", "/payments/pay", &pay("L0000000003")).await.json()["trade_state"],
        "SUCCESS"
    );
    let failed = f.admin("POST", "/payments/pay", &pay("L0000000004")).await.json();
    assert_eq!(failed["trade_state"], "PAYERROR", "the day is full: {failed}");
    assert_eq!(
        code(&f.post("/v3/pay/partner/transactions/native", &partner("L0000000005", 1)).await),
        "RULE_LIMIT"
    );
    f.clock.set(NOW + 13 * 3_600); // 2025-01-02T00:00:00+08:00
    assert_eq!(
        f.admin("POST", "/payments/pay", &pay("L0000000004")).await.json()["trade_state"],
        "SUCCESS"
    );

    f.post("/v3/pay/partner/transactions/native", &partner("L0000000006", 100_001)).await;
    let credit =
        json!({"sub_mchid": SUB_A, "out_trade_no": "L0000000006", "bank_type": "CMB_CREDIT"});
    assert_eq!(f.admin("POST", "/payments/pay", &credit).await.json()["trade_state"], "PAYERROR");
    let debit =
        json!({"sub_mchid": SUB_A, "out_trade_no": "L0000000006", "bank_type": "CMB_DEBIT"});
    assert_eq!(f.admin("POST", "/payments/pay", &debit).await.json()["trade_state"], "SUCCESS");
    let bad = f
        .admin(
            "PUT",
            &format!("/payments/sub-merchants/{SUB_A}"),
            &json!({"organization_type": "9"}),
        )
        .await;
    assert_eq!(code(&bad), "PARAM_ERROR");
}

// Proves the payer's other moves: user paying then paid, failed then paid on retry, and that
// a partner query finds neither another sub-merchant's order nor a combined sub-order.
#[tokio::test]
async fn payer_moves_and_query_scope() {
    let f = Fixture::new();
    f.post("/v3/pay/partner/transactions/h5", &{
        let mut b = partner("U0000000001", 500);
        b["scene_info"] = json!({"payer_client_ip": "203.0.113.9", "h5_info": {"type": "Wap"}});
        b
    })
    .await;
    let which = json!({"sub_mchid": SUB_A, "out_trade_no": "U0000000001"});
    assert_eq!(
        f.admin("POST", "/payments/user-paying", &which).await.json()["trade_state"],
        "USERPAYING"
    );
    assert_eq!(f.admin("POST", "/payments/close", &which).await.status, StatusCode::BAD_REQUEST);
    let paid = f
        .admin(
            "POST",
            "/payments/pay",
            &json!({"sub_mchid": SUB_A, "out_trade_no": "U0000000001", "openid": "oCustom"}),
        )
        .await
        .json();
    assert_eq!(paid["order"]["payer"]["sp_openid"], "oCustom");
    let tx = paid["order"]["transaction_id"].as_str().unwrap().to_owned();
    let by_id = f
        .get(&format!(
            "/v3/pay/partner/transactions/id/{tx}?sp_mchid=1900000100&sub_mchid=1900000109"
        ))
        .await;
    assert_eq!(
        (by_id.json()["trade_state"].as_str(), by_id.json()["trade_type"].as_str()),
        (Some("SUCCESS"), Some("MWEB"))
    );
    let wrong_sub = f
        .get(&format!(
            "/v3/pay/partner/transactions/id/{tx}?sp_mchid=1900000100&sub_mchid=1900000110"
        ))
        .await;
    assert_eq!(code(&wrong_sub), "ORDER_NOT_EXIST");
    let wrong_sp = f
        .get(&format!(
            "/v3/pay/partner/transactions/id/{tx}?sp_mchid=1900000200&sub_mchid=1900000109"
        ))
        .await;
    assert_eq!(code(&wrong_sp), "PARAM_ERROR");

    f.post("/v3/pay/partner/transactions/app", &partner("U0000000002", 500)).await;
    let which = json!({"sub_mchid": SUB_A, "out_trade_no": "U0000000002", "desc": "余额不足"});
    let failed = f.admin("POST", "/payments/fail", &which).await.json();
    assert_eq!(
        (failed["trade_state"].as_str(), failed["trade_state_desc"].as_str()),
        (Some("PAYERROR"), Some("余额不足"))
    );
    assert_eq!(
        f.admin("POST", "/payments/pay", &json!({"prepay_id": failed["prepay_id"]})).await.json()
            ["trade_state"],
        "SUCCESS"
    );

    f.post("/v3/combine-transactions/app", &combine("P2025010100007", &[100])).await;
    let sub = f.get("/v3/pay/partner/transactions/out-trade-no/P2025010100007S00?sp_mchid=1900000100&sub_mchid=1900000109").await;
    assert_eq!(code(&sub), "ORDER_NOT_EXIST");
    let listed = f.admin("GET", "/payments/orders?trade_state=SUCCESS", &json!(null)).await.json();
    assert_eq!(listed.as_array().unwrap().len(), 2);
}

// Proves an openid the mock issued for one appid is refused under another (OPENID_MISMATCH),
// and accepted under its own.
#[tokio::test]
async fn issued_openid_must_match_the_appid() {
    let f = Fixture::new();
    let minted =
        f.admin("POST", "/oauth/codes", &json!({"appid": "wxd678efh567hg6999"})).await.json();
    let openid = minted["openid"].as_str().unwrap();
    let mut body = partner("O0000000001", 100);
    body["payer"] = json!({"sp_openid": openid});
    let refused = f.post("/v3/pay/partner/transactions/jsapi", &body).await;
    assert_eq!((refused.status.as_u16(), code(&refused)), (500, "OPENID_MISMATCH".into()));
    body["sub_appid"] = json!("wxd678efh567hg6999");
    body["payer"] = json!({"sub_openid": openid});
    assert_eq!(f.post("/v3/pay/partner/transactions/jsapi", &body).await.status, StatusCode::OK);
}

// Proves the refunds area's hook marks a paid trade REFUND and refuses unpaid ones.
#[tokio::test]
async fn refund_mark() {
    let f = Fixture::new();
    f.post("/v3/pay/partner/transactions/app", &partner("R0000000001", 100)).await;
    let paid = f
        .admin("POST", "/payments/pay", &json!({"sub_mchid": SUB_A, "out_trade_no": "R0000000001"}))
        .await
        .json();
    let tx = paid["order"]["transaction_id"].as_str().unwrap().to_owned();
    let tenant = f.state.tenants().default_tenant().clone();
    f.state.store().transact(&tenant, |t| t.area_mut::<Payments>().mark_refund(&tx)).unwrap();
    let q = f
        .get(&format!(
            "/v3/pay/partner/transactions/id/{tx}?sp_mchid=1900000100&sub_mchid=1900000109"
        ))
        .await;
    assert_eq!(q.json()["trade_state"], "REFUND");
    assert!(f
        .state
        .store()
        .transact(&tenant, |t| t.area_mut::<Payments>().mark_refund("4200"))
        .is_err());
}
