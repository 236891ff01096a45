//! Balances (余额查询) of sub-merchants and of the platform, real time and end of day.
//!
//! | endpoint id | method and path | request | response |
//! | --- | --- | --- | --- |
//! | `fund.sub_balance` | `GET /v3/ecommerce/fund/balance/{sub_mchid}` | query [`SubBalanceParams`] | [`SubMerchantBalance`] |
//! | `fund.sub_enddaybalance` | `GET /v3/ecommerce/fund/enddaybalance/{sub_mchid}` | query [`SubDayEndBalanceParams`] | [`SubMerchantBalance`] |
//! | `fund.platform_balance` | `GET /v3/merchant/fund/balance/{account_type}` | – | [`PlatformBalance`] |
//! | `fund.platform_dayendbalance` | `GET /v3/merchant/fund/dayendbalance/{account_type}` | query [`DayEndBalanceParams`] | [`PlatformBalance`] |
//!
//! The platform endpoints take the account in the path: an [`AccountType`] of `BASIC`,
//! `OPERATION` or `FEES`.

use serde::{Deserialize, Serialize};

use crate::account::AccountType;
use crate::time::Date;

/// A sub-merchant's balance: the response of `fund.sub_balance` (real time) and
/// `fund.sub_enddaybalance` (end of day) (二级商户账户余额).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubMerchantBalance {
    /// Sub-merchant id (二级商户号).
    pub sub_mchid: String,
    /// Available balance (fen) (可用余额).
    pub available_amount: i64,
    /// Unavailable (frozen/pending) balance (fen) (不可用余额).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub pending_amount: Option<i64>,
    /// Account type (资金账户类型).
    ///
    /// Uncertain: only listed by the openapi repo.
    /// Note: echo of the queried account type.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub account_type: Option<AccountType>,
}

/// The query string of `fund.sub_balance`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubBalanceParams {
    /// Account to query: `BASIC` (the default), `OPERATION`, `FEES` or `DEPOSIT`
    /// (二级商户账户类型).
    ///
    /// Note: `DEPOSIT` is on the current page only; older pages list the other three.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub account_type: Option<AccountType>,
}

/// The query string of `fund.sub_enddaybalance`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubDayEndBalanceParams {
    /// The day, available from 10:00 the next day (日期).
    pub date: Date,
    /// Account to query: `BASIC` (the default) or `DEPOSIT` (账户类型).
    ///
    /// Uncertain: the sources disagree.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub account_type: Option<AccountType>,
}

/// The platform's balance: the response of `fund.platform_balance` (real time) and
/// `fund.platform_dayendbalance` (end of day) (电商平台账户余额).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlatformBalance {
    /// Available balance (fen) (可用余额).
    pub available_amount: i64,
    /// Unavailable (frozen/pending) balance (fen) (不可用余额).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub pending_amount: Option<i64>,
}

/// The query string of `fund.platform_dayendbalance`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DayEndBalanceParams {
    /// The day, within the last 90 days and available from 10:00 the next day (日期).
    pub date: Date,
}
