//! # wechatpay-applyment
//!
//! Sub-merchant onboarding (二级商户进件) for WeChat Pay 平台收付通, and the settlement bank
//! accounts of onboarded sub-merchants.
//!
//! - [`Applyments`]: [`submit`](Applyments::submit) an application,
//!   [`query_by_id`](Applyments::query_by_id) /
//!   [`query_by_out_request_no`](Applyments::query_by_out_request_no) its state.
//!   Fill names, ID numbers, phone, e-mail and bank account in plaintext: every member the
//!   model lists as sensitive is RSA-OAEP-encrypted to the WeChat Pay platform certificate
//!   or public key, and `Wechatpay-Serial` is set, by the transport's build step. What can be
//!   checked locally is checked before sending ([`validate_submission`]): the members each
//!   subject type needs, lengths, ID check digits, phone and e-mail formats, MediaIDs.
//! - [`next_steps`]: what to show the seller for a state: the signing link, the remittance
//!   instructions and their deadline, the rejected fields, or the new `sub_mchid`.
//! - [`Settlement`]: [`query`](Settlement::query) a sub-merchant's settlement account (with
//!   the result of the 0.01 CNY verification remittance),
//!   [`modify`](Settlement::modify) it, follow the change with
//!   [`application`](Settlement::application).
//!
//! Every call is also a public [`Operation`](wechatpay_transport::Operation)
//! ([`SubmitApplyment`], [`QueryApplymentById`], [`QueryApplymentByOutRequestNo`],
//! [`QuerySettlement`], [`ModifySettlement`], [`QuerySettlementApplication`]) for
//! [`Transport::execute`]. Images referenced by MediaID come from `wechatpay-media`.
//!
//! The request types are `wechatpay-models`' and are re-exported here.
//!
//! ```
//! use wechatpay_applyment::*;
//!
//! // A micro merchant (小微商户): an ID card, a personal account, the operator as administrator.
//! let request = SubmitApplymentRequest {
//!     id_card_info: Some(IdCardInfo {
//!         id_card_copy: "MEDIA-ID-FRONT".into(),
//!         id_card_national: "MEDIA-ID-BACK".into(),
//!         id_card_name: "张三".into(),
//!         id_card_number: "11010519491231002X".into(),
//!         id_card_address: None,
//!         id_card_valid_time_begin: "2019-01-01".parse()?,
//!         id_card_valid_time: "长期".into(),
//!     }),
//!     ..SubmitApplymentRequest::new(
//!         "APPLY-2401-0001",
//!         OrganizationType::MicroMerchant,
//!         ApplymentAccountInfo {
//!             bank_account_type: BankAccountType::Personal,
//!             account_bank: "招商银行".into(),
//!             account_name: "张三".into(),
//!             bank_address_code: "110000".into(),
//!             bank_branch_id: None,
//!             bank_name: None,
//!             account_number: "6214830000000001".into(),
//!             account_cert_info: None,
//!         },
//!         ContactInfo {
//!             contact_name: "张三".into(),
//!             mobile_phone: "13800138000".into(),
//!             contact_email: "zhangsan@example.com".into(),
//!             ..ContactInfo::default()
//!         },
//!         SalesSceneInfo {
//!             store_name: "张三的小店".into(),
//!             store_url: Some("https://shop.example.com/zhangsan".into()),
//!             ..SalesSceneInfo::default()
//!         },
//!         "张三的小店",
//!     )
//! };
//! validate_submission(&request)?; // what `Applyments::submit` checks before sending
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! docs/guides/onboarding.md walks through the whole flow against the mock server.
#![forbid(unsafe_code)]
// Input from the network, files and callbacks must never panic (issue #10): no unwrap, expect,
// panic or unchecked indexing outside tests. A provably infallible case keeps a local
// `#[allow]` with a comment saying why.
#![deny(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]
#![cfg_attr(
    test,
    allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)
)]

mod applyments;
mod next_step;
mod settlement;
mod validate;

pub use applyments::{
    decrypt_account_validation, Applyments, QueryApplymentById, QueryApplymentByOutRequestNo,
    SubmitApplyment,
};
pub use next_step::{next_steps, NextStep, CHECK_INTERVAL};
pub use settlement::{ModifySettlement, QuerySettlement, QuerySettlementApplication, Settlement};
pub use validate::{validate_settlement_change, validate_submission};
pub use wechatpay_models::applyment::*;
pub use wechatpay_models::settlement::*;
pub use wechatpay_transport::MAX_SENSITIVE_BYTES;
pub use wechatpay_transport::{BuildError, Error, Transport};
