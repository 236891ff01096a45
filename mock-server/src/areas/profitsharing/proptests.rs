//! Random sequences of pay / refund / split / return / finish / subsidy / subsidy return /
//! clock advance against one tenant; after every step the orders' bookkeeping agrees with the
//! ledger ([`funds::check`]), the ledger's invariants hold ([`Ledger::check`]), and the
//! test's own tally of accepted refunds and splits stays within each order's bounds.
//!
//! Orders are placed through the app (a signed prepay) and paid through the admin API, as a
//! client would; the settlement steps call the areas' domain functions directly to stay fast.

use std::collections::BTreeMap;
use std::sync::Arc;

use proptest::prelude::*;
use serde_json::json;
use wechatpay_models::amount::Currency;
use wechatpay_models::profitsharing::{
    AddReceiverRequest, CreateOrderReceiver, CreateOrderRequest, CreateReturnOrderRequest,
    FinishOrderRequest, ReceiverType, RelationType,
};
use wechatpay_models::refund::{RefundAccount, RefundApplyAmount, RefundApplyRequest};
use wechatpay_models::subsidy::{CreateSubsidyRequest, ReturnSubsidyRequest};

use super::funds;
use crate::areas::{refunds, subsidies};
use crate::config::KeyMode;
use crate::ledger::{Account, EntryKind, Ledger, Purpose, Transfer};
use crate::policy::TimingProfile;
use crate::state::MockState;
use crate::test_support::{request, send, signed, state};

const SUB: &str = "1900000109";
const PLATFORM: &str = "1900000100";
const RECEIVER: &str = "1900000300";

#[derive(Clone, Debug)]
enum Step {
    Pay { amount: i64, frozen: bool, subsidy: Option<i64> },
    Refund { order: usize, amount: i64, advance: bool },
    Split { order: usize, amount: i64, to_receiver: bool, finish: bool },
    Return { split: usize, amount: i64 },
    Finish { order: usize },
    Subsidy { order: usize, amount: i64 },
    SubsidyReturn { order: usize, amount: i64 },
    Advance { days: i64 },
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        3 => (1i64..5_000, any::<bool>(), proptest::option::of(1i64..500))
            .prop_map(|(amount, frozen, subsidy)| Step::Pay { amount, frozen, subsidy }),
        3 => (0usize..8, 1i64..3_000, any::<bool>())
            .prop_map(|(order, amount, advance)| Step::Refund { order, amount, advance }),
        3 => (0usize..8, 1i64..1_500, any::<bool>(), proptest::bool::weighted(0.1))
            .prop_map(|(order, amount, to_receiver, finish)| Step::Split { order, amount, to_receiver, finish }),
        2 => (0usize..8, 1i64..800).prop_map(|(split, amount)| Step::Return { split, amount }),
        1 => (0usize..8).prop_map(|order| Step::Finish { order }),
        1 => (0usize..8, 1i64..600).prop_map(|(order, amount)| Step::Subsidy { order, amount }),
        1 => (0usize..8, 1i64..300).prop_map(|(order, amount)| Step::SubsidyReturn { order, amount }),
        1 => (1i64..200).prop_map(|days| Step::Advance { days }),
    ]
}

/// The test's own record of what the mock accepted.
#[derive(Default)]
struct Model {
    /// `(transaction_id, amount)` of paid orders.
    orders: Vec<(String, i64)>,
    /// `(out_order_no, receiver)` of accepted splits.
    splits: Vec<(String, String)>,
    refunded: BTreeMap<String, i64>,
    split: BTreeMap<String, i64>,
    seq: u64,
}

impl Model {
    fn next(&mut self, prefix: &str) -> String {
        self.seq += 1;
        format!("{prefix}{:06}", self.seq)
    }
}

async fn pay(
    state: &MockState,
    model: &mut Model,
    amount: i64,
    frozen: bool,
    subsidy: Option<i64>,
) {
    // The payments area's magic amounts (1.01–1.06 CNY) act on their own; step around them.
    let amount = if (101..=106).contains(&amount) { amount + 10 } else { amount };
    let out_trade_no = model.next("PT");
    let mut settle = json!({"profit_sharing": frozen});
    if let Some(s) = subsidy {
        settle["subsidy_amount"] = json!(s);
    }
    let body = json!({
        "sp_appid": "wx8888888888888888", "sp_mchid": PLATFORM, "sub_mchid": SUB,
        "description": "x", "out_trade_no": out_trade_no, "notify_url": "http://127.0.0.1:9/n",
        "amount": {"total": amount, "currency": "CNY"}, "settle_info": settle,
    })
    .to_string();
    let tenant = state.tenants().default_tenant();
    let signer = tenant
        .credentials()
        .merchant_signer()
        .unwrap()
        .with_clock(Arc::new(tenant.clock().clone()));
    let url = "/v3/pay/partner/transactions/native";
    let answer = send(state, signed(&signer, "POST", url, body.as_bytes())).await;
    assert_eq!(answer.status, 200, "{}", String::from_utf8_lossy(&answer.body));
    let pay = json!({"sub_mchid": SUB, "out_trade_no": out_trade_no}).to_string();
    let answer =
        send(state, request("POST", "/mock/admin/payments/pay", pay.as_bytes(), None)).await;
    assert_eq!(answer.status, 200, "{}", String::from_utf8_lossy(&answer.body));
    let id = answer.json()["order"]["transaction_id"].as_str().unwrap().to_owned();
    model.orders.push((id, amount));
}

fn settle_step(state: &MockState, model: &mut Model, step: &Step) {
    let tenant = state.tenants().default_tenant();
    let store = state.store();
    let order = |i: usize| model.orders.get(i % model.orders.len().max(1)).cloned();
    match step {
        Step::Pay { .. } => {}
        Step::Refund { order: i, amount, advance } => {
            let Some((tx_id, total)) = order(*i) else { return };
            // Magic refund amounts (2.01–2.03 CNY) change state by themselves; step around.
            let amount = if (201..=203).contains(amount) { amount + 10 } else { *amount };
            let req = RefundApplyRequest {
                sub_mchid: SUB.into(),
                sp_appid: "wx8888888888888888".into(),
                sub_appid: None,
                transaction_id: Some(tx_id.clone()),
                out_trade_no: None,
                out_refund_no: model.next("RF"),
                reason: None,
                amount: RefundApplyAmount {
                    refund: amount,
                    from: None,
                    total,
                    currency: Currency::Cny,
                },
                notify_url: None,
                refund_account: advance.then_some(RefundAccount::PartnerAdvance),
                funds_account: None,
            };
            if store.transact(tenant, |tx| refunds::apply(tx, &req, TimingProfile::Fast)).is_ok() {
                *model.refunded.entry(tx_id).or_default() += amount;
            }
        }
        Step::Split { order: i, amount, to_receiver, finish } => {
            let Some((tx_id, _)) = order(*i) else { return };
            let account = if *to_receiver { RECEIVER } else { PLATFORM };
            let out_order_no = model.next("SP");
            let req = CreateOrderRequest {
                appid: None,
                sub_mchid: SUB.into(),
                transaction_id: tx_id.clone(),
                out_order_no: out_order_no.clone(),
                receivers: vec![CreateOrderReceiver {
                    r#type: ReceiverType::MerchantId,
                    receiver_account: account.into(),
                    receiver_mchid: None,
                    amount: *amount,
                    description: "d".into(),
                    receiver_name: None,
                }],
                finish: *finish,
                notify_url: None,
            };
            if store.transact(tenant, |tx| super::create_order(tx, &req)).is_ok() {
                *model.split.entry(tx_id).or_default() += amount;
                model.splits.push((out_order_no, account.to_owned()));
            }
        }
        Step::Return { split, amount } => {
            let Some((out_order_no, account)) =
                model.splits.get(split % model.splits.len().max(1)).cloned()
            else {
                return;
            };
            let req = CreateReturnOrderRequest {
                sub_mchid: SUB.into(),
                order_id: None,
                out_order_no: Some(out_order_no),
                out_return_no: model.next("RT"),
                return_mchid: account,
                amount: *amount,
                description: "d".into(),
            };
            let done = store.transact(tenant, |tx| super::create_return(tx, &req));
            if let Ok(r) = done {
                let tx_id = store.read(tenant, |p: &super::ProfitSharing| {
                    p.orders.get(&r.order_id).map(|o| o.transaction_id.clone())
                });
                *model.split.entry(tx_id.unwrap()).or_default() -= amount;
            }
        }
        Step::Finish { order: i } => {
            let Some((tx_id, _)) = order(*i) else { return };
            let req = FinishOrderRequest {
                sub_mchid: SUB.into(),
                transaction_id: tx_id,
                out_order_no: model.next("FN"),
                description: "d".into(),
                notify_url: None,
            };
            let _ = store.transact(tenant, |tx| super::finish(tx, &req));
        }
        Step::Subsidy { order: i, amount } => {
            let Some((tx_id, _)) = order(*i) else { return };
            let req = CreateSubsidyRequest {
                sub_mchid: SUB.into(),
                transaction_id: tx_id,
                amount: *amount,
                description: "d".into(),
                out_subsidy_no: None,
            };
            let _ = store.transact(tenant, |tx| subsidies::create(tx, &req));
        }
        Step::SubsidyReturn { order: i, amount } => {
            let Some((tx_id, _)) = order(*i) else { return };
            let req = ReturnSubsidyRequest {
                sub_mchid: SUB.into(),
                out_order_no: model.next("SR"),
                transaction_id: tx_id,
                refund_id: None,
                amount: *amount,
                description: "d".into(),
                subsidy_id: None,
                from: None,
            };
            let _ = store.transact(tenant, |tx| subsidies::return_subsidy(tx, &req));
        }
        Step::Advance { days } => {
            tenant.clock().advance(days * funds::DAY_SECS).unwrap();
            store.transact(tenant, funds::sweep).unwrap();
        }
    }
}

fn check(state: &MockState, model: &Model) {
    let tenant = state.tenants().default_tenant();
    let violations =
        state.store().transact(tenant, |tx| Err::<(), _>(funds::check(tx))).unwrap_err();
    assert!(violations.is_empty(), "{violations:?}");
    let report = state.store().read(tenant, |l: &Ledger| l.check_report());
    assert!(report.ok, "{:?}", report.violations);
    for (tx_id, amount) in &model.orders {
        let refunded = model.refunded.get(tx_id).copied().unwrap_or(0);
        assert!(refunded <= *amount, "{tx_id}: refunded {refunded} of {amount}");
        let split = model.split.get(tx_id).copied().unwrap_or(0);
        assert!(split <= amount * 3 / 10, "{tx_id}: split {split} of {amount}");
        assert!(split >= 0);
    }
}

fn seed(state: &MockState) {
    let tenant = state.tenants().default_tenant();
    state
        .store()
        .transact(tenant, |tx| {
            for purpose in [Purpose::Available, Purpose::Operation] {
                tx.transfer(Transfer::new(
                    EntryKind::AdminDeposit,
                    "seed",
                    Account::External,
                    Account::merchant(PLATFORM, purpose),
                    50_000,
                ))?;
            }
            super::add_receiver(
                tx,
                &AddReceiverRequest {
                    appid: "wx8888888888888888".into(),
                    r#type: ReceiverType::MerchantId,
                    account: RECEIVER.into(),
                    name: Some("接收方".into()),
                    relation_type: RelationType::Supplier,
                    encrypted_name: None,
                },
            )
            .map(|_| ())
        })
        .unwrap();
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 16, ..ProptestConfig::default() })]

    // Proves that whatever sequence of money movements clients make, no money is created or
    // lost, each order's frozen share matches the ledger, and refunds and splits stay within
    // each order's bounds, after every single step.
    #[test]
    fn money_never_goes_missing(steps in proptest::collection::vec(step(), 1..30)) {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        runtime.block_on(async {
            let (state, _clock) = state(KeyMode::Certificate);
            seed(&state);
            let mut model = Model::default();
            for s in &steps {
                if let Step::Pay { amount, frozen, subsidy } = s {
                    pay(&state, &mut model, *amount, *frozen, *subsidy).await;
                } else {
                    settle_step(&state, &mut model, s);
                }
                check(&state, &model);
            }
        });
    }
}
