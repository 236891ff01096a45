//! The callback endpoint of `examples/callback_server.rs`, shared with
//! `tests/callback_delivery.rs` so the test proves the example's own code:
//! `#[path = "../examples/support/notify_handler.rs"] mod notify_handler;`.
//!
//! WeChat Pay delivers a notification at least once: it retries until it gets a 2xx (16
//! attempts over about a day), and an answer lost on the way back means the same notification
//! again. The handler therefore acts on each notification id once, and answers 2xx to every
//! verified copy, the first and the repeated ones alike.

use std::collections::{HashSet, VecDeque};
use std::sync::{Arc, Mutex, PoisonError};

use axum::extract::{FromRef, State};
use axum::http::StatusCode;
use axum::routing::post;
use axum::Router;
use wechatpay::notify::axum::NotifyRejection;
use wechatpay::notify::{Event, NotifyParser, Verified};

/// The path the router serves.
pub(crate) const NOTIFY_PATH: &str = "/wechatpay/notify";
/// Ids remembered. WeChat Pay's retries of one notification span about 24 hours; size this to
/// more than a day of notifications, or keep the ids in the database (see [`ProcessedIds`]).
pub(crate) const MAX_REMEMBERED_IDS: usize = 100_000;

/// The notification ids already acted on, oldest forgotten first past [`MAX_REMEMBERED_IDS`].
///
/// In memory for the example. A real service records the id in the same database
/// transaction as the business effect (a unique key on the id), so that a crash between the
/// two can neither lose the effect nor apply it twice.
#[derive(Debug, Default)]
pub(crate) struct ProcessedIds {
    inner: Mutex<Remembered>,
}

#[derive(Debug, Default)]
struct Remembered {
    ids: HashSet<String>,
    order: VecDeque<String>,
}

impl ProcessedIds {
    fn lock(&self) -> std::sync::MutexGuard<'_, Remembered> {
        // The set is updated in single steps; a panic elsewhere cannot leave it half-written.
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Claims `id`: `true` the first time, `false` for a copy already claimed. Claiming
    /// before acting makes two concurrent copies act once.
    pub(crate) fn claim(&self, id: &str) -> bool {
        let mut r = self.lock();
        if r.ids.contains(id) {
            return false;
        }
        if r.order.len() >= MAX_REMEMBERED_IDS {
            if let Some(oldest) = r.order.pop_front() {
                r.ids.remove(&oldest);
            }
        }
        r.ids.insert(id.to_owned());
        r.order.push_back(id.to_owned());
        true
    }

    /// Gives `id` up after acting on it failed, so that the next copy acts again.
    pub(crate) fn release(&self, id: &str) {
        let mut r = self.lock();
        if r.ids.remove(id) {
            r.order.retain(|kept| kept != id);
        }
    }
}

/// What the application does with a notification, once per notification id.
pub(crate) trait OnEvent: Send + Sync + 'static {
    /// Acts on a verified notification seen for the first time. An `Err` answers 500, so
    /// WeChat Pay delivers the notification again later.
    fn on_event(&self, notification: &Verified<Event>) -> Result<(), String>;
}

/// One line about an event: what the example prints.
pub(crate) fn describe(notification: &Verified<Event>) -> String {
    match notification.resource() {
        Event::CombineTransactionSuccess(order) => format!(
            "cart {} paid ({} sub-orders)",
            order.combine_out_trade_no,
            order.sub_orders.len()
        ),
        Event::PartnerTransactionSuccess(order) => format!(
            "order {} of {} paid: {} fen",
            order.out_trade_no, order.sub_mchid, order.amount.total
        ),
        Event::RefundSuccess(refund) => format!("refund {} done", refund.out_refund_no),
        other => format!("{}: {other:?}", notification.event_type()),
    }
}

/// The endpoint's state: the client's parser (for the extractor), the ids acted on, the
/// application.
#[derive(Clone)]
pub(crate) struct Receiver {
    parser: NotifyParser,
    processed: Arc<ProcessedIds>,
    app: Arc<dyn OnEvent>,
}

impl std::fmt::Debug for Receiver {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Receiver").field("parser", &self.parser).finish_non_exhaustive()
    }
}

impl Receiver {
    /// A receiver verifying with `parser` (from `Client::notify_parser`) and acting with `app`.
    pub(crate) fn new(parser: NotifyParser, app: Arc<dyn OnEvent>) -> Self {
        Self { parser, processed: Arc::new(ProcessedIds::default()), app }
    }

    /// `POST /wechatpay/notify` served by [`on_notify`].
    pub(crate) fn router(self) -> Router {
        Router::new().route(NOTIFY_PATH, post(on_notify)).with_state(self)
    }
}

impl FromRef<Receiver> for NotifyParser {
    fn from_ref(receiver: &Receiver) -> Self {
        receiver.parser.clone()
    }
}

/// Handles one callback: a forged, stale or undecryptable one is refused (WeChat Pay tries
/// again); a verified one is acted on if its id is new, and acknowledged either way.
pub(crate) async fn on_notify(
    State(receiver): State<Receiver>,
    notification: Result<Verified<Event>, NotifyRejection>,
) -> StatusCode {
    let notification = match notification {
        Ok(n) => n,
        Err(rejected) => {
            eprintln!("refused a callback: {rejected}");
            return rejected.status();
        }
    };
    let id = notification.id();
    if !receiver.processed.claim(id) {
        // Acted on already: the earlier answer was lost, or WeChat Pay sent a copy.
        return StatusCode::NO_CONTENT;
    }
    match receiver.app.on_event(&notification) {
        Ok(()) => StatusCode::NO_CONTENT,
        Err(error) => {
            eprintln!("callback {id} failed: {error}; WeChat Pay will deliver it again");
            receiver.processed.release(id);
            StatusCode::INTERNAL_SERVER_ERROR
        }
    }
}
