//! Payments: combined orders (合单支付) and partner-mode orders (普通支付).
//!
//! | endpoint id | method and path | request | response |
//! | --- | --- | --- | --- |
//! | `combine.prepay_jsapi` | `POST /v3/combine-transactions/jsapi` | [`CombinePrepayRequest`] | [`PrepayResponse`] |
//! | `combine.prepay_app` | `POST /v3/combine-transactions/app` | [`CombinePrepayRequest`] | [`PrepayResponse`] |
//! | `combine.prepay_h5` | `POST /v3/combine-transactions/h5` | [`CombinePrepayRequest`] | [`H5PrepayResponse`] |
//! | `combine.prepay_native` | `POST /v3/combine-transactions/native` | [`CombinePrepayRequest`] | [`NativePrepayResponse`] |
//! | `combine.query` | `GET /v3/combine-transactions/out-trade-no/{combine_out_trade_no}` | – | [`CombineTransaction`] |
//! | `combine.close` | `POST /v3/combine-transactions/out-trade-no/{combine_out_trade_no}/close` | [`CombineCloseRequest`] | `204`, no body |
//! | `partner.prepay_jsapi` | `POST /v3/pay/partner/transactions/jsapi` | [`PartnerPrepayRequest`] | [`PrepayResponse`] |
//! | `partner.prepay_app` | `POST /v3/pay/partner/transactions/app` | [`PartnerPrepayRequest`] | [`PrepayResponse`] |
//! | `partner.prepay_h5` | `POST /v3/pay/partner/transactions/h5` | [`PartnerPrepayRequest`] | [`H5PrepayResponse`] |
//! | `partner.prepay_native` | `POST /v3/pay/partner/transactions/native` | [`PartnerPrepayRequest`] | [`NativePrepayResponse`] |
//! | `partner.query_by_id` | `GET /v3/pay/partner/transactions/id/{transaction_id}` | query [`PartnerQueryParams`] | [`PartnerTransaction`] |
//! | `partner.query_by_out_trade_no` | `GET /v3/pay/partner/transactions/out-trade-no/{out_trade_no}` | query [`PartnerQueryParams`] | [`PartnerTransaction`] |
//! | `partner.close` | `POST /v3/pay/partner/transactions/out-trade-no/{out_trade_no}/close` | [`PartnerCloseRequest`] | `204`, no body |
//!
//! The query responses are also the decrypted `TRANSACTION.SUCCESS` resources: a
//! [`PartnerTransaction`] for a partner order, a [`CombineTransaction`] for a combined one.
//! Mini programs use the JSAPI endpoints. No payment request has sensitive fields.

use serde::{Deserialize, Serialize};

use crate::amount::Currency;
pub use crate::promotion::PromotionScope;
use crate::sensitive::SensitiveFields;
use crate::time::DateTime;

open_enum! {
    /// The state of an order (交易状态).
    pub enum TradeState {
        /// Paid (支付成功).
        Success = "SUCCESS",
        /// Refund initiated (转入退款).
        Refund = "REFUND",
        /// Not paid (未支付).
        NotPay = "NOTPAY",
        /// Closed (已关闭).
        Closed = "CLOSED",
        /// Payment failed (支付失败, 其他原因如银行返回失败).
        PayError = "PAYERROR",
        /// User paying, payment-code orders (用户支付中, 付款码支付).
        UserPaying = "USERPAYING",
        /// Revoked, payment-code orders (已撤销, 付款码支付).
        Revoked = "REVOKED",
    }
}

open_enum! {
    /// How an order was paid (交易类型).
    pub enum TradeType {
        /// QR code (Native支付).
        Native = "NATIVE",
        /// Official account / mini program (公众号/小程序支付).
        Jsapi = "JSAPI",
        /// In-app (APP支付).
        App = "APP",
        /// H5 mobile web (H5支付).
        Mweb = "MWEB",
        /// Payment code, merchant scans the user (付款码支付).
        Micropay = "MICROPAY",
        /// Face pay (刷脸支付).
        Facepay = "FACEPAY",
    }
}

open_enum! {
    /// How a payment promotion is funded (优惠类型).
    pub enum PromotionType {
        /// Pre-funded coupon (充值型代金券).
        Cash = "CASH",
        /// Non-pre-funded coupon (免充值型代金券).
        NoCash = "NOCASH",
    }
}

/// A partner-mode order: the query response and the `TRANSACTION.SUCCESS` resource.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartnerTransaction {
    /// Platform (service provider) appid (服务商公众号ID).
    pub sp_appid: String,
    /// Platform (service provider) merchant id (服务商户号).
    pub sp_mchid: String,
    /// Sub-merchant appid (二级商户公众号ID).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub sub_appid: Option<String>,
    /// Sub-merchant id (二级商户号).
    pub sub_mchid: String,
    /// Merchant order number (商户订单号).
    pub out_trade_no: String,
    /// WeChat Pay order id, present once a WeChat order exists (微信支付订单号).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub transaction_id: Option<String>,
    /// Trade type (交易类型).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub trade_type: Option<TradeType>,
    /// Trade state (交易状态).
    pub trade_state: TradeState,
    /// Trade state description (交易状态描述).
    pub trade_state_desc: String,
    /// Paying bank code, e.g. `CMC`, `OTHERS` (付款银行).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub bank_type: Option<String>,
    /// Merchant data echoed back (附加数据).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub attach: Option<String>,
    /// When the order was paid, present once paid (支付完成时间).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub success_time: Option<DateTime>,
    /// Who paid (支付者信息).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub payer: Option<Payer>,
    /// Amounts in fen (订单金额).
    pub amount: TransactionAmount,
    /// Scene info (场景信息).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub scene_info: Option<SceneInfo>,
    /// Promotions (coupons) applied (优惠功能).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub promotion_detail: Option<Vec<PromotionDetail>>,
}

/// The payer of a partner-mode order (支付者信息).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Payer {
    /// User openid under `sp_appid` (用户标识).
    pub sp_openid: String,
    /// User openid under `sub_appid` (二级商户用户标识).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub sub_openid: Option<String>,
}

/// Amounts of a partner-mode order, in fen (订单金额).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TransactionAmount {
    /// Total order amount, fen (总金额).
    pub total: i64,
    /// Amount the user actually paid, fen; present once paid (用户支付金额).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub payer_total: Option<i64>,
    /// Currency (货币类型).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub currency: Option<Currency>,
    /// Currency the user paid in (用户支付币种).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub payer_currency: Option<Currency>,
}

/// Scene info of an order (场景信息).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SceneInfo {
    /// Merchant device id (商户端设备号).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub device_id: Option<String>,
}

/// A promotion (coupon) applied to a partner-mode order (优惠功能).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PromotionDetail {
    /// Coupon id (券ID).
    pub coupon_id: String,
    /// Promotion name (优惠名称).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub name: Option<String>,
    /// Promotion scope (优惠范围).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub scope: Option<PromotionScope>,
    /// Promotion type (优惠类型).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub r#type: Option<PromotionType>,
    /// Coupon amount, fen (优惠券面额).
    pub amount: i64,
    /// Coupon stock (batch) id (活动ID).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub stock_id: Option<String>,
    /// WeChat-funded part, fen (微信出资).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub wechatpay_contribute: Option<i64>,
    /// Merchant-funded part, fen (商户出资).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub merchant_contribute: Option<i64>,
    /// Other-funded part, fen (其他出资).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub other_contribute: Option<i64>,
    /// Currency (优惠币种).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub currency: Option<Currency>,
    /// Goods the promotion applied to (单品列表).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub goods_detail: Option<Vec<PromotionGoods>>,
}

/// One goods line of a [`PromotionDetail`] (单品列表).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PromotionGoods {
    /// Goods id (商品编码).
    pub goods_id: String,
    /// Quantity (商品数量).
    pub quantity: i64,
    /// Unit price, fen (商品单价).
    pub unit_price: i64,
    /// Discount on this goods, fen (商品优惠金额).
    pub discount_amount: i64,
    /// Goods remark (商品备注).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub goods_remark: Option<String>,
}

/// A combined order: the query response and the `TRANSACTION.SUCCESS` resource.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CombineTransaction {
    /// Appid of the combined-order initiator (合单商户appid).
    pub combine_appid: String,
    /// Merchant id of the combined-order initiator, the platform (合单商户号).
    pub combine_mchid: String,
    /// Merchant number of the combined order (合单商户订单号).
    pub combine_out_trade_no: String,
    /// WeChat id of the combined (parent) order; listed by one source only (交易单微信支付订单号).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub combine_transaction_id: Option<String>,
    /// Scene info (场景信息).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub scene_info: Option<SceneInfo>,
    /// The sub-orders, 1 to 50 (子单信息).
    pub sub_orders: Vec<SubOrder>,
    /// Who paid (支付者).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub combine_payer_info: Option<CombinePayerInfo>,
}

/// The payer of a combined order (支付者).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CombinePayerInfo {
    /// User openid under `combine_appid` (用户标识).
    pub openid: String,
}

/// One sub-order of a [`CombineTransaction`] (子单信息).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubOrder {
    /// Merchant id that initiates the sub-order, the platform (子单商户号).
    pub mchid: String,
    /// Trade type (交易类型).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub trade_type: Option<TradeType>,
    /// Trade state (交易状态).
    pub trade_state: TradeState,
    /// Paying bank code, present once paid (付款银行).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub bank_type: Option<String>,
    /// Merchant data echoed back (附加信息).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub attach: Option<String>,
    /// When the sub-order was paid, present once paid (支付完成时间).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub success_time: Option<DateTime>,
    /// WeChat Pay order id, present once paid (微信订单号).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub transaction_id: Option<String>,
    /// Merchant number of the sub-order (子单商户订单号).
    pub out_trade_no: String,
    /// Sub-merchant id (二级商户号).
    pub sub_mchid: String,
    /// Amounts in fen (订单金额).
    pub amount: SubOrderAmount,
    /// Sub-merchant appid (子商户应用ID).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub sub_appid: Option<String>,
    /// User openid under `sub_appid` (用户子标识).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub sub_openid: Option<String>,
    /// Promotions (coupons) applied (优惠信息列表).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub promotion_detail: Option<Vec<CombinePromotionDetail>>,
}

/// Amounts of a [`SubOrder`], in fen (订单金额).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubOrderAmount {
    /// Order amount, fen (标价金额).
    pub total_amount: i64,
    /// Amount the user paid in cash, fen; present once paid (现金支付金额).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub payer_amount: Option<i64>,
    /// Currency (标价币种).
    pub currency: Currency,
    /// Currency the user paid in (现金支付币种).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub payer_currency: Option<Currency>,
}

/// A promotion (coupon) applied to a [`SubOrder`] (优惠信息列表).
///
/// The reference data marks every member optional here, unlike [`PromotionDetail`].
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CombinePromotionDetail {
    /// Coupon id (券ID).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub coupon_id: Option<String>,
    /// Promotion name (优惠名称).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub name: Option<String>,
    /// Promotion scope (优惠范围).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub scope: Option<PromotionScope>,
    /// Promotion type (优惠类型).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub r#type: Option<PromotionType>,
    /// Coupon amount, fen (优惠券面额).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub amount: Option<i64>,
    /// Coupon stock (batch) id (活动批次ID).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub stock_id: Option<String>,
    /// WeChat-funded part, fen (微信出资).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub wechatpay_contribute: Option<i64>,
    /// Merchant-funded part, fen (商户出资).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub merchant_contribute: Option<i64>,
    /// Other-funded part, fen (其他出资).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub other_contribute: Option<i64>,
    /// Currency (优惠币种).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub currency: Option<Currency>,
    /// Goods the promotion applied to (单品列表).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub goods_detail: Option<Vec<CombinePromotionGoods>>,
}

/// One goods line of a [`CombinePromotionDetail`] (单品列表).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CombinePromotionGoods {
    /// Goods id (商品编码).
    pub goods_id: String,
    /// Quantity (商品数量).
    pub quantity: i64,
    /// Unit price, fen (商品单价).
    pub unit_price: i64,
    /// Discount on this goods, fen (商品优惠金额).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub discount_amount: Option<i64>,
    /// Goods remark (商品备注).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub goods_remark: Option<String>,
}

/// A front-end channel of the prepay endpoints (下单渠道); the last path segment.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PrepayChannel {
    /// Official account or mini program (JSAPI/小程序).
    Jsapi,
    /// In-app (APP).
    App,
    /// Mobile web (H5).
    H5,
    /// QR code (Native).
    Native,
}

impl PrepayChannel {
    /// Every channel.
    pub const ALL: [PrepayChannel; 4] = [Self::Jsapi, Self::App, Self::H5, Self::Native];

    /// The path segment: `jsapi`, `app`, `h5` or `native`.
    pub fn path_segment(self) -> &'static str {
        match self {
            Self::Jsapi => "jsapi",
            Self::App => "app",
            Self::H5 => "h5",
            Self::Native => "native",
        }
    }
}

open_enum! {
    /// A payment method the payer may not use (指定支付方式).
    ///
    /// Listed by the openapi repo (and wechatpay-go for partner orders); uncertain for 收付通.
    pub enum LimitPay {
        /// Balance (零钱) not allowed (不可用零钱).
        NoBalance = "no_balance",
        /// Debit cards not allowed (不可用借记卡).
        NoDebit = "no_debit",
        /// Balance only (仅零钱).
        BalanceOnly = "balance_only",
        /// Credit cards not allowed (不可用信用卡).
        NoCredit = "no_credit",
    }
}

/// The request body of the four combined-order prepay endpoints (合单下单):
/// `combine.prepay_jsapi`, `combine.prepay_app`, `combine.prepay_h5` and `combine.prepay_native`.
///
/// The four schemas are identical except for channel-specific members, so one type serves all:
/// JSAPI (and mini programs) needs `combine_payer_info`, H5 needs `scene_info.h5_info`, and APP
/// and Native need neither. [`CombinePrepayRequest::missing_for`] checks this.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CombinePrepayRequest {
    /// Appid of the combined-order initiator (合单商户appid).
    pub combine_appid: String,
    /// Merchant id of the combined-order initiator (platform) (合单商户号).
    pub combine_mchid: String,
    /// Merchant number of the combined order (合单商户订单号).
    pub combine_out_trade_no: String,
    /// Scene info (场景信息).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub scene_info: Option<CombineSceneInfo>,
    /// Sub-orders (子单信息).
    ///
    /// Note: at most 50 sub-orders per combined order.
    pub sub_orders: Vec<CombinePrepaySubOrder>,
    /// Payer info (支付者).
    ///
    /// Condition: required for JSAPI / mini program, not sent for APP, H5 and Native.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub combine_payer_info: Option<CombinePrepayPayer>,
    /// Order start time (交易起始时间).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub time_start: Option<DateTime>,
    /// Order expiry time (交易结束时间).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub time_expire: Option<DateTime>,
    /// Notification callback URL (通知地址).
    pub notify_url: String,
    /// Payment method restrictions (指定支付方式).
    ///
    /// Uncertain: only listed by the openapi repo.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub limit_pay: Option<Vec<LimitPay>>,
}

/// Scene info of a combined prepay request (场景信息).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CombineSceneInfo {
    /// Merchant device id (商户端设备号).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub device_id: Option<String>,
    /// Payer client IP (IPv4/IPv6) (用户终端IP).
    pub payer_client_ip: String,
    /// H5 scene info (H5场景信息).
    ///
    /// Condition: required for H5 (then `scene_info` itself is required), absent otherwise.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub h5_info: Option<H5Info>,
}

/// One sub-order of a combined prepay request, for one sub-merchant (子单信息).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CombinePrepaySubOrder {
    /// Merchant id that initiates the sub-order (the platform) (子单商户号).
    pub mchid: String,
    /// Attach data, echoed back (附加信息).
    pub attach: String,
    /// Amount details (fen) (订单金额).
    pub amount: CombinePrepayAmount,
    /// Merchant number of the sub-order (子单商户订单号).
    pub out_trade_no: String,
    /// Sub-merchant id (二级商户号).
    pub sub_mchid: String,
    /// Goods description (商品描述).
    pub description: String,
    /// Settlement options (结算信息).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub settle_info: Option<SettleInfo>,
    /// Goods detail text (商品详情).
    ///
    /// Uncertain, only listed by the openapi repo: goods detail free text.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub detail: Option<String>,
    /// Goods tag for coupons (订单优惠标记).
    ///
    /// Uncertain: only listed by the openapi repo.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub goods_tag: Option<String>,
    /// Sub-merchant appid (子商户应用ID).
    ///
    /// Uncertain: only listed by the openapi repo.
    /// Note: sub-merchant appid; needed when paying with sub_openid.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub sub_appid: Option<String>,
}

/// The amount of a [`CombinePrepaySubOrder`], in fen (订单金额).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CombinePrepayAmount {
    /// Order amount (fen) (标价金额).
    ///
    /// Note: fen, > 0.
    pub total_amount: i64,
    /// Currency code (CNY) (标价币种).
    ///
    /// Note: CNY.
    pub currency: Currency,
}

/// Settlement options of an order (结算信息); shared by combined and partner prepay requests.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SettleInfo {
    /// Order will be profit-shared (funds frozen) (是否指定分账).
    ///
    /// Note: true = funds frozen for later profit sharing.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub profit_sharing: Option<bool>,
    /// Maximum subsidy amount (fen) (补差金额).
    ///
    /// Note: the most the platform may subsidise (补差) this order, fen; needed before
    /// `subsidy.create` can be called. Only 收付通 has it: WxJava and the openapi repo list
    /// it, wechatpay-go's generic partner model does not.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub subsidy_amount: Option<i64>,
}

/// The payer of a combined JSAPI / mini program order (支付者).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CombinePrepayPayer {
    /// User openid (用户标识).
    ///
    /// Note: openid under combine_appid.
    pub openid: String,
    /// User openid under sub_appid (用户子标识).
    ///
    /// Uncertain, only listed by the openapi repo: openid under sub_appid.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub sub_openid: Option<String>,
}

/// H5 scene info, required by the H5 prepay endpoints (H5场景信息).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct H5Info {
    /// H5 scene type (场景类型).
    ///
    /// Note: iOS | Android | Wap.
    pub r#type: String,
    /// App name (应用名称).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub app_name: Option<String>,
    /// Website URL (网站URL).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub app_url: Option<String>,
    /// iOS bundle id (iOS平台BundleID).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub bundle_id: Option<String>,
    /// Android package name (Android平台PackageName).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub package_name: Option<String>,
}

/// The response of the JSAPI and APP prepay endpoints, combined and partner (预支付交易会话标识).
///
/// The front end then needs a re-signed invoke parameter set; see `wechatpay_crypto::frontend`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PrepayResponse {
    /// Prepay session id (预支付交易会话标识).
    ///
    /// Note: valid 2 hours.
    pub prepay_id: String,
}

/// The response of the H5 prepay endpoints, combined and partner (支付跳转链接).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct H5PrepayResponse {
    /// H5 payment redirect URL (支付跳转链接).
    ///
    /// Note: valid 5 minutes.
    pub h5_url: String,
}

/// The response of the Native prepay endpoints, combined and partner (二维码链接).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NativePrepayResponse {
    /// QR code URL for Native pay (二维码链接).
    ///
    /// Note: valid 2 hours.
    pub code_url: String,
}

/// The `combine.close` request body (合单关闭订单).
///
/// The endpoint answers `204 No Content`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CombineCloseRequest {
    /// Appid of the combined-order initiator (合单商户appid).
    ///
    /// Uncertain: only listed by the openapi repo.
    pub combine_appid: String,
    /// Sub-orders (商品单信息).
    ///
    /// Uncertain: only listed by the openapi repo.
    /// Note: must list exactly the sub-orders of the original order; partial close is not supported.
    pub sub_orders: Vec<CombineCloseSubOrder>,
}

/// One sub-order to close; the list must match the original order exactly (子单信息).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CombineCloseSubOrder {
    /// Merchant id that initiates the sub-order (the platform) (子单商户号).
    ///
    /// Uncertain: only listed by the openapi repo.
    pub mchid: String,
    /// Merchant number of the sub-order (商品单商户订单号).
    ///
    /// Uncertain: only listed by the openapi repo.
    pub out_trade_no: String,
    /// Sub-merchant id (二级商户号).
    ///
    /// Uncertain: only listed by the openapi repo.
    pub sub_mchid: String,
    /// Sub-merchant appid (子商户应用ID).
    ///
    /// Uncertain: only listed by the openapi repo.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub sub_appid: Option<String>,
}

/// The request body of the four partner prepay endpoints (普通支付下单): `partner.prepay_jsapi`,
/// `partner.prepay_app`, `partner.prepay_h5` and `partner.prepay_native`.
///
/// The field set follows wechatpay-go; the openapi repo's direct-mode and 微信分付 extras
/// (`subsidy_info`, `identity`) are left out. As with [`CombinePrepayRequest`], one type serves
/// the four channels: JSAPI needs `payer`, H5 needs `scene_info.h5_info`
/// ([`PartnerPrepayRequest::missing_for`]).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartnerPrepayRequest {
    /// Platform (service provider) appid (服务商公众号ID).
    pub sp_appid: String,
    /// Platform (service provider) merchant id (服务商户号).
    pub sp_mchid: String,
    /// Sub-merchant appid (子商户公众号ID).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub sub_appid: Option<String>,
    /// Sub-merchant id (二级商户号).
    pub sub_mchid: String,
    /// Goods description (商品描述).
    pub description: String,
    /// Merchant order number (商户订单号).
    ///
    /// Note: `[A-Za-z0-9_-|*]`, unique per merchant.
    pub out_trade_no: String,
    /// Order expiry time (交易结束时间).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub time_expire: Option<DateTime>,
    /// Merchant attach data, echoed back (附加数据).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub attach: Option<String>,
    /// Notification callback URL (通知地址).
    ///
    /// Note: https, no query string.
    pub notify_url: String,
    /// Goods tag for coupons (订单优惠标记).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub goods_tag: Option<String>,
    /// Payment method restrictions (指定支付方式).
    ///
    /// Uncertain: the sources disagree.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub limit_pay: Option<Vec<LimitPay>>,
    /// Show e-invoice entry (电子发票入口开放标识).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub support_fapiao: Option<bool>,
    /// Amount details (fen) (订单金额).
    pub amount: PartnerPrepayAmount,
    /// Payer info (支付者).
    ///
    /// Condition: required for JSAPI / mini program, not sent for APP, H5 and Native.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub payer: Option<PartnerPrepayPayer>,
    /// Goods/discount detail (优惠功能).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub detail: Option<OrderDetail>,
    /// Scene info (场景信息).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub scene_info: Option<PartnerSceneInfo>,
    /// Settlement options (结算信息).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub settle_info: Option<SettleInfo>,
}

/// The query string of `partner.query_by_id` and `partner.query_by_out_trade_no`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartnerQueryParams {
    /// Platform (service provider) merchant id (服务商户号).
    pub sp_mchid: String,
    /// Sub-merchant id (二级商户号).
    pub sub_mchid: String,
}

/// The amount of a partner prepay request, in fen (订单金额).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartnerPrepayAmount {
    /// Total order amount (fen) (总金额).
    pub total: i64,
    /// Currency code (CNY) (币类型).
    ///
    /// Note: CNY.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub currency: Option<Currency>,
}

/// The payer of a partner JSAPI / mini program order: exactly one of the two openids (支付者).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartnerPrepayPayer {
    /// User openid under sp_appid (用户服务标识).
    ///
    /// Condition: exactly one of sp_openid (under sp_appid) / sub_openid (under sub_appid, requires sub_appid).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub sp_openid: Option<String>,
    /// User openid under sub_appid (用户子标识).
    ///
    /// Condition: one of sp_openid / sub_openid.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub sub_openid: Option<String>,
}

/// Goods and discount detail of a partner prepay request (优惠功能).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderDetail {
    /// Original order price (fen) (订单原价).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub cost_price: Option<i64>,
    /// Receipt id (商品小票ID).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub invoice_id: Option<String>,
    /// Goods list (单品列表).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub goods_detail: Option<Vec<GoodsDetail>>,
}

/// One goods line of an [`OrderDetail`] (单品列表).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GoodsDetail {
    /// Merchant goods id (商户侧商品编码).
    pub merchant_goods_id: String,
    /// WeChat Pay goods id (微信侧商品编码).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub wechatpay_goods_id: Option<String>,
    /// Goods name (商品名称).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub goods_name: Option<String>,
    /// Quantity (商品数量).
    pub quantity: i64,
    /// Unit price (fen) (商品单价).
    pub unit_price: i64,
}

/// Scene info of a partner prepay request (场景信息).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartnerSceneInfo {
    /// Payer client IP (IPv4/IPv6) (用户终端IP).
    pub payer_client_ip: String,
    /// Merchant device id (商户端设备号).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub device_id: Option<String>,
    /// Store info (商户门店信息).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub store_info: Option<StoreInfo>,
    /// H5 scene info (H5场景信息).
    ///
    /// Condition: required for H5 (then `scene_info` itself is required), absent otherwise.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub h5_info: Option<H5Info>,
}

/// The store where a partner order was placed (商户门店信息).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoreInfo {
    /// Store id (门店编号).
    pub id: String,
    /// Store name (门店名称).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub name: Option<String>,
    /// Area code (地区编码).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub area_code: Option<String>,
    /// Detailed address (详细地址).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub address: Option<String>,
}

/// The `partner.close` request body (关闭订单).
///
/// The endpoint answers `204 No Content`; a paid order cannot be closed (refund it instead).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartnerCloseRequest {
    /// Platform (service provider) merchant id (服务商户号).
    pub sp_mchid: String,
    /// Sub-merchant id (子商户号).
    pub sub_mchid: String,
}

impl CombinePrepayRequest {
    /// The channel-specific member `channel` needs and this request lacks, as a JSON pointer:
    /// `/combine_payer_info` for JSAPI, `/scene_info/h5_info` for H5; `None` when complete.
    pub fn missing_for(&self, channel: PrepayChannel) -> Option<&'static str> {
        match channel {
            PrepayChannel::Jsapi if self.combine_payer_info.is_none() => {
                Some("/combine_payer_info")
            }
            PrepayChannel::H5
                if self.scene_info.as_ref().is_none_or(|scene| scene.h5_info.is_none()) =>
            {
                Some("/scene_info/h5_info")
            }
            _ => None,
        }
    }
}

impl PartnerPrepayRequest {
    /// The channel-specific member `channel` needs and this request lacks, as a JSON pointer:
    /// `/payer` for JSAPI, `/scene_info/h5_info` for H5; `None` when complete.
    pub fn missing_for(&self, channel: PrepayChannel) -> Option<&'static str> {
        match channel {
            PrepayChannel::Jsapi if self.payer.is_none() => Some("/payer"),
            PrepayChannel::H5
                if self.scene_info.as_ref().is_none_or(|scene| scene.h5_info.is_none()) =>
            {
                Some("/scene_info/h5_info")
            }
            _ => None,
        }
    }
}

impl SensitiveFields for CombinePrepayRequest {
    const SENSITIVE_FIELDS: &'static [&'static str] = &[];
}

impl SensitiveFields for CombineCloseRequest {
    const SENSITIVE_FIELDS: &'static [&'static str] = &[];
}

impl SensitiveFields for PartnerPrepayRequest {
    const SENSITIVE_FIELDS: &'static [&'static str] = &[];
}

impl SensitiveFields for PartnerCloseRequest {
    const SENSITIVE_FIELDS: &'static [&'static str] = &[];
}
