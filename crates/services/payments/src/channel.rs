//! The four front-end channels of the prepay endpoints, as types: a prepay operation is
//! generic over its channel, so the path segment and the response type cannot disagree.

use serde::de::DeserializeOwned;
use wechatpay_models::payments::{
    H5PrepayResponse, NativePrepayResponse, PrepayChannel, PrepayResponse,
};

mod sealed {
    pub trait Sealed {}
}

/// A prepay channel: JSAPI / mini program, APP, H5 or Native. Sealed: exactly these four.
pub trait Channel: sealed::Sealed + Send + Sync + 'static {
    /// The channel as a value (`jsapi`, `app`, `h5`, `native` path segment).
    const CHANNEL: PrepayChannel;
    /// What the prepay endpoint of this channel answers.
    type Response: DeserializeOwned + Send + 'static;
}

/// Official account (公众号) and mini program (小程序): answers a `prepay_id`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Jsapi;

/// In-app payment (APP支付): answers a `prepay_id`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct App;

/// Mobile browser payment (H5支付): answers an `h5_url`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct H5;

/// QR-code payment (Native支付): answers a `code_url`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Native;

impl sealed::Sealed for Jsapi {}
impl sealed::Sealed for App {}
impl sealed::Sealed for H5 {}
impl sealed::Sealed for Native {}

impl Channel for Jsapi {
    const CHANNEL: PrepayChannel = PrepayChannel::Jsapi;
    type Response = PrepayResponse;
}

impl Channel for App {
    const CHANNEL: PrepayChannel = PrepayChannel::App;
    type Response = PrepayResponse;
}

impl Channel for H5 {
    const CHANNEL: PrepayChannel = PrepayChannel::H5;
    type Response = H5PrepayResponse;
}

impl Channel for Native {
    const CHANNEL: PrepayChannel = PrepayChannel::Native;
    type Response = NativePrepayResponse;
}
