//! Secrets never print. Two checks:
//!
//! 1. every secret-bearing type of the SDK and the mock (private keys, signers, the APIv3
//!    key, clients and their builders, the transport and its key store, the notify parser,
//!    the OAuth client and its secret, the mock's credentials, tenants, state, admin token),
//!    rendered with `Debug` (and `Display` where it has one), and the errors of bad key input,
//!    show no key material and no secret;
//! 2. a TRACE-level log of every target, captured while a full flow runs through the SDK
//!    against the in-process mock (uploads, an onboarding application with sensitive fields,
//!    its query with decrypted account names, a combined payment and its verified, decrypted
//!    callback), shows no key material, no APIv3 key and none of the sensitive plaintext.
//!
//! Key material is searched for in every form a slip would print it: each base64 line of the
//! PEM body (a one-line base64 of the DER contains them too), and windows of the DER as hex and
//! as a `Debug` byte list. The test first proves that each needle finds its raw form, and that
//! the sensitive values really were used (the mock decrypted them: its admin view shows them).

#[path = "../examples/support/admin.rs"]
mod admin;
#[path = "../examples/support/mock_client.rs"]
mod mock_client;
#[path = "../examples/support/notify_handler.rs"]
mod notify_handler;

use std::io::Write;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use base64::Engine as _;
use notify_handler::{describe, OnEvent, Receiver, NOTIFY_PATH};
use serde_json::json;
use tracing_subscriber::filter::LevelFilter;
use tracing_subscriber::fmt::format::FmtSpan;
use tracing_subscriber::fmt::MakeWriter;
use wechatpay::applyment::{
    ApplymentAccountInfo, ApplymentState, BankAccountType, BusinessLicenseInfo, ContactInfo,
    ContactType, IdCardInfo, IdDocType, OrganizationType, SalesSceneInfo, SubmitApplymentRequest,
};
use wechatpay::crypto::{ApiV3Key, FixedClock, MerchantSigner, PrivateKey};
use wechatpay::notify::{Event, Verified};
use wechatpay::Client;
use wechatpay_mock::MockServer;

type Failure = Box<dyn std::error::Error + Send + Sync>;

const MERCHANT_KEY_PEM: &str = include_str!("../../../fixtures/vectors/keys/apiclient_key.pem");
const PLATFORM_KEY_PEM: &str =
    include_str!("../../../fixtures/vectors/keys/wechatpay_platform_key.pem");
const PUBLIC_KEY_MODE_KEY_PEM: &str =
    include_str!("../../../fixtures/vectors/keys/pub_key_private.pem");
/// The mock's built-in APIv3 key (fixtures/vectors/test_identity.json).
const APIV3_KEY: &str = "TestOnlyApiV3Key0123456789abcdef";
const ADMIN_TOKEN: &str = "admin-token-7c1f0e9b2a64d5e3";
const OAUTH_SECRET: &str = "oauth-app-secret-5d4c3b2a19f8e7d6";
const T0: i64 = 1_767_578_400;

// The sensitive plaintext of the application: encrypted on the wire, never logged.
const LEGAL_NAME: &str = "欧阳明远";
const LEGAL_ID_NUMBER: &str = "11010519491231002X";
const LEGAL_ADDRESS: &str = "广东省深圳市南山区保密路88号";
const CONTACT_NAME: &str = "司马清扬";
const CONTACT_ID_NUMBER: &str = "110101199003070011";
const CONTACT_MOBILE: &str = "13812345678";
const CONTACT_EMAIL: &str = "sima.qingyang@example.com";
const ACCOUNT_NUMBER: &str = "6214831234567890";
const OTHER_ACCOUNT_NUMBER: &str = "6214830000000002";
const JPG: &[u8] =
    b"\xFF\xD8\xFF\xE0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00secrets-jpeg";
const PNG: &[u8] = include_bytes!("../../../fixtures/vectors/media/sample.png");

/// A needle: what it stands for and the text that must not appear.
type Needle = (String, String);

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Every form of a PEM key's material that a slip could print.
fn key_needles(name: &str, pem: &str) -> Result<Vec<Needle>, Failure> {
    let lines: Vec<&str> =
        pem.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with("-----")).collect();
    let der = base64::engine::general_purpose::STANDARD.decode(lines.concat())?;
    let mut needles: Vec<Needle> = lines
        .iter()
        .filter(|l| l.len() >= 16)
        .map(|l| (format!("{name}: PEM line"), (*l).to_owned()))
        .collect();
    // Windows past the ASN.1 header (the first bytes of every RSA key look alike).
    for start in (32..der.len().saturating_sub(16)).step_by(96) {
        let window = &der[start..start + 16];
        needles.push((format!("{name}: DER hex at {start}"), hex(window)));
        needles.push((
            format!("{name}: DER bytes at {start}"),
            format!("{window:?}").trim_matches(['[', ']']).to_owned(),
        ));
    }
    Ok(needles)
}

fn needles() -> Result<Vec<Needle>, Failure> {
    let mut all = key_needles("merchant key", MERCHANT_KEY_PEM)?;
    all.extend(key_needles("platform key", PLATFORM_KEY_PEM)?);
    all.extend(key_needles("public-key-mode key", PUBLIC_KEY_MODE_KEY_PEM)?);
    let key = APIV3_KEY.as_bytes();
    all.push(("APIv3 key".into(), APIV3_KEY.into()));
    all.push(("APIv3 key hex".into(), hex(key)));
    all.push(("APIv3 key bytes".into(), format!("{key:?}").trim_matches(['[', ']']).to_owned()));
    all.push(("APIv3 key base64".into(), base64::engine::general_purpose::STANDARD.encode(key)));
    all.push(("admin token".into(), ADMIN_TOKEN.into()));
    all.push(("OAuth secret".into(), OAUTH_SECRET.into()));
    for (what, value) in [
        ("legal person's name", LEGAL_NAME),
        ("legal person's ID number", LEGAL_ID_NUMBER),
        ("legal person's address", LEGAL_ADDRESS),
        ("contact's name", CONTACT_NAME),
        ("contact's ID number", CONTACT_ID_NUMBER),
        ("contact's mobile", CONTACT_MOBILE),
        ("contact's email", CONTACT_EMAIL),
        ("bank account number", ACCOUNT_NUMBER),
        ("other bank account number", OTHER_ACCOUNT_NUMBER),
    ] {
        all.push((what.into(), value.into()));
    }
    Ok(all)
}

/// The needles found in `text`.
fn found(text: &str, needles: &[Needle]) -> Vec<String> {
    needles
        .iter()
        .filter(|(_, n)| text.contains(n.as_str()))
        .map(|(what, _)| what.clone())
        .collect()
}

// Proves the detector works: each needle class finds its raw form (else a leak would pass).
#[test]
fn the_needles_find_raw_secrets() -> Result<(), Failure> {
    let needles = needles()?;
    assert!(needles.len() > 60, "{} needles", needles.len());
    for pem in [MERCHANT_KEY_PEM, PLATFORM_KEY_PEM, PUBLIC_KEY_MODE_KEY_PEM] {
        assert!(!found(pem, &needles).is_empty());
        let body: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
        let der = base64::engine::general_purpose::STANDARD.decode(&body)?;
        assert!(!found(&body, &needles).is_empty(), "one-line base64");
        assert!(found(&hex(&der), &needles).iter().any(|w| w.contains("DER hex")));
        assert!(found(&format!("{der:?}"), &needles).iter().any(|w| w.contains("DER bytes")));
    }
    let key = APIV3_KEY.as_bytes();
    assert_eq!(found(&format!("{key:?}"), &needles), ["APIv3 key bytes"]);
    assert_eq!(found(&hex(key), &needles), ["APIv3 key hex"]);
    assert!(found(&format!("x {LEGAL_ID_NUMBER} y {ACCOUNT_NUMBER}"), &needles).len() == 2);
    Ok(())
}

// Proves no secret-bearing type prints key material or a secret with Debug or Display, and
// neither do the errors of bad key input.
#[test]
fn secret_bearing_types_render_no_secret() -> Result<(), Failure> {
    let needles = needles()?;
    let mut rendered: Vec<(&str, String)> = Vec::new();

    let key = PrivateKey::from_pem(MERCHANT_KEY_PEM)?;
    rendered.push(("PrivateKey", format!("{key:?} {key:#?}")));
    let signer =
        MerchantSigner::new("1900000100", "3A2B1C0D9E8F7A6B5C4D3E2F1A0B9C8D7E6F5A4B", key)?;
    rendered.push(("MerchantSigner", format!("{signer:?} {signer:#?}")));
    let authorization = signer.authorize("GET", "/v3/certificates", b"")?;
    rendered.push(("Authorization", format!("{authorization:?} {authorization}")));
    let apiv3 = ApiV3Key::new(APIV3_KEY)?;
    rendered.push(("ApiV3Key", format!("{apiv3:?} {apiv3:#?}")));
    // Bad input must not be echoed: a key of the wrong length, a PEM with a broken body.
    let short = ApiV3Key::new(&APIV3_KEY[..31]).map(|_| ()).map_err(|e| format!("{e} {e:?}"));
    rendered.push(("ApiV3Key error", format!("{short:?}")));
    let broken = MERCHANT_KEY_PEM.replacen("MII", "M*I", 1);
    let broken = PrivateKey::from_pem(broken).map(|_| ()).map_err(|e| format!("{e} {e:?}"));
    assert!(broken.is_err(), "a broken PEM is refused");
    rendered.push(("PrivateKey error", format!("{broken:?}")));
    let truncated = &MERCHANT_KEY_PEM[..MERCHANT_KEY_PEM.len() / 2];
    let truncated = PrivateKey::from_pem(truncated).map(|_| ()).map_err(|e| format!("{e} {e:?}"));
    rendered.push(("PrivateKey error (truncated)", format!("{truncated:?}")));

    let builder = Client::builder()
        .mchid("1900000100")
        .merchant_key_pem(MERCHANT_KEY_PEM, "3A2B1C0D9E8F7A6B5C4D3E2F1A0B9C8D7E6F5A4B")
        .api_v3_key(ApiV3Key::new(APIV3_KEY)?)
        .base_url("http://127.0.0.1:9");
    rendered.push(("ClientBuilder", format!("{builder:?}")));
    let client = builder.build()?;
    rendered.push(("Client", format!("{client:?} {client:#?}")));
    rendered.push(("Transport", format!("{:?}", client.transport())));
    rendered.push(("KeyStore", format!("{:?}", client.transport().key_store())));
    rendered.push(("NotifyParser", format!("{:?}", client.notify_parser()?)));

    let oauth_builder =
        wechatpay::oauth::OAuthClient::builder().appid("wx8888888888888888").secret(OAUTH_SECRET);
    rendered.push(("OAuthClientBuilder", format!("{oauth_builder:?}")));
    rendered.push(("OAuthClient", format!("{:?}", oauth_builder.build()?)));
    rendered.push(("oauth::Secret", format!("{:?}", wechatpay::oauth::Secret::new(OAUTH_SECRET))));

    let mock_builder = MockServer::builder().admin_token(ADMIN_TOKEN);
    rendered.push(("MockServerBuilder", format!("{mock_builder:?}")));
    let state = mock_builder.build_state()?;
    rendered.push(("MockState", format!("{state:?}")));
    rendered.push(("admin token", format!("{:?}", state.settings().admin_token())));
    let tenant = state.tenants().default_tenant();
    rendered.push(("Tenant", format!("{tenant:?}")));
    rendered.push(("Credentials", format!("{:?}", tenant.credentials())));
    rendered
        .push(("mock MerchantSigner", format!("{:?}", tenant.credentials().merchant_signer()?)));
    rendered.push(("mock Verifier", format!("{:?}", tenant.credentials().verifier()?)));
    rendered.push(("mock ApiV3Key", format!("{:?}", tenant.credentials().api_v3_key()?)));
    rendered.push(("MockConfig", format!("{:?}", wechatpay_mock::MockConfig::default())));

    let mut leaks = Vec::new();
    for (what, text) in &rendered {
        assert!(!text.is_empty(), "{what} renders something");
        let hits = found(text, &needles);
        if !hits.is_empty() {
            leaks.push(format!("{what} shows {hits:?}: {text}"));
        }
    }
    assert!(leaks.is_empty(), "secrets rendered:\n{}", leaks.join("\n"));
    Ok(())
}

/// The log: every event and span of every target, as text.
#[derive(Clone, Default)]
struct LogBuffer(Arc<Mutex<Vec<u8>>>);

impl Write for LogBuffer {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if let Ok(mut b) = self.0.lock() {
            b.extend_from_slice(buf);
        }
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> MakeWriter<'a> for LogBuffer {
    type Writer = LogBuffer;
    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}

impl LogBuffer {
    fn text(&self) -> String {
        self.0.lock().map(|b| String::from_utf8_lossy(&b).into_owned()).unwrap_or_default()
    }
}

/// Installs the TRACE subscriber for the whole test binary, once.
fn log() -> &'static LogBuffer {
    static LOG: OnceLock<LogBuffer> = OnceLock::new();
    LOG.get_or_init(|| {
        let buffer = LogBuffer::default();
        let subscriber = tracing_subscriber::fmt()
            .with_max_level(LevelFilter::TRACE)
            .with_span_events(FmtSpan::FULL)
            .with_ansi(false)
            .with_writer(buffer.clone())
            .finish();
        // Another subscriber would make this test prove nothing: fail loudly.
        if tracing::subscriber::set_global_default(subscriber).is_err() {
            panic!("a global tracing subscriber was already installed");
        }
        buffer
    })
}

#[derive(Default)]
struct Seen(Mutex<Vec<String>>);

impl OnEvent for Seen {
    fn on_event(&self, notification: &Verified<Event>) -> Result<(), String> {
        self.0.lock().map_err(|_| "poisoned".to_owned())?.push(describe(notification));
        Ok(())
    }
}

fn application(
    id_front: &str,
    id_back: &str,
    licence: &str,
    letter: &str,
) -> Result<SubmitApplymentRequest, Failure> {
    let mut request = SubmitApplymentRequest::new(
        "APPLY-SECRETS-0001",
        OrganizationType::Enterprise,
        ApplymentAccountInfo {
            bank_account_type: BankAccountType::Corporate,
            account_bank: "招商银行".into(),
            account_name: "深圳保密科技有限公司".into(),
            bank_address_code: "440300".into(),
            bank_branch_id: None,
            bank_name: None,
            account_number: ACCOUNT_NUMBER.into(),
            account_cert_info: None,
        },
        ContactInfo {
            contact_type: ContactType::Super,
            contact_name: CONTACT_NAME.into(),
            contact_id_doc_type: Some(IdDocType::MainlandIdcard),
            contact_id_card_number: Some(CONTACT_ID_NUMBER.into()),
            contact_id_doc_copy: Some(id_front.into()),
            contact_id_doc_copy_back: Some(id_back.into()),
            contact_id_doc_period_begin: Some("2020-01-01".parse()?),
            contact_id_doc_period_end: Some("2040-01-01".into()),
            business_authorization_letter: Some(letter.into()),
            mobile_phone: CONTACT_MOBILE.into(),
            contact_email: CONTACT_EMAIL.into(),
        },
        SalesSceneInfo {
            store_name: "保密科技旗舰店".into(),
            store_url: Some("https://shop.example.com/store/secrets".into()),
            ..SalesSceneInfo::default()
        },
        "保密科技",
    );
    request.business_license_info = Some(BusinessLicenseInfo {
        cert_type: None,
        business_license_copy: licence.into(),
        business_license_number: "91440300MA5F000002".into(),
        merchant_name: "深圳保密科技有限公司".into(),
        legal_person: LEGAL_NAME.into(),
        company_address: None,
        business_time: None,
    });
    request.id_card_info = Some(IdCardInfo {
        id_card_copy: id_front.into(),
        id_card_national: id_back.into(),
        id_card_name: LEGAL_NAME.into(),
        id_card_number: LEGAL_ID_NUMBER.into(),
        id_card_address: Some(LEGAL_ADDRESS.into()),
        id_card_valid_time_begin: "2019-01-01".parse()?,
        id_card_valid_time: "长期".into(),
    });
    request.owner = Some(true);
    Ok(request)
}

// Proves a TRACE log of a full flow (onboarding with sensitive fields, payment, callback)
// shows no key material, APIv3 key or sensitive plaintext, although the mock really received
// and decrypted that plaintext.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_trace_log_of_a_full_flow_shows_no_secret() -> Result<(), Failure> {
    let log = log();
    let needles = needles()?;
    let mock = MockServer::builder().clock(Arc::new(FixedClock::new(T0))).start().await?;
    let admin = admin::Admin::new(&mock.base_url())?;
    let client = mock_client::client_for(&mock).map_err(|e| e.to_string())?;
    client.transport().refresh_certificates().await?;
    tracing::info!(?client, "client ready");

    // Onboarding: uploads, the application with its sensitive fields, its query.
    let media = client.media();
    let id_front = media.upload_image("id_front.jpg", JPG).await?;
    let id_back = media.upload_image("id_back.jpg", JPG).await?;
    let licence = media.upload_image("licence.png", PNG).await?;
    let letter = media.upload_image("authorization.png", PNG).await?;
    let request = application(&id_front, &id_back, &licence, &letter)?;
    let applyment_id = client.applyments().submit(&request).await?.applyment_id;
    let applyment = client.applyments().query_by_id(applyment_id).await?;
    assert_eq!(applyment.applyment_state, ApplymentState::AccountNeedVerify);
    let validation = applyment.account_validation.as_ref().ok_or("no account_validation")?;
    assert_eq!(validation.account_name, "深圳保密科技有限公司", "decrypted by the SDK");

    // The mock received the plaintext: it recognises a replay by the decrypted content
    // (RSA-OAEP makes every encryption differ), so the same application again is the same
    // one, and one with another account number under the same number is refused ...
    let replayed = client.applyments().submit(&request).await?.applyment_id;
    assert_eq!(replayed, applyment_id, "a replay of the same plaintext is the same application");
    let mut other = application(&id_front, &id_back, &licence, &letter)?;
    other.account_info.account_number = OTHER_ACCOUNT_NUMBER.into();
    let refused = match client.applyments().submit(&other).await {
        Ok(answer) => return Err(format!("other content was accepted: {answer:?}").into()),
        Err(e) => e,
    };
    let refused_text = format!("{refused} {refused:?}");
    assert!(refused_text.contains("other content"), "{refused_text}");
    assert!(
        found(&refused_text, &needles).is_empty(),
        "the refusal echoes a secret: {refused_text}"
    );
    tracing::warn!(error = %refused, "application refused");
    // ... and it keeps the decrypted account: the settlement account of the finished
    // onboarding shows its last four digits (masked), the SDK decrypting nothing there.
    for action in ["verify-account", "sign", "approve"] {
        let body =
            if action == "verify-account" { json!({"via": "remittance"}) } else { json!({}) };
        admin.call("POST", &format!("/applyments/{applyment_id}/{action}"), &body).await?;
    }
    let finished = client.applyments().query_by_id(applyment_id).await?;
    let sub_mchid = finished.sub_mchid.clone().ok_or("no sub_mchid after FINISH")?;
    let account = client.settlement().query(&sub_mchid).await?;
    let last4 = &ACCOUNT_NUMBER[ACCOUNT_NUMBER.len() - 4..];
    assert!(
        account.account_number.ends_with(last4) && account.account_number != ACCOUNT_NUMBER,
        "the mock keeps the decrypted account, masked in answers: {}",
        account.account_number
    );

    // A combined payment, paid, and its callback verified and decrypted by the example's handler.
    let seen = Arc::new(Seen::default());
    let receiver = Receiver::new(client.notify_parser()?, seen.clone()).router();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let notify_url = format!("http://{}{NOTIFY_PATH}", listener.local_addr()?);
    tokio::spawn(async move { axum::serve(listener, receiver).await });
    let seller = mock.identity().sub_mchids.first().cloned().ok_or("no seeded sub-merchant")?;
    let cart = mock_client::one_seller_cart("PSECRETS0001", &seller, 1_234, &notify_url);

    client.combine().prepay_native(&cart).await?;

    // The models built in this flow print no sensitive plaintext either: `Debug` redacts the
    // members their SensitiveFields lists name, and those the SDK decrypted in the query's
    // answer. `legal_person` is none of them (WeChat Pay takes it in plaintext) and holds the
    // legal person's name here, so that one member is cut out before the needles look.
    let legal_person = [
        format!("\"legal_person\":\"{LEGAL_NAME}\""),
        format!("\"legal_person\": \"{LEGAL_NAME}\""),
    ];
    for (what, value, visible) in [
        ("SubmitApplymentRequest", format!("{request:?}\n{request:#?}"), "APPLY-SECRETS-0001"),
        ("SubmitApplymentRequest (other)", format!("{other:?}\n{other:#?}"), "APPLY-SECRETS-0001"),
        ("Applyment", format!("{applyment:?}\n{applyment:#?}"), "ACCOUNT_NEED_VERIFY"),
        ("AccountValidation", format!("{validation:?}\n{validation:#?}"), "pay_amount"),
    ] {
        let text = legal_person.iter().fold(value, |text, member| text.replace(member, ""));
        assert!(text.contains("[redacted]") && text.contains(visible), "{what}: {text}");
        let hits = found(&text, &needles);
        assert!(hits.is_empty(), "{what} shows {hits:?}: {text}");
    }
    let shown = format!("{applyment:?}");
    assert!(!shown.contains("深圳保密科技有限公司"), "the decrypted account name shows: {shown}");
    let shown = format!("{cart:?}\n{cart:#?}");
    assert!(found(&shown, &needles).is_empty(), "{shown}");
    admin.call("POST", "/payments/pay", &json!({"combine_out_trade_no": "PSECRETS0001"})).await?;
    let mut waited = Duration::ZERO;
    while seen.0.lock().map(|s| s.is_empty()).unwrap_or(true) {
        if waited > Duration::from_secs(10) {
            return Err("no callback arrived".into());
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
        waited += Duration::from_millis(20);
    }
    let events = seen.0.lock().map(|s| s.clone()).unwrap_or_default();
    assert!(events[0].contains("PSECRETS0001"), "{events:?}");
    client.combine().query("PSECRETS0001").await?;
    mock.shutdown().await?;

    let text = log.text();
    // The log really covers the flow, from both sides, at TRACE.
    for expected in [
        "wechatpay_request",
        "/v3/ecommerce/applyments/",
        "wechatpay_mock::request",
        "wechatpay_mock::callback",
        "client ready",
    ] {
        assert!(text.contains(expected), "the log lacks {expected}:\n{text}");
    }
    let hits = found(&text, &needles);
    assert!(hits.is_empty(), "the TRACE log shows {hits:?}:\n{text}");
    Ok(())
}
