//! Applyment (二级商户进件) types against real and realistic bodies.

#![cfg(feature = "applyment")]

mod support;

use support::{round_trip, signature_vector_body};
use wechatpay_models::applyment::*;
use wechatpay_models::sensitive::{visit_strings_mut, SensitiveFields};

// Proves the real applyment body of signature vector S12 (enterprise, encrypted fields) parses
// into the submit request and keeps every schema member when written back.
#[test]
fn s12_submit_body_parses() {
    let body = signature_vector_body("S12");
    let request: SubmitApplymentRequest = serde_json::from_str(&body).unwrap();
    assert_eq!(request.organization_type, OrganizationType::Enterprise);
    assert_eq!(request.out_request_no, "APPLYMENT_00000000001");
    let licence = request.business_license_info.as_ref().unwrap();
    assert_eq!(licence.merchant_name, "腾讯科技有限公司");
    let id_card = request.id_card_info.as_ref().unwrap();
    assert_eq!(id_card.id_card_valid_time_begin.to_string(), "2020-06-06");
    assert!(id_card.id_card_name.ends_with("=="), "ciphertext kept verbatim");
    assert_eq!(request.account_info.bank_account_type, BankAccountType::Corporate);
    assert_eq!(request.contact_info.contact_type, ContactType::Legal);
    assert_eq!(request.sales_scene_info.store_url.as_deref(), Some("http://www.qq.com"));

    // S12 also carries `need_account_info`, a member of the 2020 documents that the current
    // schema no longer has; it is ignored, everything else is written back unchanged.
    let mut original: serde_json::Value = serde_json::from_str(&body).unwrap();
    let legacy = original.as_object_mut().unwrap().remove("need_account_info");
    assert_eq!(legacy, Some(serde_json::Value::Bool(true)));
    assert_eq!(serde_json::to_value(&request).unwrap(), original);
}

// Proves every sensitive member S12 carries is named by SENSITIVE_FIELDS, and nothing else is:
// the ciphertexts in the vector are exactly the strings the pointers reach.
#[test]
fn s12_sensitive_members_are_the_listed_ones() {
    let mut body: serde_json::Value = serde_json::from_str(&signature_vector_body("S12")).unwrap();
    let mut reached = Vec::new();
    visit_strings_mut(&mut body, SubmitApplymentRequest::SENSITIVE_FIELDS, |_pointer, text| {
        reached.push(text.clone());
        Ok::<(), ()>(())
    })
    .unwrap();
    // id_card_name, id_card_number, account_name, account_number, contact_name,
    // contact_id_card_number, mobile_phone, contact_email.
    assert_eq!(reached.len(), 8);
    assert!(reached.iter().all(|c| c.len() == 344 && c.ends_with('=')));
}

// Proves a micro-merchant (2401) application built in code serializes to the documented shape
// with no stray members, and parses back equal.
#[test]
fn micro_merchant_request_builds() {
    let request = SubmitApplymentRequest {
        id_card_info: Some(IdCardInfo {
            id_card_copy: "media-front".into(),
            id_card_national: "media-back".into(),
            id_card_name: "enc-name".into(),
            id_card_number: "enc-number".into(),
            id_card_address: None,
            id_card_valid_time_begin: "2019-01-01".parse().unwrap(),
            id_card_valid_time: "长期".into(),
        }),
        ..SubmitApplymentRequest::new(
            "APPLY-2401-0001",
            OrganizationType::MicroMerchant,
            ApplymentAccountInfo {
                bank_account_type: BankAccountType::Personal,
                account_bank: "招商银行".into(),
                account_name: "enc-account-name".into(),
                bank_address_code: "440300".into(),
                bank_branch_id: None,
                bank_name: None,
                account_number: "enc-account-number".into(),
                account_cert_info: None,
            },
            ContactInfo {
                contact_name: "enc-contact".into(),
                mobile_phone: "enc-phone".into(),
                contact_email: "enc-mail".into(),
                ..ContactInfo::default()
            },
            SalesSceneInfo {
                store_name: "小张的店".into(),
                store_qr_code: Some("media-qr".into()),
                ..SalesSceneInfo::default()
            },
            "小张的店",
        )
    };
    let json = serde_json::to_value(&request).unwrap();
    assert_eq!(
        json,
        serde_json::json!({
            "out_request_no": "APPLY-2401-0001",
            "organization_type": "2401",
            "id_card_info": {
                "id_card_copy": "media-front", "id_card_national": "media-back",
                "id_card_name": "enc-name", "id_card_number": "enc-number",
                "id_card_valid_time_begin": "2019-01-01", "id_card_valid_time": "长期"
            },
            "account_info": {
                "bank_account_type": "75", "account_bank": "招商银行",
                "account_name": "enc-account-name", "bank_address_code": "440300",
                "account_number": "enc-account-number"
            },
            "contact_info": {
                "contact_type": "65", "contact_name": "enc-contact",
                "mobile_phone": "enc-phone", "contact_email": "enc-mail"
            },
            "sales_scene_info": {"store_name": "小张的店", "store_qr_code": "media-qr"},
            "merchant_shortname": "小张的店"
        })
    );
    let back: SubmitApplymentRequest = serde_json::from_value(json).unwrap();
    assert_eq!(back, request);
}

// Proves a public-institution (3) application with a handler, a registration certificate and
// a settlement rule round-trips, including the enums of that subject type.
#[test]
fn public_institution_request_round_trips() {
    let text = r#"{
        "out_request_no": "APPLY-3-0001",
        "organization_type": "3",
        "finance_institution": false,
        "business_license_info": {
            "cert_type": "CERTIFICATE_TYPE_2388",
            "business_license_copy": "media-cert",
            "business_license_number": "12100000400000000X",
            "merchant_name": "某某市第一人民医院",
            "legal_person": "王五",
            "company_address": "某某市人民路1号",
            "business_time": "[\"2015-01-01\",\"长期\"]"
        },
        "id_holder_type": "SUPER",
        "id_doc_type": "IDENTIFICATION_TYPE_HONGKONG",
        "authorize_letter_copy": "media-letter",
        "id_doc_info": {
            "id_doc_copy": "media-doc", "id_doc_copy_back": "media-doc-back",
            "id_doc_name": "enc", "id_doc_number": "enc", "id_doc_address": "enc",
            "doc_period_begin": "2018-05-01", "doc_period_end": "2028-05-01"
        },
        "account_info": {
            "bank_account_type": "74", "account_bank": "其他银行",
            "account_name": "enc", "bank_address_code": "110000",
            "bank_branch_id": "402713354941", "bank_name": "某某农村商业银行人民路支行",
            "account_number": "enc",
            "account_cert_info": {
                "settlement_cert_pic": "media-s", "relation_cert_pic": "media-r",
                "other_cert_pics": ["media-o1", "media-o2"]
            }
        },
        "contact_info": {
            "contact_type": "66", "contact_name": "enc",
            "contact_id_doc_type": "IDENTIFICATION_TYPE_MAINLAND_IDCARD",
            "contact_id_card_number": "enc",
            "contact_id_doc_copy": "media-c1", "contact_id_doc_copy_back": "media-c2",
            "contact_id_doc_period_begin": "2020-01-01", "contact_id_doc_period_end": "长期",
            "business_authorization_letter": "media-auth",
            "mobile_phone": "enc", "contact_email": "enc"
        },
        "sales_scene_info": {"store_name": "医院服务号", "store_url": "https://example.com", "mini_program_sub_appid": "wx1234567890abcdef"},
        "settlement_info": {"settlement_id": 719, "qualification_type": "公立医院"},
        "merchant_shortname": "第一医院",
        "qualifications": "[\"media-q1\"]",
        "business_addition_pics": "[\"media-p1\"]",
        "business_addition_desc": "门诊缴费"
    }"#;
    let request: SubmitApplymentRequest = round_trip(text);
    assert_eq!(request.organization_type, OrganizationType::PublicInstitution);
    assert_eq!(request.id_holder_type, Some(IdHolderType::Super));
    assert_eq!(request.id_doc_type, Some(IdDocType::Hongkong));
    let licence = request.business_license_info.unwrap();
    assert_eq!(licence.cert_type, Some(CertType::PublicInstitution));
    assert_eq!(request.contact_info.contact_type, ContactType::Super);
    assert_eq!(request.settlement_info.unwrap().settlement_id, Some(719));
}

// Proves an enterprise with beneficial owners and a financial-institution licence round-trips.
#[test]
fn enterprise_with_owners_round_trips() {
    let text = r#"{
        "out_request_no": "APPLY-2-0002", "organization_type": "2",
        "finance_institution": true,
        "finance_institution_info": {"finance_type": "PAYMENT_AGENT", "finance_license_pics": ["media-f1"]},
        "business_license_info": {"business_license_copy": "m", "business_license_number": "91440300MA5EXAMPLE",
            "merchant_name": "深圳某某支付有限公司", "legal_person": "赵六"},
        "id_card_info": {"id_card_copy": "m1", "id_card_national": "m2", "id_card_name": "enc",
            "id_card_number": "enc", "id_card_address": "enc",
            "id_card_valid_time_begin": "2016-03-01", "id_card_valid_time": "2036-03-01"},
        "owner": false,
        "ubo_info_list": [
            {"ubo_id_doc_type": "IDENTIFICATION_TYPE_OVERSEA_PASSPORT", "ubo_id_doc_copy": "m3",
             "ubo_id_doc_name": "enc", "ubo_id_doc_number": "enc", "ubo_id_doc_address": "enc",
             "ubo_id_doc_period_begin": "2019-09-09", "ubo_id_doc_period_end": "2029-09-08"}
        ],
        "account_info": {"bank_account_type": "74", "account_bank": "工商银行", "account_name": "enc",
            "bank_address_code": "440300", "account_number": "enc"},
        "contact_info": {"contact_type": "65", "contact_name": "enc", "mobile_phone": "enc", "contact_email": "enc"},
        "sales_scene_info": {"store_name": "某某支付", "store_url": "https://pay.example.com"},
        "merchant_shortname": "某某支付"
    }"#;
    let request: SubmitApplymentRequest = round_trip(text);
    let owners = request.ubo_info_list.unwrap();
    assert_eq!(owners[0].ubo_id_doc_type, IdDocType::OverseaPassport);
    assert_eq!(owners[0].ubo_id_doc_copy_back, None);
    assert_eq!(request.finance_institution_info.unwrap().finance_type, FinanceType::PaymentAgent);
}

// Proves the submit response parses, with the 64-bit applyment id.
#[test]
fn submit_response_round_trips() {
    let response: SubmitApplymentResponse =
        round_trip(r#"{"applyment_id":2000002124775691,"out_request_no":"APPLYMENT_00000000001"}"#);
    assert_eq!(response.applyment_id, 2_000_002_124_775_691);
}

// Proves the query response in each state the platform acts on parses with its extras.
#[test]
fn query_responses_by_state() {
    let verify = r#"{"applyment_state":"ACCOUNT_NEED_VERIFY","applyment_state_desc":"待账户验证",
        "sign_state":"UNSIGNED",
        "account_validation":{"account_name":"ciphertext-name","account_no":"ciphertext-no","pay_amount":124,
            "destination_account_number":"7222223333322332","destination_account_name":"财付通支付科技有限公司",
            "destination_account_bank":"招商银行威盛大厦支行","city":"深圳","remark":"入驻账户验证",
            "deadline":"2018-12-10 17:09:01"},
        "legal_validation_url":"https://pay.weixin.qq.com/public/apply4ec_sign/s?applymentId=2000002126198476&sign=b207b673049a32c858f3aabd7d27c7ec",
        "out_request_no":"APPLYMENT_00000000005","applyment_id":2000002126198476}"#;
    let a: Applyment = round_trip(verify);
    assert_eq!(a.applyment_state, ApplymentState::AccountNeedVerify);
    assert_eq!(a.account_validation.as_ref().unwrap().pay_amount, 124);
    assert!(a.sub_mchid.is_none());

    let sign = r#"{"applyment_state":"NEED_SIGN","applyment_state_desc":"待签约","sign_state":"UNSIGNED",
        "sign_url":"https://pay.weixin.qq.com/public/apply4ec_sign/s?applymentId=2000002126198476&sign=b207b673049a32c858f3aabd7d27c7ec",
        "sub_mchid":"1900000109","out_request_no":"APPLYMENT_00000000005","applyment_id":2000002126198476}"#;
    let a: Applyment = round_trip(sign);
    assert_eq!(a.applyment_state, ApplymentState::NeedSign);
    assert_eq!(a.sign_state, Some(SignState::Unsigned));
    assert_eq!(a.sub_mchid.as_deref(), Some("1900000109"));

    let rejected = r#"{"applyment_state":"REJECTED","applyment_state_desc":"已驳回",
        "audit_detail":[{"param_name":"id_card_copy","reject_reason":"身份证背面识别失败"}],
        "out_request_no":"APPLYMENT_00000000005","applyment_id":2000002126198476}"#;
    let a: Applyment = round_trip(rejected);
    assert_eq!(a.audit_detail.unwrap()[0].param_name, "id_card_copy");

    let canceled = r#"{"applyment_state":"CANCELED","applyment_state_desc":"已作废",
        "out_request_no":"APPLYMENT_00000000005","applyment_id":2000002126198476}"#;
    let a: Applyment = round_trip(canceled);
    assert_eq!(a.applyment_state, ApplymentState::Canceled);
}

// Proves `pay_amount` written as a string (WxJava's string(32)) still parses, and is written
// back as the integer the reference chose.
#[test]
fn pay_amount_as_string_is_accepted() {
    let text = r#"{"applyment_state":"ACCOUNT_NEED_VERIFY","applyment_state_desc":"待账户验证",
        "account_validation":{"account_name":"c","pay_amount":"124","destination_account_number":"1",
            "destination_account_name":"n","destination_account_bank":"b","city":"c","remark":"r",
            "deadline":"2018-12-10 17:09:01"},
        "out_request_no":"A","applyment_id":1}"#;
    let a: Applyment = serde_json::from_str(text).unwrap();
    let validation = a.account_validation.unwrap();
    assert_eq!(validation.pay_amount, 124);
    assert_eq!(serde_json::to_value(&validation).unwrap()["pay_amount"], 124);
}
