//! Client-side checks of a refund request, run before anything is sent.

use wechatpay_models::amount::Currency;
use wechatpay_models::refund::RefundApplyRequest;
use wechatpay_transport::BuildError;

/// Longest `out_refund_no`, characters.
pub const MAX_OUT_REFUND_NO_CHARS: usize = 64;
/// Longest `reason`, characters.
pub const MAX_REASON_CHARS: usize = 80;

/// Checks what WeChat Pay would refuse anyway: `sub_mchid`, `sp_appid` and one order number
/// present, `out_refund_no` 1–64 of `A-Z a-z 0-9 _ - | * @`, a refund of at least 1 fen and no
/// more than the order total, a positive total, CNY, a reason of at most 80 characters, an
/// absolute `http(s)` `notify_url`.
///
/// # Errors
/// [`BuildError::Invalid`] naming the member as a JSON pointer (`/amount/refund`).
pub fn validate_apply(req: &RefundApplyRequest) -> Result<(), BuildError> {
    required("/sub_mchid", &req.sub_mchid, 32)?;
    required("/sp_appid", &req.sp_appid, 32)?;
    match (&req.transaction_id, &req.out_trade_no) {
        (None, None) => {
            return Err(BuildError::invalid(
                "/transaction_id",
                "give transaction_id or out_trade_no",
            ))
        }
        (Some(id), _) => required("/transaction_id", id, 32)?,
        (None, Some(no)) => required("/out_trade_no", no, 32)?,
    }
    out_number("/out_refund_no", &req.out_refund_no, MAX_OUT_REFUND_NO_CHARS)?;
    if let Some(reason) = &req.reason {
        if reason.chars().count() > MAX_REASON_CHARS {
            return Err(BuildError::invalid(
                "/reason",
                format!("must be at most {MAX_REASON_CHARS} characters"),
            ));
        }
    }
    if req.amount.total < 1 {
        return Err(BuildError::invalid(
            "/amount/total",
            format!("must be at least 1 fen, is {}", req.amount.total),
        ));
    }
    if req.amount.refund < 1 {
        return Err(BuildError::invalid(
            "/amount/refund",
            format!("must be at least 1 fen, is {}", req.amount.refund),
        ));
    }
    if req.amount.refund > req.amount.total {
        return Err(BuildError::invalid(
            "/amount/refund",
            format!(
                "{} fen is more than the order total of {} fen",
                req.amount.refund, req.amount.total
            ),
        ));
    }
    if req.amount.currency != Currency::Cny {
        return Err(BuildError::invalid("/amount/currency", "must be CNY"));
    }
    if let Some(from) = &req.amount.from {
        let mut sum: i64 = 0;
        for (i, f) in from.iter().enumerate() {
            if f.amount < 1 {
                return Err(BuildError::invalid(
                    format!("/amount/from/{i}/amount"),
                    "must be at least 1 fen",
                ));
            }
            sum = sum.saturating_add(f.amount);
        }
        if sum != req.amount.refund {
            return Err(BuildError::invalid(
                "/amount/from",
                format!("adds up to {sum} fen, not the refund of {} fen", req.amount.refund),
            ));
        }
    }
    if let Some(url) = &req.notify_url {
        notify_url("/notify_url", url)?;
    }
    Ok(())
}

pub(crate) fn required(field: &str, value: &str, max_chars: usize) -> Result<(), BuildError> {
    let n = value.chars().count();
    if n == 0 || n > max_chars {
        return Err(BuildError::invalid(field, format!("must be 1 to {max_chars} characters")));
    }
    Ok(())
}

/// A merchant number: 1–`max` of `A-Z a-z 0-9 _ - | * @`.
pub(crate) fn out_number(field: &str, value: &str, max: usize) -> Result<(), BuildError> {
    let ok = !value.is_empty()
        && value.len() <= max
        && value.bytes().all(|b| b.is_ascii_alphanumeric() || b"_-|*@".contains(&b));
    if ok {
        Ok(())
    } else {
        Err(BuildError::invalid(field, format!("must be 1 to {max} of A-Z a-z 0-9 _ - | * @")))
    }
}

fn notify_url(field: &str, url: &str) -> Result<(), BuildError> {
    let rest = url.strip_prefix("https://").or_else(|| url.strip_prefix("http://"));
    match rest {
        Some(host) if !host.is_empty() && url.len() <= 256 && !url.contains('?') => Ok(()),
        _ => Err(BuildError::invalid(
            field,
            "must be an absolute http(s) URL without a query, at most 256 bytes",
        )),
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use wechatpay_models::refund::RefundApplyAmount;

    pub(crate) fn sample() -> RefundApplyRequest {
        RefundApplyRequest {
            sub_mchid: "1900000109".into(),
            sp_appid: "wx8888888888888888".into(),
            sub_appid: None,
            transaction_id: Some("4200000000000000000000000001".into()),
            out_trade_no: None,
            out_refund_no: "R2026-01|01*a@b_c".into(),
            reason: Some("退货".into()),
            amount: RefundApplyAmount {
                refund: 100,
                from: None,
                total: 100,
                currency: Currency::Cny,
            },
            notify_url: Some("https://shop.example.com/refund".into()),
            refund_account: None,
            funds_account: None,
        }
    }

    fn field(req: &RefundApplyRequest) -> String {
        match validate_apply(req) {
            Err(BuildError::Invalid { field, .. }) => field,
            other => panic!("expected Invalid, got {other:?}"),
        }
    }

    // Proves a well-formed request passes, a full refund included.
    #[test]
    fn valid_request_passes() {
        validate_apply(&sample()).unwrap();
        let mut by_out_trade_no = sample();
        by_out_trade_no.transaction_id = None;
        by_out_trade_no.out_trade_no = Some("T20260101".into());
        validate_apply(&by_out_trade_no).unwrap();
    }

    // Proves each rule names the member it rejects.
    #[test]
    fn each_rule_names_its_member() {
        let mut r = sample();
        r.amount.refund = 0;
        assert_eq!(field(&r), "/amount/refund");
        r.amount.refund = 101;
        assert_eq!(field(&r), "/amount/refund");
        let mut r = sample();
        r.amount.total = 0;
        assert_eq!(field(&r), "/amount/total");
        let mut r = sample();
        r.transaction_id = None;
        assert_eq!(field(&r), "/transaction_id");
        let mut r = sample();
        r.out_refund_no = "R 1".into();
        assert_eq!(field(&r), "/out_refund_no");
        r.out_refund_no = "R".repeat(65);
        assert_eq!(field(&r), "/out_refund_no");
        let mut r = sample();
        r.reason = Some("退".repeat(81));
        assert_eq!(field(&r), "/reason");
        let mut r = sample();
        r.notify_url = Some("ftp://x".into());
        assert_eq!(field(&r), "/notify_url");
        let mut r = sample();
        r.amount.currency = Currency::from("USD");
        assert_eq!(field(&r), "/amount/currency");
        let mut r = sample();
        r.sub_mchid = String::new();
        assert_eq!(field(&r), "/sub_mchid");
    }
}
