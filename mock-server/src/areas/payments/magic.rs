//! Magic amounts: order totals that make a payment go a chosen way without the admin API,
//! as WeChat Pay's old v2 sandbox did. A partner order's `amount.total`, or any sub-order's
//! `total_amount` of a combined order (the first magic one counts for the whole order):
//!
//! | fen | CNY | effect |
//! | --- | --- | --- |
//! | 101 | 1.01 | the first query finds the order `PAYERROR` ("银行返回失败"); no money, no callback |
//! | 102 | 1.02 | the first query finds it `SUCCESS`: paid, ledger entries, `TRANSACTION.SUCCESS` |
//! | 103 | 1.03 | the first query finds it `USERPAYING`, the next one `SUCCESS` |
//! | 104 | 1.04 | the prepay answers `403 NO_AUTH` |
//! | 105 | 1.05 | the first prepay of a request answers `500 SYSTEM_ERROR`; the same request again succeeds (tests retries, which must keep `out_trade_no`) |
//! | 106 | 1.06 | every prepay answers `500 BANK_ERROR` |
//!
//! "First query" is the `fast` timing profile; under `production` the move happens on a query
//! at least 10 virtual seconds after the order entered its state.

use axum::http::StatusCode;

use crate::error::ApiError;

/// A magic amount's effect.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Magic {
    /// 101: the payment fails.
    PayFails,
    /// 102: the payment succeeds.
    PaySucceeds,
    /// 103: the payer is slow: `USERPAYING`, then `SUCCESS`.
    PaySlowly,
    /// 104: the prepay is refused with `NO_AUTH`.
    NoAuth,
    /// 105: the first prepay of a request fails with `SYSTEM_ERROR`.
    SystemErrorOnce,
    /// 106: every prepay fails with `BANK_ERROR`.
    BankError,
}

impl Magic {
    /// The effect of a total, if it is magic.
    pub(crate) fn for_amount(fen: i64) -> Option<Self> {
        Some(match fen {
            101 => Self::PayFails,
            102 => Self::PaySucceeds,
            103 => Self::PaySlowly,
            104 => Self::NoAuth,
            105 => Self::SystemErrorOnce,
            106 => Self::BankError,
            _ => return None,
        })
    }

    /// The first magic amount among `amounts`.
    pub(crate) fn first(amounts: impl IntoIterator<Item = i64>) -> Option<Self> {
        amounts.into_iter().find_map(Self::for_amount)
    }

    /// Whether it acts on the order after it exists (rather than on the prepay).
    pub(crate) fn acts_on_order(self) -> bool {
        matches!(self, Self::PayFails | Self::PaySucceeds | Self::PaySlowly)
    }

    /// `trade_state_desc` of the failure it causes.
    pub(crate) fn desc(self) -> &'static str {
        "银行返回失败(magic amount 1.01)"
    }

    /// The error a prepay answers every time (104, 106).
    pub(crate) fn prepay_error(self) -> Option<ApiError> {
        match self {
            Self::NoAuth => Some(ApiError::no_auth("商户无权限(magic amount 1.04)")),
            Self::BankError => Some(ApiError::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "BANK_ERROR",
                "银行系统异常(magic amount 1.06)",
            )),
            Self::PayFails | Self::PaySucceeds | Self::PaySlowly | Self::SystemErrorOnce => None,
        }
    }

    /// The error the first prepay of a request answers (105).
    pub(crate) fn once_error() -> ApiError {
        ApiError::system_error(
            "magic amount 1.05: the first attempt fails; retry with the same out_trade_no",
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Proves exactly the documented amounts are magic and the first one counts.
    #[test]
    fn documented_amounts() {
        assert_eq!(Magic::for_amount(100), None);
        assert_eq!(Magic::for_amount(107), None);
        assert_eq!(Magic::first([100, 103, 101]), Some(Magic::PaySlowly));
        assert!(Magic::PaySucceeds.acts_on_order() && !Magic::NoAuth.acts_on_order());
        assert_eq!(Magic::NoAuth.prepay_error().unwrap().code(), "NO_AUTH");
        assert_eq!(Magic::BankError.prepay_error().unwrap().status().as_u16(), 500);
        assert_eq!(Magic::once_error().code(), "SYSTEM_ERROR");
    }
}
