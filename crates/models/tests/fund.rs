//! Balance (余额查询) types against realistic bodies and query strings.

#![cfg(feature = "fund")]

mod support;

use support::{query_round_trip, round_trip};
use wechatpay_models::account::AccountType;
use wechatpay_models::fund::*;
use wechatpay_models::time::Date;

// Proves the sub-merchant balance parses with and without the echoed account type, and its
// parameters encode like signature vector S14's query string.
#[test]
fn sub_merchant_balances() {
    let realtime: SubMerchantBalance = round_trip(
        r#"{"sub_mchid":"1900000109","available_amount":100,"pending_amount":50,"account_type":"BASIC"}"#,
    );
    assert_eq!(realtime.account_type, Some(AccountType::Basic));
    let day_end: SubMerchantBalance =
        round_trip(r#"{"sub_mchid":"1900000109","available_amount":0}"#);
    assert_eq!(day_end.pending_amount, None);
    let params = SubBalanceParams { account_type: Some(AccountType::Basic) };
    assert_eq!(query_round_trip(&params), "account_type=BASIC");
    assert_eq!(query_round_trip(&SubBalanceParams::default()), "");
    let day = SubDayEndBalanceParams {
        date: Date::from_ymd(2025, 1, 2).unwrap(),
        account_type: Some(AccountType::Deposit),
    };
    assert_eq!(query_round_trip(&day), "date=2025-01-02&account_type=DEPOSIT");
}

// Proves the platform balance and its day-end parameter round-trip, and a bad date is refused.
#[test]
fn platform_balances() {
    let balance: PlatformBalance =
        round_trip(r#"{"available_amount":1000000,"pending_amount":2000}"#);
    assert_eq!(balance.available_amount, 1_000_000);
    let params = DayEndBalanceParams { date: Date::from_ymd(2025, 1, 2).unwrap() };
    assert_eq!(query_round_trip(&params), "date=2025-01-02");
    assert!(serde_urlencoded::from_str::<DayEndBalanceParams>("date=2025-13-02").is_err());
}
