//! The dashboard's way into the mock: requests to the admin router, in-process. Server-side
//! rendering and the no-JavaScript form posts go through exactly the handlers (and the token
//! check) that `/mock/admin` serves over HTTP, so the dashboard has no second code path.

use axum::body::Body;
use axum::handler::Handler;
use axum::http::{header, HeaderValue, Method, Request, StatusCode};
use axum::routing::{any_service, MethodRouter};
use axum::Router;
use serde_json::Value;

use crate::state::MockState;

/// Largest admin answer the dashboard reads (listings are capped well below this).
const MAX_ANSWER: usize = 32 << 20;

/// A client of the admin API carrying the caller's `Authorization`.
#[derive(Clone, Debug)]
pub(crate) struct Admin {
    router: MethodRouter<()>,
    auth: Option<HeaderValue>,
}

/// An admin answer: status and JSON (`null` when the body was not JSON).
#[derive(Debug)]
pub(crate) struct Reply {
    pub(crate) status: StatusCode,
    pub(crate) json: Value,
}

impl Reply {
    /// `CODE message` of an error answer, or the status's reason.
    pub(crate) fn summary(&self) -> String {
        match (self.json.get("code"), self.json.get("message")) {
            (Some(c), Some(m)) => {
                format!("{} {}", c.as_str().unwrap_or_default(), m.as_str().unwrap_or_default())
            }
            _ => self.status.canonical_reason().unwrap_or("").to_owned(),
        }
    }
}

impl Admin {
    /// The admin router of `state`, called with `auth` as the `Authorization` header.
    pub(crate) fn new(state: &MockState, auth: Option<HeaderValue>) -> Self {
        let router = Router::new()
            .nest(crate::admin::PREFIX, crate::admin::routes(state.clone()))
            .with_state(state.clone());
        Self { router: any_service(router), auth }
    }

    /// Calls `method /mock/admin{path}` (path and query) with an optional JSON body.
    pub(crate) async fn call(&self, method: Method, path: &str, body: Option<&Value>) -> Reply {
        let mut b =
            Request::builder().method(method).uri(format!("{}{path}", crate::admin::PREFIX));
        if let Some(a) = &self.auth {
            b = b.header(header::AUTHORIZATION, a.clone());
        }
        let body = match body {
            Some(v) => {
                b = b.header(header::CONTENT_TYPE, "application/json");
                Body::from(v.to_string())
            }
            None => Body::empty(),
        };
        let request = match b.body(body) {
            Ok(r) => r,
            Err(e) => {
                return Reply {
                    status: StatusCode::BAD_REQUEST,
                    json: serde_json::json!({"code": "INVALID_REQUEST", "message": e.to_string()}),
                }
            }
        };
        let response = Handler::call(self.router.clone(), request, ()).await;
        let status = response.status();
        let json = match axum::body::to_bytes(response.into_body(), MAX_ANSWER).await {
            Ok(bytes) => serde_json::from_slice(&bytes).unwrap_or(Value::Null),
            Err(_) => Value::Null,
        };
        Reply { status, json }
    }
}
