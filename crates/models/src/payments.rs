//! Payments: partner-mode orders (普通支付) and combined orders (合单支付).
//!
//! [`PartnerTransaction`] is both the partner order query response
//! (`GET /v3/pay/partner/transactions/id/{transaction_id}` and `…/out-trade-no/{out_trade_no}`)
//! and the decrypted `TRANSACTION.SUCCESS` resource of a partner order.
//! [`CombineTransaction`] is both the combined order query response
//! (`GET /v3/combine-transactions/out-trade-no/{combine_out_trade_no}`) and the decrypted
//! `TRANSACTION.SUCCESS` resource of a combined order.

use serde::{Deserialize, Serialize};

use crate::amount::Currency;
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
    /// What a promotion applies to (优惠范围).
    pub enum PromotionScope {
        /// Whole-order coupon (全场代金券).
        Global = "GLOBAL",
        /// Single-goods discount (单品优惠).
        Single = "SINGLE",
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
