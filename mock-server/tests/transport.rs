//! The SDK's own transport (`wechatpay-transport`) against the mock over loopback: certificate
//! download and verified answers in all three key modes, sensitive fields, and the
//! signature failures the mock must catch.

use std::sync::Arc;

use bytes::Bytes;
use serde_json::{json, Value};
use wechatpay_crypto::{ApiV3Key, PrivateKey, WechatPayPublicKey};
use wechatpay_mock::config::KeyMode;
use wechatpay_mock::journal::{JournalFilter, Verification};
use wechatpay_mock::{identity, MockServer};
use wechatpay_transport::http::Method;
use wechatpay_transport::{
    BoxFuture, Error, HttpClient, HttpError, HyperClient, KeyMode as ClientMode, ResponseBody,
    RetryPolicy, Transport,
};

fn client_mode(mock: &MockServer, mode: KeyMode) -> ClientMode {
    let id = mock.identity();
    let public = || {
        WechatPayPublicKey::from_pem(
            id.public_key_id.clone().unwrap(),
            id.public_key_pem.clone().unwrap(),
        )
        .unwrap()
    };
    match mode {
        KeyMode::Certificate => ClientMode::PlatformCertificates,
        KeyMode::PublicKey => ClientMode::PublicKey(public()),
        KeyMode::Mixed => ClientMode::Mixed(public()),
    }
}

fn transport(
    mock: &MockServer,
    mode: KeyMode,
    key: Option<PrivateKey>,
    http: Option<Tamper>,
) -> Transport {
    let id = mock.identity();
    let key = key.unwrap_or_else(|| {
        PrivateKey::from_pem(id.merchant_private_key_pem.as_ref().unwrap().as_bytes()).unwrap()
    });
    let mut b = Transport::builder()
        .mchid(id.mchid.clone())
        .merchant_key(key, id.merchant_serial.as_str())
        .api_v3_key(ApiV3Key::new(id.apiv3_key.as_bytes()).unwrap())
        .key_mode(client_mode(mock, mode))
        .base_url(mock.base_url())
        .no_backup_base_url()
        .retry(RetryPolicy::none());
    if let Some(h) = http {
        b = b.http_client(h);
    }
    b.build().unwrap()
}

/// An HTTP client that changes one byte of the body after the transport signed it.
#[derive(Debug)]
struct Tamper(HyperClient);

impl HttpClient for Tamper {
    fn send(
        &self,
        request: http::Request<Bytes>,
    ) -> BoxFuture<'_, Result<http::Response<ResponseBody>, HttpError>> {
        let (parts, body) = request.into_parts();
        let tampered = Bytes::from(String::from_utf8_lossy(&body).replacen("100", "999", 1));
        self.0.send(http::Request::from_parts(parts, tampered))
    }
}

// Proves the transport downloads certificates (where the mode has them) and verifies the
// mock's answers in every key mode, including an echo with a sensitive field it encrypted.
#[tokio::test]
async fn verified_exchanges_in_every_key_mode() {
    for mode in [KeyMode::Certificate, KeyMode::PublicKey, KeyMode::Mixed] {
        let mock = MockServer::builder().key_mode(mode).start().await.unwrap();
        let t = transport(&mock, mode, None, None);
        let certs: Value = t.request(Method::GET, "/v3/certificates").send_json().await.unwrap();
        let expected_certs = if mode == KeyMode::PublicKey { 0 } else { 1 };
        assert_eq!(certs["data"].as_array().unwrap().len(), expected_certs, "{mode:?}");
        if mode != KeyMode::PublicKey {
            t.refresh_certificates().await.unwrap();
            assert!(
                t.key_store()
                    .serials()
                    .iter()
                    .any(|s| s.as_str() == identity::PLATFORM_CERT_SERIAL),
                "{mode:?}"
            );
        }
        let echoed: Value = t
            .request(Method::POST, "/v3/security/echo")
            .json_with(|ctx| {
                Ok(json!({"id_card_name": ctx.encrypt("张三")?, "sensitive": ["/id_card_name"]}))
            })
            .send_json()
            .await
            .unwrap_or_else(|e| panic!("{mode:?}: {e:?}"));
        assert_eq!(echoed["id_card_name"], "张三", "{mode:?}");
        let journal = mock.state().journal().list(&JournalFilter::default());
        assert!(
            journal.iter().all(|e| e.verification == Verification::Verified && e.status == 200),
            "{mode:?}: {journal:?}"
        );
        mock.shutdown().await.unwrap();
    }
}

fn expect_sign_error(result: Result<Value, Error>) -> wechatpay_transport::ApiError {
    match result {
        Err(Error::Api(e)) => {
            assert_eq!(e.code(), Some("SIGN_ERROR"));
            assert_eq!(e.status().as_u16(), 401);
            assert!(e.is_verified(), "the mock signs its error answers too");
            e
        }
        other => panic!("expected SIGN_ERROR, got {other:?}"),
    }
}

// Proves a transport signing with the wrong private key gets a verified SIGN_ERROR.
#[tokio::test]
async fn wrong_key_is_sign_error() {
    let mock = MockServer::builder().key_mode(KeyMode::PublicKey).start().await.unwrap();
    let wrong = PrivateKey::from_pem(identity::PLATFORM_PRIVATE_KEY_PEM).unwrap();
    let t = transport(&mock, KeyMode::PublicKey, Some(wrong), None);
    let e = expect_sign_error(t.request(Method::GET, "/v3/certificates").send_json().await);
    assert!(e.detail().and_then(|d| d.issue.as_deref()).unwrap().contains("does not verify"));
}

// Proves a body changed in flight after signing gets a verified SIGN_ERROR.
#[tokio::test]
async fn tampered_body_is_sign_error() {
    let mock = MockServer::builder().key_mode(KeyMode::PublicKey).start().await.unwrap();
    let tamper = Tamper(HyperClient::new(std::time::Duration::from_secs(5)).unwrap());
    let t = transport(&mock, KeyMode::PublicKey, None, Some(tamper));
    let request =
        t.request(Method::POST, "/v3/security/echo").json(&json!({"amount": 100})).unwrap();
    expect_sign_error(request.send_json().await);
    let rejected = mock
        .state()
        .journal()
        .list(&JournalFilter { code: Some("SIGN_ERROR".into()), ..Default::default() });
    assert_eq!(rejected.len(), 1);
}

// Proves a request whose timestamp is more than 5 minutes off the mock's (virtual) clock is
// refused as SIGN_ERROR. The transport then also sees the mock's answer as skewed, so it
// reports a verification error; the mock's journal says why the request failed.
#[tokio::test]
async fn stale_timestamp_is_sign_error() {
    let mock = MockServer::builder().key_mode(KeyMode::PublicKey).start().await.unwrap();
    mock.state().tenant(identity::SP_MCHID).unwrap().clock().advance(301).unwrap();
    let t = transport(&mock, KeyMode::PublicKey, None, None);
    let result: Result<Value, Error> = t.request(Method::GET, "/v3/certificates").send_json().await;
    assert!(matches!(result, Err(Error::Verify(_))), "{result:?}");
    let journal = mock.state().journal().list(&JournalFilter::default());
    assert_eq!(journal.len(), 1);
    assert_eq!(journal[0].code.as_deref(), Some("SIGN_ERROR"));
    assert!(
        matches!(&journal[0].verification, Verification::Failed { reason } if reason.contains("s old")),
        "{journal:?}"
    );
}

// Proves the clock used for the test above is per tenant and reset brings it back: after a
// reset the same transport succeeds.
#[tokio::test]
async fn reset_restores_the_clock() {
    let mock = MockServer::builder().key_mode(KeyMode::PublicKey).start().await.unwrap();
    let tenant = Arc::clone(mock.state().tenant(identity::SP_MCHID).unwrap());
    tenant.clock().advance(3_600).unwrap();
    mock.state().reset_all();
    let t = transport(&mock, KeyMode::PublicKey, None, None);
    let answer: Value = t.request(Method::GET, "/v3/certificates").send_json().await.unwrap();
    assert_eq!(answer, json!({"data": []}));
}
