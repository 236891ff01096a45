//! What a withdrawal's status means for the caller.

use wechatpay_models::withdraw::WithdrawStatus;

/// Decodes a [`WithdrawStatus`] into what a finance team acts on.
pub trait WithdrawStatusExt {
    /// Whether the withdrawal will not move again by itself: `FAIL`, `REFUND` (bounced, the
    /// money is back on the balance) and `CLOSE`. `SUCCESS` is not final: a bank may still
    /// bounce it (→ `REFUND`) within about seven working days.
    fn is_final(&self) -> bool;

    /// Whether the money left WeChat Pay for the bank (`SUCCESS`).
    fn is_paid_out(&self) -> bool;

    /// Whether the money is back on (or never left) the balance: `FAIL`, `REFUND`, `CLOSE`
    /// and `INIT` (created, not executed: retry with the same `out_request_no`).
    fn money_on_balance(&self) -> bool;
}

impl WithdrawStatusExt for WithdrawStatus {
    fn is_final(&self) -> bool {
        matches!(self, Self::Fail | Self::Refund | Self::Close)
    }

    fn is_paid_out(&self) -> bool {
        matches!(self, Self::Success)
    }

    fn money_on_balance(&self) -> bool {
        matches!(self, Self::Fail | Self::Refund | Self::Close | Self::Init)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Proves every documented status decodes, and an unknown one is neither final nor paid.
    #[test]
    fn decode_every_status() {
        let table = [
            ("CREATE_SUCCESS", false, false, false),
            ("SUCCESS", false, true, false),
            ("FAIL", true, false, true),
            ("REFUND", true, false, true),
            ("CLOSE", true, false, true),
            ("INIT", false, false, true),
            ("SOMETHING_NEW", false, false, false),
        ];
        for (raw, fin, paid, back) in table {
            let s: WithdrawStatus = serde_json::from_value(serde_json::json!(raw)).unwrap();
            assert_eq!(s.as_str(), raw);
            assert_eq!(
                (s.is_final(), s.is_paid_out(), s.money_on_balance()),
                (fin, paid, back),
                "{raw}"
            );
        }
        assert!(WithdrawStatus::from("SOMETHING_NEW").is_unknown());
    }
}
