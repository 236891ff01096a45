//! Balances (`/v3/ecommerce/fund/…balance…`, `/v3/merchant/fund/…balance…`), read from the
//! ledger: BASIC is `AVAILABLE` (available_amount) + `FROZEN` (pending_amount); OPERATION,
//! FEES and DEPOSIT have no pending part. Day-end balances count the entries before 00:00
//! Beijing time (+08:00) of the next day, on the tenant's virtual clock, and exist only once
//! that day is over (`400 INVALID_REQUEST` before). Due withdrawal arrivals land first, so a
//! balance never shows money in transit that already reached the bank.

use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use wechatpay_models::account::AccountType;
use wechatpay_models::fund::{
    DayEndBalanceParams, PlatformBalance, SubBalanceParams, SubDayEndBalanceParams,
    SubMerchantBalance,
};
use wechatpay_models::time::Date;

use super::withdraw;
use crate::error::{ApiError, Location};
use crate::extract::{WxPath, WxQuery};
use crate::ledger::{day_end_unix, FundAccountType, FundBalance, Ledger};
use crate::protocol::Caller;
use crate::state::MockState;
use crate::store::Txn;

pub(crate) fn routes() -> Router<MockState> {
    Router::new()
        .route("/v3/ecommerce/fund/balance/{sub_mchid}", get(sub_balance))
        .route("/v3/ecommerce/fund/enddaybalance/{sub_mchid}", get(sub_day_end))
        .route("/v3/merchant/fund/balance/{account_type}", get(platform_balance))
        .route("/v3/merchant/fund/dayendbalance/{account_type}", get(platform_day_end))
}

fn fund_type(t: Option<&AccountType>, location: Location) -> Result<FundAccountType, ApiError> {
    match t {
        None | Some(AccountType::Basic) => Ok(FundAccountType::Basic),
        Some(AccountType::Operation) => Ok(FundAccountType::Operation),
        Some(AccountType::Fees) => Ok(FundAccountType::Fees),
        Some(AccountType::Deposit) => Ok(FundAccountType::Deposit),
        Some(other) => Err(ApiError::param_error(
            "account_type",
            location,
            format!("{other} is not BASIC, OPERATION, FEES or DEPOSIT"),
        )),
    }
}

/// The balance of `mchid`, now or at the end of `date`, after landing due withdrawals.
fn read(
    tx: &mut Txn<'_>,
    mchid: &str,
    account: FundAccountType,
    date: Option<Date>,
    profile: crate::policy::TimingProfile,
) -> Result<FundBalance, ApiError> {
    withdraw::catch_up(tx, profile)?;
    if let Some(date) = date {
        if tx.now_unix() < day_end_unix(date) {
            return Err(ApiError::invalid_request(format!("{date} 的日终余额尚未生成"))
                .with_value(date.to_string()));
        }
    }
    let ledger: &Ledger = tx.ledger();
    Ok(match date {
        Some(d) => ledger.day_end_fund_balance(mchid, account, d),
        None => ledger.fund_balance(mchid, account),
    })
}

fn sub(
    state: &MockState,
    caller: &Caller,
    sub_mchid: &str,
    account_type: Option<&AccountType>,
    date: Option<Date>,
) -> Result<SubMerchantBalance, ApiError> {
    let account = fund_type(account_type, Location::Query)?;
    let profile = state.timing();
    let b = state.store().transact(caller.tenant(), |tx| {
        if !tx.is_sub_merchant(sub_mchid) {
            return Err(ApiError::no_auth("二级商户未入驻本平台").with_value(sub_mchid.to_owned()));
        }
        read(tx, sub_mchid, account, date, profile)
    })?;
    Ok(SubMerchantBalance {
        sub_mchid: sub_mchid.to_owned(),
        available_amount: b.available_fen,
        pending_amount: Some(b.pending_fen),
        account_type: Some(account_type.cloned().unwrap_or(AccountType::Basic)),
    })
}

async fn sub_balance(
    caller: Caller,
    State(state): State<MockState>,
    WxPath(sub_mchid): WxPath<String>,
    WxQuery(q): WxQuery<SubBalanceParams>,
) -> Result<Json<SubMerchantBalance>, ApiError> {
    sub(&state, &caller, &sub_mchid, q.account_type.as_ref(), None).map(Json)
}

async fn sub_day_end(
    caller: Caller,
    State(state): State<MockState>,
    WxPath(sub_mchid): WxPath<String>,
    WxQuery(q): WxQuery<SubDayEndBalanceParams>,
) -> Result<Json<SubMerchantBalance>, ApiError> {
    sub(&state, &caller, &sub_mchid, q.account_type.as_ref(), Some(q.date)).map(Json)
}

fn platform(
    state: &MockState,
    caller: &Caller,
    account_type: &str,
    date: Option<Date>,
) -> Result<PlatformBalance, ApiError> {
    let account = fund_type(Some(&AccountType::from(account_type)), Location::Path)?;
    let profile = state.timing();
    let mchid = caller.mchid().to_owned();
    let b =
        state.store().transact(caller.tenant(), |tx| read(tx, &mchid, account, date, profile))?;
    Ok(PlatformBalance { available_amount: b.available_fen, pending_amount: Some(b.pending_fen) })
}

async fn platform_balance(
    caller: Caller,
    State(state): State<MockState>,
    WxPath(account_type): WxPath<String>,
) -> Result<Json<PlatformBalance>, ApiError> {
    platform(&state, &caller, &account_type, None).map(Json)
}

async fn platform_day_end(
    caller: Caller,
    State(state): State<MockState>,
    WxPath(account_type): WxPath<String>,
    WxQuery(q): WxQuery<DayEndBalanceParams>,
) -> Result<Json<PlatformBalance>, ApiError> {
    platform(&state, &caller, &account_type, Some(q.date)).map(Json)
}
