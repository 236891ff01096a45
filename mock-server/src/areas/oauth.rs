//! The openid endpoints of `api.weixin.qq.com`, served under their own path prefix (`/sns/`,
//! outside `/v3/` signature checking):
//!
//! - `GET /sns/oauth2/access_token?appid=&secret=&code=&grant_type=authorization_code`
//!   (official-account web authorization);
//! - `GET /sns/jscode2session?appid=&secret=&js_code=&grant_type=authorization_code`
//!   (mini-program login).
//!
//! Codes come from the admin API (`POST /mock/admin/oauth/codes`: "this user authorized"),
//! for an appid of some tenant and an openid (given, or made up). A code is good for one
//! exchange within 5 virtual minutes, under the appid it was issued for; then
//! `40163 code been used`; unknown, expired or another app's → `40029 invalid code`.
//! Answers are `200` with `{"errcode":…,"errmsg":"…, rid: …"}` on error, as WeChat's. The
//! mock cannot know real app secrets: any non-empty secret is accepted except the magic
//! `INVALID_SECRET` (→ `40125`).
//!
//! Issued openids are remembered with their appid, so the payments area can answer
//! `OPENID_MISMATCH` when one is used under another appid.

use std::sync::Arc;

use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::routing::get;
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::state::MockState;
use crate::tenant::Tenant;

/// How long a code lives (virtual seconds).
pub(crate) const CODE_TTL_SECS: i64 = 300;
/// Most codes (used or not) and openids kept per tenant.
pub(crate) const MAX_ENTRIES: usize = 100_000;
/// The app secret the mock refuses (everything else non-empty passes).
pub(crate) const INVALID_SECRET: &str = "INVALID_SECRET";

/// Which exchange a code is for.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum CodeKind {
    /// `sns/oauth2/access_token`.
    Web,
    /// `sns/jscode2session`.
    MiniProgram,
    /// Either (the default).
    #[default]
    Any,
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct Grant {
    appid: String,
    openid: String,
    unionid: Option<String>,
    scope: String,
    kind: CodeKind,
    issued_unix: i64,
    used: bool,
}

/// The OAuth area of a tenant (an [`crate::store::Area`]).
#[derive(Clone, Debug, Default)]
pub(crate) struct OAuth {
    codes: imbl::HashMap<String, Grant>,
    /// openid → the appid it was issued under.
    openids: imbl::HashMap<String, String>,
}

impl OAuth {
    /// The appid an openid was issued under by this mock, if it issued it.
    pub(crate) fn appid_of(&self, openid: &str) -> Option<&str> {
        self.openids.get(openid).map(String::as_str)
    }

    /// Drops expired codes once the area is full (a limit on everything).
    fn prune(&mut self, now_unix: i64) {
        if self.codes.len() >= MAX_ENTRIES {
            self.codes.retain(|_, g| now_unix < g.issued_unix.saturating_add(CODE_TTL_SECS));
        }
    }
}

/// What the admin API asks for.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct MintCode {
    pub(crate) appid: String,
    /// The user; a new random openid when absent.
    pub(crate) openid: Option<String>,
    pub(crate) unionid: Option<String>,
    #[serde(default)]
    pub(crate) kind: CodeKind,
    /// `snsapi_base` (default) or `snsapi_userinfo`.
    pub(crate) scope: Option<String>,
}

/// What the admin API answers.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct MintedCode {
    pub(crate) mchid: String,
    pub(crate) appid: String,
    pub(crate) code: String,
    pub(crate) openid: String,
    pub(crate) kind: CodeKind,
    pub(crate) expires_in: i64,
}

/// Why a code cannot be minted.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub(crate) enum MintError {
    #[error("appid {0} is not an app id of any tenant")]
    UnknownAppId(String),
    #[error("openid must be 1 to 128 characters")]
    BadOpenId,
    #[error("the tenant holds {MAX_ENTRIES} openids; reset it")]
    Full,
}

fn alphanumeric(n: usize) -> String {
    const CHARS: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    use rand::Rng;
    // Replayable in durable mode (see `persist::entropy`).
    crate::persist::entropy::with_rng(|rng| {
        (0..n)
            .map(|_| {
                char::from(CHARS.get(rng.random_range(0..CHARS.len())).copied().unwrap_or(b'0'))
            })
            .collect()
    })
}

/// The tenant whose app ids include `appid`.
fn owner(state: &MockState, appid: &str) -> Option<Arc<Tenant>> {
    state.tenants().iter().find(|t| t.appids().iter().any(|a| a == appid)).cloned()
}

/// Issues a code (admin API).
///
/// # Errors
/// [`MintError`].
pub(crate) fn mint(state: &MockState, req: MintCode) -> Result<MintedCode, MintError> {
    let tenant =
        owner(state, &req.appid).ok_or_else(|| MintError::UnknownAppId(req.appid.clone()))?;
    let openid = match req.openid {
        Some(o) if !o.is_empty() && o.chars().count() <= 128 => o,
        Some(_) => return Err(MintError::BadOpenId),
        None => format!("o{}", alphanumeric(27)),
    };
    let code = alphanumeric(32);
    state.store().transact(&tenant, |tx| {
        let now = tx.now_unix();
        let area = tx.area_mut::<OAuth>();
        area.prune(now);
        if area.codes.len() >= MAX_ENTRIES
            || (area.openids.len() >= MAX_ENTRIES && !area.openids.contains_key(&openid))
        {
            return Err(MintError::Full);
        }
        area.openids.insert(openid.clone(), req.appid.clone());
        area.codes.insert(
            code.clone(),
            Grant {
                appid: req.appid.clone(),
                openid: openid.clone(),
                unionid: req.unionid.clone(),
                scope: req.scope.clone().unwrap_or_else(|| "snsapi_base".into()),
                kind: req.kind,
                issued_unix: now,
                used: false,
            },
        );
        Ok(MintedCode {
            mchid: tenant.mchid().to_owned(),
            appid: req.appid,
            code,
            openid,
            kind: req.kind,
            expires_in: CODE_TTL_SECS,
        })
    })
}

pub(crate) fn routes() -> Router<MockState> {
    Router::new()
        .route("/sns/oauth2/access_token", get(web_access_token))
        .route("/sns/jscode2session", get(jscode2session))
}

/// The query of both endpoints; every member optional so a missing one gets WeChat's errcode.
#[derive(Debug, Default, Deserialize)]
struct SnsQuery {
    appid: Option<String>,
    secret: Option<String>,
    code: Option<String>,
    js_code: Option<String>,
    grant_type: Option<String>,
}

fn error(errcode: i64, errmsg: &str) -> Json<Value> {
    let rid = format!("{}-{}-{}", alphanumeric(8), alphanumeric(8), alphanumeric(8)).to_lowercase();
    Json(json!({ "errcode": errcode, "errmsg": format!("{errmsg}, rid: {rid}") }))
}

/// Checks the request and takes the code: the grant, or the errcode answer.
fn exchange(
    state: &MockState,
    q: SnsQuery,
    code: Option<String>,
    kind: CodeKind,
) -> Result<Grant, Json<Value>> {
    let appid = q.appid.filter(|a| !a.is_empty()).ok_or_else(|| error(41002, "appid missing"))?;
    let secret =
        q.secret.filter(|s| !s.is_empty()).ok_or_else(|| error(41004, "appsecret missing"))?;
    let code = code.filter(|c| !c.is_empty()).ok_or_else(|| error(41008, "missing code"))?;
    if q.grant_type.as_deref() != Some("authorization_code") {
        return Err(error(40002, "invalid grant_type"));
    }
    let tenant = owner(state, &appid).ok_or_else(|| error(40013, "invalid appid"))?;
    if secret == INVALID_SECRET {
        return Err(error(40125, "invalid appsecret"));
    }
    state.store().transact(&tenant, |tx| {
        let now = tx.now_unix();
        let area = tx.area_mut::<OAuth>();
        let grant = area.codes.get_mut(&code).ok_or_else(|| error(40029, "invalid code"))?;
        let expired = now >= grant.issued_unix.saturating_add(CODE_TTL_SECS);
        let wrong_kind = grant.kind != CodeKind::Any && grant.kind != kind;
        if grant.appid != appid || expired || wrong_kind {
            return Err(error(40029, "invalid code"));
        }
        if grant.used {
            return Err(error(40163, "code been used"));
        }
        grant.used = true;
        Ok(grant.clone())
    })
}

async fn web_access_token(
    State(state): State<MockState>,
    query: Result<Query<SnsQuery>, QueryRejection>,
) -> Json<Value> {
    // A malformed query is read as an empty one: the missing members get their errcodes.
    let q = query.map(|Query(q)| q).unwrap_or_default();
    let code = q.code.clone();
    match exchange(&state, q, code, CodeKind::Web) {
        Ok(g) => {
            let mut answer = json!({
                "access_token": alphanumeric(86),
                "expires_in": 7200,
                "refresh_token": alphanumeric(86),
                "openid": g.openid,
                "scope": g.scope,
            });
            if let (Some(unionid), Some(map)) = (g.unionid, answer.as_object_mut()) {
                map.insert("unionid".into(), unionid.into());
            }
            Json(answer)
        }
        Err(e) => e,
    }
}

async fn jscode2session(
    State(state): State<MockState>,
    query: Result<Query<SnsQuery>, QueryRejection>,
) -> Json<Value> {
    let q = query.map(|Query(q)| q).unwrap_or_default();
    let code = q.js_code.clone();
    match exchange(&state, q, code, CodeKind::MiniProgram) {
        Ok(g) => {
            let mut key = [0u8; 16];
            crate::persist::entropy::with_rng(|rng| rng.fill_bytes(&mut key));
            let session_key = wechatpay_crypto::base64::encode(key);
            let mut answer = json!({ "openid": g.openid, "session_key": session_key });
            if let (Some(unionid), Some(map)) = (g.unionid, answer.as_object_mut()) {
                map.insert("unionid".into(), unionid.into());
            }
            Json(answer)
        }
        Err(e) => e,
    }
}

#[cfg(test)]
mod tests {
    use axum::http::StatusCode;

    use super::*;
    use crate::config::KeyMode;
    use crate::test_support::{request, send, state, NOW};

    fn minted(state: &MockState, appid: &str, kind: CodeKind) -> MintedCode {
        mint(
            state,
            MintCode { appid: appid.into(), openid: None, unionid: None, kind, scope: None },
        )
        .unwrap()
    }

    async fn get(state: &MockState, url: &str) -> Value {
        let a = send(state, request("GET", url, b"", None)).await;
        assert_eq!(a.status, StatusCode::OK, "WeChat answers 200 even for errors");
        a.json()
    }

    // Proves a minted code exchanges once for its openid, then answers 40163, and unknown
    // codes 40029, without any request signature.
    #[tokio::test]
    async fn web_code_exchanges_once() {
        let (state, _) = state(KeyMode::Certificate);
        let m = minted(&state, "wx8888888888888888", CodeKind::Web);
        assert_eq!(m.openid.len(), 28);
        let url = format!(
            "/sns/oauth2/access_token?appid=wx8888888888888888&secret=s&code={}&grant_type=authorization_code",
            m.code
        );
        let ok = get(&state, &url).await;
        assert_eq!(ok["openid"], m.openid.as_str());
        assert_eq!(
            (ok["expires_in"].as_i64(), ok["scope"].as_str()),
            (Some(7200), Some("snsapi_base"))
        );
        assert!(ok.get("errcode").is_none());
        let again = get(&state, &url).await;
        assert_eq!(again["errcode"], 40163);
        assert!(again["errmsg"].as_str().unwrap().starts_with("code been used, rid: "));
        let unknown = get(&state, &url.replace(&m.code, "nosuchcode")).await;
        assert_eq!(unknown["errcode"], 40029);
    }

    // Proves a code is bound to its appid, its kind and its 5 minutes, and that missing
    // members, unknown appids and the magic secret get WeChat's errcodes.
    #[tokio::test]
    async fn code_rules_and_errcodes() {
        let (state, clock) = state(KeyMode::Certificate);
        let mini = minted(&state, "wxd678efh567hg6999", CodeKind::MiniProgram);
        let web_url = |code: &str, appid: &str| {
            format!("/sns/oauth2/access_token?appid={appid}&secret=s&code={code}&grant_type=authorization_code")
        };
        assert_eq!(
            get(&state, &web_url(&mini.code, "wxd678efh567hg6999")).await["errcode"],
            40029,
            "mini code on web"
        );
        let any = minted(&state, "wxd678efh567hg6999", CodeKind::Any);
        assert_eq!(
            get(&state, &web_url(&any.code, "wx8888888888888888")).await["errcode"],
            40029,
            "other app"
        );
        assert_eq!(get(&state, &web_url(&any.code, "wx0000000000000000")).await["errcode"], 40013);
        assert_eq!(
            get(&state, "/sns/jscode2session?secret=s&js_code=x&grant_type=authorization_code")
                .await["errcode"],
            41002
        );
        assert_eq!(
            get(&state, "/sns/jscode2session?appid=wx1&js_code=x&grant_type=authorization_code")
                .await["errcode"],
            41004
        );
        assert_eq!(
            get(&state, "/sns/jscode2session?appid=wx1&secret=s&grant_type=authorization_code")
                .await["errcode"],
            41008
        );
        let session = |code: &str, secret: &str| {
            format!("/sns/jscode2session?appid=wxd678efh567hg6999&secret={secret}&js_code={code}&grant_type=authorization_code")
        };
        assert_eq!(get(&state, &session(&mini.code, INVALID_SECRET)).await["errcode"], 40125);
        let ok = get(&state, &session(&mini.code, "s")).await;
        assert_eq!(ok["openid"], mini.openid.as_str());
        assert_eq!(ok["session_key"].as_str().unwrap().len(), 24);
        let late = minted(&state, "wxd678efh567hg6999", CodeKind::MiniProgram);
        clock.set(NOW + CODE_TTL_SECS);
        assert_eq!(get(&state, &session(&late.code, "s")).await["errcode"], 40029, "expired");
        assert_eq!(
            mint(
                &state,
                MintCode {
                    appid: "wx0".into(),
                    openid: None,
                    unionid: None,
                    kind: CodeKind::Any,
                    scope: None
                }
            )
            .unwrap_err(),
            MintError::UnknownAppId("wx0".into())
        );
    }
}
