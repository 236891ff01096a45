//! Client-side checks of withdrawal requests, so a malformed one is refused unsent.

use wechatpay_models::account::AccountType;
use wechatpay_models::withdraw::{PlatformWithdrawRequest, SubWithdrawRequest};
use wechatpay_transport::BuildError;

/// Longest `out_request_no`, characters.
pub const MAX_OUT_REQUEST_NO_CHARS: usize = 32;
/// Largest single withdrawal WeChat Pay accepts: 800,000,000 yuan, in fen.
pub const MAX_WITHDRAW_FEN: i64 = 80_000_000_000;

pub(crate) fn required(field: &str, value: &str, max_chars: usize) -> Result<(), BuildError> {
    if value.is_empty() {
        return Err(BuildError::invalid(field, "is required"));
    }
    if value.chars().count() > max_chars {
        return Err(BuildError::invalid(field, format!("is longer than {max_chars} characters")));
    }
    Ok(())
}

/// `out_request_no`: 1 to 32 ASCII letters and digits.
pub(crate) fn out_request_no(field: &str, value: &str) -> Result<(), BuildError> {
    required(field, value, MAX_OUT_REQUEST_NO_CHARS)?;
    if !value.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return Err(BuildError::invalid(field, "must be ASCII letters and digits only"));
    }
    Ok(())
}

fn amount(fen: i64) -> Result<(), BuildError> {
    if !(1..=MAX_WITHDRAW_FEN).contains(&fen) {
        return Err(BuildError::invalid(
            "/amount",
            format!("{fen} fen is not between 1 and {MAX_WITHDRAW_FEN}"),
        ));
    }
    Ok(())
}

fn optional(field: &str, value: Option<&String>, max_chars: usize) -> Result<(), BuildError> {
    match value {
        Some(v) if v.chars().count() > max_chars => {
            Err(BuildError::invalid(field, format!("is longer than {max_chars} characters")))
        }
        _ => Ok(()),
    }
}

/// Checks a sub-merchant withdrawal: `sub_mchid` present, `out_request_no` alphabet and
/// length, amount between 1 fen and [`MAX_WITHDRAW_FEN`], `remark` ≤ 56 and `bank_memo` ≤ 32
/// characters, and not the `ALL` account.
///
/// # Errors
/// [`BuildError::Invalid`] naming the member (a JSON pointer).
pub fn validate_sub_withdraw(request: &SubWithdrawRequest) -> Result<(), BuildError> {
    required("/sub_mchid", &request.sub_mchid, 32)?;
    out_request_no("/out_request_no", &request.out_request_no)?;
    amount(request.amount)?;
    optional("/remark", request.remark.as_ref(), 56)?;
    optional("/bank_memo", request.bank_memo.as_ref(), 32)?;
    if request.account_type == Some(AccountType::All) {
        return Err(BuildError::invalid("/account_type", "ALL is not an account"));
    }
    Ok(())
}

/// Checks a platform withdrawal like [`validate_sub_withdraw`].
///
/// # Errors
/// [`BuildError::Invalid`] naming the member.
pub fn validate_platform_withdraw(request: &PlatformWithdrawRequest) -> Result<(), BuildError> {
    out_request_no("/out_request_no", &request.out_request_no)?;
    amount(request.amount)?;
    optional("/remark", request.remark.as_ref(), 56)?;
    optional("/bank_memo", request.bank_memo.as_ref(), 32)?;
    if request.account_type == AccountType::All {
        return Err(BuildError::invalid("/account_type", "ALL is not an account"));
    }
    Ok(())
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub(crate) fn sample() -> SubWithdrawRequest {
        SubWithdrawRequest {
            sub_mchid: "1900000109".into(),
            out_request_no: "W20260101000001".into(),
            amount: 1_000,
            remark: Some("提现".into()),
            bank_memo: None,
            account_type: None,
            notify_url: None,
        }
    }

    // Proves a good request passes and each bad member is named.
    #[test]
    fn refusals_name_the_member() {
        validate_sub_withdraw(&sample()).unwrap();
        type Change = fn(&mut SubWithdrawRequest);
        let cases: [(Change, &str); 5] = [
            (|r| r.out_request_no = "W-1".into(), "/out_request_no"),
            (|r| r.out_request_no = "W".repeat(33), "/out_request_no"),
            (|r| r.amount = 0, "/amount"),
            (|r| r.bank_memo = Some("字".repeat(33)), "/bank_memo"),
            (|r| r.account_type = Some(AccountType::All), "/account_type"),
        ];
        for (change, field) in cases {
            let mut r = sample();
            change(&mut r);
            let err = validate_sub_withdraw(&r).unwrap_err();
            assert!(err.to_string().contains(field), "{field}: {err}");
        }
        let platform = PlatformWithdrawRequest {
            out_request_no: "P1".into(),
            amount: MAX_WITHDRAW_FEN + 1,
            remark: None,
            bank_memo: None,
            account_type: AccountType::Basic,
            notify_url: None,
        };
        assert!(validate_platform_withdraw(&platform).unwrap_err().to_string().contains("/amount"));
    }
}
