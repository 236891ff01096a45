//! The operations of the simulation and how each one runs: through the same domain functions
//! the HTTP handlers and the admin API call, inside one store transaction each (the clock
//! advance excepted), never through a second copy of a business rule.

use std::fmt;
use std::sync::Arc;

use wechatpay_models::account::AccountType;
use wechatpay_models::amount::Currency;
use wechatpay_models::applyment::{BankAccountType, ContactType, OrganizationType};
use wechatpay_models::payments::{
    PartnerPrepayAmount, PartnerPrepayRequest, PrepayChannel, SettleInfo,
};
use wechatpay_models::profitsharing::{
    AddReceiverRequest, CreateOrderReceiver, CreateOrderRequest, CreateReturnOrderRequest,
    FinishOrderRequest, ReceiverType, RelationType,
};
use wechatpay_models::refund::{
    FundsAccount, RefundAccount, RefundApplyAmount, RefundApplyRequest,
};
use wechatpay_models::subsidy::{CancelSubsidyRequest, CreateSubsidyRequest, ReturnSubsidyRequest};
use wechatpay_models::DateTime;

use crate::areas::applyment::{self, Applyments};
use crate::areas::onboarding::machine::{AccountFacts, Event as AppEvent, Facts, Stage};
use crate::areas::payments::machine::{self, Event as PayEvent};
use crate::areas::payments::ops::{self as pay_ops, Prepay};
use crate::areas::payments::{handlers, settle, Payments};
use crate::areas::profitsharing::{self, funds};
use crate::areas::refunds::{self, Event as RefundEvent, Refunds};
use crate::areas::subsidies;
use crate::areas::withdraw::{self, Event as WithdrawEvent, NewWithdrawal, Owner};
use crate::error::ApiError;
use crate::identity::SP_APPID;
use crate::ledger::{Account, EntryKind, Purpose, Transfer};
use crate::policy::TimingProfile;
use crate::store::Txn;

/// Where notifications of simulated requests go (recorded, never delivered).
const NOTIFY_URL: &str = "https://sim.example.com/notify";

/// Receivers the simulation adds (`MERCHANT_ID`) or pays out to (`PERSONAL_OPENID`); index 0
/// is the platform itself, which needs no adding.
pub const RECEIVERS: usize = 6;

/// A step in an application's onboarding that the admin API can make.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ApplymentStep {
    /// `pass-check`.
    PassCheck,
    /// `approve`.
    Approve,
    /// `sign`: the application finishes and its sub-merchant joins the platform.
    Sign,
}

/// What the admin API can do to a refund.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RefundMove {
    /// PROCESSING → SUCCESS.
    Succeed,
    /// PROCESSING → ABNORMAL.
    Abnormal,
    /// PROCESSING → CLOSED (the money comes back).
    Close,
}

/// What the admin API can do to a withdrawal.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WithdrawMove {
    /// CREATE_SUCCESS → FAIL (the money comes back).
    Fail,
    /// SUCCESS → REFUND (a bank bounce: the money comes back).
    Bounce,
    /// INIT → CLOSE.
    Close,
}

/// Where a deposit of the admin API goes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DepositTo {
    /// The platform's OPERATION account (what subsidies are paid from).
    PlatformOperation,
    /// The platform's BASIC available balance (what advance refunds are paid from).
    PlatformAvailable,
    /// A sub-merchant's BASIC available balance.
    Sub(String),
}

/// One operation. Orders, refunds, splits … are named by the numbers the simulation gave
/// them (`out_trade_no` `SIM{order}` and so on), never by ids the mock assigned, so a step
/// still means the same thing when the steps before it are removed (minimisation).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Op {
    /// Submit application `SIMAPP{no}` (an enterprise, legal person as contact).
    Applyment {
        /// Its number.
        no: u32,
    },
    /// Move application `SIMAPP{no}` through the admin API.
    ApplymentStep {
        /// Its number.
        no: u32,
        /// The move.
        step: ApplymentStep,
    },
    /// A partner-mode Native prepay of `sub` for `amount_fen`.
    Prepay {
        /// The sub-merchant.
        sub: String,
        /// `out_trade_no` is `SIM{order}`.
        order: u32,
        /// `amount.total`.
        amount_fen: i64,
        /// `settle_info.profit_sharing`: the money lands frozen.
        profit_sharing: bool,
        /// `settle_info.subsidy_amount`.
        subsidy_fen: Option<i64>,
        /// `time_expire`, seconds from now.
        expire_secs: Option<i64>,
    },
    /// The payer pays (admin `pay`).
    Pay {
        /// The sub-merchant.
        sub: String,
        /// The order.
        order: u32,
    },
    /// The payment attempt fails (admin `fail`).
    FailPayment {
        /// The sub-merchant.
        sub: String,
        /// The order.
        order: u32,
    },
    /// The merchant closes the order (partner close).
    Close {
        /// The sub-merchant.
        sub: String,
        /// The order.
        order: u32,
    },
    /// The merchant queries the order (magic amounts and expiry move on a query).
    Query {
        /// The sub-merchant.
        sub: String,
        /// The order.
        order: u32,
    },
    /// Refund `R{no}` of an order, by `out_trade_no`.
    Refund {
        /// The sub-merchant.
        sub: String,
        /// The order.
        order: u32,
        /// `out_refund_no` is `R{no}`.
        no: u32,
        /// `amount.refund`.
        amount_fen: i64,
        /// `amount.total`.
        total_fen: i64,
        /// `refund_account = REFUND_SOURCE_PARTNER_ADVANCE`.
        advance: bool,
        /// `funds_account = AVAILABLE`.
        available_only: bool,
    },
    /// The admin API moves refund `R{no}`.
    RefundMove {
        /// The sub-merchant.
        sub: String,
        /// The refund.
        no: u32,
        /// The move.
        to: RefundMove,
    },
    /// The merchant queries refund `R{no}`.
    RefundQuery {
        /// The sub-merchant.
        sub: String,
        /// The refund.
        no: u32,
    },
    /// The sub-merchant repays advanced refund `R{no}`.
    ReturnAdvance {
        /// The sub-merchant.
        sub: String,
        /// The refund.
        no: u32,
    },
    /// Add receiver `index` (1.. of [`RECEIVERS`]).
    AddReceiver {
        /// The receiver.
        receiver: usize,
    },
    /// Split `S{no}` of an order to receivers `(index, fen)`.
    Split {
        /// The sub-merchant.
        sub: String,
        /// The order.
        order: u32,
        /// `out_order_no` is `S{no}`.
        no: u32,
        /// `(receiver index, amount)`.
        receivers: Vec<(usize, i64)>,
        /// Unfreeze the rest too.
        finish: bool,
    },
    /// Return `B{no}` of split `S{split}` from a merchant receiver.
    SplitReturn {
        /// The sub-merchant.
        sub: String,
        /// The split.
        split: u32,
        /// `out_return_no` is `B{no}`.
        no: u32,
        /// The receiver giving back.
        receiver: usize,
        /// How much.
        amount_fen: i64,
    },
    /// Finish profit sharing `F{no}` of an order: unfreeze the rest.
    Finish {
        /// The sub-merchant.
        sub: String,
        /// The order.
        order: u32,
        /// `out_order_no` is `F{no}`.
        no: u32,
    },
    /// Subsidise an order from the platform's OPERATION account.
    Subsidy {
        /// The sub-merchant.
        sub: String,
        /// The order.
        order: u32,
        /// How much.
        amount_fen: i64,
    },
    /// Take back `SR{no}` of an order's subsidy.
    SubsidyReturn {
        /// The sub-merchant.
        sub: String,
        /// The order.
        order: u32,
        /// `out_order_no` is `SR{no}`.
        no: u32,
        /// How much.
        amount_fen: i64,
    },
    /// Declare an order will not be subsidised.
    SubsidyCancel {
        /// The sub-merchant.
        sub: String,
        /// The order.
        order: u32,
    },
    /// The admin API credits an account.
    Deposit {
        /// Which.
        to: DepositTo,
        /// How much.
        amount_fen: u64,
    },
    /// Withdrawal `W{no}` of a sub-merchant (`Some`) or the platform (`None`).
    Withdraw {
        /// The sub-merchant, or the platform.
        sub: Option<String>,
        /// `out_request_no` is `W{no}`.
        no: u32,
        /// How much.
        amount_fen: i64,
        /// From the OPERATION account (platform only) instead of BASIC.
        operation: bool,
    },
    /// The admin API moves withdrawal `W{no}`.
    WithdrawMove {
        /// The sub-merchant, or the platform.
        sub: Option<String>,
        /// The withdrawal.
        no: u32,
        /// The move.
        to: WithdrawMove,
    },
    /// Withdrawals are looked at: due arrivals land.
    WithdrawCatchUp,
    /// Admin sweep: orders whose freeze period passed unfreeze.
    Sweep,
    /// The virtual clock moves forward.
    Advance {
        /// Seconds.
        secs: i64,
    },
}

impl Op {
    /// The API request this operation stands for (`None` for admin and clock operations):
    /// what the fault rules match on.
    pub fn api(&self) -> Option<(&'static str, &'static str)> {
        Some(match self {
            Self::Applyment { .. } => ("POST", "/v3/ecommerce/applyments/"),
            Self::Prepay { .. } => ("POST", "/v3/pay/partner/transactions/native"),
            Self::Close { .. } => ("POST", "/v3/pay/partner/transactions/out-trade-no/SIM/close"),
            Self::Query { .. } => ("GET", "/v3/pay/partner/transactions/out-trade-no/SIM"),
            Self::Refund { .. } => ("POST", "/v3/ecommerce/refunds/apply"),
            Self::RefundQuery { .. } => ("GET", "/v3/ecommerce/refunds/out-refund-no/R"),
            Self::ReturnAdvance { .. } => ("POST", "/v3/ecommerce/refunds/R/return-advance"),
            Self::AddReceiver { .. } => ("POST", "/v3/ecommerce/profitsharing/receivers/add"),
            Self::Split { .. } => ("POST", "/v3/ecommerce/profitsharing/orders"),
            Self::SplitReturn { .. } => ("POST", "/v3/ecommerce/profitsharing/returnorders"),
            Self::Finish { .. } => ("POST", "/v3/ecommerce/profitsharing/finish-order"),
            Self::Subsidy { .. } => ("POST", "/v3/ecommerce/subsidies/create"),
            Self::SubsidyReturn { .. } => ("POST", "/v3/ecommerce/subsidies/return"),
            Self::SubsidyCancel { .. } => ("POST", "/v3/ecommerce/subsidies/cancel"),
            Self::Withdraw { .. } => ("POST", "/v3/ecommerce/fund/withdraw"),
            Self::WithdrawCatchUp => ("GET", "/v3/ecommerce/fund/withdraw/out-request-no/W"),
            Self::ApplymentStep { .. }
            | Self::Pay { .. }
            | Self::FailPayment { .. }
            | Self::RefundMove { .. }
            | Self::Deposit { .. }
            | Self::WithdrawMove { .. }
            | Self::Sweep
            | Self::Advance { .. } => return None,
        })
    }

    /// Whether sending it again is a replay that must change nothing: every operation except
    /// the admin deposit (no key), the clock, and queries (a query counts as a poll, and a
    /// magic amount moves one step per poll, as documented).
    pub fn replayable(&self) -> bool {
        !matches!(
            self,
            Self::Deposit { .. }
                | Self::Advance { .. }
                | Self::Query { .. }
                | Self::RefundQuery { .. }
        )
    }

    /// A short name, for the statistics.
    pub fn name(&self) -> &'static str {
        match self {
            Self::Applyment { .. } => "applyment",
            Self::ApplymentStep { .. } => "applyment_step",
            Self::Prepay { .. } => "prepay",
            Self::Pay { .. } => "pay",
            Self::FailPayment { .. } => "fail_payment",
            Self::Close { .. } => "close",
            Self::Query { .. } => "query",
            Self::Refund { .. } => "refund",
            Self::RefundMove { .. } => "refund_move",
            Self::RefundQuery { .. } => "refund_query",
            Self::ReturnAdvance { .. } => "return_advance",
            Self::AddReceiver { .. } => "add_receiver",
            Self::Split { .. } => "split",
            Self::SplitReturn { .. } => "split_return",
            Self::Finish { .. } => "finish",
            Self::Subsidy { .. } => "subsidy",
            Self::SubsidyReturn { .. } => "subsidy_return",
            Self::SubsidyCancel { .. } => "subsidy_cancel",
            Self::Deposit { .. } => "deposit",
            Self::Withdraw { .. } => "withdraw",
            Self::WithdrawMove { .. } => "withdraw_move",
            Self::WithdrawCatchUp => "withdraw_catch_up",
            Self::Sweep => "sweep",
            Self::Advance { .. } => "advance",
        }
    }
}

/// How a step is sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// Once.
    Plain,
    /// A fault rule answered an error without running it (as the HTTP layer does); the
    /// client then sent it again, which ran.
    InjectedError,
    /// The domain function ran, then the transaction failed (a crash before commit): nothing
    /// may change. The client then sent it again, which ran.
    Abort,
    /// A fault rule withheld the answer after the commit; the client sent the same request
    /// again, which must change nothing and answer the same.
    TimeoutRetry,
    /// Sent twice in a row (a client retry): the second changes nothing.
    Replay,
    /// Sent twice at once from two threads (the same key racing): one runs, the other
    /// answers the same or is refused; together they change what one would.
    Concurrent,
}

/// One step of a simulation: an operation and how it is sent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Step {
    /// The operation.
    pub op: Op,
    /// How it is sent.
    pub mode: Mode,
}

impl fmt::Display for Step {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?} [{:?}]", self.op, self.mode)
    }
}

/// What one run of an operation came to: what the client saw, and what the generator learns.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outcome {
    /// The answer as a stable summary (the id created or found), or the error code.
    pub answer: Result<String, String>,
    /// A sub-merchant that finished onboarding in this operation.
    pub new_sub: Option<String>,
}

/// What [`run_in`] did inside the transaction.
#[derive(Debug)]
pub(crate) struct Done {
    pub(crate) answer: String,
    pub(crate) new_sub: Option<String>,
    /// Committed, then answered as this error (withdrawal INIT, magic 1.05 prepay).
    pub(crate) deferred_error: Option<String>,
}

impl Done {
    fn answer(answer: impl Into<String>) -> Self {
        Self { answer: answer.into(), new_sub: None, deferred_error: None }
    }
}

fn out_trade_no(order: u32) -> String {
    format!("SIM{order}")
}

fn order_not_exist() -> ApiError {
    ApiError::not_found("ORDER_NOT_EXIST", "订单不存在")
}

/// The receiver `index` as a split names it: 0 is the platform.
pub(crate) fn receiver(platform: &str, index: usize) -> (ReceiverType, String) {
    match index {
        0 => (ReceiverType::MerchantId, platform.to_owned()),
        1..=3 => (ReceiverType::MerchantId, format!("19000003{index:02}")),
        _ => (ReceiverType::PersonalOpenid, format!("oSimReceiver{index}")),
    }
}

/// The transaction id of a paid order, or a number no order has (the area then answers
/// `404`, as it would to a client that sent one).
fn transaction_id(tx: &mut Txn<'_>, sub: &str, order: u32) -> String {
    tx.area::<Payments>()
        .trade_by_out_trade_no(sub, &out_trade_no(order))
        .and_then(|(_, t)| t.transaction_id.clone())
        .unwrap_or_else(|| "4200000000000000000000000000".to_owned())
}

fn payment_id(tx: &mut Txn<'_>, sub: &str, order: u32) -> Result<u64, ApiError> {
    let p = tx.area::<Payments>();
    p.trade_ref(sub, &out_trade_no(order)).map(|r| r.payment).ok_or_else(order_not_exist)
}

fn refund_id(tx: &mut Txn<'_>, sub: &str, no: u32) -> Result<String, ApiError> {
    let key = (sub.to_owned(), format!("R{no}"));
    tx.area::<Refunds>()
        .by_out_no
        .get(&key)
        .cloned()
        .ok_or_else(|| ApiError::not_found("RESOURCE_NOT_EXISTS", "退款单不存在"))
}

fn owner(tx: &mut Txn<'_>, sub: Option<&String>) -> (Owner, String) {
    match sub {
        Some(s) => (Owner::Sub(Arc::from(s.as_str())), s.clone()),
        None => (Owner::Platform, tx.tenant().mchid().to_owned()),
    }
}

fn facts(no: u32) -> Facts {
    Facts {
        fingerprint: format!("simulated application {no}"),
        organization_type: OrganizationType::Enterprise,
        contact_type: ContactType::Legal,
        subject_name: format!("模拟商户{no}有限公司"),
        legal_person: "张三".into(),
        admin_name: "张三".into(),
        admin_id_number: format!("1101051949{:08}", no % 100_000_000),
        licence_number: Some(format!("91440300{:010}", no)),
        account: AccountFacts {
            bank_account_type: BankAccountType::Corporate,
            account_bank: "招商银行".into(),
            bank_name: None,
            bank_branch_id: None,
            account_name: format!("模拟商户{no}有限公司"),
            account_number: format!("7559{:011}", no),
        },
    }
}

/// Runs `op` inside the transaction `tx` through the area's domain functions.
pub(crate) fn run_in(tx: &mut Txn<'_>, op: &Op, profile: TimingProfile) -> Result<Done, ApiError> {
    let platform = tx.tenant().mchid().to_owned();
    match op {
        Op::Applyment { no } => {
            let id =
                applyment::submit_checked(tx, &format!("SIMAPP{no}"), facts(*no), &[], profile)?;
            Ok(Done::answer(id.to_string()))
        }
        Op::ApplymentStep { no, step } => {
            let id = tx
                .area::<Applyments>()
                .id_of(&format!("SIMAPP{no}"))
                .ok_or_else(|| ApiError::not_found("RESOURCE_NOT_EXISTS", "申请单不存在"))?;
            let event = match step {
                ApplymentStep::PassCheck => AppEvent::CheckPassed,
                ApplymentStep::Approve => AppEvent::Approved,
                ApplymentStep::Sign => AppEvent::Signed,
            };
            let record = applyment::drive(tx, id, profile, false, Some(event))?;
            let new_sub = (record.stage() == Stage::Finish)
                .then(|| record.sub_mchid().map(str::to_owned))
                .flatten();
            Ok(Done { answer: format!("{:?}", record.stage()), new_sub, deferred_error: None })
        }
        Op::Prepay { sub, order, amount_fen, profit_sharing, subsidy_fen, expire_secs } => {
            let now = tx.now_unix();
            let time_expire = match expire_secs {
                Some(s) => Some(
                    DateTime::from_unix(now.saturating_add(*s))
                        .map_err(|e| ApiError::system_error(e.to_string()))?,
                ),
                None => None,
            };
            let req = PartnerPrepayRequest {
                sp_appid: SP_APPID.to_owned(),
                sp_mchid: platform,
                sub_appid: None,
                sub_mchid: sub.clone(),
                description: "模拟商品".to_owned(),
                out_trade_no: out_trade_no(*order),
                time_expire,
                attach: None,
                notify_url: NOTIFY_URL.to_owned(),
                goods_tag: None,
                limit_pay: None,
                support_fapiao: None,
                amount: PartnerPrepayAmount { total: *amount_fen, currency: None },
                payer: None,
                detail: None,
                scene_info: None,
                settle_info: Some(SettleInfo {
                    profit_sharing: Some(*profit_sharing),
                    subsidy_amount: *subsidy_fen,
                }),
            };
            let draft = handlers::partner_draft(req, PrepayChannel::Native, tx.tenant(), now)?;
            match pay_ops::prepay(tx, draft, profile)? {
                Prepay::Ready(prepay_id) => Ok(Done::answer(prepay_id)),
                Prepay::FailOnce(e) => Ok(Done {
                    answer: String::new(),
                    new_sub: None,
                    deferred_error: Some(e.code().to_owned()),
                }),
            }
        }
        Op::Pay { sub, order } | Op::FailPayment { sub, order } => {
            let id = payment_id(tx, sub, *order)?;
            let event = {
                let payment = tx.area::<Payments>().get(id).ok_or_else(order_not_exist)?;
                match op {
                    Op::Pay { .. } => PayEvent::Pay {
                        bank_type: "OTHERS".into(),
                        openid: machine::payer_openid(payment, None),
                    },
                    _ => PayEvent::Fail { desc: "支付失败,请重新下单支付".into() },
                }
            };
            pay_ops::act(tx, id, event, profile)?;
            Ok(Done::answer(transaction_id(tx, sub, *order)))
        }
        Op::Close { sub, order } => {
            let id = payment_id(tx, sub, *order)?;
            handlers::close(tx, id, profile)?;
            Ok(Done::answer(out_trade_no(*order)))
        }
        Op::Query { sub, order } => {
            let id = payment_id(tx, sub, *order)?;
            settle::on_query(tx, id, profile)?;
            let state = tx.area::<Payments>().get(id).map(|p| p.status.trade_state());
            Ok(Done::answer(state.map(|s| s.as_str().to_owned()).unwrap_or_default()))
        }
        Op::Refund { sub, order, no, amount_fen, total_fen, advance, available_only } => {
            let req = RefundApplyRequest {
                sub_mchid: sub.clone(),
                sp_appid: SP_APPID.to_owned(),
                sub_appid: None,
                transaction_id: None,
                out_trade_no: Some(out_trade_no(*order)),
                out_refund_no: format!("R{no}"),
                reason: None,
                amount: RefundApplyAmount {
                    refund: *amount_fen,
                    from: None,
                    total: *total_fen,
                    currency: Currency::Cny,
                },
                notify_url: None,
                refund_account: advance.then_some(RefundAccount::PartnerAdvance),
                funds_account: available_only.then_some(FundsAccount::Available),
            };
            let answer = refunds::apply(tx, &req, profile)?;
            Ok(Done::answer(answer.refund_id))
        }
        Op::RefundMove { sub, no, to } => {
            let id = refund_id(tx, sub, *no)?;
            let event = match to {
                RefundMove::Succeed => RefundEvent::Succeed,
                RefundMove::Abnormal => RefundEvent::Abnormal,
                RefundMove::Close => RefundEvent::Close,
            };
            let r = refunds::transition(tx, &id, event)?;
            Ok(Done::answer(format!("{} {}", r.refund_id, r.status.as_str())))
        }
        Op::RefundQuery { sub, no } => {
            let id = refund_id(tx, sub, *no)?;
            let r = refunds::query(tx, sub, &id, profile)?;
            Ok(Done::answer(r.refund_id))
        }
        Op::ReturnAdvance { sub, no } => {
            let id = refund_id(tx, sub, *no)?;
            let r = refunds::return_advance(tx, sub, &id, profile)?;
            Ok(Done::answer(r.advance_return_id))
        }
        Op::AddReceiver { receiver: index } => {
            let (r#type, account) = receiver(&platform, *index);
            let req = AddReceiverRequest {
                appid: SP_APPID.to_owned(),
                name: (r#type == ReceiverType::MerchantId).then(|| "模拟接收方".to_owned()),
                r#type,
                account,
                relation_type: RelationType::Supplier,
                encrypted_name: None,
            };
            let r = profitsharing::add_receiver(tx, &req)?;
            Ok(Done::answer(r.account))
        }
        Op::Split { sub, order, no, receivers, finish } => {
            let req = CreateOrderRequest {
                appid: Some(SP_APPID.to_owned()),
                sub_mchid: sub.clone(),
                transaction_id: transaction_id(tx, sub, *order),
                out_order_no: format!("S{no}"),
                receivers: receivers
                    .iter()
                    .map(|(index, amount)| {
                        let (r#type, account) = receiver(&platform, *index);
                        CreateOrderReceiver {
                            r#type,
                            receiver_account: account,
                            receiver_mchid: None,
                            amount: *amount,
                            description: "模拟分账".to_owned(),
                            receiver_name: None,
                        }
                    })
                    .collect(),
                finish: *finish,
                notify_url: None,
            };
            let o = profitsharing::create_order(tx, &req)?;
            Ok(Done::answer(o.order_id))
        }
        Op::SplitReturn { sub, split, no, receiver: index, amount_fen } => {
            let req = CreateReturnOrderRequest {
                sub_mchid: sub.clone(),
                order_id: None,
                out_order_no: Some(format!("S{split}")),
                out_return_no: format!("B{no}"),
                return_mchid: receiver(&platform, *index).1,
                amount: *amount_fen,
                description: "模拟回退".to_owned(),
            };
            let r = profitsharing::create_return(tx, &req)?;
            Ok(Done::answer(r.return_no))
        }
        Op::Finish { sub, order, no } => {
            let req = FinishOrderRequest {
                sub_mchid: sub.clone(),
                transaction_id: transaction_id(tx, sub, *order),
                out_order_no: format!("F{no}"),
                description: "模拟完结".to_owned(),
                notify_url: None,
            };
            let r = profitsharing::finish(tx, &req)?;
            Ok(Done::answer(r.order_id))
        }
        Op::Subsidy { sub, order, amount_fen } => {
            let req = CreateSubsidyRequest {
                sub_mchid: sub.clone(),
                transaction_id: transaction_id(tx, sub, *order),
                amount: *amount_fen,
                description: "模拟补差".to_owned(),
                out_subsidy_no: Some(format!("SB{order}")),
            };
            let r = subsidies::create(tx, &req)?;
            Ok(Done::answer(r.subsidy_id))
        }
        Op::SubsidyReturn { sub, order, no, amount_fen } => {
            let req = ReturnSubsidyRequest {
                sub_mchid: sub.clone(),
                out_order_no: format!("SR{no}"),
                transaction_id: transaction_id(tx, sub, *order),
                refund_id: None,
                amount: *amount_fen,
                description: "模拟补差回退".to_owned(),
                subsidy_id: None,
                from: None,
            };
            let r = subsidies::return_subsidy(tx, &req)?;
            Ok(Done::answer(r.subsidy_refund_id))
        }
        Op::SubsidyCancel { sub, order } => {
            let req = CancelSubsidyRequest {
                sub_mchid: sub.clone(),
                transaction_id: transaction_id(tx, sub, *order),
                description: "模拟取消补差".to_owned(),
            };
            let r = subsidies::cancel(tx, &req)?;
            Ok(Done::answer(r.transaction_id))
        }
        Op::Deposit { to, amount_fen } => {
            let account = match to {
                DepositTo::PlatformOperation => Account::merchant(&platform, Purpose::Operation),
                DepositTo::PlatformAvailable => Account::merchant(&platform, Purpose::Available),
                DepositTo::Sub(s) => Account::merchant(s, Purpose::Available),
            };
            let id = tx.transfer(
                Transfer::new(
                    EntryKind::AdminDeposit,
                    "admin",
                    Account::External,
                    account,
                    *amount_fen,
                )
                .memo("simulated deposit"),
            )?;
            Ok(Done::answer(id.to_string()))
        }
        Op::Withdraw { sub, no, amount_fen, operation } => {
            let (owner, mchid) = owner(tx, sub.as_ref());
            let out_request_no = format!("W{no}");
            let account_type = if *operation && sub.is_none() {
                AccountType::Operation
            } else {
                AccountType::Basic
            };
            let req = NewWithdrawal {
                owner,
                mchid: &mchid,
                out_request_no: &out_request_no,
                amount_fen: *amount_fen,
                account_type,
                remark: None,
                bank_memo: None,
                notify_url: None,
            };
            let created = withdraw::create_for(tx, &req, profile)?;
            Ok(Done {
                answer: created.withdrawal.withdraw_id,
                new_sub: None,
                deferred_error: created.short.then(|| "NOT_ENOUGH".to_owned()),
            })
        }
        Op::WithdrawMove { sub, no, to } => {
            let (owner, _) = owner(tx, sub.as_ref());
            let w = withdraw::find(tx, &owner, None, Some(&format!("W{no}")), profile)?;
            let event = match to {
                WithdrawMove::Fail => WithdrawEvent::Fail,
                WithdrawMove::Bounce => WithdrawEvent::Bounce,
                WithdrawMove::Close => WithdrawEvent::Close,
            };
            let w = withdraw::apply(tx, &w.withdraw_id, event)?;
            Ok(Done::answer(format!("{} {}", w.withdraw_id, w.status)))
        }
        Op::WithdrawCatchUp => {
            withdraw::catch_up(tx, profile)?;
            Ok(Done::answer(""))
        }
        Op::Sweep => {
            let n = funds::sweep(tx)?;
            Ok(Done::answer(n.to_string()))
        }
        Op::Advance { .. } => Err(ApiError::system_error("the clock moves outside transactions")),
    }
}
