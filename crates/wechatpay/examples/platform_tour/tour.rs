//! The steps of the platform tour, shared by `examples/platform_tour/main.rs` and
//! `tests/tour.rs`. Every step goes through the `wechatpay` facade; the mock's admin API (over
//! HTTP) plays WeChat Pay's reviewers, the seller and the payer.

use std::io::Write;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::{FromRef, State};
use axum::http::StatusCode;
use axum::routing::post;
use axum::Router;
use serde_json::{json, Value};
use tokio::sync::mpsc;
use wechatpay::applyment::{
    next_steps, ApplymentAccountInfo, ApplymentState, BankAccountType, BusinessLicenseInfo,
    ContactInfo, ContactType, IdCardInfo, IdDocType, NextStep, OrganizationType, SalesSceneInfo,
    SubmitApplymentRequest,
};
use wechatpay::bill::{Date, DownloadOptions, TarType, TradeBillParams};
use wechatpay::crypto::{Clock, FixedClock};
use wechatpay::fund::{AccountType, SubWithdrawRequest};
use wechatpay::models::amount::Currency;
use wechatpay::notify::{Event, NotifyParser, Verified};
use wechatpay::payments::models::{
    CombinePrepayAmount, CombinePrepayRequest, CombinePrepaySubOrder, SettleInfo,
};
use wechatpay::payments::TradeStateExt;
use wechatpay::profitsharing::{
    CreateOrderReceiver, CreateOrderRequest, FinishOrderRequest, ReceiverType,
};
use wechatpay::refunds::{RefundApplyAmount, RefundApplyRequest, RefundStatusExt};
use wechatpay::{Client, KeyMode, RetryPolicy};
use wechatpay_mock::MockServer;

use crate::admin::Admin;

/// Whatever went wrong, with the step it went wrong in.
pub(crate) type TourError = Box<dyn std::error::Error + Send + Sync>;

/// The pinned start of the tour: 2026-01-05T10:00:00+08:00 (a Monday).
const T0: i64 = 1_767_578_400;
/// The platform's app id and the seeded second seller of the mock's built-in tenant.
const SP_APPID: &str = "wx8888888888888888";
const OTHER_SELLER: &str = "1900000110";
/// Enough of a JPEG for the format check, and the PNG of the test fixtures.
const JPG: &[u8] = b"\xFF\xD8\xFF\xE0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00tour-jpeg";
const PNG: &[u8] = include_bytes!("../../../../fixtures/vectors/media/sample.png");
/// How long to wait for a callback before the tour fails (the mock sends it at once).
const CALLBACK_WAIT: Duration = Duration::from_secs(10);

/// Runs every step, printing one line each to `out`.
///
/// # Errors
/// The first step that fails, named.
pub(crate) async fn run(out: &mut impl Write) -> Result<(), TourError> {
    let mut tour = Tour::start(out).await?;
    let seller = tour.onboard().await?;
    let order = tour.pay(&seller).await?;
    tour.settle(&seller, &order).await?;
    tour.money(&seller, &order).await?;
    tour.line("done: every step passed")?;
    tour.mock_checks().await
}

/// The seller's order of the combined payment, once paid.
struct PaidOrder {
    transaction_id: String,
    total_fen: i64,
    split_fen: i64,
    refund_fen: i64,
}

struct Tour<'w, W: Write> {
    out: &'w mut W,
    step: u32,
    mock: MockServer,
    client: Client,
    admin: Admin,
    callbacks: mpsc::Receiver<Verified<Event>>,
    notify_url: String,
}

/// The callback receiver's state: the client's parser (for the extractor) and a channel.
#[derive(Clone)]
struct Receiver {
    parser: NotifyParser,
    seen: mpsc::Sender<Verified<Event>>,
}

impl FromRef<Receiver> for NotifyParser {
    fn from_ref(receiver: &Receiver) -> Self {
        receiver.parser.clone()
    }
}

/// The callback endpoint: the extractor has verified and decrypted the notification by the
/// time this runs (a forged one is answered 4xx and never gets here).
async fn on_notify(State(receiver): State<Receiver>, notification: Verified<Event>) -> StatusCode {
    match receiver.seen.send(notification).await {
        Ok(()) => StatusCode::NO_CONTENT,
        // The tour has ended; say so, and WeChat Pay (the mock) would retry.
        Err(_) => StatusCode::SERVICE_UNAVAILABLE,
    }
}

fn fail(message: impl Into<String>) -> TourError {
    message.into().into()
}

fn ensure(condition: bool, message: impl FnOnce() -> String) -> Result<(), TourError> {
    if condition {
        Ok(())
    } else {
        Err(fail(message()))
    }
}

impl<'w, W: Write> Tour<'w, W> {
    /// Starts the mock, builds the client on the mock's credentials and virtual clock, and
    /// starts the callback receiver.
    async fn start(out: &'w mut W) -> Result<Self, TourError> {
        let mock = MockServer::builder().clock(Arc::new(FixedClock::new(T0))).start().await?;
        let id = mock.identity();
        let clock: Arc<dyn Clock> =
            Arc::new(mock.state().tenants().default_tenant().clock().clone());
        let key_pem = id.merchant_private_key_pem.as_deref().ok_or("mock has no merchant key")?;
        let client = Client::builder()
            .mchid(&id.mchid)
            .merchant_key_pem(key_pem, id.merchant_serial.as_str())
            .api_v3_key(id.api_v3_key()?)
            .key_mode(KeyMode::PlatformCertificates)
            .base_url(mock.base_url())
            .no_backup_base_url()
            .clock(clock)
            .retry(RetryPolicy {
                max_attempts: 3,
                initial_backoff: Duration::from_millis(5),
                max_backoff: Duration::from_millis(20),
            })
            .build()?;
        // Certificate mode: the first call downloads the platform certificate, which the
        // notify parser then shares through the key store.
        client.transport().refresh_certificates().await?;

        let (seen, callbacks) = mpsc::channel(16);
        let receiver = Receiver { parser: client.notify_parser()?, seen };
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let notify_url = format!("http://{}/wechatpay/notify", listener.local_addr()?);
        let app = Router::new().route("/wechatpay/notify", post(on_notify)).with_state(receiver);
        tokio::spawn(async move { axum::serve(listener, app).await });

        let admin = Admin::new(&mock.base_url())?;
        let mut tour = Self { out, step: 0, mock, client, admin, callbacks, notify_url };
        let base = tour.mock.base_url();
        tour.line(&format!("mock WeChat Pay at {base}, platform {}", tour.client.mchid()))?;
        Ok(tour)
    }

    /// Prints one numbered step.
    fn line(&mut self, text: &str) -> Result<(), TourError> {
        self.step += 1;
        writeln!(self.out, "{:>2}. {text}", self.step)?;
        Ok(())
    }

    /// Calls the mock's admin API; a non-2xx answer fails the step.
    async fn admin(&self, method: &str, path: &str, body: Value) -> Result<Value, TourError> {
        self.admin.call(method, path, &body).await
    }

    /// Waits for the next verified callback.
    async fn callback(&mut self) -> Result<Verified<Event>, TourError> {
        match tokio::time::timeout(CALLBACK_WAIT, self.callbacks.recv()).await {
            Ok(Some(notification)) => Ok(notification),
            Ok(None) => Err(fail("the callback receiver stopped")),
            Err(_) => Err(fail(format!("no callback within {CALLBACK_WAIT:?}"))),
        }
    }

    /// Upload → submit (企业, a handler as super administrator) → account verification →
    /// signing → review → FINISH. Returns the new `sub_mchid`.
    async fn onboard(&mut self) -> Result<String, TourError> {
        let media = self.client.media();
        let id_front = media.upload_image("id_front.jpg", JPG).await?;
        let id_back = media.upload_image("id_back.jpg", JPG).await?;
        let licence = media.upload_image("licence.png", PNG).await?;
        let letter = media.upload_image("authorization.png", PNG).await?;
        self.line(&format!("uploaded ID card, licence and authorization letter: {id_front} …"))?;

        let request = enterprise_application(&id_front, &id_back, &licence, &letter)?;
        let submitted = self.client.applyments().submit(&request).await?;
        let applyment_id = submitted.applyment_id;
        self.line(&format!(
            "submitted 企业 application {applyment_id} (sensitive fields encrypted)"
        ))?;

        let applyment = self.client.applyments().query_by_id(applyment_id).await?;
        ensure(applyment.applyment_state == ApplymentState::AccountNeedVerify, || {
            format!("expected ACCOUNT_NEED_VERIFY, got {:?}", applyment.applyment_state)
        })?;
        let mut shown = Vec::new();
        for step in next_steps(&applyment) {
            match step {
                NextStep::Sign { .. } => shown.push("signing link".to_owned()),
                NextStep::VerifyAccount { remittance: Some(r), .. } => {
                    shown.push(format!(
                        "remit {} fen to {}",
                        r.pay_amount, r.destination_account_name
                    ));
                }
                other => shown.push(format!("{other:?}")),
            }
        }
        ensure(shown.len() >= 2, || format!("expected signing and verification, got {shown:?}"))?;
        self.line(&format!(
            "{:?}: show the seller {}",
            applyment.applyment_state,
            shown.join(" + ")
        ))?;

        self.admin(
            "POST",
            &format!("/applyments/{applyment_id}/verify-account"),
            json!({"via": "remittance"}),
        )
        .await?;
        self.line("seller remitted the verification amount (admin: verify-account)")?;
        self.admin("POST", &format!("/applyments/{applyment_id}/sign"), json!({})).await?;
        self.line("super administrator signed in WeChat (admin: sign)")?;
        self.admin("POST", &format!("/applyments/{applyment_id}/approve"), json!({})).await?;

        let applyment = self.client.applyments().query_by_id(applyment_id).await?;
        let sub_mchid = match next_steps(&applyment).first() {
            Some(NextStep::Done { sub_mchid }) => (*sub_mchid).to_owned(),
            _ => return Err(fail(format!("expected FINISH, got {:?}", applyment.applyment_state))),
        };
        let account = self.client.settlement().query(&sub_mchid).await?;
        self.line(&format!(
            "review approved: FINISH, seller is sub-merchant {sub_mchid}, settles to {} ({:?})",
            account.account_bank, account.verify_result
        ))?;
        Ok(sub_mchid)
    }

    /// A combined payment over the new seller and a second one; the payer pays; the
    /// `TRANSACTION.SUCCESS` callback is verified with the client's parser.
    async fn pay(&mut self, seller: &str) -> Result<PaidOrder, TourError> {
        let cart = cart(seller, &self.notify_url);
        let prepay = self.client.combine().prepay_native(&cart).await?;
        self.line(&format!(
            "combined order {} over {} sellers: Native QR {}",
            cart.combine_out_trade_no,
            cart.sub_orders.len(),
            prepay
        ))?;

        self.admin(
            "POST",
            "/payments/pay",
            json!({"combine_out_trade_no": cart.combine_out_trade_no}),
        )
        .await?;
        self.line("payer scanned and paid (admin: payments/pay)")?;

        let notification = self.callback().await?;
        let Event::CombineTransactionSuccess(paid) = notification.resource() else {
            return Err(fail(format!(
                "expected a combined payment callback, got {}",
                notification.event_type()
            )));
        };
        ensure(paid.combine_out_trade_no == cart.combine_out_trade_no, || {
            format!(
                "callback for {}, expected {}",
                paid.combine_out_trade_no, cart.combine_out_trade_no
            )
        })?;
        self.line(&format!(
            "callback {} verified and decrypted: {}",
            notification.event_type(),
            notification.summary()
        ))?;

        let order = self.client.combine().query(&cart.combine_out_trade_no).await?;
        ensure(order.sub_orders.iter().all(|s| s.trade_state.is_paid()), || {
            format!("not every sub-order is paid: {:?}", order.sub_orders)
        })?;
        let mine = order
            .sub_orders
            .iter()
            .find(|s| s.sub_mchid == seller)
            .ok_or("the seller's sub-order is missing")?;
        let transaction_id =
            mine.transaction_id.clone().ok_or("a paid order has a transaction_id")?;
        let total_fen = mine.amount.total_amount;
        self.line(&format!("query: every sub-order SUCCESS; seller's transaction {transaction_id}, {total_fen} fen frozen"))?;
        Ok(PaidOrder {
            transaction_id,
            total_fen,
            split_fen: total_fen / 10,
            refund_fen: total_fen / 5,
        })
    }

    /// Profit sharing to the platform, a partial refund (with its callback), then finishing
    /// the split so the rest is unfrozen.
    async fn settle(&mut self, seller: &str, order: &PaidOrder) -> Result<(), TourError> {
        let sharing = self.client.profit_sharing();
        let split = CreateOrderRequest {
            appid: None,
            sub_mchid: seller.into(),
            transaction_id: order.transaction_id.clone(),
            out_order_no: "PS20260105000001".into(),
            receivers: vec![CreateOrderReceiver {
                r#type: ReceiverType::MerchantId,
                receiver_account: self.client.mchid().into(),
                receiver_mchid: None,
                amount: order.split_fen,
                description: "平台佣金".into(),
                receiver_name: None,
            }],
            finish: false,
            notify_url: None,
        };
        sharing.create_order(&split).await?;
        let left = sharing.query_amounts(&order.transaction_id).await?.unsplit_amount;
        self.line(&format!(
            "profit sharing: {} fen commission to the platform, {left} fen left to split",
            order.split_fen
        ))?;

        let refund = RefundApplyRequest {
            sub_mchid: seller.into(),
            sp_appid: SP_APPID.into(),
            sub_appid: None,
            transaction_id: Some(order.transaction_id.clone()),
            out_trade_no: None,
            out_refund_no: "R20260105000001".into(),
            reason: Some("少发一件".into()),
            amount: RefundApplyAmount {
                refund: order.refund_fen,
                from: None,
                total: order.total_fen,
                currency: Currency::Cny,
            },
            notify_url: Some(self.notify_url.clone()),
            refund_account: None,
            funds_account: None,
        };
        let accepted = self.client.refunds().apply(&refund).await?;
        let state = self.client.refunds().query_by_id(seller, &accepted.refund_id).await?;
        ensure(state.status.is_final(), || format!("refund still {:?}", state.status))?;
        let notification = self.callback().await?;
        ensure(matches!(notification.resource(), Event::RefundSuccess(_)), || {
            format!("expected REFUND.SUCCESS, got {}", notification.event_type())
        })?;
        self.line(&format!(
            "partial refund {} of {} fen: {:?}, callback {} verified",
            accepted.refund_id,
            order.refund_fen,
            state.status,
            notification.event_type()
        ))?;

        let finish = FinishOrderRequest {
            sub_mchid: seller.into(),
            transaction_id: order.transaction_id.clone(),
            out_order_no: "PSF20260105000001".into(),
            description: "分账完结".into(),
            notify_url: None,
        };
        sharing.finish(&finish).await?;
        self.line("profit sharing finished: the rest of the order is unfrozen")?;
        Ok(())
    }

    /// Balances, a withdrawal, and the next day's bill, reconciled.
    async fn money(&mut self, seller: &str, order: &PaidOrder) -> Result<(), TourError> {
        let fund = self.client.fund();
        let balance = fund.sub_balance(seller, None).await?;
        let platform = fund.platform_balance(AccountType::Basic).await?;
        ensure(balance.available_amount > 0, || format!("nothing available: {balance:?}"))?;
        self.line(&format!(
            "balances: seller {} fen available, {} fen pending; platform {} fen available",
            balance.available_amount,
            balance.pending_amount.unwrap_or(0),
            platform.available_amount
        ))?;

        let withdrawal = SubWithdrawRequest {
            sub_mchid: seller.into(),
            out_request_no: "W20260105000001".into(),
            amount: balance.available_amount / 2,
            remark: Some("周结".into()),
            bank_memo: Some("货款".into()),
            account_type: None,
            notify_url: None,
        };
        let created = fund.withdraw(&withdrawal).await?;
        let state = fund.query_withdraw(seller, &created.withdraw_id).await?;
        ensure(state.amount == withdrawal.amount, || {
            format!("withdrawal of {} fen, asked {}", state.amount, withdrawal.amount)
        })?;
        self.line(&format!(
            "withdrawal {} of {} fen: {:?}",
            created.withdraw_id, state.amount, state.status
        ))?;

        // Bills for a day exist from the next morning: move the virtual clock a day on.
        self.admin("POST", "/clock/advance", json!({"secs": 86_400})).await?;
        let bills = self.client.bills();
        let params = TradeBillParams {
            bill_date: Date::from_ymd(2026, 1, 5)?,
            sub_mchid: None,
            bill_type: None,
            tar_type: Some(TarType::Gzip),
        };
        let info = bills.trade_bill(&params).await?;
        let path =
            std::env::temp_dir().join(format!("wechatpay-tour-{}-trade.csv", std::process::id()));
        let downloaded = bills.download(&info, &DownloadOptions::gzip(), &path).await;
        let parsed = downloaded.and_then(|file| file.trade_bill());
        // The file is only needed for parsing; remove it whatever happened.
        let _ = std::fs::remove_file(&path);
        let bill = parsed?;
        let paid_fen: i64 = bill
            .rows
            .iter()
            .filter(|r| r.transaction_id == order.transaction_id && r.trade_state == "SUCCESS")
            .map(|r| r.settlement_total_fen)
            .sum();
        let refunded_fen: i64 = bill
            .rows
            .iter()
            .filter(|r| r.transaction_id == order.transaction_id)
            .map(|r| r.refund_fen)
            .sum();
        ensure(paid_fen == order.total_fen && refunded_fen == order.refund_fen, || {
            format!(
                "bill says {paid_fen} fen paid and {refunded_fen} refunded for {}, the SDK saw {} and {}",
                order.transaction_id, order.total_fen, order.refund_fen
            )
        })?;
        self.line(&format!(
            "next day's trade bill: {} rows, SHA-1 checked; the seller's order reconciles ({} paid, {} refunded)",
            bill.rows.len(),
            paid_fen,
            refunded_fen
        ))?;
        Ok(())
    }

    /// The mock's own books balance after the journey.
    async fn mock_checks(&mut self) -> Result<(), TourError> {
        self.admin("GET", "/ledger/check", Value::Null).await?;
        Ok(())
    }
}

/// A 企业 (company) whose handler 李四, not the legal person, is the super administrator:
/// WeChat Pay then asks for account verification.
fn enterprise_application(
    id_front: &str,
    id_back: &str,
    licence: &str,
    letter: &str,
) -> Result<SubmitApplymentRequest, TourError> {
    let mut request = SubmitApplymentRequest::new(
        "APPLY-TOUR-0001",
        OrganizationType::Enterprise,
        ApplymentAccountInfo {
            bank_account_type: BankAccountType::Corporate,
            account_bank: "招商银行".into(),
            account_name: "深圳某某科技有限公司".into(),
            bank_address_code: "440300".into(),
            bank_branch_id: None,
            bank_name: None,
            account_number: "6214830000000001".into(),
            account_cert_info: None,
        },
        ContactInfo {
            contact_type: ContactType::Super,
            contact_name: "李四".into(),
            contact_id_doc_type: Some(IdDocType::MainlandIdcard),
            contact_id_card_number: Some("110101199003070011".into()),
            contact_id_doc_copy: Some(id_front.into()),
            contact_id_doc_copy_back: Some(id_back.into()),
            contact_id_doc_period_begin: Some("2020-01-01".parse()?),
            contact_id_doc_period_end: Some("2040-01-01".into()),
            business_authorization_letter: Some(letter.into()),
            mobile_phone: "13900139000".into(),
            contact_email: "lisi@example.com".into(),
        },
        SalesSceneInfo {
            store_name: "某某科技旗舰店".into(),
            store_url: Some("https://shop.example.com/store/1".into()),
            ..SalesSceneInfo::default()
        },
        "某某科技",
    );
    request.business_license_info = Some(BusinessLicenseInfo {
        cert_type: None,
        business_license_copy: licence.into(),
        business_license_number: "91440300MA5F000002".into(),
        merchant_name: "深圳某某科技有限公司".into(),
        legal_person: "张三".into(),
        company_address: None,
        business_time: None,
    });
    request.id_card_info = Some(IdCardInfo {
        id_card_copy: id_front.into(),
        id_card_national: id_back.into(),
        id_card_name: "张三".into(),
        id_card_number: "11010519491231002X".into(),
        id_card_address: Some("广东省深圳市南山区某某路1号".into()),
        id_card_valid_time_begin: "2019-01-01".parse()?,
        id_card_valid_time: "长期".into(),
    });
    request.owner = Some(true);
    Ok(request)
}

/// A cart across two shops: the new seller's line with profit sharing (frozen until split),
/// the other seller's without.
fn cart(seller: &str, notify_url: &str) -> CombinePrepayRequest {
    let line = |no: &str, sub_mchid: &str, fen: i64, profit_sharing: bool, what: &str| {
        CombinePrepaySubOrder {
            mchid: "1900000100".into(),
            sub_mchid: sub_mchid.into(),
            out_trade_no: no.into(),
            amount: CombinePrepayAmount { total_amount: fen, currency: Currency::Cny },
            description: what.into(),
            attach: String::new(),
            settle_info: Some(SettleInfo {
                profit_sharing: Some(profit_sharing),
                subsidy_amount: None,
            }),
            detail: None,
            goods_tag: None,
            sub_appid: None,
        }
    };
    CombinePrepayRequest {
        combine_appid: SP_APPID.into(),
        combine_mchid: "1900000100".into(),
        combine_out_trade_no: "P20260105000001".into(),
        scene_info: None,
        sub_orders: vec![
            line("P20260105000001S01", seller, 10_000, true, "机械键盘"),
            line("P20260105000001S02", OTHER_SELLER, 5_000, false, "鼠标垫"),
        ],
        combine_payer_info: None,
        time_start: None,
        time_expire: None,
        notify_url: notify_url.into(),
        limit_pay: None,
    }
}
