//! The axum extractor (feature `axum`), driven through a Router with `oneshot`.

mod common;

use axum::body::{to_bytes, Body};
use axum::extract::{FromRef, State};
use axum::http::{Request, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::Router;
use common::{callback, parser_for, Callback};
use tower::ServiceExt;
use wechatpay_notify::axum::NotifyRejection;
use wechatpay_notify::{Event, NotifyParser, Verified, MAX_BODY_BYTES};

/// Answers 200 with the order number, so the test sees what the handler got.
async fn on_event(notification: Verified<Event>) -> Response {
    match notification.resource() {
        Event::PartnerTransactionSuccess(tx) => tx.out_trade_no.clone().into_response(),
        Event::CombineTransactionSuccess(tx) => tx.combine_out_trade_no.clone().into_response(),
        _ => StatusCode::NO_CONTENT.into_response(),
    }
}

/// Takes the resource as plain JSON.
async fn on_json(notification: Verified<serde_json::Value>) -> String {
    notification.resource()["out_refund_no"].as_str().unwrap_or_default().to_owned()
}

fn app(parser: NotifyParser) -> Router {
    Router::new().route("/notify", post(on_event)).route("/json", post(on_json)).with_state(parser)
}

fn request(path: &str, cb: &Callback) -> Request<Body> {
    let mut req = Request::post(path).body(Body::from(cb.body.clone())).unwrap();
    *req.headers_mut() = cb.headers.clone();
    req
}

async fn send(router: Router, req: Request<Body>) -> (StatusCode, String) {
    let response = router.oneshot(req).await.unwrap();
    let status = response.status();
    let body = to_bytes(response.into_body(), usize::MAX).await.unwrap();
    (status, String::from_utf8(body.to_vec()).unwrap())
}

// Proves a genuine callback reaches the handler as a typed, verified event.
#[tokio::test]
async fn genuine_callback_reaches_handler() {
    for (id, expected) in [("N01", "1217752501201407033233368018"), ("N02", "P20150806125346")] {
        let cb = callback(id);
        let (status, body) = send(app(parser_for(&cb)), request("/notify", &cb)).await;
        assert_eq!((status, body.as_str()), (StatusCode::OK, expected), "{id}");
    }
}

// Proves the generic extractor decodes into the type the handler asks for.
#[tokio::test]
async fn generic_extractor() {
    let cb = callback("N03");
    let (status, body) = send(app(parser_for(&cb)), request("/json", &cb)).await;
    assert_eq!((status, body.as_str()), (StatusCode::OK, "R1217752501201407033233368018"));
}

// Proves a forged callback never reaches the handler and is answered 401 with WeChat Pay's
// failure body.
#[tokio::test]
async fn forged_callback_is_rejected() {
    let mut cb = callback("N01");
    cb.body[8] ^= 1;
    let (status, body) = send(app(parser_for(&cb)), request("/notify", &cb)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body, r#"{"code":"FAIL","message":"signature verification failed"}"#);
}

// Proves a missing header is answered 400 before the body matters.
#[tokio::test]
async fn missing_header_is_rejected() {
    let mut cb = callback("N01");
    cb.headers.remove("Wechatpay-Nonce");
    let (status, body) = send(app(parser_for(&cb)), request("/notify", &cb)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body, r#"{"code":"FAIL","message":"missing signature header"}"#);
}

// Proves a body over the limit is refused with 413 while it streams in, and that a body at
// exactly the limit is read (and then fails the signature instead).
#[tokio::test]
async fn oversize_body_is_refused_while_reading() {
    let cb = callback("N01");
    let chunks: Vec<Result<Vec<u8>, std::io::Error>> =
        vec![Ok(vec![b' '; MAX_BODY_BYTES]), Ok(vec![b' '])];
    let mut req = Request::post("/notify")
        .body(Body::from_stream(futures_util::stream::iter(chunks)))
        .unwrap();
    *req.headers_mut() = cb.headers.clone();
    let (status, body) = send(app(parser_for(&cb)), req).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(body, r#"{"code":"FAIL","message":"body too large"}"#);

    let mut at_limit = cb.clone();
    at_limit.body = vec![b' '; MAX_BODY_BYTES];
    let (status, _) = send(app(parser_for(&cb)), request("/notify", &at_limit)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

#[derive(Clone)]
struct AppState {
    parser: NotifyParser,
    shop: &'static str,
}

impl FromRef<AppState> for NotifyParser {
    fn from_ref(state: &AppState) -> Self {
        state.parser.clone()
    }
}

// Proves the extractor finds the parser in a larger app state through FromRef, and that a
// handler taking `Result<_, NotifyRejection>` sees refusals and can answer them itself.
#[tokio::test]
async fn parser_from_app_state_and_observed_rejections() {
    async fn handler(
        State(state): State<AppState>,
        notification: Result<Verified<Event>, NotifyRejection>,
    ) -> Response {
        match notification {
            Ok(n) => format!("{} {}", state.shop, n.id()).into_response(),
            Err(rejection) => {
                assert_eq!(rejection.status(), StatusCode::UNAUTHORIZED);
                assert!(matches!(
                    rejection,
                    NotifyRejection::Notify(wechatpay_notify::Error::Signature(_))
                ));
                rejection.into_response()
            }
        }
    }
    let cb = callback("N03");
    let state = AppState { parser: parser_for(&cb), shop: "shop-1" };
    let router = Router::new().route("/notify", post(handler)).with_state(state);

    let (status, body) = send(router.clone(), request("/notify", &cb)).await;
    assert_eq!((status, body.as_str()), (StatusCode::OK, "shop-1 EV-2018022511223320875"));

    let mut forged = cb.clone();
    forged.set("Wechatpay-Serial", "PUB_KEY_ID_0000000000000000000000000000");
    let (status, _) = send(router, request("/notify", &forged)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

// Proves a handler's own failure reply (after a good callback) converts for axum as the
// docs say.
#[tokio::test]
async fn handler_failure_reply_converts() {
    async fn handler(_: Verified<Event>) -> Response {
        wechatpay_notify::fail(StatusCode::SERVICE_UNAVAILABLE, "db down").map(Body::from)
    }
    let cb = callback("N01");
    let router = Router::new().route("/notify", post(handler)).with_state(parser_for(&cb));
    let (status, body) = send(router, request("/notify", &cb)).await;
    assert_eq!(
        (status, body.as_str()),
        (StatusCode::SERVICE_UNAVAILABLE, r#"{"code":"FAIL","message":"db down"}"#)
    );
}
