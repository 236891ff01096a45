//! API areas, one module each: its routes, handlers, state (an [`crate::store::Area`]) and
//! state machine. [`crate::app`] merges every area's `routes()` under the protocol layer.
//!
//! Adding an area: write `areas/<name>.rs` with `pub(crate) fn routes() -> Router<MockState>`,
//! declare it here, and add `.merge(areas::<name>::routes())` in `app()`.

pub(crate) mod applyment;
pub(crate) mod bill;
pub(crate) mod certificates;
pub(crate) mod echo;
pub(crate) mod fund;
pub(crate) mod media;
pub(crate) mod oauth;
pub(crate) mod onboarding;
pub(crate) mod payments;
pub(crate) mod profitsharing;
pub(crate) mod refunds;
pub(crate) mod settlement;
pub(crate) mod subsidies;
pub(crate) mod withdraw;
