//! Helpers of the settlement tests: a mock on a pinned virtual clock with an SDK transport
//! that signs on that clock, paid orders, request builders, ledger reads.

// Each test binary uses its own subset of these helpers.
#![allow(dead_code)]

use std::sync::Arc;

use serde_json::{json, Value};
use wechatpay_crypto::FixedClock;
use wechatpay_mock::MockServer;
use wechatpay_profitsharing::{CreateOrderReceiver, CreateOrderRequest, ReceiverType};
use wechatpay_refunds::{Currency, RefundApplyAmount, RefundApplyRequest};
use wechatpay_transport::http::Method;
use wechatpay_transport::{KeyMode, RetryPolicy, Transport};

use crate::support::admin;

/// 2026-01-01T10:00:00+08:00.
pub(crate) const T0: i64 = 1_767_232_800;
/// The platform (tenant) and a receiver merchant.
pub(crate) const PLATFORM: &str = "1900000100";
pub(crate) const RECEIVER: &str = "1900000300";
/// The sub-merchant whose orders are paid.
pub(crate) const SUB: &str = "1900000109";

pub(crate) struct Env {
    pub(crate) mock: MockServer,
    pub(crate) transport: Transport,
}

/// A mock on a pinned clock and a transport signing on the tenant's virtual clock (so moving
/// that clock never makes a request stale).
pub(crate) async fn start() -> Env {
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
        .clock(clock)
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    Env { mock, transport }
}

/// Places a partner order of `SUB` and pays it through the admin API; its `transaction_id`.
pub(crate) async fn pay(
    mock: &MockServer,
    transport: &Transport,
    out_trade_no: &str,
    total_fen: i64,
    profit_sharing: bool,
    subsidy_fen: Option<i64>,
) -> String {
    let mut settle = json!({"profit_sharing": profit_sharing});
    if let Some(s) = subsidy_fen {
        settle["subsidy_amount"] = json!(s);
    }
    let _: Value = transport
        .request(Method::POST, "/v3/pay/partner/transactions/native")
        .json(&json!({
            "sp_appid": "wx8888888888888888", "sp_mchid": PLATFORM, "sub_mchid": SUB,
            "description": "测试商品", "out_trade_no": out_trade_no,
            "notify_url": "http://127.0.0.1:9/pay",
            "amount": {"total": total_fen, "currency": "CNY"}, "settle_info": settle,
        }))
        .unwrap()
        .send_json()
        .await
        .unwrap();
    let (status, paid) = admin(
        mock,
        "POST",
        "/payments/pay",
        Some(json!({"sub_mchid": SUB, "out_trade_no": out_trade_no})),
    )
    .await;
    assert_eq!(status, 200, "{paid}");
    let (_, order) = admin(
        mock,
        "GET",
        &format!("/payments/order?sub_mchid={SUB}&out_trade_no={out_trade_no}"),
        None,
    )
    .await;
    order["order"]["transaction_id"].as_str().unwrap_or_else(|| panic!("{order}")).to_owned()
}

/// A refund of `refund_fen` of order `transaction_id` (total `total_fen`), notified to a
/// local URL nobody listens on (deliveries are only inspected).
pub(crate) fn refund_request(
    transaction_id: &str,
    out_refund_no: &str,
    refund_fen: i64,
    total_fen: i64,
) -> RefundApplyRequest {
    RefundApplyRequest {
        sub_mchid: SUB.into(),
        sp_appid: "wx8888888888888888".into(),
        sub_appid: None,
        transaction_id: Some(transaction_id.into()),
        out_trade_no: None,
        out_refund_no: out_refund_no.into(),
        reason: Some("退货".into()),
        amount: RefundApplyAmount {
            refund: refund_fen,
            from: None,
            total: total_fen,
            currency: Currency::Cny,
        },
        notify_url: Some("http://127.0.0.1:9/refund".into()),
        refund_account: None,
        funds_account: None,
    }
}

/// A split of `amount_fen` to merchant `account`.
pub(crate) fn split_request(
    transaction_id: &str,
    out_order_no: &str,
    account: &str,
    amount_fen: i64,
) -> CreateOrderRequest {
    CreateOrderRequest {
        appid: None,
        sub_mchid: SUB.into(),
        transaction_id: transaction_id.into(),
        out_order_no: out_order_no.into(),
        receivers: vec![CreateOrderReceiver {
            r#type: ReceiverType::MerchantId,
            receiver_account: account.into(),
            receiver_mchid: None,
            amount: amount_fen,
            description: "佣金".into(),
            receiver_name: None,
        }],
        finish: false,
        notify_url: None,
    }
}

/// An account's balance from the ledger admin API (0 for an account never used).
pub(crate) async fn balance(mock: &MockServer, account: &str) -> i64 {
    let (_, entries) = admin(mock, "GET", "/ledger/balances", None).await;
    entries["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["account"] == account)
        .map_or(0, |a| a["balance_fen"].as_i64().unwrap())
}

/// Asserts the orders' bookkeeping agrees with the ledger and the ledger's invariants hold.
pub(crate) async fn check_ok(mock: &MockServer) {
    let (status, check) = admin(mock, "GET", "/settlement/check", None).await;
    assert_eq!(status, 200);
    assert_eq!(check["ok"], true, "{check}");
    let (_, ledger) = admin(mock, "GET", "/ledger/check", None).await;
    assert_eq!(ledger["ok"], true, "{ledger}");
}
