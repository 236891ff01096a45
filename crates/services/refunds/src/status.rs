//! What a refund's state means for the caller.

use wechatpay_models::refund::RefundStatus;

/// Reading a [`RefundStatus`].
pub trait RefundStatusExt {
    /// Whether the refund will not change any more by itself: `SUCCESS`, `CLOSED` or
    /// `ABNORMAL` (an abnormal refund needs someone to act; it does not move on its own).
    /// `PROCESSING` and states this SDK does not know are not final: keep polling.
    fn is_final(&self) -> bool;

    /// Whether the money reached the payer.
    fn is_success(&self) -> bool;
}

impl RefundStatusExt for RefundStatus {
    fn is_final(&self) -> bool {
        matches!(self, Self::Success | Self::Closed | Self::Abnormal)
    }

    fn is_success(&self) -> bool {
        matches!(self, Self::Success)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Proves every documented state decodes and only PROCESSING / unknown states are open.
    #[test]
    fn documented_states_decode() {
        let decode = |s: &str| serde_json::from_value::<RefundStatus>(s.into()).unwrap();
        assert!(decode("SUCCESS").is_final() && decode("SUCCESS").is_success());
        assert!(decode("CLOSED").is_final() && !decode("CLOSED").is_success());
        assert!(decode("ABNORMAL").is_final() && !decode("ABNORMAL").is_success());
        assert!(!decode("PROCESSING").is_final());
        let unknown = decode("CLOSE");
        assert!(unknown.is_unknown() && !unknown.is_final());
    }
}
