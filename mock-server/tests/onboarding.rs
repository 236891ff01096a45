//! Sub-merchant onboarding end to end, one test per subject type, through the SDK
//! (`wechatpay-media`, `wechatpay-applyment`) against the mock over loopback: upload the
//! documents, submit, walk a path of the application state machine with the admin API and
//! the virtual clock, reach FINISH and use the new sub-merchant id.

mod onboarding_support;

use onboarding_support::*;
use serde_json::json;
use wechatpay_applyment::*;
use wechatpay_mock::config::KeyMode;
use wechatpay_mock::policy::TimingProfile;

/// 30 days, the account verification window.
const THIRTY_DAYS: i64 = 30 * 86_400;

/// The application state and the signing state.
fn states(a: &Applyment) -> (ApplymentState, Option<SignState>) {
    (a.applyment_state.clone(), a.sign_state.clone())
}

/// Checks the new sub-merchant works elsewhere: its settlement account answers, in
/// verification until its first payment, verified after it.
async fn use_sub_merchant(o: &Onboarding, sub_mchid: &str, expected: SettlementAccountType) {
    let account = o.settlement.query(sub_mchid).await.unwrap();
    assert_eq!(account.account_type, expected);
    assert_eq!(account.verify_result, SettlementVerifyResult::Verifying);
    assert_eq!(account.account_number, "************0001", "masked");
    let (status, answer) = o.admin("POST", &format!("/settlement/{sub_mchid}/payment"), None).await;
    assert_eq!((status, &answer["verification_started"]), (200, &json!(true)), "{answer}");
    let account = o.settlement.query(sub_mchid).await.unwrap();
    assert_eq!(account.verify_result, SettlementVerifyResult::VerifySuccess);
    let (_, tenants) = o.admin("GET", "/tenants", None).await;
    assert!(tenants[0]["sub_mchids"].as_array().unwrap().contains(&json!(sub_mchid)));
}

// Proves a 小微商户 (2401), whose operator is its administrator, skips account verification,
// can sign while under review, and finishes as soon as the automatic review approves.
#[tokio::test]
async fn micro_merchant_signs_during_review_and_is_approved_automatically() {
    let o = Onboarding::start().await;
    let docs = o.upload_documents().await;
    let request = application(OrganizationType::MicroMerchant, "APPLY-2401-1", &docs);
    let submitted = o.applyments.submit(&request).await.unwrap();
    assert_eq!(submitted.out_request_no, "APPLY-2401-1");

    // The guide: query (about 3 s later; the fast check passes on the first query).
    let a = o.applyments.query_by_id(submitted.applyment_id).await.unwrap();
    assert_eq!(a.applyment_state, ApplymentState::Auditing);
    assert_eq!(a.sign_state, Some(SignState::Unsigned));
    assert!(a.account_validation.is_none() && a.legal_validation_url.is_none());
    let url = a.sign_url.clone().unwrap();
    assert_eq!(next_steps(&a), [NextStep::Sign { url: &url }, NextStep::AwaitReview]);

    o.act(submitted.applyment_id, "sign", json!({})).await;
    let a = o.applyments.query_by_out_request_no("APPLY-2401-1").await.unwrap();
    assert_eq!(states(&a), (ApplymentState::Auditing, Some(SignState::Signed)));
    assert!(a.sign_url.is_none());
    assert_eq!(next_steps(&a), [NextStep::AwaitReview]);

    o.advance(60).await; // the fast profile's review
    let a = o.applyments.query_by_id(submitted.applyment_id).await.unwrap();
    assert_eq!(a.applyment_state, ApplymentState::Finish);
    let sub_mchid = a.sub_mchid.clone().unwrap();
    assert_eq!(next_steps(&a), [NextStep::Done { sub_mchid: &sub_mchid }]);
    use_sub_merchant(&o, &sub_mchid, SettlementAccountType::Private).await;
}

// Proves a 个人卖家 (2500) is approved into NEED_SIGN with its sub_mchid, which is not usable
// until signing finishes the application; in public-key mode, sensitive fields encrypted to
// the WeChat Pay public key.
#[tokio::test]
async fn individual_seller_is_approved_then_signs() {
    let o = Onboarding::with(TimingProfile::Fast, KeyMode::PublicKey).await;
    let docs = o.upload_documents().await;
    let request = application(OrganizationType::IndividualSeller, "APPLY-2500-1", &docs);
    let id = o.applyments.submit(&request).await.unwrap().applyment_id;
    let a = o.applyments.query_by_id(id).await.unwrap();
    assert_eq!(a.applyment_state, ApplymentState::Auditing);

    o.act(id, "approve", json!({})).await;
    let a = o.applyments.query_by_id(id).await.unwrap();
    assert_eq!(a.applyment_state, ApplymentState::NeedSign);
    assert_eq!(a.sign_state, Some(SignState::Unsigned));
    let sub_mchid = a.sub_mchid.clone().unwrap();
    assert!(matches!(next_steps(&a).as_slice(), [NextStep::Sign { .. }]));
    let early = api_error(o.settlement.query(&sub_mchid).await);
    assert_eq!(early.code(), Some("NO_AUTH"), "not a sub-merchant before FINISH");

    o.act(id, "sign", json!({})).await;
    let a = o.applyments.query_by_id(id).await.unwrap();
    assert_eq!(states(&a), (ApplymentState::Finish, Some(SignState::Signed)));
    assert_eq!(a.sub_mchid.as_deref(), Some(sub_mchid.as_str()), "the id given at approval");
    use_sub_merchant(&o, &sub_mchid, SettlementAccountType::Private).await;
}

// Proves a 个体工商户 (4) with a handler as administrator must verify its account, by
// remittance (instructions decrypted, personal account number included) or a legal-person
// scan, while one whose operator is the administrator goes straight to review.
#[tokio::test]
async fn individual_business_with_handler_verifies_by_legal_person_scan() {
    let o = Onboarding::start().await;
    let docs = o.upload_documents().await;
    let mut request = with_handler_admin(
        application(OrganizationType::IndividualBusiness, "APPLY-4-1", &docs),
        &docs,
    );
    request.account_info.bank_account_type = BankAccountType::Personal;
    request.account_info.account_name = "张三".into(); // the operator's own card
    let id = o.applyments.submit(&request).await.unwrap().applyment_id;
    let a = o.applyments.query_by_id(id).await.unwrap();
    assert_eq!(a.applyment_state, ApplymentState::AccountNeedVerify);
    assert_eq!(a.sign_state, Some(SignState::Unsigned));
    let remit = a.account_validation.clone().unwrap();
    assert_eq!(remit.account_name, "张三", "decrypted with the merchant key");
    assert_eq!(remit.account_no.as_deref(), Some("6214830000000001"));
    assert!((1..=99).contains(&remit.pay_amount));
    assert_eq!(remit.deadline.len(), "2025-01-31 11:00:00".len());
    let legal = a.legal_validation_url.clone().unwrap();
    let steps = next_steps(&a);
    assert!(matches!(
        steps.as_slice(),
        [NextStep::VerifyAccount { remittance: Some(_), legal_person_url: Some(l) }, NextStep::Sign { .. }] if *l == legal
    ));

    o.act(id, "verify-account", json!({"via": "legal_person"})).await;
    let a = o.applyments.query_by_id(id).await.unwrap();
    assert_eq!(a.applyment_state, ApplymentState::Auditing);
    assert!(a.account_validation.is_none());
    o.act(id, "approve", json!({})).await;
    o.act(id, "sign", json!({})).await;
    let a = o.applyments.query_by_id(id).await.unwrap();
    assert_eq!(a.applyment_state, ApplymentState::Finish);
    use_sub_merchant(&o, a.sub_mchid.as_deref().unwrap(), SettlementAccountType::Private).await;

    let mut operator = application(OrganizationType::IndividualBusiness, "APPLY-4-2", &docs);
    operator.business_license_info.as_mut().unwrap().business_license_number =
        "92440300MA5F000009".into();
    let id = o.applyments.submit(&operator).await.unwrap().applyment_id;
    let a = o.applyments.query_by_id(id).await.unwrap();
    assert_eq!(
        a.applyment_state,
        ApplymentState::Auditing,
        "operator as administrator: no verification"
    );
}

// Proves an enterprise (2) that signed and verified, then was rejected, can be resubmitted
// under the same out_request_no: verification still counts (straight to review) but the
// changed subject name makes it sign again; the automatic review then finishes it.
#[tokio::test]
async fn enterprise_rejected_and_resubmitted_signs_again() {
    let o = Onboarding::start().await;
    let docs = o.upload_documents().await;
    let mut request =
        with_handler_admin(application(OrganizationType::Enterprise, "APPLY-2-1", &docs), &docs);
    request.owner = Some(false);
    request.ubo_info_list = Some(vec![UboInfo {
        ubo_id_doc_type: IdDocType::MainlandIdcard,
        ubo_id_doc_copy: docs.id_front.clone(),
        ubo_id_doc_copy_back: Some(docs.id_back.clone()),
        ubo_id_doc_name: "王五".into(),
        ubo_id_doc_number: OWNER_ID.into(),
        ubo_id_doc_address: Some("广东省深圳市福田区某某路2号".into()),
        ubo_id_doc_period_begin: "2018-01-01".parse().unwrap(),
        ubo_id_doc_period_end: "2038-01-01".into(),
    }]);
    let id = o.applyments.submit(&request).await.unwrap().applyment_id;
    let a = o.applyments.query_by_id(id).await.unwrap();
    assert_eq!(a.applyment_state, ApplymentState::AccountNeedVerify);
    let remit = a.account_validation.clone().unwrap();
    assert_eq!(remit.account_name, "深圳某某科技有限公司");
    assert_eq!(remit.account_no, None, "a corporate account remits from its own number");

    o.act(id, "sign", json!({})).await;
    o.act(id, "verify-account", json!({"via": "remittance"})).await;
    let detail = json!({"audit_detail": [{"param_name": "business_license_copy", "reject_reason": "营业执照照片模糊"}]});
    o.act(id, "reject", detail).await;
    let a = o.applyments.query_by_id(id).await.unwrap();
    assert_eq!(states(&a), (ApplymentState::Rejected, Some(SignState::NotSignable)));
    let rejected = a.audit_detail.clone().unwrap();
    assert_eq!(rejected[0].reject_reason, "营业执照照片模糊");
    assert!(
        matches!(next_steps(&a).as_slice(), [NextStep::FixAndResubmit { audit_detail }] if audit_detail[0].param_name == "business_license_copy")
    );

    request.business_license_info.as_mut().unwrap().merchant_name =
        "深圳某某网络科技有限公司".into();
    request.account_info.account_name = "深圳某某网络科技有限公司".into();
    let again = o.applyments.submit(&request).await.unwrap();
    assert_eq!(again.applyment_id, id, "a resubmission keeps the application");
    let a = o.applyments.query_by_id(id).await.unwrap();
    assert_eq!(a.applyment_state, ApplymentState::Auditing, "verified before the rejection");
    assert_eq!(a.sign_state, Some(SignState::Unsigned), "the subject name changed");
    assert!(a.audit_detail.is_none());
    o.act(id, "sign", json!({})).await;
    o.advance(60).await;
    let a = o.applyments.query_by_id(id).await.unwrap();
    assert_eq!(a.applyment_state, ApplymentState::Finish);
    use_sub_merchant(&o, a.sub_mchid.as_deref().unwrap(), SettlementAccountType::Business).await;
}

// Proves a 事业单位 (3) verifies by remittance only, is rejected automatically when the
// 30-day deadline passes (the clock moved through the admin API), and a resubmission opens
// a new verification window.
#[tokio::test]
async fn public_institution_misses_the_deadline_then_starts_over() {
    let o = Onboarding::start().await;
    let docs = o.upload_documents().await;
    let mut request = application(OrganizationType::PublicInstitution, "APPLY-3-1", &docs);
    let id = o.applyments.submit(&request).await.unwrap().applyment_id;
    let a = o.applyments.query_by_id(id).await.unwrap();
    assert_eq!(a.applyment_state, ApplymentState::AccountNeedVerify);
    assert!(a.legal_validation_url.is_none(), "institutions verify by remittance only");
    let first_deadline = a.account_validation.clone().unwrap().deadline;
    assert_eq!(
        o.act_refused(id, "verify-account", json!({"via": "legal_person"})).await,
        "INVALID_REQUEST"
    );

    o.advance(THIRTY_DAYS).await;
    let a = o.applyments.query_by_id(id).await.unwrap();
    assert_eq!(a.applyment_state, ApplymentState::Rejected);
    assert_eq!(a.audit_detail.as_ref().unwrap()[0].param_name, "account_validation");
    assert_eq!(o.act_refused(id, "verify-account", json!({})).await, "INVALID_REQUEST", "too late");

    request.sales_scene_info.store_name = "第一人民医院服务号".into();
    assert_eq!(o.applyments.submit(&request).await.unwrap().applyment_id, id);
    let a = o.applyments.query_by_id(id).await.unwrap();
    assert_eq!(a.applyment_state, ApplymentState::AccountNeedVerify);
    let second_deadline = a.account_validation.clone().unwrap().deadline;
    assert!(second_deadline > first_deadline, "{second_deadline} after {first_deadline}");
    o.act(id, "verify-account", json!({})).await;
    o.act(id, "approve", json!({})).await;
    o.act(id, "sign", json!({})).await;
    let a = o.applyments.query_by_id(id).await.unwrap();
    assert_eq!(a.applyment_state, ApplymentState::Finish);
    let view = o.admin_view(id).await;
    let moves: Vec<&str> =
        view["history"].as_array().unwrap().iter().map(|t| t["event"].as_str().unwrap()).collect();
    assert_eq!(
        moves,
        [
            "pass-check",
            "verification-deadline",
            "resubmit",
            "pass-check",
            "verify-account",
            "approve",
            "sign"
        ],
        "every move is in the history"
    );
    use_sub_merchant(&o, a.sub_mchid.as_deref().unwrap(), SettlementAccountType::Business).await;
}

// Proves a 政府机关 (2502) application can be frozen (not signable, reasons shown) and
// cancelled, that a cancelled out_request_no cannot be reused for other content, and that a
// new application for the subject then finishes.
#[tokio::test]
async fn government_agency_frozen_cancelled_then_onboarded_anew() {
    let o = Onboarding::start().await;
    let docs = o.upload_documents().await;
    let mut request = application(OrganizationType::GovernmentAgency, "APPLY-2502-1", &docs);
    request.id_holder_type = Some(IdHolderType::Super);
    request.authorize_letter_copy = Some(docs.letter.clone());
    let id = o.applyments.submit(&request).await.unwrap().applyment_id;
    assert_eq!(
        o.applyments.query_by_id(id).await.unwrap().applyment_state,
        ApplymentState::AccountNeedVerify
    );

    o.act(id, "freeze", json!({"audit_detail": [{"param_name": "merchant_name", "reject_reason": "主体信息待核实"}]})).await;
    let a = o.applyments.query_by_id(id).await.unwrap();
    assert_eq!(states(&a), (ApplymentState::Frozen, Some(SignState::NotSignable)));
    assert!(a.sign_url.is_none() && a.account_validation.is_none());
    assert!(
        matches!(next_steps(&a).as_slice(), [NextStep::Frozen { audit_detail }] if audit_detail.len() == 1)
    );
    assert_eq!(o.act_refused(id, "sign", json!({})).await, "INVALID_REQUEST");

    o.act(id, "cancel", json!({})).await;
    let a = o.applyments.query_by_id(id).await.unwrap();
    assert_eq!(a.applyment_state, ApplymentState::Canceled);
    assert_eq!(next_steps(&a), [NextStep::StartOver]);
    request.merchant_shortname = "市场监管局".into();
    assert_eq!(api_error(o.applyments.submit(&request).await).code(), Some("INVALID_REQUEST"));

    request.out_request_no = "APPLY-2502-2".into();
    let id = o.applyments.submit(&request).await.unwrap().applyment_id;
    o.applyments.query_by_id(id).await.unwrap();
    o.act(id, "verify-account", json!({"via": "remittance"})).await;
    o.act(id, "approve", json!({})).await;
    o.act(id, "sign", json!({})).await;
    let a = o.applyments.query_by_out_request_no("APPLY-2502-2").await.unwrap();
    assert_eq!(a.applyment_state, ApplymentState::Finish);
    use_sub_merchant(&o, a.sub_mchid.as_deref().unwrap(), SettlementAccountType::Business).await;
}

// Proves the production timing of a 社会组织 (1708): CHECKING (not signable) for 3 s, then
// remittance verification with its 30-day deadline, review for 5 days, and the settlement
// account's 0.01 CNY remittance result a day after the first payment.
#[tokio::test]
async fn social_organization_on_production_timing() {
    let o = Onboarding::with(TimingProfile::Production, KeyMode::Certificate).await;
    let docs = o.upload_documents().await;
    let request = application(OrganizationType::SocialOrganization, "APPLY-1708-1", &docs);
    let id = o.applyments.submit(&request).await.unwrap().applyment_id;
    let a = o.applyments.query_by_id(id).await.unwrap();
    assert_eq!(states(&a), (ApplymentState::Checking, Some(SignState::NotSignable)));
    assert!(a.sign_url.is_none());
    assert_eq!(next_steps(&a), [NextStep::QueryAgain { after: CHECK_INTERVAL }]);
    assert_eq!(o.act_refused(id, "sign", json!({})).await, "INVALID_REQUEST");

    o.advance(3).await;
    let a = o.applyments.query_by_id(id).await.unwrap();
    assert_eq!(a.applyment_state, ApplymentState::AccountNeedVerify);
    let view = o.admin_view(id).await;
    let deadline = view["check"]["deadline_unix"].as_i64().unwrap();
    let submitted = view["submitted_unix"].as_i64().unwrap();
    assert_eq!(deadline, submitted + 3 + THIRTY_DAYS);

    o.act(id, "sign", json!({})).await;
    o.act(id, "verify-account", json!({})).await;
    o.advance(4 * 86_400).await;
    assert_eq!(
        o.applyments.query_by_id(id).await.unwrap().applyment_state,
        ApplymentState::Auditing
    );
    o.advance(86_400).await;
    let a = o.applyments.query_by_id(id).await.unwrap();
    assert_eq!(a.applyment_state, ApplymentState::Finish, "signed before the review approved");

    let sub_mchid = a.sub_mchid.unwrap();
    o.admin("POST", &format!("/settlement/{sub_mchid}/payment"), None).await;
    assert_eq!(
        o.settlement.query(&sub_mchid).await.unwrap().verify_result,
        SettlementVerifyResult::Verifying
    );
    o.advance(86_400).await;
    assert_eq!(
        o.settlement.query(&sub_mchid).await.unwrap().verify_result,
        SettlementVerifyResult::VerifySuccess
    );
}
