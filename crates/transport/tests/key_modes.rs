//! The key store's three modes against a scripted server: certificate bootstrap and refresh,
//! single-flight downloads, public-key mode, mixed mode, and configuration mistakes.

mod support;

use std::sync::Arc;
use std::time::Duration;

use support::*;
use wechatpay_crypto::{Certificate, FixedClock, WechatPayPublicKey};
use wechatpay_transport::http::Method;
use wechatpay_transport::{ConfigError, Error, KeyMode, Transport, VerifyError};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

async fn mount_x(server: &MockServer, signer: ResponseSigner) {
    Mock::given(method("GET"))
        .and(path("/v3/x"))
        .respond_with(signer.responder(200, r#"{"ok":true}"#))
        .mount(server)
        .await;
}

async fn get_x(transport: &Transport) -> Result<serde_json::Value, Error> {
    transport.request(Method::GET, "/v3/x").send_json().await
}

// Proves certificate mode downloads /v3/certificates once before the first call, verifies
// that answer with the certificate it carries, and then verifies calls with it.
#[tokio::test]
async fn certificate_mode_bootstraps_once() {
    let server = MockServer::start().await;
    certificates_mock(1).mount(&server).await;
    mount_x(&server, ResponseSigner::platform()).await;
    let transport = builder(&server.uri()).key_mode(KeyMode::PlatformCertificates).build().unwrap();

    assert!(transport.key_store().serials().is_empty());
    assert_eq!(get_x(&transport).await.unwrap()["ok"], true);
    assert_eq!(get_x(&transport).await.unwrap()["ok"], true);
    assert_eq!(
        transport.key_store().serials(),
        vec![wechatpay_crypto::SerialNo::new(PLATFORM_SERIAL)]
    );
    assert!(transport.key_store().last_refresh_unix().is_some());
}

// Proves the recorded /v3/certificates exchange (fixed timestamp, so a FixedClock at that
// time) bootstraps the store byte for byte as WeChat Pay sent it.
#[tokio::test]
async fn recorded_certificates_answer_bootstraps() {
    let fixture: serde_json::Value =
        serde_json::from_str(&fixture("certificates_response.json")).unwrap();
    let response = &fixture["response"];
    let mut template = ResponseTemplate::new(200);
    for (name, value) in response["headers"].as_object().unwrap() {
        template = template.insert_header(name.as_str(), value.as_str().unwrap());
    }
    template = template
        .set_body_raw(response["body"].as_str().unwrap(), "application/json; charset=utf-8");
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v3/certificates"))
        .respond_with(template)
        .expect(1)
        .mount(&server)
        .await;
    let clock = FixedClock::new(
        response["headers"]["Wechatpay-Timestamp"].as_str().unwrap().parse().unwrap(),
    );
    Mock::given(method("GET"))
        .and(path("/v3/x"))
        .respond_with(ResponseSigner::platform().responder_at(200, "{}", clock.clone()))
        .mount(&server)
        .await;
    let transport = builder(&server.uri())
        .key_mode(KeyMode::PlatformCertificates)
        .clock(Arc::new(clock))
        .build()
        .unwrap();
    get_x(&transport).await.unwrap();
    let pem = fixture["decrypted_certificate_pem"].as_str().unwrap();
    let Some(wechatpay_crypto::TrustedKey::Certificate(cert)) =
        transport.key_store().snapshot().get(PLATFORM_SERIAL).cloned()
    else {
        panic!("certificate not installed")
    };
    assert_eq!(cert.serial(), Certificate::from_pem(pem).unwrap().serial());
}

// Proves 50 concurrent calls that all meet an unknown serial share exactly ONE download
// (mixed mode: the store starts with only the public key; answers are certificate-signed).
#[tokio::test]
async fn unknown_serial_downloads_once_under_concurrency() {
    let server = MockServer::start().await;
    certificates_mock(1).mount(&server).await;
    mount_x(&server, ResponseSigner::platform()).await;
    let transport =
        builder(&server.uri()).key_mode(KeyMode::Mixed(wechatpay_public_key())).build().unwrap();

    let calls = (0..50).map(|_| {
        let t = transport.clone();
        tokio::spawn(async move { get_x(&t).await })
    });
    for call in calls.collect::<Vec<_>>() {
        assert_eq!(call.await.unwrap().unwrap()["ok"], true);
    }
    server.verify().await;
}

// Proves forged serials cannot cause a download storm: 50 concurrent forged answers cause
// one download, later forged answers inside the minimum interval none, and all are rejected.
#[tokio::test]
async fn forged_serials_cannot_cause_a_download_storm() {
    let server = MockServer::start().await;
    certificates_mock(1).mount(&server).await;
    mount_x(
        &server,
        ResponseSigner::custom(platform_key(), "DEADBEEF00000000000000000000000000000000"),
    )
    .await;
    let transport = builder(&server.uri())
        .key_mode(KeyMode::PlatformCertificates)
        .platform_certificate(platform_certificate())
        .build()
        .unwrap();

    let calls: Vec<_> = (0..50)
        .map(|_| {
            let t = transport.clone();
            tokio::spawn(async move { get_x(&t).await })
        })
        .collect();
    for call in calls {
        let err = call.await.unwrap().unwrap_err();
        assert!(
            matches!(
                &err,
                Error::Verify(VerifyError::InvalidSignature {
                    source: wechatpay_crypto::Error::UnknownSerial(_),
                    ..
                })
            ),
            "{err:?}"
        );
    }
    assert!(get_x(&transport).await.is_err());
    server.verify().await;
}

// Proves public-key mode never downloads certificates and verifies public-key signatures.
#[tokio::test]
async fn public_key_mode_needs_no_download() {
    let server = MockServer::start().await;
    certificates_mock(0).mount(&server).await;
    mount_x(&server, ResponseSigner::public_key()).await;
    let transport = builder(&server.uri())
        .key_mode(KeyMode::PublicKey(wechatpay_public_key()))
        .build()
        .unwrap();
    assert_eq!(get_x(&transport).await.unwrap()["ok"], true);
    transport.refresh_certificates().await.unwrap();
    server.verify().await;
}

// Proves mixed mode accepts answers signed by the public key (no download) and by a
// platform certificate (downloaded when first seen).
#[tokio::test]
async fn mixed_mode_accepts_both() {
    let server = MockServer::start().await;
    certificates_mock(1).mount(&server).await;
    mount_x(&server, ResponseSigner::public_key()).await;
    Mock::given(method("GET"))
        .and(path("/v3/y"))
        .respond_with(ResponseSigner::platform().responder(200, r#"{"by":"certificate"}"#))
        .mount(&server)
        .await;
    let transport =
        builder(&server.uri()).key_mode(KeyMode::Mixed(wechatpay_public_key())).build().unwrap();

    assert_eq!(get_x(&transport).await.unwrap()["ok"], true);
    let y: serde_json::Value = transport.request(Method::GET, "/v3/y").send_json().await.unwrap();
    assert_eq!(y["by"], "certificate");
    assert_eq!(get_x(&transport).await.unwrap()["ok"], true);
    assert_eq!(transport.key_store().serials().len(), 2);
    server.verify().await;
}

// Proves the merchant's own certificate or public key configured as a verification key is
// a configuration error naming the problem.
#[tokio::test]
async fn merchant_key_as_verification_key_is_a_config_error() {
    let own_cert = Certificate::from_pem(fixture("keys/apiclient_cert.pem")).unwrap();
    let err = builder("http://127.0.0.1:9")
        .key_mode(KeyMode::PlatformCertificates)
        .platform_certificate(own_cert)
        .build()
        .unwrap_err();
    assert!(
        matches!(&err, ConfigError::MerchantKeyAsVerificationKey { serial } if serial == MERCHANT_SERIAL),
        "{err}"
    );
    assert!(err.to_string().contains("pub_key.pem"));

    let own_pub = WechatPayPublicKey::from_pem(
        "PUB_KEY_ID_0119000001002025010100000009",
        fixture("keys/apiclient_pub.pem"),
    )
    .unwrap();
    let err =
        builder("http://127.0.0.1:9").key_mode(KeyMode::PublicKey(own_pub)).build().unwrap_err();
    assert!(matches!(err, ConfigError::MerchantKeyAsVerificationKey { .. }), "{err}");
}

// Proves certificates are downloaded again once the refresh interval has passed (lazily,
// on the next call), and the old certificate stays trusted meanwhile.
#[tokio::test]
async fn stale_certificates_are_refreshed_on_use() {
    let clock = FixedClock::new(now());
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v3/certificates"))
        .respond_with(ResponseSigner::platform().responder_at(
            200,
            &certificates_body(),
            clock.clone(),
        ))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v3/x"))
        .respond_with(ResponseSigner::platform().responder_at(200, "{}", clock.clone()))
        .mount(&server)
        .await;
    let transport = builder(&server.uri())
        .key_mode(KeyMode::PlatformCertificates)
        .platform_certificate(platform_certificate())
        .clock(Arc::new(clock.clone()))
        .certificate_refresh_interval(Duration::from_secs(3600))
        .build()
        .unwrap();
    get_x(&transport).await.unwrap();
    let seeded_at = transport.key_store().last_refresh_unix().unwrap();
    clock.advance(3600);
    get_x(&transport).await.unwrap();
    assert_eq!(transport.key_store().last_refresh_unix(), Some(seeded_at + 3600));
    get_x(&transport).await.unwrap();
    server.verify().await;
}

// Proves a wrong APIv3 key surfaces as a platform certificate decryption error.
#[tokio::test]
async fn wrong_api_v3_key_is_reported() {
    let server = MockServer::start().await;
    certificates_mock(1).mount(&server).await;
    let transport = builder(&server.uri())
        .key_mode(KeyMode::PlatformCertificates)
        .api_v3_key(wechatpay_crypto::ApiV3Key::new("WrongApiV3Key0123456789abcdefXYZ").unwrap())
        .build()
        .unwrap();
    let err = get_x(&transport).await.unwrap_err();
    assert!(
        matches!(
            &err,
            Error::Verify(VerifyError::PlatformCertificate {
                source: wechatpay_crypto::Error::AeadAuthentication,
                ..
            })
        ),
        "{err:?}"
    );
}

// Proves a failed initial download fails the call with the download's error and nothing is
// sent to the business endpoint without a verification key.
#[tokio::test]
async fn failed_initial_download_fails_the_call() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v3/certificates"))
        .respond_with(
            ResponseTemplate::new(403)
                .set_body_raw(r#"{"code":"NO_AUTH","message":"x"}"#, "application/json"),
        )
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v3/x"))
        .respond_with(ResponseTemplate::new(200))
        .expect(0)
        .mount(&server)
        .await;
    let transport = builder(&server.uri()).key_mode(KeyMode::PlatformCertificates).build().unwrap();
    let err = get_x(&transport).await.unwrap_err();
    assert!(err.is_code("NO_AUTH"), "{err:?}");
    assert!(transport.key_store().serials().is_empty());
}
