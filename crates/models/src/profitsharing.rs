//! Profit sharing (分账): split frozen order funds, return splits, finish, manage receivers;
//! the `PROFITSHARING.*` notification resource.
//!
//! | endpoint id | method and path | request | response |
//! | --- | --- | --- | --- |
//! | `profitsharing.create_order` | `POST /v3/ecommerce/profitsharing/orders` | [`CreateOrderRequest`] | [`ProfitSharingOrder`] |
//! | `profitsharing.query_order` | `GET /v3/ecommerce/profitsharing/orders` | query [`ProfitSharingOrderParams`] | [`ProfitSharingOrder`] |
//! | `profitsharing.create_return` | `POST /v3/ecommerce/profitsharing/returnorders` | [`CreateReturnOrderRequest`] | [`ReturnOrder`] |
//! | `profitsharing.query_return` | `GET /v3/ecommerce/profitsharing/returnorders` | query [`ReturnOrderParams`] | [`ReturnOrder`] |
//! | `profitsharing.finish_order` | `POST /v3/ecommerce/profitsharing/finish-order` | [`FinishOrderRequest`] | [`FinishOrderResponse`] |
//! | `profitsharing.query_amounts` | `GET /v3/ecommerce/profitsharing/orders/{transaction_id}/amounts` | – | [`UnsplitAmount`] |
//! | `profitsharing.add_receiver` | `POST /v3/ecommerce/profitsharing/receivers/add` | [`AddReceiverRequest`] | [`ReceiverResponse`] |
//! | `profitsharing.delete_receiver` | `POST /v3/ecommerce/profitsharing/receivers/delete` | [`DeleteReceiverRequest`] | [`ReceiverResponse`] |
//! | `profitsharing.create_after_sales` (extra) | `POST /v3/ecommerce/profitsharing/after-sales-orders` | [`CreateAfterSalesOrderRequest`] | [`CreateAfterSalesOrderResponse`] |
//! | `profitsharing.query_after_sales` (extra) | `GET /v3/ecommerce/profitsharing/after-sales-orders` | query [`AfterSalesOrderParams`] | [`AfterSalesOrder`] |
//!
//! Limits: at most 50 split requests per order and 50 receivers per request (older documents:
//! 5); funds stay frozen up to 180 days; non-sub-merchant receivers get at most 30 % of the
//! order by default. A personal receiver's `receiver_name` / `encrypted_name` travels
//! RSA-OAEP encrypted ([`SensitiveFields`]).
//!
//! [`ProfitSharingNotification`] is the decrypted `PROFITSHARING.*` resource. Its field set
//! comes from the generic APIv3 profit-sharing callback; some documents name the platform
//! `mchid` rather than `sp_mchid` (the reference marks it uncertain).

use serde::{Deserialize, Serialize};

use crate::sensitive::SensitiveFields;
use crate::time::DateTime;

open_enum! {
    /// The kind of account receiving shared funds (分账接收方类型).
    pub enum ReceiverType {
        /// A merchant id (商户号).
        MerchantId = "MERCHANT_ID",
        /// A personal openid, converted from an appid (个人openid).
        PersonalOpenid = "PERSONAL_OPENID",
    }
}

open_enum! {
    /// The state of a profit-sharing order (分账单状态).
    ///
    /// 收付通 documents `PROCESSING` and `FINISHED`; `ACCEPTED` and `CLOSED` come from the
    /// generic profit-sharing API and may also appear.
    pub enum ProfitSharingStatus {
        /// Processing (处理中).
        Processing = "PROCESSING",
        /// Finished (分账完成).
        Finished = "FINISHED",
        /// Accepted, generic profit-sharing docs (已受理).
        Accepted = "ACCEPTED",
        /// Closed or failed, generic profit-sharing docs (已关闭).
        Closed = "CLOSED",
    }
}

open_enum! {
    /// The result of sharing to one receiver (分账结果).
    pub enum ReceiverResult {
        /// Pending (待分账).
        Pending = "PENDING",
        /// Succeeded (分账成功).
        Success = "SUCCESS",
        /// Closed; see the fail reason (已关闭).
        Closed = "CLOSED",
    }
}

open_enum! {
    /// The result of a profit-sharing return (回退结果).
    ///
    /// Also the result of an after-sales split. The openapi repo and WxJava spell the failure
    /// `FAIL`; it parses as `Unknown("FAIL")`.
    pub enum ReturnResult {
        /// Processing (处理中).
        Processing = "PROCESSING",
        /// Succeeded (已成功).
        Success = "SUCCESS",
        /// Failed (已失败).
        Failed = "FAILED",
    }
}

open_enum! {
    /// Why sharing to a receiver failed (分账失败原因).
    pub enum ProfitSharingFailReason {
        /// The receiver's account is abnormal (分账接收账户异常).
        AccountAbnormal = "ACCOUNT_ABNORMAL",
        /// The profit-sharing relation was removed (分账关系已解除).
        NoRelation = "NO_RELATION",
        /// High-risk receiver (高风险接收方).
        ReceiverHighRisk = "RECEIVER_HIGH_RISK",
        /// The receiver is not real-name verified (接收方未实名).
        ReceiverRealNameNotVerified = "RECEIVER_REAL_NAME_NOT_VERIFIED",
        /// The profit-sharing authorisation was revoked (分账权限已解除).
        NoAuth = "NO_AUTH",
        /// The receiver reached its receipt limit (接收方已达收款限额).
        ReceiverReceiptLimit = "RECEIVER_RECEIPT_LIMIT",
        /// The paying account is abnormal (分出方账户异常).
        PayerAccountAbnormal = "PAYER_ACCOUNT_ABNORMAL",
    }
}

open_enum! {
    /// Why a profit-sharing order was closed (关单原因).
    pub enum ProfitSharingCloseReason {
        /// The profit-sharing authorisation was revoked (分账授权已解除).
        NoAuth = "NO_AUTH",
    }
}

open_enum! {
    /// Why a profit-sharing return failed (回退失败原因).
    pub enum ReturnFailReason {
        /// The original receiver's account is abnormal (原分账接收方账户异常).
        AccountAbnormal = "ACCOUNT_ABNORMAL",
        /// Closed on timeout (超时关单).
        TimeOutClosed = "TIME_OUT_CLOSED",
        /// The original paying account is abnormal (原分账分出方账户异常).
        PayerAccountAbnormal = "PAYER_ACCOUNT_ABNORMAL",
    }
}

open_enum! {
    /// How a receiver relates to the sub-merchant (与分账方的关系类型).
    pub enum RelationType {
        /// Supplier (供应商).
        Supplier = "SUPPLIER",
        /// Distributor (分销商).
        Distributor = "DISTRIBUTOR",
        /// Service provider (服务商).
        ServiceProvider = "SERVICE_PROVIDER",
        /// Platform (平台).
        Platform = "PLATFORM",
        /// Other (其他).
        Others = "OTHERS",
    }
}

open_enum! {
    /// The kind of after-sales split (售后分账类型).
    pub enum AfterSalesType {
        /// Service-fee income (服务费收入分账).
        ServiceFeeIncome = "SERVICE_FEE_INCOME",
    }
}

open_enum! {
    /// The after-sales event behind a split (售后场景).
    pub enum AfterSalesScene {
        /// Ticket refund (退票).
        RefundTicket = "REFUND_TICKET",
        /// Ticket change (改签).
        ChangeTicket = "CHANGE_TICKET",
        /// Goods return (退货).
        ReturnGoods = "RETURN_GOODS",
    }
}

/// The decrypted resource of a `PROFITSHARING.*` notification: one receiver's movement.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProfitSharingNotification {
    /// Platform merchant id (电商平台商户号).
    pub sp_mchid: String,
    /// Sub-merchant whose funds are shared (分账出资的二级商户号).
    pub sub_mchid: String,
    /// WeChat Pay order id (微信订单号).
    pub transaction_id: String,
    /// WeChat profit-sharing or return order id (微信分账/回退单号).
    pub order_id: String,
    /// Merchant profit-sharing or return number (商户分账/回退单号).
    pub out_order_no: String,
    /// The receiver whose funds moved (分账接收方).
    pub receiver: ProfitSharingNotificationReceiver,
    /// When the funds moved (成功时间).
    pub success_time: DateTime,
}

/// The receiver in a [`ProfitSharingNotification`] (分账接收方).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProfitSharingNotificationReceiver {
    /// Receiver type (分账接收方类型).
    pub r#type: ReceiverType,
    /// Merchant id or openid (分账接收方账号).
    pub account: String,
    /// Amount moved, fen (分账动账金额).
    pub amount: i64,
    /// Split or return description (分账/回退描述).
    pub description: String,
}

/// The `profitsharing.create_order` request body (请求分账).
///
/// The order must have been paid with `settle_info.profit_sharing = true`. Splitting is
/// asynchronous: query the order or wait for `PROFITSHARING.SUCCESS`.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreateOrderRequest {
    /// Appid (official account / mini program / app) (公众账号ID).
    ///
    /// Condition: required when any receiver is PERSONAL_OPENID.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub appid: Option<String>,
    /// Sub-merchant id (二级商户号).
    pub sub_mchid: String,
    /// WeChat Pay order id (微信订单号).
    pub transaction_id: String,
    /// Merchant profit-sharing number (商户分账单号).
    ///
    /// Note: `[A-Za-z0-9_-|*@]`; distinct per split/finish call.
    pub out_order_no: String,
    /// Profit-sharing receivers (分账接收方列表).
    ///
    /// Note: up to 50 receivers per request (older docs: 5).
    pub receivers: Vec<CreateOrderReceiver>,
    /// Finish profit sharing (release remaining funds) (是否分账完成).
    ///
    /// Note: true: only platform receivers allowed and remaining frozen funds are released to the sub-merchant.
    pub finish: bool,
    /// Notification callback URL (分账结果回调url).
    ///
    /// Uncertain: only listed by wechatpay-java.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub notify_url: Option<String>,
}

/// One receiver of a profit-sharing request (分账接收方).
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreateOrderReceiver {
    /// Receiver type (分账接收方类型).
    pub r#type: ReceiverType,
    /// Receiver account (merchant id or openid) (分账接收方账号).
    ///
    /// Note: merchant id or openid.
    pub receiver_account: String,
    /// Receiver merchant id (分账接收商户号).
    ///
    /// Uncertain, only listed by wechatpay-java: legacy alias; not needed when receiver_account is set.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub receiver_mchid: Option<String>,
    /// Amount to this receiver (fen) (分账金额).
    ///
    /// Note: fen; sum may not exceed unsplit amount and max ratio (default 30%).
    pub amount: i64,
    /// Reason for this split (分账描述).
    pub description: String,
    /// Personal receiver real name (encrypted) (分账个人姓名).
    ///
    /// Sensitive: RSA-OAEP encrypted on the wire (base64 ciphertext).
    /// Note: PERSONAL_OPENID only: real name, encrypted; checked against the WeChat real name if given.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub receiver_name: Option<String>,
}

/// A profit-sharing order (分账单): the response of `profitsharing.create_order` and
/// `profitsharing.query_order`.
///
/// `finish_amount`, `finish_description` and `close_reason` come with queries only; the
/// create response may carry `receivers[].create_time`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProfitSharingOrder {
    /// Sub-merchant id (二级商户号).
    pub sub_mchid: String,
    /// WeChat Pay order id (微信订单号).
    pub transaction_id: String,
    /// Merchant profit-sharing number (商户分账单号).
    pub out_order_no: String,
    /// WeChat profit-sharing order id (微信分账单号).
    pub order_id: String,
    /// Profit-sharing order status (分账单状态).
    ///
    /// Uncertain: openapi: PROCESSING/FINISHED. The official Java SDK model binds a different enum (PENDING/SUCCESS/ADJUST/RETURNED/CLOSED) and WxJava lists ACCEPTED/PROCESSING/FINISHED/CLOSED (generic profit sharing); a third-party sample response used the key "state".
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub status: Option<ProfitSharingStatus>,
    /// Profit-sharing receivers (分账接收方列表).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub receivers: Option<Vec<OrderReceiver>>,
    /// Amount released by finish-order (fen) (分账完结金额).
    ///
    /// Condition: only when querying the finish-order (完结分账) result.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub finish_amount: Option<i64>,
    /// Finish-order description (分账完结描述).
    ///
    /// Condition: only for finish-order results.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub finish_description: Option<String>,
    /// Close reason (关单原因).
    ///
    /// Condition: when status indicates closed.
    /// Uncertain: the sources disagree.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub close_reason: Option<ProfitSharingCloseReason>,
}

/// One receiver of a [`ProfitSharingOrder`] and its result (分账接收方).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderReceiver {
    /// Receiver merchant id (分账接收商户号).
    ///
    /// Note: deprecated alias of receiver_account.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub receiver_mchid: Option<String>,
    /// Amount to this receiver (fen) (分账金额).
    pub amount: i64,
    /// Reason for this split (分账描述).
    pub description: String,
    /// Per-receiver result (分账结果).
    ///
    /// Note: per-receiver result; WxJava also lists ADJUST/RETURNED (generic profit sharing).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub result: Option<ReceiverResult>,
    /// Completion time (完成时间).
    ///
    /// Condition: when result is SUCCESS or CLOSED.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub finish_time: Option<DateTime>,
    /// Failure reason (分账失败原因).
    ///
    /// Condition: when result=CLOSED.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub fail_reason: Option<ProfitSharingFailReason>,
    /// Receiver type (分账接收方类型).
    pub r#type: ReceiverType,
    /// Receiver account (merchant id or openid) (分账接收方账号).
    pub receiver_account: String,
    /// Profit-sharing detail id (分账明细单号).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub detail_id: Option<String>,
    /// Split creation time (分账创建时间).
    ///
    /// Uncertain, only listed by WxJava: seen in WxJava and a third-party real response sample.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub create_time: Option<DateTime>,
}

/// The query string of `profitsharing.query_order`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProfitSharingOrderParams {
    /// Sub-merchant id (二级商户号).
    pub sub_mchid: String,
    /// WeChat Pay order id (微信订单号).
    pub transaction_id: String,
    /// Merchant profit-sharing number (商户分账单号).
    pub out_order_no: String,
}

/// The `profitsharing.create_return` request body (请求分账回退); name the split with
/// `order_id` or `out_order_no`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreateReturnOrderRequest {
    /// Sub-merchant id (二级商户号).
    pub sub_mchid: String,
    /// WeChat profit-sharing order id (微信分账单号).
    ///
    /// Condition: order_id or out_order_no (one of).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub order_id: Option<String>,
    /// Merchant profit-sharing number (商户分账单号).
    ///
    /// Condition: order_id or out_order_no (one of).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub out_order_no: Option<String>,
    /// Merchant return number (商户回退单号).
    pub out_return_no: String,
    /// Merchant the funds are returned from (回退商户号).
    ///
    /// Note: only merchant receivers can be reversed.
    pub return_mchid: String,
    /// Amount to return (fen) (回退金额).
    pub amount: i64,
    /// Return reason (回退描述).
    pub description: String,
}

/// A profit-sharing return (分账回退单): the response of `profitsharing.create_return` and
/// `profitsharing.query_return`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReturnOrder {
    /// Sub-merchant id (二级商户号).
    pub sub_mchid: String,
    /// WeChat profit-sharing order id (微信分账单号).
    pub order_id: String,
    /// Merchant profit-sharing number (商户分账单号).
    pub out_order_no: String,
    /// Merchant return number (商户回退单号).
    pub out_return_no: String,
    /// WeChat return id (微信回退单号).
    pub return_no: String,
    /// Merchant the funds are returned from (回退商户号).
    pub return_mchid: String,
    /// Returned amount (fen) (回退金额).
    pub amount: i64,
    /// Result (回退结果).
    ///
    /// Uncertain: openapi repo and WxJava spell the failure FAIL; official Java SDK model and current docs use FAILED.
    pub result: ReturnResult,
    /// Failure reason (失败原因).
    ///
    /// Condition: when result=FAILED.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub fail_reason: Option<ReturnFailReason>,
    /// Completion time (完成时间).
    ///
    /// Condition: when result is SUCCESS or FAILED.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub finish_time: Option<DateTime>,
}

/// The query string of `profitsharing.query_return`; give `order_id` or `out_order_no`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReturnOrderParams {
    /// Sub-merchant id (二级商户号).
    pub sub_mchid: String,
    /// WeChat profit-sharing order id; this or `out_order_no` (微信分账单号).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub order_id: Option<String>,
    /// Merchant profit-sharing number; this or `order_id` (商户分账单号).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub out_order_no: Option<String>,
    /// Merchant return number (商户回退单号).
    pub out_return_no: String,
}

/// The `profitsharing.finish_order` request body (完结分账): unfreeze what is left.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FinishOrderRequest {
    /// Sub-merchant id (二级商户号).
    pub sub_mchid: String,
    /// WeChat Pay order id (微信订单号).
    pub transaction_id: String,
    /// Merchant profit-sharing number (商户分账单号).
    pub out_order_no: String,
    /// Description (分账描述).
    pub description: String,
    /// Notification callback URL (分账结果回调url).
    ///
    /// Uncertain: only listed by wechatpay-java.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub notify_url: Option<String>,
}

/// The `profitsharing.finish_order` response body.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FinishOrderResponse {
    /// Sub-merchant id (电商平台二级商户号).
    pub sub_mchid: String,
    /// WeChat Pay order id (微信订单号).
    pub transaction_id: String,
    /// Merchant profit-sharing number (商户分账单号).
    pub out_order_no: String,
    /// WeChat profit-sharing order id (微信分账单号).
    pub order_id: String,
}

/// The `profitsharing.query_amounts` response body (订单剩余待分金额).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnsplitAmount {
    /// WeChat Pay order id (微信支付订单号).
    pub transaction_id: String,
    /// Remaining amount available for profit sharing (fen) (订单剩余待分金额).
    pub unsplit_amount: i64,
}

/// The `profitsharing.add_receiver` request body (添加分账接收方).
///
/// Receivers belong to the platform and serve every sub-merchant; the platform itself is one
/// by default.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AddReceiverRequest {
    /// Appid (official account / mini program / app) (公众账号ID).
    pub appid: String,
    /// Receiver type (接收方类型).
    pub r#type: ReceiverType,
    /// Account identifier (接收方账号).
    pub account: String,
    /// Receiver name (merchant full name) (接收方名称).
    ///
    /// Condition: MERCHANT_ID: merchant full name (required).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub name: Option<String>,
    /// Relationship of receiver to the sub-merchant (与分账方的关系类型).
    pub relation_type: RelationType,
    /// Receiver real name (encrypted) (接收方名称的密文).
    ///
    /// Sensitive: RSA-OAEP encrypted on the wire (base64 ciphertext).
    /// Note: PERSONAL_OPENID: encrypted real name (optional, verified if sent).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub encrypted_name: Option<String>,
}

/// The `profitsharing.delete_receiver` request body (删除分账接收方).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeleteReceiverRequest {
    /// Appid (official account / mini program / app) (公众账号ID).
    pub appid: String,
    /// Receiver type (接收方类型).
    pub r#type: ReceiverType,
    /// Account identifier (接收方账号).
    pub account: String,
}

/// The receiver that was added or deleted: the response of `profitsharing.add_receiver` and
/// `profitsharing.delete_receiver`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReceiverResponse {
    /// Receiver type (接收方类型).
    pub r#type: ReceiverType,
    /// Account identifier (接收方账号).
    pub account: String,
}

/// The `profitsharing.create_after_sales` request body (请求售后服务分账); outside the core
/// scope, needs its own permission.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreateAfterSalesOrderRequest {
    /// Sub-merchant id (子商户号).
    pub sub_mchid: String,
    /// WeChat Pay order id (微信订单号).
    pub transaction_id: String,
    /// Amount (fen) (分账金额).
    pub amount: i64,
    /// After-sales profit-sharing type (类型).
    pub r#type: AfterSalesType,
    /// After-sales scene (场景).
    pub scene: AfterSalesScene,
    /// WeChat refund id (微信退款单号).
    pub refund_id: String,
}

/// The `profitsharing.create_after_sales` response body.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreateAfterSalesOrderResponse {
    /// Sub-merchant id (子商户号).
    pub sub_mchid: String,
    /// WeChat Pay order id (微信订单号).
    pub transaction_id: String,
    /// Amount (fen) (分账金额).
    pub amount: i64,
}

/// The query string of `profitsharing.query_after_sales`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AfterSalesOrderParams {
    /// Sub-merchant id (二级商户号).
    pub sub_mchid: String,
    /// WeChat Pay order id (微信订单号).
    pub transaction_id: String,
}

/// An after-sales service-fee split: the `profitsharing.query_after_sales` response.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AfterSalesOrder {
    /// Sub-merchant id (子商户号).
    pub sub_mchid: String,
    /// WeChat Pay order id (微信订单号).
    pub transaction_id: String,
    /// Amount (fen) (分账金额).
    pub amount: i64,
    /// Result (分账结果).
    pub result: ReturnResult,
    /// Completion time (分账完成时间).
    pub finish_time: DateTime,
    /// Failure reason (分账失败原因).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub fail_reason: Option<ProfitSharingFailReason>,
}

redacted_debug!(CreateOrderRequest, CreateOrderRequest::SENSITIVE_FIELDS);
redacted_debug!(CreateOrderReceiver, CreateOrderRequest::SENSITIVE_FIELDS, "/receivers/*");
redacted_debug!(AddReceiverRequest, AddReceiverRequest::SENSITIVE_FIELDS);

impl SensitiveFields for CreateOrderRequest {
    const SENSITIVE_FIELDS: &'static [&'static str] = &["/receivers/*/receiver_name"];
}

impl SensitiveFields for CreateReturnOrderRequest {
    const SENSITIVE_FIELDS: &'static [&'static str] = &[];
}

impl SensitiveFields for FinishOrderRequest {
    const SENSITIVE_FIELDS: &'static [&'static str] = &[];
}

impl SensitiveFields for AddReceiverRequest {
    const SENSITIVE_FIELDS: &'static [&'static str] = &["/encrypted_name"];
}

impl SensitiveFields for DeleteReceiverRequest {
    const SENSITIVE_FIELDS: &'static [&'static str] = &[];
}

impl SensitiveFields for CreateAfterSalesOrderRequest {
    const SENSITIVE_FIELDS: &'static [&'static str] = &[];
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sensitive::check::redaction;

    // Proves Debug of the split request and its receivers hides every receiver_name, and of
    // the add-receiver request its encrypted_name, keeping the other members.
    #[test]
    fn debug_redacts_receiver_names() {
        let receiver = |name: &str| CreateOrderReceiver {
            r#type: ReceiverType::PersonalOpenid,
            receiver_account: "o-openid-1".into(),
            receiver_mchid: None,
            amount: 100,
            description: "分给个人".into(),
            receiver_name: Some(name.into()),
        };
        let request = CreateOrderRequest {
            appid: Some("wx8888888888888888".into()),
            sub_mchid: "1900000109".into(),
            transaction_id: "4208450740201411110007820472".into(),
            out_order_no: "P20150806125346".into(),
            receivers: vec![receiver("secret-receiver-one"), receiver("secret-receiver-two")],
            finish: false,
            notify_url: None,
        };
        redaction(&request, CreateOrderRequest::SENSITIVE_FIELDS)
            .nested::<CreateOrderReceiver>("/receivers/*")
            .finish();
        let shown = format!("{request:?}");
        assert!(!shown.contains("secret-receiver-two") && shown.contains("o-openid-1"), "{shown}");

        let add = AddReceiverRequest {
            appid: "wx8888888888888888".into(),
            r#type: ReceiverType::PersonalOpenid,
            account: "o-openid-2".into(),
            name: None,
            relation_type: RelationType::Supplier,
            encrypted_name: Some("secret-receiver-name".into()),
        };
        redaction(&add, AddReceiverRequest::SENSITIVE_FIELDS).finish();
        assert!(format!("{add:?}").contains("o-openid-2"));
    }
}
