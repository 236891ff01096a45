//! The life of one application (二级商户进件申请单), as the 平台收付通 guide describes it.
//!
//! ```text
//!             check passed                       verified            approved
//! CHECKING ──────────────▶ ACCOUNT_NEED_VERIFY ──────────▶ AUDITING ─────────▶ NEED_SIGN ──signed──▶ FINISH
//!     │  (no verification needed) ─────────────────────────▶   │  approved + already signed ──────────▶ FINISH
//!     │                          │ 30 days pass                │ rejected
//!     └── rejected ──────────────┴─────────────▶ REJECTED ◀────┘
//!                                                   │ resubmitted (same out_request_no)
//!                                                   └──────────▶ CHECKING
//! any unfinished state ──frozen──▶ FROZEN;  any unfinished state or FROZEN ──cancelled──▶ CANCELED
//! ```
//!
//! Signing runs beside verification and review: the super administrator may sign whenever
//! `sign_state` is `UNSIGNED` (in `ACCOUNT_NEED_VERIFY`, `AUDITING` and `NEED_SIGN`). When the
//! review approves an application that is already signed, it goes straight to `FINISH`.
//!
//! Which subjects verify their account ([`verification_required`]) follows the guide's table:
//! none for 小微 / 个人卖家, none for 个体工商户 / 企业 whose super administrator is the legal
//! person (`contact_type` 65), remittance or a legal-person scan when it is a handler (66), and
//! remittance for 事业单位 / 政府机关 / 社会组织 whoever the administrator is. Verification
//! has a 30-day deadline; a verification finished before a rejection still counts when the
//! application is resubmitted (it then goes straight to `AUDITING`).
//!
//! The review is modelled as starting once verification is done (the API shows one state);
//! signing is the process that visibly runs in parallel.

use std::time::Duration;

use serde::Serialize;
use wechatpay_models::applyment::{
    ApplymentState, AuditDetail, BankAccountType, ContactType, OrganizationType, SignState,
};

use crate::policy::{Pending, Timing, TimingProfile, TransitionPolicy};

/// The basic data check: a poll in `fast`, about 3 s in `production` (the guide: "系统会在3s内
/// 完成基本资料校验").
pub(crate) const CHECK: Timing = Timing::new(
    TransitionPolicy::AfterPolls(1),
    TransitionPolicy::AfterVirtual(Duration::from_secs(3)),
);

/// The review: a virtual minute in `fast`, 5 days in `production` (3 to 7 working days).
/// Automatic reviews approve; the admin API rejects.
pub(crate) const REVIEW: Timing = Timing::new(
    TransitionPolicy::AfterVirtual(Duration::from_secs(60)),
    TransitionPolicy::AfterVirtual(Duration::from_secs(5 * 86_400)),
);

/// How long a seller has to verify its account (30 days); after it the application is rejected.
pub(crate) const VERIFICATION_WINDOW_SECS: i64 = 30 * 86_400;

/// Most transitions kept in an application's history (the oldest are dropped).
const MAX_HISTORY: usize = 64;

/// Most automatic transitions one read applies (the longest chain is check → review → finish).
const MAX_AUTOMATIC_STEPS: usize = 8;

/// Where an application stands. A closed enum, unlike the model's open [`ApplymentState`]:
/// the mock only ever is in one of these.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub(crate) enum Stage {
    Checking,
    AccountNeedVerify,
    Auditing,
    Rejected,
    NeedSign,
    Finish,
    Frozen,
    Canceled,
}

impl Stage {
    /// The wire value.
    pub(crate) fn state(self) -> ApplymentState {
        match self {
            Self::Checking => ApplymentState::Checking,
            Self::AccountNeedVerify => ApplymentState::AccountNeedVerify,
            Self::Auditing => ApplymentState::Auditing,
            Self::Rejected => ApplymentState::Rejected,
            Self::NeedSign => ApplymentState::NeedSign,
            Self::Finish => ApplymentState::Finish,
            Self::Frozen => ApplymentState::Frozen,
            Self::Canceled => ApplymentState::Canceled,
        }
    }

    /// `applyment_state_desc`.
    pub(crate) fn description(self) -> &'static str {
        match self {
            Self::Checking => "资料校验中",
            Self::AccountNeedVerify => "待账户验证",
            Self::Auditing => "审核中",
            Self::Rejected => "已驳回",
            Self::NeedSign => "待签约",
            Self::Finish => "完成",
            Self::Frozen => "已冻结",
            Self::Canceled => "已作废",
        }
    }
}

/// How a subject proves it owns its settlement account.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum VerifyMethod {
    /// Remittance, or the legal person scans `legal_validation_url` (个体工商户 / 企业 with a
    /// handler as super administrator).
    RemittanceOrLegalPerson,
    /// Remittance only (事业单位 / 政府机关 / 社会组织).
    Remittance,
}

/// The guide's table (5.2.2.3): whether, and how, a subject verifies its account.
pub(crate) fn verification_required(
    organization_type: &OrganizationType,
    contact_type: &ContactType,
) -> Option<VerifyMethod> {
    match organization_type {
        OrganizationType::MicroMerchant | OrganizationType::IndividualSeller => None,
        OrganizationType::IndividualBusiness | OrganizationType::Enterprise => match contact_type {
            ContactType::Legal => None,
            ContactType::Super | ContactType::Unknown(_) => {
                Some(VerifyMethod::RemittanceOrLegalPerson)
            }
        },
        OrganizationType::PublicInstitution
        | OrganizationType::GovernmentAgency
        | OrganizationType::SocialOrganization => Some(VerifyMethod::Remittance),
        // Validation refuses unknown subject types before an application exists.
        OrganizationType::Unknown(_) => None,
    }
}

/// The settlement account named in an application.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub(crate) struct AccountFacts {
    pub(crate) bank_account_type: BankAccountType,
    pub(crate) account_bank: String,
    pub(crate) bank_name: Option<String>,
    pub(crate) bank_branch_id: Option<String>,
    pub(crate) account_name: String,
    pub(crate) account_number: String,
}

/// What the mock keeps of a submitted application (decrypted): what the state machine,
/// the per-administrator limit and the settlement account need, and a fingerprint of the
/// whole plaintext for idempotency.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub(crate) struct Facts {
    /// SHA-256 of the plaintext application: equal fingerprints are the same application,
    /// whatever random padding the encryption used.
    pub(crate) fingerprint: String,
    pub(crate) organization_type: OrganizationType,
    pub(crate) contact_type: ContactType,
    pub(crate) subject_name: String,
    pub(crate) legal_person: String,
    pub(crate) admin_name: String,
    /// The super administrator's ID number, upper case: who the WeChat user is.
    pub(crate) admin_id_number: String,
    pub(crate) licence_number: Option<String>,
    pub(crate) account: AccountFacts,
}

impl Facts {
    /// Whether changing from `self` to `new` makes a signed application need signing again
    /// (the guide: subject name, legal person, subject type, administrator name or ID).
    fn needs_signing_again(&self, new: &Facts) -> bool {
        self.subject_name != new.subject_name
            || self.legal_person != new.legal_person
            || self.organization_type != new.organization_type
            || self.admin_name != new.admin_name
            || self.admin_id_number != new.admin_id_number
    }
}

/// The open account verification of an application.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub(crate) struct AccountCheck {
    pub(crate) method: VerifyMethod,
    pub(crate) deadline_unix: i64,
    pub(crate) verified: bool,
    pub(crate) pay_amount_fen: i64,
    pub(crate) remark: String,
}

/// Something that moves an application.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Event {
    /// The basic data check passed (automatic, or admin `pass-check`).
    CheckPassed,
    /// The seller verified its account (admin `verify-account`).
    AccountVerified,
    /// 30 days passed without verification (automatic).
    DeadlinePassed,
    /// The review approved (automatic, or admin `approve`).
    Approved,
    /// The check or the review rejected (admin `reject`).
    Rejected(Vec<AuditDetail>),
    /// The super administrator signed (admin `sign`).
    Signed,
    /// The platform submitted a changed application under the same `out_request_no`.
    Resubmitted(Box<Facts>),
    /// WeChat Pay froze the application (admin `freeze`).
    Frozen(Vec<AuditDetail>),
    /// The application was voided (admin `cancel`).
    Canceled,
}

impl Event {
    /// The name used in the history and in errors (the admin action's name).
    pub(crate) fn name(&self) -> &'static str {
        match self {
            Self::CheckPassed => "pass-check",
            Self::AccountVerified => "verify-account",
            Self::DeadlinePassed => "verification-deadline",
            Self::Approved => "approve",
            Self::Rejected(_) => "reject",
            Self::Signed => "sign",
            Self::Resubmitted(_) => "resubmit",
            Self::Frozen(_) => "freeze",
            Self::Canceled => "cancel",
        }
    }
}

/// An event that does not apply in the application's state.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("`{event}` does not apply to an application in state {}", .from.state())]
pub(crate) struct BadTransition {
    pub(crate) from: Stage,
    pub(crate) event: &'static str,
}

/// One move in an application's history.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub(crate) struct Transition {
    pub(crate) at_unix: i64,
    pub(crate) event: &'static str,
    pub(crate) from: Stage,
    pub(crate) to: Stage,
}

/// One application.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct Record {
    pub(crate) applyment_id: u64,
    pub(crate) out_request_no: String,
    #[serde(skip)]
    pub(crate) facts: Facts,
    stage: Stage,
    #[serde(skip)]
    pending: Pending,
    signed: bool,
    check: Option<AccountCheck>,
    audit_detail: Vec<AuditDetail>,
    sub_mchid: Option<String>,
    submitted_unix: i64,
    history: Vec<Transition>,
}

impl Record {
    /// A new application, `CHECKING` from `now`.
    pub(crate) fn new(applyment_id: u64, out_request_no: String, facts: Facts, now: i64) -> Self {
        Self {
            applyment_id,
            out_request_no,
            facts,
            stage: Stage::Checking,
            pending: Pending::new(now),
            signed: false,
            check: None,
            audit_detail: Vec::new(),
            sub_mchid: None,
            submitted_unix: now,
            history: Vec::new(),
        }
    }

    pub(crate) fn stage(&self) -> Stage {
        self.stage
    }

    pub(crate) fn check(&self) -> Option<&AccountCheck> {
        self.check.as_ref()
    }

    pub(crate) fn audit_detail(&self) -> &[AuditDetail] {
        &self.audit_detail
    }

    pub(crate) fn sub_mchid(&self) -> Option<&str> {
        self.sub_mchid.as_deref()
    }

    /// Gives the application its sub-merchant id (when the review approves it).
    pub(crate) fn assign_sub_mchid(&mut self, sub_mchid: String) {
        assert!(self.sub_mchid.is_none(), "a sub-merchant id is assigned once");
        assert!(matches!(self.stage, Stage::NeedSign | Stage::Finish));
        self.sub_mchid = Some(sub_mchid);
    }

    /// The guide's rule: `NOT_SIGNABLE` while checking, rejected or frozen (and once
    /// cancelled); `SIGNED` once finished; otherwise whether the administrator signed.
    pub(crate) fn sign_state(&self) -> SignState {
        match self.stage {
            Stage::Checking | Stage::Rejected | Stage::Frozen | Stage::Canceled => {
                SignState::NotSignable
            }
            Stage::Finish => SignState::Signed,
            Stage::AccountNeedVerify | Stage::Auditing | Stage::NeedSign if self.signed => {
                SignState::Signed
            }
            Stage::AccountNeedVerify | Stage::Auditing | Stage::NeedSign => SignState::Unsigned,
        }
    }

    /// Whether the account still has to be verified for the application to go on.
    fn verification_outstanding(&self) -> bool {
        let required =
            verification_required(&self.facts.organization_type, &self.facts.contact_type);
        required.is_some() && !self.check.as_ref().is_some_and(|c| c.verified)
    }

    /// Counts one API query (polls drive `AfterPolls` transitions).
    pub(crate) fn record_poll(&mut self) {
        self.pending.record_poll();
    }

    /// The automatic transition due at `now`, with the virtual time it became due.
    fn due(&self, now: i64, profile: TimingProfile) -> Option<(Event, i64)> {
        let timed = |timing: Timing, event: Event| {
            let policy = timing.for_profile(profile);
            policy
                .is_due(&self.pending, now)
                .then(|| (event, policy.due_at(&self.pending).map_or(now, |at| at.min(now))))
        };
        match self.stage {
            Stage::Checking => timed(CHECK, Event::CheckPassed),
            Stage::AccountNeedVerify => {
                let check = self.check.as_ref()?;
                (!check.verified && now >= check.deadline_unix)
                    .then_some((Event::DeadlinePassed, check.deadline_unix))
            }
            Stage::Auditing => timed(REVIEW, Event::Approved),
            Stage::Rejected | Stage::NeedSign | Stage::Finish | Stage::Frozen | Stage::Canceled => {
                None
            }
        }
    }

    /// Applies every automatic transition due at `now`, in the order they became due.
    pub(crate) fn advance(&mut self, now: i64, profile: TimingProfile) {
        for _ in 0..MAX_AUTOMATIC_STEPS {
            let Some((event, at)) = self.due(now, profile) else { return };
            // `due` only proposes events its own state accepts.
            if let Err(e) = self.apply(event, at) {
                unreachable!("an automatic transition was refused: {e}");
            }
        }
    }

    /// Moves the application on `event` at virtual time `at`.
    ///
    /// # Errors
    /// [`BadTransition`] when the event does not apply in the current state; the record is
    /// then unchanged.
    pub(crate) fn apply(&mut self, event: Event, at: i64) -> Result<(), BadTransition> {
        use Stage::*;
        let outstanding = self.verification_outstanding();
        let can_still_verify =
            self.check.as_ref().is_some_and(|c| !c.verified && at < c.deadline_unix);
        let next = match (self.stage, &event) {
            (Checking, Event::CheckPassed) if outstanding => AccountNeedVerify,
            (Checking, Event::CheckPassed) => Auditing,
            (AccountNeedVerify, Event::AccountVerified) => Auditing,
            // The guide: within the 30 days a rejected seller may still finish verifying.
            (Rejected, Event::AccountVerified) if can_still_verify => Rejected,
            (AccountNeedVerify, Event::DeadlinePassed) => Rejected,
            (Auditing, Event::Approved) if self.signed => Finish,
            (Auditing, Event::Approved) => NeedSign,
            (AccountNeedVerify | Auditing, Event::Signed) if !self.signed => self.stage,
            (NeedSign, Event::Signed) => Finish,
            (Checking | AccountNeedVerify | Auditing, Event::Rejected(_)) => Rejected,
            (Rejected, Event::Resubmitted(_)) => Checking,
            (Checking | AccountNeedVerify | Auditing | NeedSign | Rejected, Event::Frozen(_)) => {
                Frozen
            }
            (
                Checking | AccountNeedVerify | Auditing | NeedSign | Rejected | Frozen,
                Event::Canceled,
            ) => Canceled,
            (from, event) => return Err(BadTransition { from, event: event.name() }),
        };
        let name = event.name();
        match event {
            Event::CheckPassed if next == AccountNeedVerify && self.check.is_none() => {
                let method =
                    verification_required(&self.facts.organization_type, &self.facts.contact_type);
                self.check = method.map(|method| self.new_check(method, at));
            }
            Event::AccountVerified => {
                if let Some(check) = self.check.as_mut() {
                    check.verified = true;
                }
            }
            Event::DeadlinePassed => {
                self.audit_detail = vec![AuditDetail {
                    param_name: "account_validation".into(),
                    reject_reason: "超过30天未完成账户验证,申请单已自动驳回".into(),
                }];
            }
            Event::Rejected(detail) | Event::Frozen(detail) => self.audit_detail = detail,
            Event::Signed => self.signed = true,
            Event::Resubmitted(facts) => self.resubmit(*facts, at),
            Event::CheckPassed | Event::Approved | Event::Canceled => {}
        }
        if next != self.stage {
            self.pending = Pending::new(at);
        }
        self.history.push(Transition { at_unix: at, event: name, from: self.stage, to: next });
        if self.history.len() > MAX_HISTORY {
            self.history.remove(0);
        }
        self.stage = next;
        assert!(
            self.stage != Finish || (self.signed && !self.verification_outstanding()),
            "an application finishes only signed and verified"
        );
        Ok(())
    }

    fn new_check(&self, method: VerifyMethod, at: i64) -> AccountCheck {
        // Deterministic per application, so a test can read them back; 0.01 to 0.99 CNY.
        let id = self.applyment_id;
        AccountCheck {
            method,
            deadline_unix: at.saturating_add(VERIFICATION_WINDOW_SECS),
            verified: false,
            pay_amount_fen: i64::try_from(id % 99).unwrap_or(0) + 1,
            remark: format!("{:06}", id % 1_000_000),
        }
    }

    /// Takes the changed application: signing is kept unless what was signed changed, and a
    /// verification is kept if done or still within its 30 days.
    fn resubmit(&mut self, facts: Facts, at: i64) {
        if self.signed && self.facts.needs_signing_again(&facts) {
            self.signed = false;
        }
        let method = verification_required(&facts.organization_type, &facts.contact_type);
        self.check = match (method, self.check.take()) {
            (Some(method), Some(check)) if check.verified || at < check.deadline_unix => {
                Some(AccountCheck { method, ..check })
            }
            // A new 30-day window opens when the check passes again.
            (Some(_) | None, _) => None,
        };
        self.facts = facts;
        self.audit_detail.clear();
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub(crate) fn facts(organization_type: OrganizationType, contact_type: ContactType) -> Facts {
        Facts {
            fingerprint: "f".into(),
            organization_type,
            contact_type,
            subject_name: "某某有限公司".into(),
            legal_person: "张三".into(),
            admin_name: "张三".into(),
            admin_id_number: "11010519491231002X".into(),
            licence_number: None,
            account: AccountFacts {
                bank_account_type: BankAccountType::Corporate,
                account_bank: "招商银行".into(),
                bank_name: None,
                bank_branch_id: None,
                account_name: "某某有限公司".into(),
                account_number: "755912345610101".into(),
            },
        }
    }

    fn record(t: OrganizationType, c: ContactType) -> Record {
        Record::new(2_000_002_000_000_001, "A1".into(), facts(t, c), 1_000)
    }

    const FAST: TimingProfile = TimingProfile::Fast;

    // Proves the guide's verification table: who verifies, and how.
    #[test]
    fn verification_table() {
        use OrganizationType as O;
        assert_eq!(verification_required(&O::MicroMerchant, &ContactType::Legal), None);
        assert_eq!(verification_required(&O::IndividualSeller, &ContactType::Legal), None);
        for t in [O::IndividualBusiness, O::Enterprise] {
            assert_eq!(verification_required(&t, &ContactType::Legal), None);
            assert_eq!(
                verification_required(&t, &ContactType::Super),
                Some(VerifyMethod::RemittanceOrLegalPerson)
            );
        }
        for t in [O::PublicInstitution, O::GovernmentAgency, O::SocialOrganization] {
            for c in [ContactType::Legal, ContactType::Super] {
                assert_eq!(verification_required(&t, &c), Some(VerifyMethod::Remittance));
            }
        }
    }

    // Proves the fast check passes on the first poll, not before, and a subject without
    // verification goes to review, which approves after its virtual minute.
    #[test]
    fn check_then_review_then_sign() {
        let mut r = record(OrganizationType::MicroMerchant, ContactType::Legal);
        r.advance(1_000, FAST);
        assert_eq!(r.stage(), Stage::Checking);
        assert_eq!(r.sign_state(), SignState::NotSignable);
        r.record_poll();
        r.advance(1_000, FAST);
        assert_eq!(r.stage(), Stage::Auditing);
        assert_eq!(r.sign_state(), SignState::Unsigned);
        r.advance(1_059, FAST);
        assert_eq!(r.stage(), Stage::Auditing);
        r.advance(1_060, FAST);
        assert_eq!(r.stage(), Stage::NeedSign);
        r.apply(Event::Signed, 1_070).unwrap();
        assert_eq!(r.stage(), Stage::Finish);
        assert_eq!(r.sign_state(), SignState::Signed);
        assert_eq!(r.history.len(), 3);
    }

    // Proves signing during review leads straight to FINISH on approval, and cannot repeat.
    #[test]
    fn signed_before_approval_finishes() {
        let mut r = record(OrganizationType::IndividualSeller, ContactType::Legal);
        r.apply(Event::CheckPassed, 1_000).unwrap();
        r.apply(Event::Signed, 1_001).unwrap();
        assert_eq!(r.sign_state(), SignState::Signed);
        assert_eq!(r.apply(Event::Signed, 1_002).unwrap_err().event, "sign");
        r.apply(Event::Approved, 1_003).unwrap();
        assert_eq!(r.stage(), Stage::Finish);
    }

    // Proves the 30-day deadline rejects an unverified application at the deadline itself,
    // and a resubmission opens a new window.
    #[test]
    fn deadline_rejects_and_resubmission_reopens() {
        let mut r = record(OrganizationType::GovernmentAgency, ContactType::Legal);
        r.apply(Event::CheckPassed, 1_000).unwrap();
        assert_eq!(r.stage(), Stage::AccountNeedVerify);
        let deadline = r.check().unwrap().deadline_unix;
        assert_eq!(deadline, 1_000 + VERIFICATION_WINDOW_SECS);
        r.advance(deadline - 1, FAST);
        assert_eq!(r.stage(), Stage::AccountNeedVerify);
        r.advance(deadline + 86_400, FAST);
        assert_eq!(r.stage(), Stage::Rejected);
        assert_eq!(r.history.last().unwrap().at_unix, deadline, "rejected when due, not when read");
        assert_eq!(r.audit_detail()[0].param_name, "account_validation");
        assert!(r.apply(Event::AccountVerified, deadline + 1).is_err(), "too late to verify");
        let changed = Facts { fingerprint: "g".into(), ..r.facts.clone() };
        r.apply(Event::Resubmitted(Box::new(changed)), deadline + 2).unwrap();
        assert!(r.check().is_none());
        r.apply(Event::CheckPassed, deadline + 3).unwrap();
        assert_eq!(r.check().unwrap().deadline_unix, deadline + 3 + VERIFICATION_WINDOW_SECS);
    }

    // Proves a verification done after a rejection is kept, so the resubmission skips
    // verification; and that changing what was signed makes signing necessary again.
    #[test]
    fn resubmission_keeps_verification_and_resets_signing_on_changes() {
        let mut r = record(OrganizationType::Enterprise, ContactType::Super);
        r.apply(Event::CheckPassed, 1_000).unwrap();
        r.apply(Event::Signed, 1_001).unwrap();
        r.apply(Event::Rejected(vec![]), 1_002).unwrap();
        assert_eq!(r.sign_state(), SignState::NotSignable);
        r.apply(Event::AccountVerified, 1_003).unwrap();
        assert_eq!(r.stage(), Stage::Rejected);
        let same_names = Facts { fingerprint: "g".into(), ..r.facts.clone() };
        r.apply(Event::Resubmitted(Box::new(same_names)), 1_004).unwrap();
        r.apply(Event::CheckPassed, 1_005).unwrap();
        assert_eq!(r.stage(), Stage::Auditing, "verification done before: straight to review");
        assert_eq!(r.sign_state(), SignState::Signed);
        r.apply(Event::Rejected(vec![]), 1_006).unwrap();
        let renamed = Facts { subject_name: "新名称有限公司".into(), ..r.facts.clone() };
        r.apply(Event::Resubmitted(Box::new(renamed)), 1_007).unwrap();
        r.apply(Event::CheckPassed, 1_008).unwrap();
        assert_eq!(r.sign_state(), SignState::Unsigned, "the subject name changed");
    }

    // Proves freezing and cancelling are refused once finished, and nothing leaves CANCELED.
    #[test]
    fn terminal_states() {
        let mut r = record(OrganizationType::MicroMerchant, ContactType::Legal);
        r.apply(Event::Frozen(vec![]), 1_000).unwrap();
        assert_eq!(r.sign_state(), SignState::NotSignable);
        assert!(r.apply(Event::Approved, 1_001).is_err());
        r.apply(Event::Canceled, 1_002).unwrap();
        for e in [Event::Canceled, Event::Frozen(vec![]), Event::CheckPassed, Event::Signed] {
            let before = r.clone().history.len();
            assert!(r.apply(e, 1_003).is_err());
            assert_eq!(r.history.len(), before, "a refused event changes nothing");
        }
        let mut done = record(OrganizationType::MicroMerchant, ContactType::Legal);
        done.apply(Event::CheckPassed, 1).unwrap();
        done.apply(Event::Approved, 2).unwrap();
        done.apply(Event::Signed, 3).unwrap();
        assert!(done.apply(Event::Frozen(vec![]), 4).is_err());
        assert!(done.apply(Event::Canceled, 4).is_err());
    }
}
