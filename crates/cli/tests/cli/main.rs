//! End-to-end tests of the `wxpay` binary: against the mock server started in-process, a
//! wiremock stub where the mock has no API yet (bills), and the test vectors.

mod support;

mod bill;
mod certificates;
mod errors;
mod mock;
mod notify;
mod request;
mod signatures;
