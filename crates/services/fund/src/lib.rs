//! # wechatpay-fund
//!
//! Money on a WeChat Pay 平台收付通 platform after settlement: balances and withdrawals.
//!
//! - Balances (余额查询): [`Funds::sub_balance`] / [`Funds::sub_day_end_balance`] for a
//!   sub-merchant, [`Funds::platform_balance`] / [`Funds::platform_day_end_balance`] for the
//!   platform's own accounts (`BASIC`, `OPERATION`, `FEES`, `DEPOSIT`). A day-end balance
//!   is the balance at 24:00 Beijing time of that day.
//! - Withdrawals (提现): [`Funds::withdraw`] (a sub-merchant) and [`Funds::platform_withdraw`]
//!   move money from the available balance to the bank; follow them with the queries or the
//!   `MCHWITHDRAW.CHANGE` callback until [`WithdrawStatusExt::is_final`].
//!
//! WeChat Pay deduplicates withdrawals by `out_request_no`, so both creates are marked
//! idempotent: the transport retries them on `5xx`, `429` and connection failures, and the
//! same `out_request_no` never withdraws twice. A withdrawal refused with `NOT_ENOUGH` stays
//! `INIT`: retry it later **with the same `out_request_no` and amount** once money arrived.
//!
//! Every call is also a public [`Operation`](wechatpay_transport::Operation) for
//! [`Transport::execute`].
//!
//! ```
//! use wechatpay_fund::*;
//!
//! let request = SubWithdrawRequest {
//!     sub_mchid: "1900000109".into(),
//!     out_request_no: "W 1".into(), // a space is not allowed
//!     amount: 100,
//!     remark: None,
//!     bank_memo: None,
//!     account_type: None,
//!     notify_url: None,
//! };
//! let err = validate_sub_withdraw(&request).unwrap_err();
//! assert!(err.to_string().contains("/out_request_no"));
//! assert!(WithdrawStatus::Refund.is_final());
//! assert!(!WithdrawStatus::CreateSuccess.is_final());
//! ```
//!
//! docs/guides/funds-and-bills.md walks through balances, withdrawals and bills against the
//! mock server.
#![forbid(unsafe_code)]
// Input from the network, files and callbacks must never panic (issue #10): no unwrap, expect,
// panic or unchecked indexing outside tests. A provably infallible case keeps a local
// `#[allow]` with a comment saying why.
#![deny(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]
#![cfg_attr(
    test,
    allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)
)]

mod balance;
mod status;
mod validate;
mod withdraw;

pub use balance::{PlatformBalanceQuery, PlatformDayEndBalance, SubBalance, SubDayEndBalance};
pub use status::WithdrawStatusExt;
pub use validate::{
    validate_platform_withdraw, validate_sub_withdraw, MAX_OUT_REQUEST_NO_CHARS, MAX_WITHDRAW_FEN,
};
pub use wechatpay_models::account::AccountType;
pub use wechatpay_models::fund::*;
pub use wechatpay_models::time::{Date, DateTime};
pub use wechatpay_models::withdraw::{
    PlatformWithdraw, PlatformWithdrawRequest, PlatformWithdrawResponse, SubWithdraw,
    SubWithdrawRequest, SubWithdrawResponse, WithdrawNotification, WithdrawStatus,
};
pub use wechatpay_transport::{BuildError, Error, Transport};
pub use withdraw::{
    CreatePlatformWithdraw, CreateSubWithdraw, QueryPlatformWithdraw, QuerySubWithdraw, WithdrawKey,
};

/// Balances and withdrawals through one [`Transport`] (signed as the platform). Cheap to
/// clone.
///
/// ```no_run
/// # async fn run(transport: wechatpay_transport::Transport) -> Result<(), wechatpay_transport::Error> {
/// use wechatpay_fund::{AccountType, Funds, SubWithdrawRequest, WithdrawStatusExt};
///
/// let funds = Funds::new(transport);
/// let balance = funds.sub_balance("1900000109", None).await?;
/// let request = SubWithdrawRequest {
///     sub_mchid: "1900000109".into(),
///     out_request_no: "W20260101000001".into(),
///     amount: balance.available_amount,
///     remark: None, bank_memo: Some("货款".into()), account_type: None, notify_url: None,
/// };
/// let accepted = funds.withdraw(&request).await?;
/// let w = funds.query_withdraw("1900000109", &accepted.withdraw_id).await?;
/// println!("{} {}", w.status, w.status.is_final());
/// # Ok(()) }
/// ```
#[derive(Clone, Debug)]
pub struct Funds {
    transport: Transport,
}

impl Funds {
    /// Calls sent through `transport`.
    pub fn new(transport: Transport) -> Self {
        Self { transport }
    }

    /// A sub-merchant's real-time balance of `account_type` (`BASIC` when `None`).
    ///
    /// # Errors
    /// [`Error::Api`] with `NO_AUTH` (not a sub-merchant of this platform); others as
    /// [`Transport::execute`].
    pub async fn sub_balance(
        &self,
        sub_mchid: &str,
        account_type: Option<AccountType>,
    ) -> Result<SubMerchantBalance, Error> {
        self.transport.execute(&SubBalance::new(sub_mchid, account_type)).await
    }

    /// A sub-merchant's balance at the end of `date` (Beijing time).
    ///
    /// # Errors
    /// [`Error::Api`] with `NO_STATEMENT_EXIST` / `INVALID_REQUEST` for a day not over yet;
    /// others as [`sub_balance`](Self::sub_balance).
    pub async fn sub_day_end_balance(
        &self,
        sub_mchid: &str,
        date: Date,
        account_type: Option<AccountType>,
    ) -> Result<SubMerchantBalance, Error> {
        self.transport.execute(&SubDayEndBalance::new(sub_mchid, date, account_type)).await
    }

    /// The platform's real-time balance of one account.
    ///
    /// # Errors
    /// As [`Transport::execute`].
    pub async fn platform_balance(
        &self,
        account_type: AccountType,
    ) -> Result<PlatformBalance, Error> {
        self.transport.execute(&PlatformBalanceQuery::new(account_type)).await
    }

    /// The platform's balance of one account at the end of `date` (Beijing time).
    ///
    /// # Errors
    /// As [`sub_day_end_balance`](Self::sub_day_end_balance).
    pub async fn platform_day_end_balance(
        &self,
        account_type: AccountType,
        date: Date,
    ) -> Result<PlatformBalance, Error> {
        self.transport.execute(&PlatformDayEndBalance::new(account_type, date)).await
    }

    /// Withdraws a sub-merchant's available balance to its settlement bank account. The
    /// same `out_request_no` again answers the same withdrawal.
    ///
    /// # Errors
    /// [`Error::Build`] when a client-side check fails (nothing is sent); [`Error::Api`] with
    /// `NOT_ENOUGH` (the withdrawal stays `INIT`; retry it unchanged once money arrived),
    /// `INVALID_REQUEST` (same `out_request_no` with other content), `NO_AUTH`; others as
    /// [`Transport::execute`].
    pub async fn withdraw(
        &self,
        request: &SubWithdrawRequest,
    ) -> Result<SubWithdrawResponse, Error> {
        self.transport.execute(&CreateSubWithdraw::new(request)).await
    }

    /// A sub-merchant's withdrawal by WeChat Pay's `withdraw_id`.
    ///
    /// # Errors
    /// [`Error::Api`] with `ORDER_NOT_EXIST` / `RESOURCE_NOT_EXISTS`; others as
    /// [`Transport::execute`].
    pub async fn query_withdraw(
        &self,
        sub_mchid: &str,
        withdraw_id: &str,
    ) -> Result<SubWithdraw, Error> {
        let op = QuerySubWithdraw::new(sub_mchid, WithdrawKey::WithdrawId(withdraw_id));
        self.transport.execute(&op).await
    }

    /// A sub-merchant's withdrawal by the platform's `out_request_no`.
    ///
    /// # Errors
    /// As [`query_withdraw`](Self::query_withdraw).
    pub async fn query_withdraw_by_out_request_no(
        &self,
        sub_mchid: &str,
        out_request_no: &str,
    ) -> Result<SubWithdraw, Error> {
        let op = QuerySubWithdraw::new(sub_mchid, WithdrawKey::OutRequestNo(out_request_no));
        self.transport.execute(&op).await
    }

    /// Withdraws from one of the platform's own accounts.
    ///
    /// # Errors
    /// As [`withdraw`](Self::withdraw).
    pub async fn platform_withdraw(
        &self,
        request: &PlatformWithdrawRequest,
    ) -> Result<PlatformWithdrawResponse, Error> {
        self.transport.execute(&CreatePlatformWithdraw::new(request)).await
    }

    /// A platform withdrawal by `withdraw_id`.
    ///
    /// # Errors
    /// As [`query_withdraw`](Self::query_withdraw).
    pub async fn query_platform_withdraw(
        &self,
        withdraw_id: &str,
    ) -> Result<PlatformWithdraw, Error> {
        self.transport
            .execute(&QueryPlatformWithdraw::new(WithdrawKey::WithdrawId(withdraw_id)))
            .await
    }

    /// A platform withdrawal by `out_request_no`.
    ///
    /// # Errors
    /// As [`query_withdraw`](Self::query_withdraw).
    pub async fn query_platform_withdraw_by_out_request_no(
        &self,
        out_request_no: &str,
    ) -> Result<PlatformWithdraw, Error> {
        self.transport
            .execute(&QueryPlatformWithdraw::new(WithdrawKey::OutRequestNo(out_request_no)))
            .await
    }

    /// The transport used.
    pub fn transport(&self) -> &Transport {
        &self.transport
    }
}
