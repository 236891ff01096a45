//! Shared by the onboarding tests: a mock on loopback with the SDK's services pointed at it
//! (the transport on the tenant's virtual clock, so moving the clock never skews signatures),
//! an admin client, uploaded documents and a complete application per subject type.

// Each test file uses a different subset of these helpers.
#![allow(dead_code)]

use std::sync::Arc;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use serde_json::{json, Value};
use wechatpay_applyment::*;
use wechatpay_crypto::{ApiV3Key, Clock, PrivateKey, WechatPayPublicKey};
use wechatpay_media::Media;
use wechatpay_mock::config::{KeyMode, MockConfig};
use wechatpay_mock::identity::SP_MCHID;
use wechatpay_mock::journal::{JournalEntry, JournalFilter};
use wechatpay_mock::policy::TimingProfile;
use wechatpay_mock::MockServer;
use wechatpay_transport::{KeyMode as ClientMode, RetryPolicy};

pub(crate) const PNG: &[u8] = include_bytes!("../../../fixtures/vectors/media/sample.png");
/// Enough of a JPEG for the format check (its signature), not a decodable picture.
pub(crate) const JPG: &[u8] =
    b"\xFF\xD8\xFF\xE0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00mock-jpeg";
/// Enough of a BMP for the format check.
pub(crate) const BMP: &[u8] = b"BM\x3a\x00\x00\x00\x00\x00\x00\x00\x36\x00\x00\x00mock-bitmap";

/// Valid mainland ID numbers (check digits computed per GB 11643).
pub(crate) const OPERATOR_ID: &str = "11010519491231002X";
pub(crate) const HANDLER_ID: &str = "110101199003070011";
pub(crate) const OWNER_ID: &str = "440300198801010028";

pub(crate) struct Onboarding {
    pub(crate) mock: MockServer,
    pub(crate) transport: Transport,
    pub(crate) applyments: Applyments,
    pub(crate) media: Media,
    pub(crate) settlement: Settlement,
    http: Client<HttpConnector, Full<Bytes>>,
}

/// The MediaIDs of the uploaded documents.
pub(crate) struct Docs {
    pub(crate) id_front: String,
    pub(crate) id_back: String,
    pub(crate) licence: String,
    pub(crate) store_qr: String,
    pub(crate) letter: String,
    pub(crate) video: String,
}

impl Onboarding {
    /// The default mock: `fast` timing, platform certificates.
    pub(crate) async fn start() -> Self {
        Self::with(TimingProfile::Fast, KeyMode::Certificate).await
    }

    pub(crate) async fn with(timing: TimingProfile, mode: KeyMode) -> Self {
        let config = MockConfig { timing, ..MockConfig::default() };
        let mock = MockServer::builder().config(config).key_mode(mode).start().await.unwrap();
        let id = mock.identity();
        let public = || {
            WechatPayPublicKey::from_pem(
                id.public_key_id.clone().unwrap(),
                id.public_key_pem.clone().unwrap(),
            )
            .unwrap()
        };
        let client_mode = match mode {
            KeyMode::Certificate => ClientMode::PlatformCertificates,
            KeyMode::PublicKey => ClientMode::PublicKey(public()),
            KeyMode::Mixed => ClientMode::Mixed(public()),
        };
        let clock: Arc<dyn Clock> =
            Arc::new(mock.state().tenant(SP_MCHID).unwrap().clock().clone());
        let key =
            PrivateKey::from_pem(id.merchant_private_key_pem.as_ref().unwrap().as_bytes()).unwrap();
        let transport = Transport::builder()
            .mchid(id.mchid.clone())
            .merchant_key(key, id.merchant_serial.as_str())
            .api_v3_key(ApiV3Key::new(id.apiv3_key.as_bytes()).unwrap())
            .key_mode(client_mode)
            .base_url(mock.base_url())
            .no_backup_base_url()
            .retry(RetryPolicy::none())
            .clock(clock)
            .build()
            .unwrap();
        Self {
            applyments: Applyments::new(transport.clone()),
            media: Media::new(transport.clone()),
            settlement: Settlement::new(transport.clone()),
            transport,
            mock,
            http: Client::builder(TokioExecutor::new()).build_http(),
        }
    }

    /// Calls the admin API; returns the status and the JSON answer.
    pub(crate) async fn admin(
        &self,
        method: &str,
        path: &str,
        body: Option<Value>,
    ) -> (u16, Value) {
        let mut request = http::Request::builder()
            .method(method)
            .uri(format!("{}/mock/admin{path}", self.mock.base_url()));
        let bytes = match body {
            Some(b) => {
                request = request.header("content-type", "application/json");
                Bytes::from(serde_json::to_vec(&b).unwrap())
            }
            None => Bytes::new(),
        };
        let response = self.http.request(request.body(Full::new(bytes)).unwrap()).await.unwrap();
        let status = response.status().as_u16();
        let body = response.into_body().collect().await.unwrap().to_bytes();
        (status, serde_json::from_slice(&body).unwrap_or(Value::Null))
    }

    /// Sends a request as built (for what the SDK refuses to send); returns the status and
    /// the JSON answer.
    pub(crate) async fn send_raw(&self, request: http::Request<Full<Bytes>>) -> (u16, Value) {
        let response = self.http.request(request).await.unwrap();
        let status = response.status().as_u16();
        let body = response.into_body().collect().await.unwrap().to_bytes();
        (status, serde_json::from_slice(&body).unwrap_or(Value::Null))
    }

    /// Moves the tenant's virtual clock forward through the admin API.
    pub(crate) async fn advance(&self, secs: i64) {
        let (status, answer) =
            self.admin("POST", "/clock/advance", Some(json!({ "secs": secs }))).await;
        assert_eq!(status, 200, "{answer}");
    }

    /// Runs an admin action on an application and returns the admin view after it.
    pub(crate) async fn act(&self, applyment_id: u64, action: &str, body: Value) -> Value {
        let (status, answer) =
            self.admin("POST", &format!("/applyments/{applyment_id}/{action}"), Some(body)).await;
        assert_eq!(status, 200, "{action}: {answer}");
        answer
    }

    /// An admin action expected to be refused; returns the error code.
    pub(crate) async fn act_refused(&self, applyment_id: u64, action: &str, body: Value) -> String {
        let (status, answer) =
            self.admin("POST", &format!("/applyments/{applyment_id}/{action}"), Some(body)).await;
        assert_ne!(status, 200, "{action} should be refused: {answer}");
        answer["code"].as_str().unwrap().to_owned()
    }

    /// The admin view of an application.
    pub(crate) async fn admin_view(&self, applyment_id: u64) -> Value {
        let (status, answer) =
            self.admin("GET", &format!("/applyments/{applyment_id}"), None).await;
        assert_eq!(status, 200, "{answer}");
        answer
    }

    /// Uploads the documents an application refers to, through the SDK.
    pub(crate) async fn upload_documents(&self) -> Docs {
        Docs {
            id_front: self.media.upload_image("id_front.jpg", JPG).await.unwrap(),
            id_back: self.media.upload_image("id_back.jpeg", JPG).await.unwrap(),
            licence: self.media.upload_image("licence.png", PNG).await.unwrap(),
            store_qr: self.media.upload_image("store_qr.bmp", BMP).await.unwrap(),
            letter: self.media.upload_image("letter.png", PNG).await.unwrap(),
            video: self
                .media
                .upload_video("store.mp4", &b"\0\0\0\x18ftypmp42mock"[..])
                .await
                .unwrap(),
        }
    }

    /// The journal entries whose path starts with `prefix`.
    pub(crate) fn journal(&self, prefix: &str) -> Vec<JournalEntry> {
        self.mock
            .state()
            .journal()
            .list(&JournalFilter { path_prefix: Some(prefix.into()), ..JournalFilter::default() })
    }

    /// How many applications the admin API lists.
    pub(crate) async fn applyment_count(&self) -> usize {
        let (status, answer) = self.admin("GET", "/applyments", None).await;
        assert_eq!(status, 200);
        answer.as_array().unwrap().len()
    }

    /// How many uploads the admin API lists.
    pub(crate) async fn media_count(&self) -> usize {
        let (status, answer) = self.admin("GET", "/media", None).await;
        assert_eq!(status, 200);
        answer.as_array().unwrap().len()
    }
}

fn id_card(docs: &Docs, name: &str, number: &str, address: Option<&str>) -> IdCardInfo {
    IdCardInfo {
        id_card_copy: docs.id_front.clone(),
        id_card_national: docs.id_back.clone(),
        id_card_name: name.into(),
        id_card_number: number.into(),
        id_card_address: address.map(Into::into),
        id_card_valid_time_begin: "2019-01-01".parse().unwrap(),
        id_card_valid_time: "长期".into(),
    }
}

fn licence(docs: &Docs, name: &str, number: &str, cert: Option<CertType>) -> BusinessLicenseInfo {
    let registered = cert.is_some();
    BusinessLicenseInfo {
        cert_type: cert,
        business_license_copy: docs.licence.clone(),
        business_license_number: number.into(),
        merchant_name: name.into(),
        legal_person: "张三".into(),
        company_address: registered.then(|| "某某市人民路1号".into()),
        business_time: registered.then(|| r#"["2015-01-01","长期"]"#.into()),
    }
}

/// A complete application of subject type `t`, the legal person / operator (张三) as super
/// administrator and the account type the subject takes.
pub(crate) fn application(
    t: OrganizationType,
    out_request_no: &str,
    docs: &Docs,
) -> SubmitApplymentRequest {
    let personal =
        matches!(t, OrganizationType::MicroMerchant | OrganizationType::IndividualSeller);
    let (subject_name, licence_number) = match t {
        OrganizationType::IndividualBusiness => ("张三的五金店", "92440300MA5F000001"),
        OrganizationType::Enterprise => ("深圳某某科技有限公司", "91440300MA5F000002"),
        OrganizationType::PublicInstitution => ("某某市第一人民医院", "12440300MA5F000003"),
        OrganizationType::GovernmentAgency => ("某某市市场监督管理局", "11440300MA5F000004"),
        _ => ("某某公益基金会", "53440300MA5F000005"),
    };
    let account_name = if personal { "张三" } else { subject_name };
    let mut r = SubmitApplymentRequest::new(
        out_request_no,
        t.clone(),
        ApplymentAccountInfo {
            bank_account_type: if personal {
                BankAccountType::Personal
            } else {
                BankAccountType::Corporate
            },
            account_bank: "招商银行".into(),
            account_name: account_name.into(),
            bank_address_code: "440300".into(),
            bank_branch_id: None,
            bank_name: None,
            account_number: "6214830000000001".into(),
            account_cert_info: None,
        },
        ContactInfo {
            contact_name: "张三".into(),
            mobile_phone: "13800138000".into(),
            contact_email: "zhangsan@example.com".into(),
            ..ContactInfo::default()
        },
        SalesSceneInfo {
            store_name: "张三的店".into(),
            store_qr_code: Some(docs.store_qr.clone()),
            ..SalesSceneInfo::default()
        },
        "张三的店",
    );
    r.id_card_info = Some(id_card(
        docs,
        "张三",
        OPERATOR_ID,
        (t == OrganizationType::Enterprise).then_some("广东省深圳市南山区某某路1号"),
    ));
    match t {
        OrganizationType::MicroMerchant => {}
        OrganizationType::IndividualSeller => {
            r.business_addition_desc = Some("在本平台持续经营满6个月,累计收入超过20万元".into());
        }
        OrganizationType::IndividualBusiness => {
            r.business_license_info = Some(licence(docs, subject_name, licence_number, None));
        }
        OrganizationType::Enterprise => {
            r.business_license_info = Some(licence(docs, subject_name, licence_number, None));
            r.owner = Some(true);
        }
        OrganizationType::PublicInstitution => {
            r.business_license_info = Some(licence(
                docs,
                subject_name,
                licence_number,
                Some(CertType::PublicInstitution),
            ));
        }
        OrganizationType::GovernmentAgency => {
            r.business_license_info = Some(licence(
                docs,
                subject_name,
                licence_number,
                Some(CertType::UnifiedSocialCreditCode),
            ));
        }
        _ => {
            r.business_license_info =
                Some(licence(docs, subject_name, licence_number, Some(CertType::Foundation)));
        }
    }
    r
}

/// Makes a handler (经办人, 李四) the super administrator.
pub(crate) fn with_handler_admin(
    mut r: SubmitApplymentRequest,
    docs: &Docs,
) -> SubmitApplymentRequest {
    r.contact_info = ContactInfo {
        contact_type: ContactType::Super,
        contact_name: "李四".into(),
        contact_id_doc_type: Some(IdDocType::MainlandIdcard),
        contact_id_card_number: Some(HANDLER_ID.into()),
        contact_id_doc_copy: Some(docs.id_front.clone()),
        contact_id_doc_copy_back: Some(docs.id_back.clone()),
        contact_id_doc_period_begin: Some("2020-01-01".parse().unwrap()),
        contact_id_doc_period_end: Some("2040-01-01".into()),
        business_authorization_letter: Some(docs.letter.clone()),
        mobile_phone: "13900139000".into(),
        contact_email: "lisi@example.com".into(),
    };
    r
}

/// The API error of a failed call.
pub(crate) fn api_error(
    result: Result<impl std::fmt::Debug, wechatpay_transport::Error>,
) -> wechatpay_transport::ApiError {
    match result {
        Err(wechatpay_transport::Error::Api(e)) => e,
        other => panic!("expected an API error, got {other:?}"),
    }
}

/// The `detail.field` of an API error.
pub(crate) fn field(e: &wechatpay_transport::ApiError) -> &str {
    e.detail().and_then(|d| d.field.as_deref()).unwrap_or_default()
}
