//! The notification vectors N01–N03 verify, decrypt and decode into the right events.

mod common;

use common::{callback, case, parser_for};
use serde_json::Value;
use wechatpay_models::notify::{EventType, OriginalType};
use wechatpay_models::payments::TradeState;
use wechatpay_models::refund::RefundStatus;
use wechatpay_notify::Event;

// Proves N01 (partner JSAPI payment, certificate mode) is a partner payment with its fields.
#[test]
fn n01_is_a_partner_payment() {
    let cb = callback("N01");
    let verified = parser_for(&cb).parse(&cb.headers, &cb.body).unwrap();
    assert_eq!(verified.id(), "EV-2018022511223320873");
    assert_eq!(verified.create_time().to_string(), "2025-01-01T10:35:00+08:00");
    assert_eq!(verified.event_type(), &EventType::TransactionSuccess);
    assert_eq!(verified.summary(), "支付成功");
    assert_eq!(verified.request_id(), None);
    assert_eq!(verified.envelope().resource.original_type, OriginalType::Transaction);
    assert_eq!(verified.envelope().resource.associated_data.as_deref(), Some("transaction"));
    let Event::PartnerTransactionSuccess(tx) = verified.resource() else {
        panic!("expected a partner payment, got {:?}", verified.resource());
    };
    assert_eq!(tx.sp_mchid, "1900000100");
    assert_eq!(tx.sub_mchid, "1900000109");
    assert_eq!(tx.sub_appid.as_deref(), Some("wxd678efh567hg6999"));
    assert_eq!(tx.out_trade_no, "1217752501201407033233368018");
    assert_eq!(tx.transaction_id.as_deref(), Some("4200000985202103031441826014"));
    assert_eq!(tx.trade_state, TradeState::Success);
    assert_eq!(tx.amount.total, 100);
    assert_eq!(tx.amount.payer_total, Some(100));
    assert_eq!(tx.payer.as_ref().unwrap().sp_openid, "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o");
    assert_eq!(tx.attach.as_deref(), Some("自定义数据说明"));
    assert_eq!(tx.success_time.unwrap().to_string(), "2025-01-01T10:34:56+08:00");
    assert_eq!(verified.resource().event_type(), EventType::TransactionSuccess);
}

// Proves N02 (same event type as N01) is told apart by content: a combined payment with both
// sub-orders.
#[test]
fn n02_is_a_combine_payment() {
    let cb = callback("N02");
    let verified = parser_for(&cb).parse(&cb.headers, &cb.body).unwrap();
    assert_eq!(verified.id(), "EV-2018022511223320874");
    assert_eq!(verified.event_type(), &EventType::TransactionSuccess);
    let Event::CombineTransactionSuccess(tx) = verified.into_resource() else {
        panic!("expected a combined payment");
    };
    assert_eq!(tx.combine_mchid, "1900000100");
    assert_eq!(tx.combine_out_trade_no, "P20150806125346");
    assert_eq!(tx.combine_payer_info.unwrap().openid, "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o");
    let subs: Vec<_> = tx
        .sub_orders
        .iter()
        .map(|s| (s.sub_mchid.as_str(), s.out_trade_no.as_str(), s.amount.total_amount))
        .collect();
    assert_eq!(subs, [("1900000109", "20150806125346", 10), ("1900000110", "20150806125347", 20)]);
    assert!(tx.sub_orders.iter().all(|s| s.trade_state == TradeState::Success));
}

// Proves N03 (refund, public-key mode: Wechatpay-Serial is a PUB_KEY_ID) verifies and decodes.
#[test]
fn n03_is_a_refund_in_public_key_mode() {
    let cb = callback("N03");
    assert!(cb.headers["wechatpay-serial"].to_str().unwrap().starts_with("PUB_KEY_ID_"));
    let verified = parser_for(&cb).parse(&cb.headers, &cb.body).unwrap();
    assert_eq!(verified.id(), "EV-2018022511223320875");
    assert_eq!(verified.summary(), "退款成功");
    let (envelope, event) = verified.into_parts();
    assert_eq!(envelope.event_type, EventType::RefundSuccess);
    let Event::RefundSuccess(refund) = event else { panic!("expected REFUND.SUCCESS") };
    assert_eq!(refund.refund_status, RefundStatus::Success);
    assert_eq!(refund.out_refund_no, "R1217752501201407033233368018");
    assert_eq!(refund.refund_id, "50000000382019052709732678859");
    assert_eq!(refund.amount.refund, 888);
    assert_eq!(refund.user_received_account, "招商银行信用卡0403");
}

// Proves `parse_as::<Value>` yields exactly the vectors' plaintext for each case.
#[test]
fn parse_as_value_gives_the_plaintext() {
    for id in ["N01", "N02", "N03"] {
        let cb = callback(id);
        let verified = parser_for(&cb).parse_as::<Value>(&cb.headers, &cb.body).unwrap();
        let expected: Value =
            serde_json::from_str(case(id)["plaintext"].as_str().unwrap()).unwrap();
        assert_eq!(verified.resource(), &expected, "{id}");
    }
}

// Proves `parse_as` takes a caller's own type, and that the same bytes parse repeatedly
// (the parser keeps no state between callbacks).
#[test]
fn parse_as_own_type() {
    #[derive(serde::Deserialize)]
    struct MyRefund {
        out_refund_no: String,
        amount: MyAmount,
    }
    #[derive(serde::Deserialize)]
    struct MyAmount {
        refund: u32,
    }
    let cb = callback("N03");
    let parser = parser_for(&cb);
    for _ in 0..2 {
        let mine = parser.parse_as::<MyRefund>(&cb.headers, &cb.body).unwrap().into_resource();
        assert_eq!(
            (mine.out_refund_no.as_str(), mine.amount.refund),
            ("R1217752501201407033233368018", 888)
        );
    }
}

// Proves header names match whatever their case, and that the optional Signature-Type and the
// informational Request-ID are handled.
#[test]
fn header_names_are_case_insensitive() {
    let original = callback("N01");
    let mut headers = http::HeaderMap::new();
    for (name, value) in &original.headers {
        let shouted =
            http::HeaderName::from_bytes(name.as_str().to_uppercase().as_bytes()).unwrap();
        headers.insert(shouted, value.clone());
    }
    headers.remove("WECHATPAY-SIGNATURE-TYPE");
    headers.insert("REQUEST-ID", http::HeaderValue::from_static("08F4D8C3-0001"));
    let verified = parser_for(&original).parse(&headers, &original.body).unwrap();
    assert_eq!(verified.request_id(), Some("08F4D8C3-0001"));
}

// Proves a parser built from a shared verifier (how a refreshing key store is plugged in)
// behaves like one that owns it.
#[test]
fn shared_verifier_works() {
    use std::sync::Arc;
    let cb = callback("N02");
    let parser = wechatpay_notify::NotifyParser::with_shared_verifier(
        Arc::new(common::verifier()),
        wechatpay_crypto::ApiV3Key::new(common::API_V3_KEY).unwrap(),
    )
    .with_clock(Arc::new(wechatpay_crypto::FixedClock::new(cb.timestamp())));
    assert!(parser.parse(&cb.headers, &cb.body).is_ok());
    // Debug never shows the APIv3 key.
    assert!(!format!("{parser:?}").contains(common::API_V3_KEY));
}
