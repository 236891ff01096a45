//! Every 收付通 event type of fixtures/api/notify.json decodes into its own variant, with
//! callbacks built (encrypted and signed) the way WeChat Pay builds them.

mod common;

use common::{make_callback, parser_for};
use serde_json::json;
use wechatpay_models::notify::EventType;
use wechatpay_models::profitsharing::ReceiverType;
use wechatpay_models::refund::RefundStatus;
use wechatpay_models::withdraw::WithdrawStatus;
use wechatpay_notify::Event;

fn decode(event_type: &str, original_type: &str, plaintext: &serde_json::Value) -> Event {
    let cb = make_callback(event_type, original_type, Some(original_type), &plaintext.to_string());
    let verified = parser_for(&cb).parse(&cb.headers, &cb.body).unwrap();
    assert_eq!(verified.event_type().as_str(), event_type);
    assert_eq!(verified.resource().event_type().as_str(), event_type);
    verified.into_resource()
}

fn refund(status: &str) -> serde_json::Value {
    json!({"sp_mchid":"1900000100","sub_mchid":"1900000109","out_trade_no":"T1",
        "transaction_id":"4200000985202103031441826014","out_refund_no":"R1",
        "refund_id":"50000000382019052709732678859","refund_status":status,
        "user_received_account":"招商银行信用卡0403",
        "amount":{"total":100,"refund":40,"payer_total":100,"payer_refund":40},
        "refund_account":"REFUND_SOURCE_PARTNER_ADVANCE"})
}

fn profit_sharing(description: &str) -> serde_json::Value {
    json!({"sp_mchid":"1900000100","sub_mchid":"1900000109",
        "transaction_id":"4200000985202103031441826014","order_id":"3008450740201411110007820472",
        "out_order_no":"P20150806125346","success_time":"2025-01-03T10:00:00+08:00",
        "receiver":{"type":"MERCHANT_ID","account":"1900000100","amount":30,"description":description}})
}

// Proves the three refund event types each land in their own variant.
#[test]
fn refund_events() {
    let Event::RefundAbnormal(r) = decode("REFUND.ABNORMAL", "refund", &refund("ABNORMAL")) else {
        panic!()
    };
    assert_eq!((r.refund_status, r.amount.refund), (RefundStatus::Abnormal, 40));
    let Event::RefundClosed(r) = decode("REFUND.CLOSED", "refund", &refund("CLOSED")) else {
        panic!()
    };
    assert_eq!(r.refund_status, RefundStatus::Closed);
    let Event::RefundSuccess(r) = decode("REFUND.SUCCESS", "refund", &refund("SUCCESS")) else {
        panic!()
    };
    assert_eq!(r.out_refund_no, "R1");
}

// Proves profit-sharing and its return are told apart by event type (same resource shape).
#[test]
fn profit_sharing_events() {
    let Event::ProfitSharingSuccess(p) =
        decode("PROFITSHARING.SUCCESS", "profitsharing", &profit_sharing("分给平台"))
    else {
        panic!()
    };
    assert_eq!((p.receiver.r#type, p.receiver.amount), (ReceiverType::MerchantId, 30));
    let Event::ProfitSharingReturn(p) =
        decode("PROFITSHARING.RETURN", "profitsharing", &profit_sharing("回退"))
    else {
        panic!()
    };
    assert_eq!(p.receiver.description, "回退");
}

// Proves a withdrawal change decodes, including a platform withdrawal without sub_mchid.
#[test]
fn withdraw_event() {
    let plaintext = json!({"sp_mchid":"1900000100","status":"SUCCESS","withdraw_id":"W1",
        "out_request_no":"OR1","amount":5000,"create_time":"2025-01-04T09:00:00+08:00",
        "update_time":"2025-01-04T09:05:00+08:00","account_type":"BASIC"});
    let Event::WithdrawChange(w) = decode("MCHWITHDRAW.CHANGE", "mch_withdraw", &plaintext) else {
        panic!()
    };
    assert_eq!((w.status, w.amount, w.sub_mchid), (WithdrawStatus::Success, 5000, None));
}

// Proves an event type this crate does not know is still verified and decrypted, and handed
// over as JSON with its name.
#[test]
fn unknown_event_type() {
    let plaintext = json!({"violation_id":"V1","sub_mchid":"1900000109"});
    let event = decode("VIOLATION.PUNISH", "violation", &plaintext);
    assert_eq!(
        event,
        Event::Unknown { event_type: "VIOLATION.PUNISH".into(), resource: plaintext }
    );
    assert_eq!(event.event_type(), EventType::Unknown("VIOLATION.PUNISH".into()));
}

// Proves a resource whose associated_data is absent, or present and empty, decrypts with
// empty associated data.
#[test]
fn absent_or_empty_associated_data() {
    for associated_data in [None, Some("")] {
        let cb = make_callback(
            "REFUND.SUCCESS",
            "refund",
            associated_data,
            &refund("SUCCESS").to_string(),
        );
        let verified = parser_for(&cb).parse(&cb.headers, &cb.body).unwrap();
        assert_eq!(verified.envelope().resource.associated_data.as_deref(), associated_data);
        assert!(matches!(verified.resource(), Event::RefundSuccess(_)));
    }
}
