//! # wechatpay-media
//!
//! Image and video upload (图片上传 / 视频上传) for WeChat Pay 平台收付通. The MediaID an upload
//! returns is what onboarding members (`id_card_copy`, `business_license_copy`,
//! `store_qr_code` …) carry; see `wechatpay-applyment`.
//!
//! - [`Media`]: [`upload_image`](Media::upload_image) and
//!   [`upload_video`](Media::upload_video) return the MediaID.
//! - [`UploadMedia`]: the same calls as [`Operation`](wechatpay_transport::Operation)s.
//! - [`MediaKind::check`]: the limits, checked before anything is sent: images are JPG, BMP
//!   or PNG (the content must match the extension), videos avi, wmv, mpeg, mp4, mov, mkv,
//!   flv, f4v, m4v or rmvb, each at most 5 MB.
//!
//! The request is `multipart/form-data` with a `meta` part `{"filename","sha256"}`; the
//! transport signs that JSON (not the whole body), as WeChat Pay requires.
//!
//! ```
//! use wechatpay_media::{MediaKind, UploadMedia};
//!
//! let png = include_bytes!("../../../../fixtures/vectors/media/sample.png");
//! let upload = UploadMedia::image("licence.png", &png[..])?;
//! assert!(upload.multipart().meta_json().starts_with(r#"{"filename":"licence.png","sha256":""#));
//! // A GIF is refused before any request is made.
//! assert!(MediaKind::Image.check("licence.gif", b"GIF89a").is_err());
//! # Ok::<(), wechatpay_transport::BuildError>(())
//! ```
#![forbid(unsafe_code)]
// Input from the network, files and callbacks must never panic (issue #10): no unwrap, expect,
// panic or unchecked indexing outside tests. A provably infallible case keeps a local
// `#[allow]` with a comment saying why.
#![deny(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]
#![cfg_attr(
    test,
    allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)
)]

mod format;
mod upload;

pub use format::{MediaKind, IMAGE_EXTENSIONS, MAX_IMAGE_BYTES, MAX_VIDEO_BYTES, VIDEO_EXTENSIONS};
pub use upload::{Media, UploadMedia};
pub use wechatpay_models::media::MediaUploadResponse;
