//! The payment state machine: one `match` from (status, event) to the next status, and the
//! automatic moves that are due when a payment is looked at (time_expire, magic amounts).

use std::time::Duration;

use axum::http::StatusCode;
use wechatpay_models::payments::TradeState;

use super::magic::Magic;
use super::Payment;
use crate::error::ApiError;
use crate::policy::{Timing, TimingProfile, TransitionPolicy};

/// Where a payment stands.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Status {
    /// Created, not paid (`NOTPAY`).
    NotPay,
    /// The payer is confirming (`USERPAYING`).
    UserPaying,
    /// Paid (`SUCCESS`).
    Success {
        /// When, virtual unix seconds.
        success_unix: i64,
        /// The paying bank (`OTHERS`, `CMB_DEBIT`, `CMB_CREDIT` …).
        bank_type: String,
        /// The payer's openid under the payment's appid.
        openid: String,
    },
    /// The payment attempt failed (`PAYERROR`); the payer may try again.
    PayError {
        /// `trade_state_desc`.
        desc: String,
    },
    /// Closed by the merchant or because `time_expire` passed (`CLOSED`).
    Closed {
        /// Whether `time_expire` closed it.
        expired: bool,
    },
}

impl Status {
    /// The trade state WeChat Pay reports (before refunds).
    pub(crate) fn trade_state(&self) -> TradeState {
        match self {
            Self::NotPay => TradeState::NotPay,
            Self::UserPaying => TradeState::UserPaying,
            Self::Success { .. } => TradeState::Success,
            Self::PayError { .. } => TradeState::PayError,
            Self::Closed { .. } => TradeState::Closed,
        }
    }

    /// `trade_state_desc`.
    pub(crate) fn desc(&self) -> &str {
        match self {
            Self::NotPay => "未支付",
            Self::UserPaying => "用户支付中(输入密码)",
            Self::Success { .. } => "支付成功",
            Self::PayError { desc } => desc,
            Self::Closed { expired: false } => "已关闭",
            Self::Closed { expired: true } => "订单已超过支付截止时间(time_expire), 已关闭",
        }
    }
}

/// What can happen to a payment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Event {
    /// The payer paid.
    Pay { bank_type: String, openid: String },
    /// The payment attempt failed.
    Fail { desc: String },
    /// The payer started confirming.
    StartUserPaying,
    /// The merchant (or the admin API) closed it.
    Close,
    /// `time_expire` passed.
    Expire,
}

impl Event {
    fn name(&self) -> &'static str {
        match self {
            Self::Pay { .. } => "be paid",
            Self::Fail { .. } => "fail",
            Self::StartUserPaying => "start paying",
            Self::Close => "be closed",
            Self::Expire => "expire",
        }
    }
}

/// A move the machine does not make; says what WeChat Pay answers instead.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("a {} order cannot {}", .from.as_str(), .event)]
pub(crate) struct BadTransition {
    pub(crate) from: TradeState,
    pub(crate) event: &'static str,
}

impl From<BadTransition> for ApiError {
    fn from(e: BadTransition) -> Self {
        let issue = e.to_string();
        let error = match e.from {
            TradeState::Closed => {
                ApiError::new(StatusCode::BAD_REQUEST, "ORDER_CLOSED", "订单已关闭")
            }
            TradeState::Success | TradeState::Refund => {
                ApiError::invalid_request("订单已支付, 不能进行此操作")
            }
            _ => ApiError::invalid_request(format!("订单状态({})不允许此操作", e.from.as_str())),
        };
        error.with_detail(wechatpay_models::error::ErrorDetail {
            issue: Some(issue),
            ..Default::default()
        })
    }
}

/// The next status after `event` at `now_unix`.
///
/// # Errors
/// [`BadTransition`] for a move the machine does not make.
pub(crate) fn next(status: &Status, event: Event, now_unix: i64) -> Result<Status, BadTransition> {
    use Status::{Closed, NotPay, PayError, Success, UserPaying};
    Ok(match (status, event) {
        (NotPay | UserPaying | PayError { .. }, Event::Pay { bank_type, openid }) => {
            Success { success_unix: now_unix, bank_type, openid }
        }
        (NotPay | UserPaying, Event::Fail { desc }) => PayError { desc },
        (NotPay | PayError { .. }, Event::StartUserPaying) => UserPaying,
        (NotPay | PayError { .. }, Event::Close) => Closed { expired: false },
        (NotPay | PayError { .. }, Event::Expire) => Closed { expired: true },
        (from, event) => {
            return Err(BadTransition { from: from.trade_state(), event: event.name() })
        }
    })
}

/// When a magic amount's automatic move happens: on the first query after the payment
/// entered its state (`fast`), or 10 virtual seconds after (`production`).
pub(crate) const MAGIC_TIMING: Timing = Timing::new(
    TransitionPolicy::AfterPolls(1),
    TransitionPolicy::AfterVirtual(Duration::from_secs(10)),
);

/// The payer openid used when nobody named one (WeChat Pay's documentation example).
pub(crate) const DEFAULT_OPENID: &str = "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o";

/// The automatic move due for `payment` at `now_unix`, if any: expiry first, then the
/// payment's magic amount.
pub(crate) fn due(payment: &Payment, now_unix: i64, profile: TimingProfile) -> Option<Event> {
    let expired = payment.time_expire_unix.is_some_and(|at| now_unix >= at);
    if expired && matches!(payment.status, Status::NotPay | Status::PayError { .. }) {
        return Some(Event::Expire);
    }
    let magic = payment.magic?;
    if !MAGIC_TIMING.for_profile(profile).is_due(&payment.pending, now_unix) {
        return None;
    }
    match (magic, &payment.status) {
        (Magic::PaySucceeds, Status::NotPay) | (Magic::PaySlowly, Status::UserPaying) => {
            Some(Event::Pay { bank_type: "OTHERS".into(), openid: payer_openid(payment, None) })
        }
        (Magic::PayFails, Status::NotPay) => {
            Some(Event::Fail { desc: Magic::PayFails.desc().into() })
        }
        (Magic::PaySlowly, Status::NotPay) => Some(Event::StartUserPaying),
        _ => None,
    }
}

/// Who pays: the openid given (admin), else the one the request named, else the default.
pub(crate) fn payer_openid(payment: &Payment, given: Option<&str>) -> String {
    let named = match &payment.kind {
        super::Kind::Partner { sp_openid, .. } => sp_openid.as_deref(),
        super::Kind::Combine { openid, .. } => openid.as_deref(),
    };
    given.or(named).unwrap_or(DEFAULT_OPENID).to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pay() -> Event {
        Event::Pay { bank_type: "OTHERS".into(), openid: DEFAULT_OPENID.into() }
    }

    // Proves every allowed move lands where the diagram says, and the rest are refused with
    // the answer WeChat Pay gives (ORDER_CLOSED for closed orders, INVALID_REQUEST for paid).
    #[test]
    fn transitions() {
        let paid = next(&Status::NotPay, pay(), 7).unwrap();
        assert_eq!(paid.trade_state(), TradeState::Success);
        assert!(matches!(paid, Status::Success { success_unix: 7, .. }));
        assert_eq!(next(&Status::UserPaying, pay(), 1).unwrap().trade_state(), TradeState::Success);
        let failed = next(&Status::NotPay, Event::Fail { desc: "银行返回失败".into() }, 1).unwrap();
        assert_eq!((failed.trade_state(), failed.desc()), (TradeState::PayError, "银行返回失败"));
        assert_eq!(next(&failed, pay(), 2).unwrap().trade_state(), TradeState::Success);
        assert_eq!(next(&Status::NotPay, Event::StartUserPaying, 1).unwrap(), Status::UserPaying);
        assert_eq!(
            next(&Status::NotPay, Event::Close, 1).unwrap(),
            Status::Closed { expired: false }
        );
        assert_eq!(next(&failed, Event::Expire, 1).unwrap(), Status::Closed { expired: true });

        let closed = Status::Closed { expired: true };
        let e = next(&closed, pay(), 1).unwrap_err();
        assert_eq!(ApiError::from(e).code(), "ORDER_CLOSED");
        let e = next(&paid, Event::Close, 1).unwrap_err();
        assert_eq!(ApiError::from(e).code(), "INVALID_REQUEST");
        assert!(next(&paid, pay(), 1).is_err());
        assert!(next(&Status::UserPaying, Event::Close, 1).is_err());
        assert!(next(&Status::UserPaying, Event::Expire, 1).is_err());
        assert!(next(&closed, Event::Close, 1).is_err());
    }
}
