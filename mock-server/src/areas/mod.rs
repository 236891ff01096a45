//! API areas, one module each: its routes, handlers, state (an [`crate::store::Area`]) and
//! state machine. [`crate::app`] merges every area's `routes()` under the protocol layer.
//!
//! Adding an area: write `areas/<name>.rs` with `pub(crate) fn routes() -> Router<MockState>`,
//! declare it here, and add `.merge(areas::<name>::routes())` in `app()`.

pub(crate) mod certificates;
pub(crate) mod echo;
