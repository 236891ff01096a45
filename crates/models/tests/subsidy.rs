//! Subsidy (补差) request and response types against realistic bodies.

#![cfg(feature = "subsidy")]

mod support;

use support::round_trip;
use wechatpay_models::account::FundsAccount;
use wechatpay_models::sensitive::SensitiveFields;
use wechatpay_models::subsidy::*;

// Proves the subsidy create request and response round-trip, with the optional idempotency key.
#[test]
fn create_round_trips() {
    let request: CreateSubsidyRequest = round_trip(
        r#"{"sub_mchid":"1900000109","transaction_id":"4208450740201411110007820472","amount":10,"description":"满减补差","out_subsidy_no":"SUB20250101001"}"#,
    );
    assert_eq!(request.amount, 10);
    assert!(CreateSubsidyRequest::SENSITIVE_FIELDS.is_empty());
    let response: CreateSubsidyResponse = round_trip(
        r#"{"sub_mchid":"1900000109","transaction_id":"4208450740201411110007820472","subsidy_id":"3008450740201411110007820472",
        "description":"满减补差","amount":10,"result":"SUCCESS","success_time":"2025-01-01T10:40:00+08:00","out_subsidy_no":"SUB20250101001"}"#,
    );
    assert_eq!(response.result, SubsidyResult::Success);
    let refunded: CreateSubsidyResponse = round_trip(
        r#"{"sub_mchid":"1900000109","transaction_id":"4208450740201411110007820472","subsidy_id":"3008450740201411110007820472",
        "description":"满减补差","amount":10,"result":"REFUND"}"#,
    );
    assert_eq!(refunded.result, SubsidyResult::Refund);
}

// Proves the subsidy return request and response round-trip, with funding accounts.
#[test]
fn return_round_trips() {
    let request: ReturnSubsidyRequest = round_trip(
        r#"{"sub_mchid":"1900000109","out_order_no":"R20250102001","transaction_id":"4208450740201411110007820472",
        "refund_id":"50000000382019052709732678859","amount":10,"description":"退款补差回退",
        "subsidy_id":"3008450740201411110007820472","from":[{"account":"AVAILABLE","amount":10}]}"#,
    );
    assert_eq!(request.from.as_ref().unwrap()[0].account, Some(FundsAccount::Available));
    let response: ReturnSubsidyResponse = round_trip(
        r#"{"sub_mchid":"1900000109","transaction_id":"4208450740201411110007820472","subsidy_refund_id":"3008450740201411110007820473",
        "refund_id":"50000000382019052709732678859","out_order_no":"R20250102001","amount":10,"description":"退款补差回退",
        "result":"FAIL"}"#,
    );
    assert_eq!(response.result, SubsidyResult::Fail);
    assert!(response.success_time.is_none());
}

// Proves the cancel request and response round-trip.
#[test]
fn cancel_round_trips() {
    let request: CancelSubsidyRequest = round_trip(
        r#"{"sub_mchid":"1900000109","transaction_id":"4208450740201411110007820472","description":"订单不参与活动"}"#,
    );
    assert_eq!(request.description, "订单不参与活动");
    let response: CancelSubsidyResponse = round_trip(
        r#"{"sub_mchid":"1900000109","transaction_id":"4208450740201411110007820472","result":"SUCCESS","description":"订单不参与活动"}"#,
    );
    assert_eq!(response.result, SubsidyResult::Success);
}
