//! An axum extractor for verified callbacks (feature `axum`).
//!
//! [`Verified<Event>`] and [`Verified<T>`](Verified) for any `T: DeserializeOwned` are
//! extractors. They take the [`NotifyParser`] from the router state through [`FromRef`], so a
//! state that *is* a parser works, and so does an app state with a `NotifyParser` field and a
//! `FromRef` impl. They read at most [`MAX_BODY_BYTES`] of body.
//!
//! A refused callback is answered with the failure reply ([`NotifyRejection`] is an
//! `IntoResponse`). To log refusals first, take `Result<Verified<Event>, NotifyRejection>`.
//!
//! ```
//! use axum::{routing::post, Router};
//! use axum::http::StatusCode;
//! use wechatpay_notify::{Event, NotifyParser, Verified};
//!
//! async fn on_notify(notification: Verified<Event>) -> StatusCode {
//!     match notification.resource() {
//!         Event::PartnerTransactionSuccess(tx) => println!("paid: {}", tx.out_trade_no),
//!         other => println!("{}: {other:?}", notification.event_type()),
//!     }
//!     StatusCode::NO_CONTENT
//! }
//!
//! fn app(parser: NotifyParser) -> Router {
//!     Router::new().route("/notify", post(on_notify)).with_state(parser)
//! }
//! ```
//!
//! A handler that fails after the callback was verified (the database is down, say) answers
//! with [`fail`](crate::fail), converted for axum with
//! `wechatpay_notify::fail(status, "…").map(axum::body::Body::from)`.

use std::error::Error as StdError;

use axum_core::body::Body;
use axum_core::extract::{FromRef, FromRequest, Request};
use axum_core::response::{IntoResponse, Response};
use bytes::Bytes;
use http::StatusCode;
use http_body_util::{BodyExt, LengthLimitError, Limited};
use serde::de::DeserializeOwned;

use crate::error::Error;
use crate::event::Event;
use crate::parser::{NotifyParser, MAX_BODY_BYTES};
use crate::verified::Verified;

/// Why the extractor refused a callback. Answers with WeChat Pay's failure reply.
#[non_exhaustive]
#[derive(Debug, thiserror::Error)]
pub enum NotifyRejection {
    /// The body could not be read (the connection failed while it streamed in).
    #[error("callback body could not be read")]
    BodyRead(#[source] Box<dyn StdError + Send + Sync>),
    /// The callback failed a check; see [`Error`].
    #[error(transparent)]
    Notify(#[from] Error),
}

impl NotifyRejection {
    /// The status answered: 400 for an unreadable body, else [`Error::status`].
    pub fn status(&self) -> StatusCode {
        match self {
            Self::BodyRead(_) => StatusCode::BAD_REQUEST,
            Self::Notify(e) => e.status(),
        }
    }

    /// The failure reply answered (see [`Error::reply`]).
    pub fn reply(&self) -> http::Response<Bytes> {
        match self {
            Self::BodyRead(_) => crate::reply::fail(self.status(), "body could not be read"),
            Self::Notify(e) => e.reply(),
        }
    }
}

impl IntoResponse for NotifyRejection {
    fn into_response(self) -> Response {
        self.reply().map(Body::from)
    }
}

/// Reads the body, refusing it as soon as it passes [`MAX_BODY_BYTES`] so that an oversized
/// one is never held in memory whole.
async fn read_body(body: Body) -> Result<Bytes, NotifyRejection> {
    match Limited::new(body, MAX_BODY_BYTES).collect().await {
        Ok(collected) => Ok(collected.to_bytes()),
        Err(e) if e.is::<LengthLimitError>() => {
            Err(Error::BodyTooLarge { max_bytes: MAX_BODY_BYTES }.into())
        }
        Err(e) => Err(NotifyRejection::BodyRead(e)),
    }
}

impl<S> FromRequest<S> for Verified<Event>
where
    NotifyParser: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = NotifyRejection;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let parser = NotifyParser::from_ref(state);
        let (parts, body) = req.into_parts();
        let body = read_body(body).await?;
        Ok(parser.parse(&parts.headers, &body)?)
    }
}

// This impl and the one above do not overlap because `Event` does not implement
// `Deserialize`; it must not, or `Verified<Event>` would be ambiguous.
impl<S, T> FromRequest<S> for Verified<T>
where
    T: DeserializeOwned,
    NotifyParser: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = NotifyRejection;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let parser = NotifyParser::from_ref(state);
        let (parts, body) = req.into_parts();
        let body = read_body(body).await?;
        Ok(parser.parse_as(&parts.headers, &body)?)
    }
}
