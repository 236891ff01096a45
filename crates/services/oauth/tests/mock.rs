//! wechatpay-oauth against the mock server's `/sns/` endpoints over loopback, with the
//! default hyper client: codes minted by the admin API exchange once for their openid.

use std::time::Duration;

use futures_util::StreamExt;
use serde_json::{json, Value};
use wechatpay_mock::MockServer;
use wechatpay_oauth::{ErrCode, Error, OAuthClient};
use wechatpay_transport::{HttpClient, HyperClient};

/// Asks the mock's admin API for a code ("this user authorized the app").
async fn mint(mock: &MockServer, body: Value) -> Value {
    let request = wechatpay_transport::http::Request::post(format!(
        "{}{}/oauth/codes",
        mock.base_url(),
        wechatpay_mock::ADMIN_PREFIX
    ))
    .header("content-type", "application/json")
    .body(bytes::Bytes::from(body.to_string()))
    .unwrap();
    let response = HyperClient::new(Duration::from_secs(5)).unwrap().send(request).await.unwrap();
    assert_eq!(response.status(), 200);
    let mut body = response.into_body();
    let mut bytes = Vec::new();
    while let Some(chunk) = body.next().await {
        bytes.extend_from_slice(&chunk.unwrap());
    }
    serde_json::from_slice(&bytes).unwrap()
}

fn client(mock: &MockServer, appid: &str, secret: &str) -> OAuthClient {
    OAuthClient::builder().appid(appid).secret(secret).base_url(mock.base_url()).build().unwrap()
}

// Proves a web-authorization code exchanges for the minted openid exactly once: the second
// exchange is CodeBeenUsed (40163), an unknown code InvalidCode (40029).
#[tokio::test]
async fn web_code_exchanges_once() {
    let mock = MockServer::start().await;
    let minted = mint(&mock, json!({"appid": "wx8888888888888888", "openid": "oWebUser000000000000000000001", "kind": "web"})).await;
    let code = minted["code"].as_str().unwrap();
    let oauth = client(&mock, "wx8888888888888888", "an-app-secret");
    let token = oauth.web_access_token(code).await.unwrap();
    assert_eq!(token.openid, "oWebUser000000000000000000001");
    assert_eq!((token.expires_in, token.scope.as_str()), (7200, "snsapi_base"));
    assert!(!token.access_token.is_empty());
    let used = oauth.web_access_token(code).await.unwrap_err();
    assert!(used.is_code(ErrCode::CodeBeenUsed), "{used:?}");
    let Error::Api(e) = &used else { panic!("{used:?}") };
    assert!(e.rid().is_some());
    assert!(oauth
        .web_access_token("no-such-code")
        .await
        .unwrap_err()
        .is_code(ErrCode::InvalidCode));
}

// Proves a mini-program login code exchanges for openid and session key, is refused under
// another appid or with the wrong app secret, and an unknown appid is InvalidAppId.
#[tokio::test]
async fn mini_program_session() {
    let mock = MockServer::start().await;
    let minted = mint(
        &mock,
        json!({"appid": "wxd678efh567hg6999", "kind": "mini_program", "unionid": "oUnion1"}),
    )
    .await;
    let code = minted["code"].as_str().unwrap();
    let other_app =
        client(&mock, "wx8888888888888888", "s").jscode2session(code).await.unwrap_err();
    assert!(other_app.is_code(ErrCode::InvalidCode));
    let wrong_secret = client(&mock, "wxd678efh567hg6999", "INVALID_SECRET")
        .jscode2session(code)
        .await
        .unwrap_err();
    assert!(wrong_secret.is_code(ErrCode::InvalidAppSecret));
    let session = client(&mock, "wxd678efh567hg6999", "s").jscode2session(code).await.unwrap();
    assert_eq!(session.openid, minted["openid"].as_str().unwrap());
    assert_eq!(session.unionid.as_deref(), Some("oUnion1"));
    assert_eq!(session.session_key.expose().len(), 24);
    let web_code_as_login =
        client(&mock, "wxd678efh567hg6999", "s").web_access_token(code).await.unwrap_err();
    assert!(
        web_code_as_login.is_code(ErrCode::InvalidCode),
        "a mini-program code is not a web code"
    );
    let unknown = client(&mock, "wx0000000000000000", "s").jscode2session("x").await.unwrap_err();
    assert!(unknown.is_code(ErrCode::InvalidAppId));
}
