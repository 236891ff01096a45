//! Withdrawal (提现) request and response types against realistic bodies.

#![cfg(feature = "withdraw")]

mod support;

use support::{query_round_trip, round_trip};
use wechatpay_models::account::AccountType;
use wechatpay_models::download::{HashType, TarType};
use wechatpay_models::sensitive::SensitiveFields;
use wechatpay_models::time::Date;
use wechatpay_models::withdraw::*;

// Proves the sub-merchant withdrawal request, response, query and parameters round-trip.
#[test]
fn sub_merchant_withdrawal() {
    let request: SubWithdrawRequest = round_trip(
        r#"{"sub_mchid":"1900000109","out_request_no":"W20250104001","amount":1000,"remark":"交易提现","bank_memo":"微信支付提现","account_type":"BASIC","notify_url":"https://shop.example.com/withdraw-notify"}"#,
    );
    assert_eq!(request.account_type, Some(AccountType::Basic));
    assert!(SubWithdrawRequest::SENSITIVE_FIELDS.is_empty());
    let accepted: SubWithdrawResponse = round_trip(
        r#"{"sub_mchid":"1900000109","withdraw_id":"12321937198237912739132791732123","out_request_no":"W20250104001"}"#,
    );
    assert_eq!(accepted.withdraw_id.len(), 32);
    let queried: SubWithdraw = round_trip(
        r#"{"sub_mchid":"1900000109","sp_mchid":"1900000100","status":"REFUND","withdraw_id":"12321937198237912739132791732123",
        "out_request_no":"W20250104001","amount":1000,"create_time":"2025-01-04T10:00:00+08:00","update_time":"2025-01-06T10:00:00+08:00",
        "reason":"银行退票","remark":"交易提现","bank_memo":"微信支付提现","account_type":"BASIC","account_number":"0403",
        "account_bank":"招商银行","bank_name":"招商银行深圳分行"}"#,
    );
    assert_eq!(queried.status, WithdrawStatus::Refund);
    let params = SubWithdrawParams { sub_mchid: "1900000109".into() };
    assert_eq!(query_round_trip(&params), "sub_mchid=1900000109");
}

// Proves the platform withdrawal request, response and query round-trip.
#[test]
fn platform_withdrawal() {
    let request: PlatformWithdrawRequest = round_trip(
        r#"{"out_request_no":"PW20250104001","amount":500000,"remark":"平台提现","account_type":"OPERATION"}"#,
    );
    assert_eq!(request.account_type, AccountType::Operation);
    let accepted: PlatformWithdrawResponse = round_trip(
        r#"{"withdraw_id":"22321937198237912739132791732123","out_request_no":"PW20250104001"}"#,
    );
    assert_eq!(accepted.out_request_no, "PW20250104001");
    let failed: PlatformWithdraw = round_trip(
        r#"{"status":"FAIL","withdraw_id":"22321937198237912739132791732123","out_request_no":"PW20250104001",
        "amount":500000,"create_time":"2025-01-04T10:00:00+08:00","update_time":"2025-01-04T10:05:00+08:00",
        "reason":"账户余额不足","account_type":"OPERATION","solution":"请充值后重试"}"#,
    );
    assert_eq!(failed.status, WithdrawStatus::Fail);
    assert_eq!(failed.solution.as_deref(), Some("请充值后重试"));
}

// Proves the abnormal-withdrawal bill parameters encode and its response parses.
#[test]
fn abnormal_bill() {
    let params = WithdrawBillParams {
        bill_date: Date::from_ymd(2025, 1, 3).unwrap(),
        tar_type: Some(TarType::Gzip),
    };
    assert_eq!(query_round_trip(&params), "bill_date=2025-01-03&tar_type=GZIP");
    assert_eq!(BillType::NoSucc.as_str(), "NO_SUCC");
    let url: BillDownloadUrl = round_trip(
        r#"{"hash_type":"SHA1","hash_value":"79bb0f45fc4c42234a918000b2668d689e2bde04","download_url":"https://api.mch.weixin.qq.com/v3/billdownload/file?token=xxx"}"#,
    );
    assert_eq!(url.hash_type, HashType::Sha1);
}
