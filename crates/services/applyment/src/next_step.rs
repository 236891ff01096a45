//! What the platform should do next for an application, as the 平台收付通 guide recommends:
//! query about 3 s after submitting, then guide the seller through signing and account
//! verification while WeChat Pay reviews (the three run in parallel), fix what a rejection
//! names, and use the sub-merchant id once the application is finished.

use std::time::Duration;

use wechatpay_models::applyment::{
    AccountValidation, Applyment, ApplymentState, AuditDetail, SignState,
};

/// How long after submitting (or while data is being checked) to query again: WeChat Pay
/// checks the basic data within 3 s.
pub const CHECK_INTERVAL: Duration = Duration::from_secs(3);

/// One thing to do for an application. [`next_steps`] lists those that apply now; several
/// can apply at once (sign while the account is being verified and the review runs).
#[non_exhaustive]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NextStep<'a> {
    /// WeChat Pay is checking the data (`CHECKING`): query again after `after`.
    QueryAgain {
        /// When to query again.
        after: Duration,
    },
    /// The super administrator must open `url` in WeChat and sign the agreement
    /// (`sign_state` `UNSIGNED`); WeChat checks that the scanning user is the administrator
    /// named in the application.
    Sign {
        /// The signing link (`sign_url`).
        url: &'a str,
    },
    /// The seller must prove it owns the settlement account (`ACCOUNT_NEED_VERIFY`), by one
    /// of the ways offered, before `remittance.deadline` (30 days; after it the application
    /// is rejected).
    VerifyAccount {
        /// Remit `pay_amount` fen from the named account to the named destination, with the
        /// remark, before the deadline (names decrypted by [`Applyments`](crate::Applyments)'s
        /// queries).
        remittance: Option<&'a AccountValidation>,
        /// Alternatively, the legal person scans this link in WeChat (`legal_validation_url`).
        legal_person_url: Option<&'a str>,
    },
    /// WeChat Pay is reviewing the application (`AUDITING`, 3 to 7 working days): nothing to
    /// do but query now and then.
    AwaitReview,
    /// The application was rejected (`REJECTED`): fix what `audit_detail` names and submit
    /// again with the same `out_request_no`. Changing the subject name, legal person,
    /// subject type or super administrator makes a signed application need signing again.
    FixAndResubmit {
        /// Which parameters were rejected and why.
        audit_detail: &'a [AuditDetail],
    },
    /// Onboarding is finished (`FINISH`): take payments for `sub_mchid`.
    Done {
        /// The new sub-merchant id.
        sub_mchid: &'a str,
    },
    /// The application is frozen (`FROZEN`): contact WeChat Pay; `audit_detail` may say why.
    Frozen {
        /// The reasons given, if any.
        audit_detail: &'a [AuditDetail],
    },
    /// The application was cancelled (`CANCELED`): start a new one with a new `out_request_no`.
    StartOver,
}

/// The steps that apply to `applyment` now, most urgent first.
///
/// ```
/// use wechatpay_applyment::{next_steps, Applyment, NextStep};
///
/// let applyment: Applyment = serde_json::from_str(r#"{
///     "applyment_state": "AUDITING", "applyment_state_desc": "审核中",
///     "sign_state": "UNSIGNED", "sign_url": "https://pay.weixin.qq.com/sign/1",
///     "out_request_no": "APPLY-1", "applyment_id": 2000002124775691}"#)?;
/// assert_eq!(next_steps(&applyment), [
///     NextStep::Sign { url: "https://pay.weixin.qq.com/sign/1" },
///     NextStep::AwaitReview,
/// ]);
/// # Ok::<(), serde_json::Error>(())
/// ```
pub fn next_steps(applyment: &Applyment) -> Vec<NextStep<'_>> {
    let details = applyment.audit_detail.as_deref().unwrap_or_default();
    let mut steps = Vec::new();
    // Signing runs beside verification and review: offer it whenever it is open.
    let sign = match (&applyment.sign_state, applyment.sign_url.as_deref()) {
        (Some(SignState::Unsigned), Some(url)) => Some(NextStep::Sign { url }),
        _ => None,
    };
    match &applyment.applyment_state {
        ApplymentState::Checking => steps.push(NextStep::QueryAgain { after: CHECK_INTERVAL }),
        ApplymentState::AccountNeedVerify => {
            steps.push(NextStep::VerifyAccount {
                remittance: applyment.account_validation.as_ref(),
                legal_person_url: applyment.legal_validation_url.as_deref(),
            });
            steps.extend(sign);
        }
        ApplymentState::Auditing => {
            steps.extend(sign);
            steps.push(NextStep::AwaitReview);
        }
        ApplymentState::NeedSign => match sign {
            Some(step) => steps.push(step),
            // The link comes with the state; until it does, ask again shortly.
            None => steps.push(NextStep::QueryAgain { after: CHECK_INTERVAL }),
        },
        ApplymentState::Rejected => steps.push(NextStep::FixAndResubmit { audit_detail: details }),
        ApplymentState::Finish => match applyment.sub_mchid.as_deref() {
            Some(sub_mchid) => steps.push(NextStep::Done { sub_mchid }),
            None => steps.push(NextStep::QueryAgain { after: CHECK_INTERVAL }),
        },
        ApplymentState::Frozen => steps.push(NextStep::Frozen { audit_detail: details }),
        ApplymentState::Canceled => steps.push(NextStep::StartOver),
        // A state this SDK does not know yet: nothing safe to suggest but asking again.
        ApplymentState::Unknown(_) => steps.push(NextStep::QueryAgain { after: CHECK_INTERVAL }),
    }
    steps
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn applyment(extra: serde_json::Value) -> Applyment {
        let mut base = json!({
            "applyment_state_desc": "-", "out_request_no": "APPLY-1", "applyment_id": 1u64,
        });
        for (k, v) in extra.as_object().unwrap() {
            base[k] = v.clone();
        }
        serde_json::from_value(base).unwrap()
    }

    // Proves each state maps to the guide's advice, signing offered beside verification
    // and review but never when the application cannot be signed.
    #[test]
    fn each_state_has_its_steps() {
        let checking =
            applyment(json!({"applyment_state": "CHECKING", "sign_state": "NOT_SIGNABLE"}));
        assert_eq!(next_steps(&checking), [NextStep::QueryAgain { after: CHECK_INTERVAL }]);

        let verify = applyment(json!({
            "applyment_state": "ACCOUNT_NEED_VERIFY", "sign_state": "UNSIGNED", "sign_url": "S",
            "legal_validation_url": "L",
            "account_validation": {"account_name": "张三", "pay_amount": 124,
                "destination_account_number": "1", "destination_account_name": "财付通",
                "destination_account_bank": "招商银行", "city": "深圳", "remark": "R",
                "deadline": "2025-01-31 11:00:00"},
        }));
        let steps = next_steps(&verify);
        assert!(matches!(
            steps.as_slice(),
            [NextStep::VerifyAccount { remittance: Some(v), legal_person_url: Some("L") }, NextStep::Sign { url: "S" }]
                if v.deadline == "2025-01-31 11:00:00"
        ));

        let signed = applyment(json!({"applyment_state": "AUDITING", "sign_state": "SIGNED"}));
        assert_eq!(next_steps(&signed), [NextStep::AwaitReview]);

        let need_sign = applyment(
            json!({"applyment_state": "NEED_SIGN", "sign_state": "UNSIGNED", "sign_url": "S", "sub_mchid": "1"}),
        );
        assert_eq!(next_steps(&need_sign), [NextStep::Sign { url: "S" }]);

        let rejected =
            applyment(json!({"applyment_state": "REJECTED", "sign_state": "NOT_SIGNABLE",
            "audit_detail": [{"param_name": "id_card_copy", "reject_reason": "模糊"}]}));
        assert!(matches!(next_steps(&rejected).as_slice(),
            [NextStep::FixAndResubmit { audit_detail: [d] }] if d.param_name == "id_card_copy"));

        let done = applyment(
            json!({"applyment_state": "FINISH", "sign_state": "SIGNED", "sub_mchid": "1600000001"}),
        );
        assert_eq!(next_steps(&done), [NextStep::Done { sub_mchid: "1600000001" }]);

        let frozen = applyment(json!({"applyment_state": "FROZEN"}));
        assert_eq!(next_steps(&frozen), [NextStep::Frozen { audit_detail: &[] }]);
        assert_eq!(
            next_steps(&applyment(json!({"applyment_state": "CANCELED"}))),
            [NextStep::StartOver]
        );
        assert_eq!(
            next_steps(&applyment(json!({"applyment_state": "SOMETHING_NEW"}))),
            [NextStep::QueryAgain { after: CHECK_INTERVAL }]
        );
    }
}
