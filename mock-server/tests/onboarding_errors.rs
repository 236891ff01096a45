//! Onboarding input the SDK or the mock must refuse, with the documented error and without
//! changing anything; idempotency on out_request_no; the per-administrator limit; settlement
//! account changes and verification results.

mod onboarding_support;

use bytes::Bytes;
use http_body_util::Full;
use onboarding_support::*;
use serde_json::{json, Value};
use wechatpay_applyment::*;
use wechatpay_media::MAX_IMAGE_BYTES;
use wechatpay_mock::identity::SUB_MCHID;
use wechatpay_transport::http::Method;

/// A media upload signed by hand over `meta`, for files the SDK refuses to send.
fn raw_upload(
    o: &Onboarding,
    filename: &str,
    sha256: &str,
    file: &[u8],
) -> http::Request<Full<Bytes>> {
    const PATH: &str = "/v3/merchant/media/upload";
    let signer = o.mock.identity().merchant_signer().unwrap();
    let meta = format!(r#"{{"filename":"{filename}","sha256":"{sha256}"}}"#);
    let auth = signer.authorize("POST", PATH, meta.as_bytes()).unwrap();
    let mut body = Vec::with_capacity(file.len() + 512);
    body.extend_from_slice(b"--XB\r\nContent-Disposition: form-data; name=\"meta\"\r\nContent-Type: application/json\r\n\r\n");
    body.extend_from_slice(meta.as_bytes());
    body.extend_from_slice(format!("\r\n--XB\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{filename}\"\r\nContent-Type: image/jpeg\r\n\r\n").as_bytes());
    body.extend_from_slice(file);
    body.extend_from_slice(b"\r\n--XB--\r\n");
    http::Request::builder()
        .method("POST")
        .uri(format!("{}{PATH}", o.mock.base_url()))
        .header("user-agent", "onboarding-tests/1")
        .header("accept", "application/json")
        .header("content-type", "multipart/form-data; boundary=XB")
        .header("authorization", auth.to_header_value())
        .body(Full::new(Bytes::from(body)))
        .unwrap()
}

/// Sends `request` through the transport's low-level builder, sensitive members encrypted by
/// the SDK's own helper, after `tamper` has changed the encrypted body.
async fn submit_raw(
    o: &Onboarding,
    request: SubmitApplymentRequest,
    tamper: impl FnOnce(&mut Value) + Send + 'static,
) -> wechatpay_transport::ApiError {
    let result = o
        .transport
        .request(Method::POST, "/v3/ecommerce/applyments/")
        .json_with(move |ctx| {
            let mut body = ctx.encrypt_sensitive(&request)?;
            tamper(&mut body);
            Ok(body)
        })
        .send_json::<Value>()
        .await;
    api_error(result)
}

/// Nothing was stored: no application by that number, none in the admin list.
async fn assert_nothing_stored(o: &Onboarding, out_request_no: &str) {
    let e = api_error(o.applyments.query_by_out_request_no(out_request_no).await);
    assert_eq!((e.status().as_u16(), e.code()), (404, Some("RESOURCE_NOT_EXISTS")));
    assert_eq!(o.applyment_count().await, 0);
}

// Proves a missing required member is caught by the SDK before anything is sent, naming it.
#[tokio::test]
async fn missing_member_is_caught_before_sending() {
    let o = Onboarding::start().await;
    let docs = o.upload_documents().await;
    let mut request = application(OrganizationType::IndividualBusiness, "APPLY-BAD-1", &docs);
    request.business_license_info = None;
    match o.applyments.submit(&request).await {
        Err(Error::Build(BuildError::Invalid { field, .. })) => {
            assert_eq!(field, "/business_license_info")
        }
        other => panic!("expected a build error, got {other:?}"),
    }
    assert!(o.journal("/v3/ecommerce/applyments").is_empty(), "nothing was sent");
}

// Proves the mock itself refuses an application missing a member its subject type needs
// (sent raw, past the SDK's checks) with PARAM_ERROR naming it, and stores nothing.
#[tokio::test]
async fn mock_refuses_missing_member() {
    let o = Onboarding::start().await;
    let docs = o.upload_documents().await;
    let mut request = application(OrganizationType::Enterprise, "APPLY-BAD-2", &docs);
    request.owner = None;
    let e = submit_raw(&o, request, |_| {}).await;
    assert_eq!((e.status().as_u16(), e.code()), (400, Some("PARAM_ERROR")));
    assert_eq!(field(&e), "/owner");
    assert!(e.is_verified(), "error answers are signed too");
    assert_nothing_stored(&o, "APPLY-BAD-2").await;
}

// Proves a sensitive member that does not decrypt is refused with PARAM_ERROR naming it by
// JSON pointer, and one sent without Wechatpay-Serial names the header; nothing is stored.
#[tokio::test]
async fn undecryptable_sensitive_member_is_named() {
    let o = Onboarding::start().await;
    let docs = o.upload_documents().await;
    let request = application(OrganizationType::MicroMerchant, "APPLY-BAD-3", &docs);
    let e = submit_raw(&o, request.clone(), |body| {
        body["contact_info"]["mobile_phone"] = json!("bm90IGEgY2lwaGVydGV4dA==");
    })
    .await;
    assert_eq!(e.code(), Some("PARAM_ERROR"));
    assert_eq!(field(&e), "/contact_info/mobile_phone");

    let plaintext = o
        .transport
        .request(Method::POST, "/v3/ecommerce/applyments/")
        .json(&request)
        .unwrap()
        .send_json::<Value>()
        .await;
    let e = api_error(plaintext);
    assert_eq!((e.code(), field(&e)), (Some("PARAM_ERROR"), "Wechatpay-Serial"));
    assert_nothing_stored(&o, "APPLY-BAD-3").await;
}

// Proves a MediaID this platform never uploaded, or a video where an image belongs, is
// INVALID_REQUEST naming the member, and nothing is stored.
#[tokio::test]
async fn unknown_media_id_is_refused() {
    let o = Onboarding::start().await;
    let docs = o.upload_documents().await;
    let mut request = application(OrganizationType::MicroMerchant, "APPLY-BAD-4", &docs);
    request.id_card_info.as_mut().unwrap().id_card_national = "MOCK_never_uploaded".into();
    let e = api_error(o.applyments.submit(&request).await);
    assert_eq!((e.code(), field(&e)), (Some("INVALID_REQUEST"), "/id_card_info/id_card_national"));
    request.id_card_info.as_mut().unwrap().id_card_national = docs.id_back.clone();
    request.sales_scene_info.store_qr_code = Some(docs.video.clone());
    let e = api_error(o.applyments.submit(&request).await);
    assert_eq!((e.code(), field(&e)), (Some("INVALID_REQUEST"), "/sales_scene_info/store_qr_code"));
    assert_nothing_stored(&o, "APPLY-BAD-4").await;
}

// Proves an image over 5 MB is refused by the SDK without a request and by the mock with
// INVALID_REQUEST, a wrong SHA-256 with PARAM_ERROR, a GIF by both; no upload is recorded.
#[tokio::test]
async fn bad_uploads_are_refused() {
    let o = Onboarding::start().await;
    let big = [JPG, &vec![0u8; MAX_IMAGE_BYTES]].concat();
    let local = o.media.upload_image("big.jpg", big.clone()).await;
    assert!(matches!(local, Err(Error::Build(BuildError::BodyTooLarge { .. }))), "{local:?}");
    let local = o.media.upload_image("anim.gif", &b"GIF89a"[..]).await;
    assert!(matches!(local, Err(Error::Build(BuildError::Invalid { .. }))), "{local:?}");
    assert!(o.journal("/v3/merchant/media").is_empty(), "the SDK sent nothing");

    let digest = wechatpay_crypto::digest::sha256_hex(&big);
    let (status, answer) = o.send_raw(raw_upload(&o, "big.jpg", &digest, &big)).await;
    assert_eq!((status, answer["code"].as_str()), (400, Some("INVALID_REQUEST")), "{answer}");
    let (status, answer) = o.send_raw(raw_upload(&o, "id.jpg", &"0".repeat(64), JPG)).await;
    assert_eq!((status, answer["code"].as_str()), (400, Some("PARAM_ERROR")), "{answer}");
    assert_eq!(answer["detail"]["field"], "/meta/sha256");
    let gif_digest = wechatpay_crypto::digest::sha256_hex(b"GIF89a");
    let (_, answer) = o.send_raw(raw_upload(&o, "anim.gif", &gif_digest, b"GIF89a")).await;
    assert_eq!(answer["code"], "PARAM_ERROR");
    assert_eq!(o.media_count().await, 0);

    let ok =
        o.send_raw(raw_upload(&o, "id.jpg", &wechatpay_crypto::digest::sha256_hex(JPG), JPG)).await;
    assert_eq!(ok.0, 200, "the hand-made upload itself is well formed: {}", ok.1);
    assert_eq!(o.media_count().await, 1);
}

// Proves submitting the same application again answers the same applyment_id without a
// change, and different content under the same out_request_no (not rejected) is refused.
#[tokio::test]
async fn same_out_request_no_is_idempotent() {
    let o = Onboarding::start().await;
    let docs = o.upload_documents().await;
    let mut request = application(OrganizationType::MicroMerchant, "APPLY-IDEM-1", &docs);
    let first = o.applyments.submit(&request).await.unwrap();
    let a = o.applyments.query_by_id(first.applyment_id).await.unwrap();
    assert_eq!(a.applyment_state, ApplymentState::Auditing);
    let history_before = o.admin_view(first.applyment_id).await["history"].clone();

    let again = o.applyments.submit(&request).await.unwrap();
    assert_eq!(again, first, "fresh ciphertexts, same plaintext: the same application");
    request.merchant_shortname = "张三的新店".into();
    let e = api_error(o.applyments.submit(&request).await);
    assert_eq!((e.code(), field(&e)), (Some("INVALID_REQUEST"), "/out_request_no"));
    assert_eq!(o.admin_view(first.applyment_id).await["history"], history_before, "unchanged");
    assert_eq!(o.applyment_count().await, 1);
}

// Proves one WeChat user (the administrator's ID number) administers at most 5 小微 /
// 个人卖家 of a platform, and a cancelled one frees a place.
#[tokio::test]
async fn five_personal_applications_per_administrator() {
    let o = Onboarding::start().await;
    let docs = o.upload_documents().await;
    let mut ids = Vec::new();
    for i in 0..5 {
        let t = if i % 2 == 0 {
            OrganizationType::MicroMerchant
        } else {
            OrganizationType::IndividualSeller
        };
        let request = application(t, &format!("APPLY-LIMIT-{i}"), &docs);
        ids.push(o.applyments.submit(&request).await.unwrap().applyment_id);
    }
    let sixth = application(OrganizationType::MicroMerchant, "APPLY-LIMIT-5", &docs);
    let e = api_error(o.applyments.submit(&sixth).await);
    assert_eq!(e.code(), Some("INVALID_REQUEST"));
    assert_eq!(o.applyment_count().await, 5);
    // Another subject type is not limited.
    let business = application(OrganizationType::IndividualBusiness, "APPLY-LIMIT-B", &docs);
    o.applyments.submit(&business).await.unwrap();

    o.act(ids[0], "cancel", json!({})).await;
    o.applyments.submit(&sixth).await.unwrap();
}

// Proves a settlement account change is reviewed (one at a time), then replaces the account,
// whose verification starts over; a rejected change leaves the account; the admin API sets
// the remittance result, decoded with its reason; foreign and unknown ids are refused.
#[tokio::test]
async fn settlement_account_changes_and_results() {
    let o = Onboarding::start().await;
    let account = o.settlement.query(SUB_MCHID).await.unwrap();
    assert_eq!(account.account_type, SettlementAccountType::Business);
    assert_eq!(account.verify_result, SettlementVerifyResult::VerifySuccess);

    let change = ModifySettlementRequest {
        account_type: SettlementAccountType::Business,
        account_bank: "其他银行".into(),
        bank_address_code: "440300".into(),
        bank_name: Some("深圳农村商业银行科技园支行".into()),
        bank_branch_id: None,
        account_number: "000123456789012345".into(),
        modify_mode: Some(ModifyMode::Async),
        account_name: None,
    };
    let no = o.settlement.modify(SUB_MCHID, &change).await.unwrap().application_no.unwrap();
    let pending = o.settlement.application(SUB_MCHID, &no).await.unwrap();
    assert_eq!(pending.verify_result, ApplicationAuditResult::Auditing);
    assert_eq!(pending.account_number, "**************2345");
    let busy = api_error(o.settlement.modify(SUB_MCHID, &change).await);
    assert_eq!(busy.code(), Some("INVALID_REQUEST"));

    o.advance(60).await;
    let done = o.settlement.application(SUB_MCHID, &no).await.unwrap();
    assert_eq!(done.verify_result, ApplicationAuditResult::AuditSuccess);
    assert!(done.verify_finish_time.is_some());
    let account = o.settlement.query(SUB_MCHID).await.unwrap();
    assert_eq!(
        (account.account_bank.as_str(), account.account_number.as_str()),
        ("其他银行", "**************2345")
    );
    assert_eq!(
        account.verify_result,
        SettlementVerifyResult::Verifying,
        "a new account verifies again"
    );

    let (status, _) = o
        .admin(
            "POST",
            &format!("/settlement/{SUB_MCHID}/verify-result"),
            Some(json!({"verify_result": "VERIFY_FAIL", "verify_fail_reason": "账户已销户"})),
        )
        .await;
    assert_eq!(status, 200);
    let account = o.settlement.query(SUB_MCHID).await.unwrap();
    assert_eq!(account.verify_result, SettlementVerifyResult::VerifyFail);
    assert_eq!(account.verify_fail_reason.as_deref(), Some("账户已销户"));

    let second = o
        .settlement
        .modify(
            SUB_MCHID,
            &ModifySettlementRequest {
                account_number: "6214830000000099".into(),
                ..change.clone()
            },
        )
        .await
        .unwrap();
    let second = second.application_no.unwrap();
    let path = format!("/settlement/{SUB_MCHID}/applications/{second}/audit");
    let (status, answer) = o
        .admin(
            "POST",
            &path,
            Some(json!({"result": "AUDIT_FAIL", "reason": "开户名称与主体名称不一致"})),
        )
        .await;
    assert_eq!(status, 200, "{answer}");
    let failed = o.settlement.application(SUB_MCHID, &second).await.unwrap();
    assert_eq!(failed.verify_result, ApplicationAuditResult::AuditFail);
    assert_eq!(failed.verify_fail_reason.as_deref(), Some("开户名称与主体名称不一致"));
    assert_eq!(o.settlement.query(SUB_MCHID).await.unwrap().account_number, "**************2345");

    assert_eq!(api_error(o.settlement.query("1900000999").await).code(), Some("NO_AUTH"));
    assert_eq!(api_error(o.settlement.modify("1900000999", &change).await).code(), Some("NO_AUTH"));
    let unknown = api_error(o.settlement.application(SUB_MCHID, "999").await);
    assert_eq!((unknown.status().as_u16(), unknown.code()), (404, Some("RESOURCE_NOT_EXISTS")));
}

// Proves a licence already onboarded here cannot be onboarded again under another number,
// and unknown or malformed application ids are answered the documented way.
#[tokio::test]
async fn onboarded_licence_and_unknown_ids() {
    let o = Onboarding::start().await;
    let docs = o.upload_documents().await;
    let first = application(OrganizationType::IndividualBusiness, "APPLY-LIC-1", &docs);
    let id = o.applyments.submit(&first).await.unwrap().applyment_id;
    o.applyments.query_by_id(id).await.unwrap();
    o.act(id, "approve", json!({})).await;
    o.act(id, "sign", json!({})).await;
    let again = application(OrganizationType::IndividualBusiness, "APPLY-LIC-2", &docs);
    let e = api_error(o.applyments.submit(&again).await);
    assert_eq!(e.code(), Some("INVALID_REQUEST"));
    assert_eq!(field(&e), "/business_license_info/business_license_number");
    assert_eq!(o.applyment_count().await, 1);

    let unknown = api_error(o.applyments.query_by_id(1).await);
    assert_eq!((unknown.status().as_u16(), unknown.code()), (404, Some("RESOURCE_NOT_EXISTS")));
    let malformed = o
        .transport
        .request(Method::GET, "/v3/ecommerce/applyments/not-a-number")
        .send_json::<Value>()
        .await;
    let e = api_error(malformed);
    assert_eq!((e.code(), field(&e)), (Some("PARAM_ERROR"), "applyment_id"));
}
