//! What a successful exchange answers.

use serde::Deserialize;

use crate::error::{Error, WechatError};
use crate::secret::Secret;

/// The answer of `sns/oauth2/access_token`: who the user is under the official account, and
/// a web-authorization token (not the official account's own access token).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WebAccessToken {
    /// The user's openid under the official account's appid: the JSAPI payer
    /// (`payer.sp_openid` / `sub_openid`, `combine_payer_info.openid`).
    pub openid: String,
    /// The web-authorization `access_token` (only for `snsapi_userinfo` calls).
    pub access_token: Secret,
    /// Seconds the access token lives (7200).
    pub expires_in: u64,
    /// The `refresh_token` (30 days).
    pub refresh_token: Secret,
    /// The scope the user granted: `snsapi_base` or `snsapi_userinfo`.
    pub scope: String,
    /// The user's unionid, when the official account is bound to an open-platform account.
    pub unionid: Option<String>,
    /// Whether the user is in "snapshot page" mode (快照页模式, a virtual identity): such an
    /// openid cannot pay, ask the user to open the page fully.
    pub is_snapshotuser: bool,
}

/// The answer of `sns/jscode2session`: who the user is under the mini program.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MiniProgramSession {
    /// The user's openid under the mini program's appid: the JSAPI payer.
    pub openid: String,
    /// The session key (decrypts `wx.getUserInfo` data); never send it to the front end.
    pub session_key: Secret,
    /// The user's unionid, when the mini program is bound to an open-platform account.
    pub unionid: Option<String>,
}

/// Every member either endpoint may send; the absent ones are `None`.
#[derive(Deserialize)]
struct Raw {
    #[serde(default)]
    errcode: Option<i64>,
    #[serde(default)]
    errmsg: Option<String>,
    #[serde(default)]
    openid: Option<String>,
    #[serde(default)]
    access_token: Option<String>,
    #[serde(default)]
    expires_in: Option<u64>,
    #[serde(default)]
    refresh_token: Option<String>,
    #[serde(default)]
    scope: Option<String>,
    #[serde(default)]
    unionid: Option<String>,
    #[serde(default)]
    is_snapshotuser: Option<i64>,
    #[serde(default)]
    session_key: Option<String>,
}

/// Reads a 200 body: an error when `errcode` is non-zero, else the members present.
fn read(body: &[u8]) -> Result<Raw, Error> {
    let raw: Raw = serde_json::from_slice(body).map_err(Error::Decode)?;
    match raw.errcode {
        Some(code) if code != 0 => {
            Err(Error::Api(WechatError::new(code, raw.errmsg.clone().unwrap_or_default())))
        }
        _ => Ok(raw),
    }
}

fn missing(member: &'static str) -> Error {
    Error::Decode(serde::de::Error::missing_field(member))
}

impl WebAccessToken {
    pub(crate) fn from_body(body: &[u8]) -> Result<Self, Error> {
        let raw = read(body)?;
        Ok(Self {
            openid: raw.openid.filter(|o| !o.is_empty()).ok_or_else(|| missing("openid"))?,
            access_token: Secret::new(raw.access_token.ok_or_else(|| missing("access_token"))?),
            expires_in: raw.expires_in.unwrap_or(0),
            refresh_token: Secret::new(raw.refresh_token.unwrap_or_default()),
            scope: raw.scope.unwrap_or_default(),
            unionid: raw.unionid,
            is_snapshotuser: raw.is_snapshotuser == Some(1),
        })
    }
}

impl MiniProgramSession {
    pub(crate) fn from_body(body: &[u8]) -> Result<Self, Error> {
        let raw = read(body)?;
        Ok(Self {
            openid: raw.openid.filter(|o| !o.is_empty()).ok_or_else(|| missing("openid"))?,
            session_key: Secret::new(raw.session_key.ok_or_else(|| missing("session_key"))?),
            unionid: raw.unionid,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrCode;

    // Proves a web answer decodes with its optional members and keeps the tokens redacted.
    #[test]
    fn web_answer_decodes() {
        let body =
            br#"{"access_token":"ACCESSTOKEN","expires_in":7200,"refresh_token":"REFRESHTOKEN",
            "openid":"oUpF8uMuAJO_M2pxb1Q9zNjWeS6o","scope":"snsapi_base","is_snapshotuser":1,
            "unionid":"o6_bmasdasdsad6_2sgVt7hMZOPfL"}"#;
        let t = WebAccessToken::from_body(body).unwrap();
        assert_eq!(
            (t.openid.as_str(), t.expires_in, t.scope.as_str()),
            ("oUpF8uMuAJO_M2pxb1Q9zNjWeS6o", 7200, "snsapi_base")
        );
        assert!(t.is_snapshotuser);
        assert_eq!(t.access_token.expose(), "ACCESSTOKEN");
        assert!(!format!("{t:?}").contains("ACCESSTOKEN"));
        assert!(!format!("{t:?}").contains("REFRESHTOKEN"));
    }

    // Proves a mini-program answer decodes (errcode 0 is success) and hides the session key.
    #[test]
    fn session_answer_decodes() {
        let body = br#"{"openid":"o1","session_key":"tiihtNczf5v6AKRyjwEUhQ==","errcode":0,"errmsg":"ok"}"#;
        let s = MiniProgramSession::from_body(body).unwrap();
        assert_eq!(s.openid, "o1");
        assert_eq!(s.unionid, None);
        assert!(!format!("{s:?}").contains("tiihtN"));
    }

    // Proves a non-zero errcode is a typed API error, and a body without openid a decode error.
    #[test]
    fn errors_are_typed() {
        let e = MiniProgramSession::from_body(
            br#"{"errcode":40163,"errmsg":"code been used, rid: 1"}"#,
        )
        .unwrap_err();
        assert!(e.is_code(ErrCode::CodeBeenUsed));
        let e =
            WebAccessToken::from_body(br#"{"errcode":40029,"errmsg":"invalid code"}"#).unwrap_err();
        assert_eq!(e.code(), Some(ErrCode::InvalidCode));
        assert!(matches!(
            WebAccessToken::from_body(br#"{"access_token":"x"}"#),
            Err(Error::Decode(_))
        ));
        assert!(matches!(MiniProgramSession::from_body(b"<html>"), Err(Error::Decode(_))));
    }
}
