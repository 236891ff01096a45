//! The notification vectors (fixtures/vectors/notify_vectors.json) against the model types:
//! envelopes and decrypted plaintexts parse, and serialize back to the same JSON.

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;
use wechatpay_models::aead::AeadAlgorithm;
use wechatpay_models::notify::{EventType, Notification, OriginalType, ResourceType};

const VECTORS: &str = include_str!("../../../fixtures/vectors/notify_vectors.json");

/// The vector case with the given id.
fn case(id: &str) -> Value {
    let vectors: Value = serde_json::from_str(VECTORS).expect("vectors are JSON");
    vectors["cases"]
        .as_array()
        .expect("cases is an array")
        .iter()
        .find(|c| c["id"] == id)
        .unwrap_or_else(|| panic!("case {id} exists"))
        .clone()
}

/// Parses `text` as `T`, then checks that serializing gives back the same JSON value
/// (member order aside: WeChat Pay's order is not significant).
fn round_trip<T: DeserializeOwned + Serialize>(text: &str) -> T {
    let parsed: T = serde_json::from_str(text).expect("parses");
    let original: Value = serde_json::from_str(text).expect("is JSON");
    assert_eq!(serde_json::to_value(&parsed).expect("serializes"), original);
    parsed
}

/// Like [`round_trip`], and also checks the serialized bytes: the vectors are compact JSON in
/// WeChat Pay's member order, which the structs follow.
fn round_trip_exact<T: DeserializeOwned + Serialize>(text: &str) -> T {
    let parsed: T = round_trip(text);
    assert_eq!(serde_json::to_string(&parsed).expect("serializes"), text);
    parsed
}

// Proves every envelope body parses, keeps its fields, and serializes back unchanged.
#[test]
fn envelopes_round_trip() {
    for (id, event, original_type) in [
        ("N01", EventType::TransactionSuccess, OriginalType::Transaction),
        ("N02", EventType::TransactionSuccess, OriginalType::Transaction),
        ("N03", EventType::RefundSuccess, OriginalType::Refund),
    ] {
        let c = case(id);
        let body = c["body"].as_str().expect("body is a string");
        let n: Notification = round_trip_exact(body);
        assert_eq!(n.event_type, event, "{id}");
        assert_eq!(n.resource_type, ResourceType::EncryptResource, "{id}");
        assert_eq!(n.resource.algorithm, AeadAlgorithm::AeadAes256Gcm, "{id}");
        assert_eq!(n.resource.original_type, original_type, "{id}");
        assert!(n.create_time.to_string().ends_with("+08:00"), "{id}");
        assert!(body.contains(&format!("\"create_time\":\"{}\"", n.create_time)));
    }
}

// Proves the N01 plaintext is a partner transaction with the expected values.
#[cfg(feature = "payments")]
#[test]
fn partner_transaction_plaintext() {
    use wechatpay_models::amount::Currency;
    use wechatpay_models::payments::{PartnerTransaction, TradeState, TradeType};

    let c = case("N01");
    let t: PartnerTransaction = round_trip_exact(c["plaintext"].as_str().expect("plaintext"));
    assert_eq!(t.sp_mchid, "1900000100");
    assert_eq!(t.sub_mchid, "1900000109");
    assert_eq!(t.trade_state, TradeState::Success);
    assert_eq!(t.trade_type, Some(TradeType::Jsapi));
    assert_eq!(t.amount.total, 100);
    assert_eq!(t.amount.payer_total, Some(100));
    assert_eq!(t.amount.currency, Some(Currency::Cny));
    assert_eq!(t.success_time.map(|s| s.to_string()).as_deref(), Some("2025-01-01T10:34:56+08:00"));
    let payer = t.payer.expect("payer present");
    assert_eq!(payer.sp_openid, "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o");
    assert!(t.promotion_detail.is_none());
}

// Proves the N02 plaintext is a combined transaction with both sub-orders.
#[cfg(feature = "payments")]
#[test]
fn combine_transaction_plaintext() {
    use wechatpay_models::payments::{CombineTransaction, TradeState};

    let c = case("N02");
    let t: CombineTransaction = round_trip_exact(c["plaintext"].as_str().expect("plaintext"));
    assert_eq!(t.combine_out_trade_no, "P20150806125346");
    assert_eq!(t.sub_orders.len(), 2);
    let total: i64 = t.sub_orders.iter().map(|s| s.amount.total_amount).sum();
    assert_eq!(total, 30);
    assert!(t.sub_orders.iter().all(|s| s.trade_state == TradeState::Success));
    assert_eq!(t.sub_orders[1].sub_mchid, "1900000110");
    assert_eq!(t.combine_payer_info.expect("payer").openid, "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o");
}

// Proves the N03 plaintext is a refund notification with its amounts.
#[cfg(feature = "refund")]
#[test]
fn refund_plaintext() {
    use wechatpay_models::refund::{RefundNotification, RefundStatus};

    let c = case("N03");
    let r: RefundNotification = round_trip_exact(c["plaintext"].as_str().expect("plaintext"));
    assert_eq!(r.refund_status, RefundStatus::Success);
    assert_eq!(r.amount.refund, 888);
    assert_eq!(r.amount.payer_refund, 888);
    assert_eq!(r.user_received_account, "招商银行信用卡0403");
    assert!(r.refund_account.is_none());
}

// Proves a partner transaction is not mistaken for a combined one and vice versa, which is
// how a receiver tells the two TRANSACTION.SUCCESS resources apart.
#[cfg(feature = "payments")]
#[test]
fn partner_and_combine_resources_are_distinct() {
    use wechatpay_models::payments::{CombineTransaction, PartnerTransaction};

    let partner = case("N01")["plaintext"].as_str().expect("plaintext").to_owned();
    let combine = case("N02")["plaintext"].as_str().expect("plaintext").to_owned();
    assert!(serde_json::from_str::<CombineTransaction>(&partner).is_err());
    assert!(serde_json::from_str::<PartnerTransaction>(&combine).is_err());
}

// Proves new enum values and new members from WeChat Pay neither break parsing nor get lost
// (enum values) on the way back out.
#[cfg(feature = "payments")]
#[test]
fn unknown_values_and_members_are_tolerated() {
    use wechatpay_models::payments::{PartnerTransaction, TradeState, TradeType};

    let c = case("N01");
    let mut plaintext: Value =
        serde_json::from_str(c["plaintext"].as_str().expect("plaintext")).expect("JSON");
    plaintext["trade_state"] = Value::from("FUTURE_STATE");
    plaintext["trade_type"] = Value::from("NEW_TYPE");
    plaintext["brand_new_member"] = Value::from(1);
    plaintext["amount"]["currency"] = Value::from("USD");

    let t: PartnerTransaction = serde_json::from_value(plaintext).expect("parses");
    assert_eq!(t.trade_state, TradeState::Unknown("FUTURE_STATE".to_owned()));
    assert_eq!(t.trade_type, Some(TradeType::Unknown("NEW_TYPE".to_owned())));
    let back = serde_json::to_value(&t).expect("serializes");
    assert_eq!(back["trade_state"], "FUTURE_STATE");
    assert_eq!(back["trade_type"], "NEW_TYPE");
    assert_eq!(back["amount"]["currency"], "USD");
    assert!(back.get("brand_new_member").is_none());
}

// Proves an envelope with an unknown event type and no associated_data still parses and
// serializes back without inventing the missing member.
#[test]
fn unknown_event_type_envelope() {
    let body = r#"{"id":"EV-9","create_time":"2025-01-01T10:35:00+08:00","resource_type":"encrypt-resource","event_type":"SOMETHING.NEW","summary":"新","resource":{"original_type":"new_thing","algorithm":"AEAD_AES_256_GCM","ciphertext":"AAAA","nonce":"0123456789ab"}}"#;
    let n: Notification = round_trip_exact(body);
    assert_eq!(n.event_type, EventType::Unknown("SOMETHING.NEW".to_owned()));
    assert!(n.resource.associated_data.is_none());
    assert!(n.resource.associated_data_bytes().is_empty());
    assert_eq!(serde_json::to_string(&n).expect("serializes"), body);
}

// Proves the profit-sharing resource shape from notify.json parses and round-trips.
#[cfg(feature = "profitsharing")]
#[test]
fn profitsharing_resource_round_trips() {
    use wechatpay_models::profitsharing::{ProfitSharingNotification, ReceiverType};

    let text = r#"{"sp_mchid":"1900000100","sub_mchid":"1900000109","transaction_id":"4200000985202103031441826014","order_id":"3008450740201411110007820472","out_order_no":"P20150806125346","receiver":{"type":"MERCHANT_ID","account":"1900000110","amount":888,"description":"运费分账"},"success_time":"2025-01-03T10:00:00+08:00"}"#;
    let n: ProfitSharingNotification = round_trip(text);
    assert_eq!(n.receiver.r#type, ReceiverType::MerchantId);
    assert_eq!(n.receiver.amount, 888);
    assert_eq!(serde_json::to_string(&n).expect("serializes"), text);
}

// Proves the withdrawal resource shape from notify.json parses, including a platform
// withdrawal without sub_mchid.
#[cfg(feature = "withdraw")]
#[test]
fn withdraw_resource_round_trips() {
    use wechatpay_models::account::AccountType;
    use wechatpay_models::withdraw::{WithdrawNotification, WithdrawStatus};

    let text = r#"{"sp_mchid":"1900000100","status":"SUCCESS","withdraw_id":"102000000000201907250014600000","out_request_no":"W20190725001","amount":1000,"create_time":"2025-01-04T10:00:00+08:00","update_time":"2025-01-04T10:05:00+08:00","account_type":"BASIC","account_number":"0403","account_bank":"招商银行"}"#;
    let n: WithdrawNotification = round_trip(text);
    assert_eq!(n.status, WithdrawStatus::Success);
    assert_eq!(n.account_type, AccountType::Basic);
    assert!(n.sub_mchid.is_none());
    assert_eq!(serde_json::to_string(&n).expect("serializes"), text);
}
