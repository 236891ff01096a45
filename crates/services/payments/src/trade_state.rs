//! What a [`TradeState`] means for the code that waits on it.

use wechatpay_models::payments::TradeState;

/// Questions about a trade state (`trade_state` of a query or callback).
///
/// [`TradeState`] itself is decoded by `wechatpay-models`: `SUCCESS`, `REFUND`, `NOTPAY`,
/// `CLOSED`, `PAYERROR`, `USERPAYING`, `REVOKED`, and `Unknown(…)` for a value WeChat Pay adds
/// later.
pub trait TradeStateExt {
    /// The payer's money arrived: `SUCCESS`, or `REFUND` (paid, then a refund was started).
    fn is_paid(&self) -> bool;

    /// Nothing more will happen to the payment by itself: paid, closed, failed or revoked.
    /// `NOTPAY` and `USERPAYING` may still change, and so may a state this SDK does not know
    /// (keep querying, and treat it as unpaid meanwhile).
    fn is_final(&self) -> bool;
}

impl TradeStateExt for TradeState {
    fn is_paid(&self) -> bool {
        matches!(self, Self::Success | Self::Refund)
    }

    fn is_final(&self) -> bool {
        match self {
            Self::Success | Self::Refund | Self::Closed | Self::PayError | Self::Revoked => true,
            Self::NotPay | Self::UserPaying | Self::Unknown(_) => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Proves every wire value decodes to its variant (unknown ones kept) and is classified.
    #[test]
    fn states_decode_and_classify() {
        let cases = [
            ("SUCCESS", TradeState::Success, true, true),
            ("REFUND", TradeState::Refund, true, true),
            ("NOTPAY", TradeState::NotPay, false, false),
            ("CLOSED", TradeState::Closed, false, true),
            ("PAYERROR", TradeState::PayError, false, true),
            ("USERPAYING", TradeState::UserPaying, false, false),
            ("REVOKED", TradeState::Revoked, false, true),
            ("ACCEPT", TradeState::Unknown("ACCEPT".into()), false, false),
        ];
        for (wire, state, paid, last) in cases {
            let decoded: TradeState = serde_json::from_str(&format!("\"{wire}\"")).unwrap();
            assert_eq!(decoded, state);
            assert_eq!((decoded.is_paid(), decoded.is_final()), (paid, last), "{wire}");
            assert_eq!(serde_json::to_string(&decoded).unwrap(), format!("\"{wire}\""));
        }
    }
}
