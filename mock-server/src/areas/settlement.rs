//! 结算账户: `GET /v3/apply4sub/sub_merchants/{sub_mchid}/settlement`,
//! `POST …/{sub_mchid}/modify-settlement` and `GET …/{sub_mchid}/application/{application_no}`.
//!
//! Each sub-merchant of a tenant has one settlement account: the one named in its application
//! when onboarded through the applyment area, or a made-up corporate account for the
//! sub-merchants seeded from the configuration.
//!
//! **The verification remittance.** After a sub-merchant's first successful payment WeChat
//! Pay remits 0.01 CNY to the account; `verify_result` says how that went. Before the first
//! payment (and after an account change, until the next payment) it reads `VERIFYING`. The
//! payments area calls [`record_payment`] inside its own transaction when a sub-merchant's
//! payment succeeds; the result is due after [`REMITTANCE`] (default `VERIFY_SUCCESS`). The
//! admin API can stand in for a payment (`POST /mock/admin/settlement/{sub_mchid}/payment`)
//! and set any result (`POST /mock/admin/settlement/{sub_mchid}/verify-result`).
//!
//! **Changes.** A change request is reviewed for [`CHANGE_REVIEW`] and then approved (the
//! account is replaced, and its verification starts over), unless the admin API decides first
//! (`POST /mock/admin/settlement/{sub_mchid}/applications/{application_no}/audit`). One change
//! at a time: another request while one is under review is `INVALID_REQUEST`.

use std::time::Duration;

use axum::extract::State;
use axum::routing::{get, post};
use axum::Router;
use serde::Serialize;
use wechatpay_models::applyment::{BankAccountType, OrganizationType};
use wechatpay_models::settlement::{
    AccountNumberRule, ApplicationAuditResult, ModifySettlementRequest, ModifySettlementResponse,
    SettlementAccount, SettlementAccountType, SettlementApplication, SettlementApplicationParams,
    SettlementVerifyResult,
};
use wechatpay_models::DateTime;

use super::onboarding::machine::AccountFacts;
use super::onboarding::rules::{self, Subject};
use super::onboarding::sensitive;
use crate::error::{ApiError, Location};
use crate::extract::{WxJson, WxPath, WxQuery};
use crate::policy::{Pending, Timing, TimingProfile, TransitionPolicy};
use crate::protocol::Caller;
use crate::state::MockState;
use crate::store::Txn;

/// From a payment to the remittance's result: at once in `fast`, a day in `production`.
pub(crate) const REMITTANCE: Timing = Timing::new(
    TransitionPolicy::Immediate,
    TransitionPolicy::AfterVirtual(Duration::from_secs(86_400)),
);

/// The review of an account change: a virtual minute in `fast`, a day in `production`.
pub(crate) const CHANGE_REVIEW: Timing = Timing::new(
    TransitionPolicy::AfterVirtual(Duration::from_secs(60)),
    TransitionPolicy::AfterVirtual(Duration::from_secs(86_400)),
);

/// Most change requests one tenant keeps (a limit on everything).
pub(crate) const MAX_APPLICATIONS: usize = 100_000;

/// Where the 0.01 CNY verification remittance stands.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub(crate) enum RemittanceCheck {
    /// No payment yet since the account was set: nothing sent.
    AwaitingPayment,
    /// Sent after a payment; the result is due after [`REMITTANCE`].
    Sent {
        #[serde(skip)]
        pending: Pending,
    },
    /// The result.
    Done { result: SettlementVerifyResult, reason: Option<String> },
}

/// A sub-merchant's settlement account.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub(crate) struct Account {
    pub(crate) account_type: SettlementAccountType,
    pub(crate) account_bank: String,
    pub(crate) bank_name: Option<String>,
    pub(crate) bank_branch_id: Option<String>,
    #[serde(skip)]
    pub(crate) account_number: String,
    #[serde(skip)]
    pub(crate) account_name: String,
    /// The subject type, when the sub-merchant was onboarded here (it limits account types).
    pub(crate) organization_type: Option<OrganizationType>,
    pub(crate) check: RemittanceCheck,
}

impl Account {
    /// The account a seeded sub-merchant starts with.
    fn seeded(sub_mchid: &str) -> Self {
        Self {
            account_type: SettlementAccountType::Business,
            account_bank: "招商银行".into(),
            bank_name: None,
            bank_branch_id: None,
            account_number: format!("7559{sub_mchid}"),
            account_name: format!("测试商户{sub_mchid}有限公司"),
            organization_type: None,
            check: RemittanceCheck::Done {
                result: SettlementVerifyResult::VerifySuccess,
                reason: None,
            },
        }
    }

    fn verify_result(&self) -> (SettlementVerifyResult, Option<String>) {
        match &self.check {
            RemittanceCheck::AwaitingPayment | RemittanceCheck::Sent { .. } => {
                (SettlementVerifyResult::Verifying, None)
            }
            RemittanceCheck::Done { result, reason } => (result.clone(), reason.clone()),
        }
    }
}

/// The state of a change request.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub(crate) enum Review {
    Auditing {
        #[serde(skip)]
        pending: Pending,
    },
    Succeeded {
        at_unix: i64,
    },
    Failed {
        at_unix: i64,
        reason: String,
    },
}

/// A change request.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub(crate) struct Application {
    pub(crate) application_no: String,
    pub(crate) sub_mchid: String,
    pub(crate) new_account: Account,
    pub(crate) review: Review,
}

/// Every settlement account and change request of one tenant.
#[derive(Clone, Debug, Default)]
pub(crate) struct Settlements {
    accounts: imbl::OrdMap<String, Account>,
    applications: imbl::OrdMap<String, Application>,
    /// The change under review of each sub-merchant (at most one): what a query must look
    /// at, without scanning every change request.
    under_review: imbl::OrdMap<String, String>,
    last_application: u64,
}

/// Why an admin decision on a change request was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub(crate) enum DecisionError {
    #[error("no such change request for this sub-merchant")]
    NotFound,
    #[error("the change request has been decided already")]
    Decided,
}

impl Settlements {
    /// Opens the account of a sub-merchant onboarded through an application.
    pub(crate) fn open(
        &mut self,
        sub_mchid: &str,
        organization_type: OrganizationType,
        facts: &AccountFacts,
    ) {
        let account_type = match facts.bank_account_type {
            BankAccountType::Personal => SettlementAccountType::Private,
            BankAccountType::Corporate | BankAccountType::Unknown(_) => {
                SettlementAccountType::Business
            }
        };
        let account = Account {
            account_type,
            account_bank: facts.account_bank.clone(),
            bank_name: facts.bank_name.clone(),
            bank_branch_id: facts.bank_branch_id.clone(),
            account_number: facts.account_number.clone(),
            account_name: facts.account_name.clone(),
            organization_type: Some(organization_type),
            check: RemittanceCheck::AwaitingPayment,
        };
        let replaced = self.accounts.insert(sub_mchid.to_owned(), account);
        assert!(replaced.is_none(), "a sub-merchant id is opened once");
    }

    /// The account of `sub_mchid` (a seeded sub-merchant gets its made-up account), after
    /// applying what became due at `now`.
    pub(crate) fn refresh(
        &mut self,
        sub_mchid: &str,
        now: i64,
        profile: TimingProfile,
    ) -> &mut Account {
        let due = self.under_review.get(sub_mchid).filter(|no| {
            matches!(
                self.applications.get(no.as_str()).map(|a| &a.review),
                Some(Review::Auditing { pending }) if CHANGE_REVIEW.for_profile(profile).is_due(pending, now)
            )
        });
        if let Some(application_no) = due.cloned() {
            let decided = self.decide(sub_mchid, &application_no, None, now, profile);
            assert!(decided.is_ok(), "a change under review of this sub-merchant can be decided");
        }
        let account =
            self.accounts.entry(sub_mchid.to_owned()).or_insert_with(|| Account::seeded(sub_mchid));
        if let RemittanceCheck::Sent { pending } = &account.check {
            if REMITTANCE.for_profile(profile).is_due(pending, now) {
                account.check = RemittanceCheck::Done {
                    result: SettlementVerifyResult::VerifySuccess,
                    reason: None,
                };
            }
        }
        account
    }

    /// Approves (`failure` `None`) or rejects a change request under review.
    pub(crate) fn decide(
        &mut self,
        sub_mchid: &str,
        application_no: &str,
        failure: Option<String>,
        now: i64,
        profile: TimingProfile,
    ) -> Result<(), DecisionError> {
        let application = self
            .applications
            .get_mut(application_no)
            .filter(|a| a.sub_mchid == sub_mchid)
            .ok_or(DecisionError::NotFound)?;
        let Review::Auditing { pending } = &application.review else {
            return Err(DecisionError::Decided);
        };
        self.under_review.remove(sub_mchid);
        // Decided when due (lazily read) or now (admin), whichever is earlier.
        let at = CHANGE_REVIEW.for_profile(profile).due_at(pending).map_or(now, |due| due.min(now));
        match failure {
            Some(reason) => application.review = Review::Failed { at_unix: at, reason },
            None => {
                application.review = Review::Succeeded { at_unix: at };
                let mut account = application.new_account.clone();
                account.check = RemittanceCheck::AwaitingPayment;
                self.accounts.insert(sub_mchid.to_owned(), account);
            }
        }
        Ok(())
    }

    /// Sets the verification result of `sub_mchid`'s account (admin).
    pub(crate) fn set_result(
        &mut self,
        sub_mchid: &str,
        result: SettlementVerifyResult,
        reason: Option<String>,
        now: i64,
        profile: TimingProfile,
    ) {
        self.refresh(sub_mchid, now, profile).check = RemittanceCheck::Done { result, reason };
    }

    /// The account of `sub_mchid` and its change requests, for the admin view.
    pub(crate) fn view(
        &mut self,
        sub_mchid: &str,
        now: i64,
        profile: TimingProfile,
    ) -> (Account, Vec<Application>) {
        let account = self.refresh(sub_mchid, now, profile).clone();
        let applications =
            self.applications.values().filter(|a| a.sub_mchid == sub_mchid).cloned().collect();
        (account, applications)
    }
}

/// Called when a payment of `sub_mchid` succeeds, inside the payment's transaction: the
/// first payment since the settlement account was set sends the 0.01 CNY verification
/// remittance, whose result shows in the settlement query after [`REMITTANCE`]. Later
/// payments change nothing. Returns whether this payment started the verification.
///
/// The payments area calls this for every successful payment; the admin API calls it for
/// `POST /mock/admin/settlement/{sub_mchid}/payment`.
pub(crate) fn record_payment(tx: &mut Txn<'_>, sub_mchid: &str, profile: TimingProfile) -> bool {
    let now = tx.now_unix();
    let account = tx.area_mut::<Settlements>().refresh(sub_mchid, now, profile);
    if account.check == RemittanceCheck::AwaitingPayment {
        account.check = RemittanceCheck::Sent { pending: Pending::new(now) };
        true
    } else {
        false
    }
}

pub(crate) fn routes() -> Router<MockState> {
    Router::new()
        .route("/v3/apply4sub/sub_merchants/{sub_mchid}/settlement", get(query))
        .route("/v3/apply4sub/sub_merchants/{sub_mchid}/modify-settlement", post(modify))
        .route(
            "/v3/apply4sub/sub_merchants/{sub_mchid}/application/{application_no}",
            get(application),
        )
}

/// `sub_mchid` from the path, which must be one of the tenant's sub-merchants.
fn own_sub_merchant(tx: &mut Txn<'_>, sub_mchid: &str) -> Result<(), ApiError> {
    if !sub_mchid.bytes().all(|b| b.is_ascii_digit())
        || sub_mchid.is_empty()
        || sub_mchid.len() > 32
    {
        return Err(ApiError::param_error("sub_mchid", Location::Path, "must be 1 to 32 digits")
            .with_value(sub_mchid.to_owned()));
    }
    if !tx.is_sub_merchant(sub_mchid) {
        return Err(ApiError::no_auth(format!(
            "{sub_mchid} 不是本平台的二级商户 (no onboarding relation with merchant {})",
            tx.tenant().mchid()
        )));
    }
    Ok(())
}

/// All but the last four characters as `*`.
fn mask_number(number: &str) -> String {
    let keep = number.chars().count().saturating_sub(4);
    number.chars().enumerate().map(|(i, c)| if i < keep { '*' } else { c }).collect()
}

/// The first four and last four characters kept (`ACCOUNT_NUMBER_RULE_MASK_V2`).
fn mask_number_v2(number: &str) -> String {
    let len = number.chars().count();
    if len <= 8 {
        return mask_number(number);
    }
    number.chars().enumerate().map(|(i, c)| if i < 4 || i >= len - 4 { c } else { '*' }).collect()
}

/// All but the last character as `*`.
fn mask_name(name: &str) -> String {
    let keep = name.chars().count().saturating_sub(1);
    name.chars().enumerate().map(|(i, c)| if i < keep { '*' } else { c }).collect()
}

async fn query(
    caller: Caller,
    State(state): State<MockState>,
    WxPath(sub_mchid): WxPath<String>,
) -> Result<WxJson<SettlementAccount>, ApiError> {
    let profile = state.timing();
    state.store().transact(caller.tenant(), |tx| {
        own_sub_merchant(tx, &sub_mchid)?;
        let now = tx.now_unix();
        let account = tx.area_mut::<Settlements>().refresh(&sub_mchid, now, profile);
        let (verify_result, verify_fail_reason) = account.verify_result();
        Ok(WxJson(SettlementAccount {
            account_type: account.account_type.clone(),
            account_bank: account.account_bank.clone(),
            bank_name: account.bank_name.clone(),
            bank_branch_id: account.bank_branch_id.clone(),
            account_number: mask_number(&account.account_number),
            verify_result,
            verify_fail_reason,
        }))
    })
}

async fn modify(
    caller: Caller,
    State(state): State<MockState>,
    WxPath(sub_mchid): WxPath<String>,
    WxJson(request): WxJson<ModifySettlementRequest>,
) -> Result<WxJson<ModifySettlementResponse>, ApiError> {
    // Whose account it is comes first: a foreign sub-merchant learns nothing about the body.
    state.store().transact(caller.tenant(), |tx| own_sub_merchant(tx, &sub_mchid))?;
    let plain = sensitive::decrypt(&caller, &request)?;
    rules::check_settlement_change(&plain)?;
    let profile = state.timing();
    state.store().transact(caller.tenant(), |tx| {
        own_sub_merchant(tx, &sub_mchid)?;
        let now = tx.now_unix();
        let settlements = tx.area_mut::<Settlements>();
        let current = settlements.refresh(&sub_mchid, now, profile).clone();
        let allowed = match current.organization_type.as_ref().and_then(rules::subject) {
            Some(Subject::Person) => Some(SettlementAccountType::Private),
            Some(Subject::Enterprise | Subject::Institution) => Some(SettlementAccountType::Business),
            Some(Subject::IndividualBusiness) | None => None,
        };
        if let Some(allowed) = allowed.filter(|a| *a != plain.account_type) {
            return Err(ApiError::param_error(
                "/account_type",
                Location::Body,
                format!("this sub-merchant's subject type takes only {allowed}"),
            ));
        }
        if settlements.under_review.contains_key(&sub_mchid) {
            return Err(ApiError::invalid_request("修改申请处理中,请等待审核结果后再提交"));
        }
        if settlements.applications.len() >= MAX_APPLICATIONS {
            return Err(ApiError::invalid_request(format!(
                "this mock keeps at most {MAX_APPLICATIONS} settlement changes per merchant; reset it"
            )));
        }
        settlements.last_application += 1;
        let application_no = format!("{}", 100_000_000_000_000u64 + settlements.last_application);
        let new_account = Account {
            account_type: plain.account_type.clone(),
            account_bank: plain.account_bank.clone(),
            bank_name: plain.bank_name.clone(),
            bank_branch_id: plain.bank_branch_id.clone(),
            account_number: plain.account_number.clone(),
            account_name: plain.account_name.clone().unwrap_or_else(|| current.account_name.clone()),
            organization_type: current.organization_type.clone(),
            check: RemittanceCheck::AwaitingPayment,
        };
        settlements.under_review.insert(sub_mchid.clone(), application_no.clone());
        settlements.applications.insert(
            application_no.clone(),
            Application {
                application_no: application_no.clone(),
                sub_mchid: sub_mchid.clone(),
                new_account,
                review: Review::Auditing { pending: Pending::new(now) },
            },
        );
        Ok(WxJson(ModifySettlementResponse { application_no: Some(application_no) }))
    })
}

async fn application(
    caller: Caller,
    State(state): State<MockState>,
    WxPath(params): WxPath<(String, String)>,
    WxQuery(query): WxQuery<SettlementApplicationParams>,
) -> Result<WxJson<SettlementApplication>, ApiError> {
    let (sub_mchid, application_no) = params;
    let profile = state.timing();
    state.store().transact(caller.tenant(), |tx| {
        own_sub_merchant(tx, &sub_mchid)?;
        let now = tx.now_unix();
        let settlements = tx.area_mut::<Settlements>();
        settlements.refresh(&sub_mchid, now, profile);
        let found = settlements
            .applications
            .get(&application_no)
            .filter(|a| a.sub_mchid == sub_mchid)
            .ok_or_else(|| {
                ApiError::not_found("RESOURCE_NOT_EXISTS", "申请单不存在")
                    .with_value(application_no.clone())
            })?;
        let account = &found.new_account;
        let (verify_result, verify_fail_reason, finished) = match &found.review {
            Review::Auditing { .. } => (ApplicationAuditResult::Auditing, None, None),
            Review::Succeeded { at_unix } => {
                (ApplicationAuditResult::AuditSuccess, None, Some(*at_unix))
            }
            Review::Failed { at_unix, reason } => {
                (ApplicationAuditResult::AuditFail, Some(reason.clone()), Some(*at_unix))
            }
        };
        let account_number = match query.account_number_rule {
            Some(AccountNumberRule::MaskV2) => mask_number_v2(&account.account_number),
            _ => mask_number(&account.account_number),
        };
        Ok(WxJson(SettlementApplication {
            account_name: mask_name(&account.account_name),
            account_type: account.account_type.clone(),
            account_bank: account.account_bank.clone(),
            bank_name: account.bank_name.clone(),
            bank_branch_id: account.bank_branch_id.clone(),
            account_number,
            verify_result,
            verify_fail_reason,
            verify_finish_time: finished.and_then(|t| DateTime::from_unix(t).ok()),
        }))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    // Proves the masks keep only what the rules say.
    #[test]
    fn masks() {
        assert_eq!(mask_number("6214830000000002"), "************0002");
        assert_eq!(mask_number_v2("6214830000000002"), "6214********0002");
        assert_eq!(mask_number("12"), "12");
        assert_eq!(mask_name("张三"), "*三");
    }

    // Proves a payment starts the remittance once, its result comes when due, and an
    // approved change replaces the account and starts verification over.
    #[test]
    fn remittance_and_change_review() {
        let profile = TimingProfile::Production;
        let mut s = Settlements::default();
        let facts = AccountFacts {
            bank_account_type: BankAccountType::Personal,
            account_bank: "招商银行".into(),
            bank_name: None,
            bank_branch_id: None,
            account_name: "张三".into(),
            account_number: "6214830000000001".into(),
        };
        s.open("1600000001", OrganizationType::MicroMerchant, &facts);
        assert_eq!(
            s.refresh("1600000001", 0, profile).verify_result().0,
            SettlementVerifyResult::Verifying
        );
        s.refresh("1600000001", 0, profile).check =
            RemittanceCheck::Sent { pending: Pending::new(100) };
        assert_eq!(
            s.refresh("1600000001", 100 + 86_399, profile).verify_result().0,
            SettlementVerifyResult::Verifying
        );
        assert_eq!(
            s.refresh("1600000001", 100 + 86_400, profile).verify_result().0,
            SettlementVerifyResult::VerifySuccess
        );

        let mut new_account = s.refresh("1600000001", 0, profile).clone();
        new_account.account_number = "6214830000000009".into();
        s.under_review.insert("1600000001".into(), "1".into());
        s.applications.insert(
            "1".into(),
            Application {
                application_no: "1".into(),
                sub_mchid: "1600000001".into(),
                new_account,
                review: Review::Auditing { pending: Pending::new(200_000) },
            },
        );
        assert_eq!(
            s.refresh("1600000001", 200_000 + 86_400, profile).account_number,
            "6214830000000009"
        );
        assert_eq!(
            s.applications.get("1").unwrap().review,
            Review::Succeeded { at_unix: 200_000 + 86_400 }
        );
        assert_eq!(
            s.refresh("1600000001", 300_000, profile).check,
            RemittanceCheck::AwaitingPayment
        );
        assert_eq!(
            s.decide("1600000001", "1", None, 300_000, profile),
            Err(DecisionError::Decided)
        );
        assert_eq!(
            s.decide("1900000109", "1", None, 300_000, profile),
            Err(DecisionError::NotFound)
        );
    }
}
