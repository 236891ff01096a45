//! One renderer per dashboard section. Each reads the admin API (in-process, through
//! [`Admin`]) and turns its JSON answers into tables and action forms: the dashboard shows
//! exactly what a test would see through `/mock/admin`.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use axum::http::Method;
use serde_json::{json, Value};

use super::admin_client::{Admin, Reply};
use super::html::{cell, esc, fen, pct, table, text, time, FormContext};

/// What every section needs: the admin client, the tenant shown and the forms' context.
#[derive(Debug)]
pub(crate) struct Ctx {
    pub(crate) admin: Admin,
    pub(crate) mchid: String,
    pub(crate) form: FormContext,
    /// The query string (`?mchid=…&token=…`, or empty) links carry to the next page.
    pub(crate) keep: String,
}

impl Ctx {
    /// `GET` an admin path; the error is HTML saying what the admin API answered.
    async fn get(&self, path: &str) -> Result<Value, String> {
        let reply = self.admin.call(Method::GET, path, None).await;
        if reply.status.is_success() {
            Ok(reply.json)
        } else {
            Err(error_note(path, &reply))
        }
    }

    fn m(&self) -> String {
        pct(&self.mchid)
    }

    fn mchid_body(&self) -> Value {
        json!({ "mchid": self.mchid })
    }

    /// A dashboard link to `path` (which may have a query) keeping tenant and token.
    pub(crate) fn link(&self, path: &str) -> String {
        let href = match (self.keep.strip_prefix('?'), path.contains('?')) {
            (Some(k), true) => format!("{}{path}&{k}", super::PREFIX),
            (Some(k), false) => format!("{}{path}?{k}", super::PREFIX),
            (None, _) => format!("{}{path}", super::PREFIX),
        };
        esc(&href)
    }
}

fn error_note(path: &str, reply: &Reply) -> String {
    format!(
        "<p class=\"error\">GET /mock/admin{} answered {}: {}</p>",
        esc(path),
        reply.status.as_u16(),
        esc(&reply.summary())
    )
}

fn items(v: &Value) -> Vec<Value> {
    v.as_array().cloned().unwrap_or_default()
}

/// The Requests section: the journal, newest first.
pub(crate) async fn requests(ctx: &Ctx) -> String {
    let journal = match ctx.get("/journal?limit=200").await {
        Ok(v) => v,
        Err(e) => return e,
    };
    let rows: Vec<Vec<String>> = items(&journal)
        .iter()
        .rev()
        .map(|e| {
            let v = e.get("verification").cloned().unwrap_or(Value::Null);
            let result = text(v.get("result"));
            let reason = text(v.get("reason"));
            let latency = e.get("latency_us").and_then(Value::as_u64).unwrap_or(0);
            let id = text(e.get("id"));
            let href = ctx.link(&format!("/requests/{}", pct(&id)));
            let mut detail = format!(
                "<details id=\"req-{}\"><summary>Details<span class=\"sr-only\"> of request {}</span></summary><dl>\
                 <dt>Headers and bodies</dt><dd><a href=\"{href}\">Open request {}</a></dd>\
                 <dt>Request-ID</dt><dd><code>{}</code></dd><dt>Merchant</dt><dd>{}</dd>\
                 <dt>Path and query</dt><dd><code>{}</code></dd><dt>Signature check</dt><dd>{}</dd>",
                esc(&id),
                esc(&id),
                esc(&id),
                cell(e, "request_id"),
                cell(e, "mchid"),
                cell(e, "path"),
                esc(&result)
            );
            if !reason.is_empty() {
                let _ = write!(detail, "<dt>Why it failed</dt><dd><pre>{}</pre></dd>", esc(&reason));
            }
            if e.get("fault").is_some() {
                let _ = write!(detail, "<dt>Fault rules fired</dt><dd>{}</dd>", cell(e, "fault"));
            }
            detail.push_str("</dl></details>");
            let status = text(e.get("status"));
            let class = if status.starts_with('2') { "ok" } else { "bad" };
            vec![
                format!("<a href=\"{href}\" aria-label=\"Request {0} in detail\">{0}</a>", esc(&id)),
                time(e.get("virtual_time_unix")),
                cell(e, "method"),
                format!("<code>{}</code>", cell(e, "path")),
                format!("<span class=\"{class}\">{}</span>", esc(&status)),
                cell(e, "code"),
                format!("{}.{:03} ms", latency / 1000, latency % 1000),
                format!("<span class=\"v-{0}\">{0}</span>", esc(&result)),
                detail,
            ]
        })
        .collect();
    table(
        "Requests the mock answered, newest first",
        &[
            "#",
            "Virtual time",
            "Method",
            "Path",
            "Status",
            "WeChat code",
            "Latency",
            "Signature",
            "Detail",
        ],
        &rows,
        "No requests yet.",
    )
}

const APPLYMENT_ACTIONS: [(&str, &str); 7] = [
    ("pass-check", "Pass check"),
    ("verify-account", "Verify account"),
    ("approve", "Approve"),
    ("reject", "Reject"),
    ("sign", "Sign"),
    ("freeze", "Freeze"),
    ("cancel", "Cancel"),
];

/// The Sub-merchants section: onboarded sub-merchants and applications with their moves.
pub(crate) async fn sub_merchants(ctx: &Ctx, tenants: &Value) -> String {
    let mut out = String::new();
    let subs: Vec<String> = items(tenants)
        .iter()
        .filter(|t| text(t.get("mchid")) == ctx.mchid)
        .flat_map(|t| items(t.get("sub_mchids").unwrap_or(&Value::Null)))
        .map(|s| format!("<li><code>{}</code></li>", esc(&text(Some(&s)))))
        .collect();
    let _ = write!(
        out,
        "<h3>Onboarded sub-merchants of {}</h3><ul class=\"chips\">{}</ul>",
        esc(&ctx.mchid),
        if subs.is_empty() { "<li>none</li>".to_owned() } else { subs.concat() }
    );
    let list = match ctx.get(&format!("/applyments?mchid={}", ctx.m())).await {
        Ok(v) => v,
        Err(e) => return out + &e,
    };
    let rows: Vec<Vec<String>> = items(&list)
        .iter()
        .rev()
        .map(|a| {
            let id = text(a.get("applyment_id"));
            let audit: Vec<String> = items(a.get("audit_detail").unwrap_or(&Value::Null))
                .iter()
                .map(|d| {
                    format!("<li>{}: {}</li>", cell(d, "param_name"), cell(d, "reject_reason"))
                })
                .collect();
            let check = a.get("check").cloned().unwrap_or(Value::Null);
            let mut actions = String::from("<div class=\"actions\">");
            for (action, label) in APPLYMENT_ACTIONS {
                let mut body = ctx.mchid_body();
                if action == "verify-account" {
                    if let Some(body) = body.as_object_mut() {
                        body.insert("via".into(), json!("remittance"));
                    }
                }
                actions.push_str(&ctx.form.button(
                    label,
                    &format!("{label} application {id}"),
                    "POST",
                    &format!("/applyments/{}/{action}", pct(&id)),
                    Some(&body),
                ));
            }
            actions.push_str("</div>");
            vec![
                esc(&id),
                cell(a, "out_request_no"),
                cell(a, "subject_name"),
                cell(a, "organization_type"),
                format!("<strong>{}</strong>", cell(a, "applyment_state")),
                cell(a, "sign_state"),
                time(check.get("deadline_unix")),
                if audit.is_empty() {
                    String::new()
                } else {
                    format!("<ul>{}</ul>", audit.concat())
                },
                cell(a, "sub_mchid"),
                actions,
            ]
        })
        .collect();
    out + &table(
        "Applications (进件), newest first",
        &[
            "Applyment id",
            "out_request_no",
            "Subject",
            "Type",
            "State",
            "Sign state",
            "Verification deadline",
            "Audit detail",
            "sub_mchid",
            "Actions",
        ],
        &rows,
        "No applications yet.",
    )
}

/// The Orders section: combined and partner orders with their sub-orders.
pub(crate) async fn orders(ctx: &Ctx) -> String {
    let list = match ctx.get(&format!("/payments/orders?mchid={}&limit=200", ctx.m())).await {
        Ok(v) => v,
        Err(e) => return e,
    };
    let rows: Vec<Vec<String>> = items(&list)
        .iter()
        .rev()
        .map(|p| {
            let order = p.get("order").cloned().unwrap_or(Value::Null);
            let kind = text(p.get("kind"));
            let (name, subs) = if kind == "combine" {
                let subs: Vec<String> = items(order.get("sub_orders").unwrap_or(&Value::Null))
                    .iter()
                    .map(|s| {
                        let amount = s.get("amount").cloned().unwrap_or(Value::Null);
                        format!(
                            "<li><code>{}</code> · {} · {} CNY · {} · {}</li>",
                            cell(s, "out_trade_no"),
                            cell(s, "sub_mchid"),
                            fen(amount.get("total_amount")),
                            cell(s, "trade_state"),
                            cell(s, "transaction_id")
                        )
                    })
                    .collect();
                (text(order.get("combine_out_trade_no")), format!("<ul>{}</ul>", subs.concat()))
            } else {
                (
                    text(order.get("out_trade_no")),
                    format!("{} · {}", cell(&order, "sub_mchid"), cell(&order, "transaction_id")),
                )
            };
            let prepay_id = text(p.get("prepay_id"));
            let body = json!({ "mchid": ctx.mchid, "prepay_id": prepay_id });
            let mut actions = String::from("<div class=\"actions\">");
            for (verb, label) in [
                ("pay", "Pay"),
                ("user-paying", "User paying"),
                ("fail", "Fail"),
                ("close", "Close"),
                ("expire", "Expire"),
            ] {
                actions.push_str(&ctx.form.button(
                    label,
                    &format!("{label} order {name}"),
                    "POST",
                    &format!("/payments/{verb}"),
                    Some(&body),
                ));
            }
            let _ = write!(
                actions,
                "<a href=\"{}\" aria-label=\"Payer page of order {}\">Payer page</a>",
                ctx.link(&format!("/payer?prepay_id={}", pct(&prepay_id))),
                esc(&name)
            );
            actions.push_str("</div>");
            vec![
                format!("<code>{}</code>", esc(&name)),
                format!("{} · {}", esc(&kind), cell(p, "channel")),
                format!("<strong>{}</strong>", cell(p, "trade_state")),
                format!("{} CNY", fen(p.get("total_fen"))),
                subs,
                time(p.get("created_unix")),
                actions,
            ]
        })
        .collect();
    table(
        "Orders (合单 and partner), newest first",
        &[
            "Order",
            "Kind",
            "State",
            "Total",
            "Sub-orders / sub-merchant · transaction",
            "Created",
            "Actions",
        ],
        &rows,
        "No orders yet.",
    )
}

/// The Money section: balances, the invariant check, withdrawals and the latest entries.
pub(crate) async fn money(ctx: &Ctx) -> String {
    let m = ctx.m();
    let mut out = String::new();
    match ctx.get(&format!("/ledger/check?mchid={m}")).await {
        Ok(c) => {
            let ok = c.get("ok").and_then(Value::as_bool).unwrap_or(false);
            let _ = write!(
                out,
                "<p class=\"{}\">Ledger invariants: <strong>{}</strong> ({} entries, {} accounts, held {} CNY)</p>",
                if ok { "ok" } else { "bad" },
                if ok { "hold" } else { "VIOLATED" },
                cell(&c, "entries"),
                cell(&c, "accounts"),
                fen(c.get("held_fen"))
            );
            let violations: Vec<String> = items(c.get("violations").unwrap_or(&Value::Null))
                .iter()
                .map(|v| format!("<li>{}</li>", esc(&text(Some(v)))))
                .collect();
            if !violations.is_empty() {
                let _ = write!(out, "<ul class=\"bad\">{}</ul>", violations.concat());
            }
        }
        Err(e) => out.push_str(&e),
    }
    match ctx.get(&format!("/ledger/balances?mchid={m}")).await {
        Ok(b) => {
            let rows: Vec<Vec<String>> = items(b.get("accounts").unwrap_or(&Value::Null))
                .iter()
                .map(|a| {
                    vec![format!("<code>{}</code>", cell(a, "account")), fen(a.get("balance_fen"))]
                })
                .collect();
            out.push_str(&table(
                "Balances (CNY)",
                &["Account", "Balance"],
                &rows,
                "No money moved yet.",
            ));
        }
        Err(e) => out.push_str(&e),
    }
    out.push_str(&withdrawals(ctx).await);
    out.push_str(&refunds_splits_subsidies(ctx).await);
    match ctx.get(&format!("/ledger/entries?mchid={m}&limit=50")).await {
        Ok(list) => {
            let rows: Vec<Vec<String>> = items(&list)
                .iter()
                .rev()
                .map(|e| {
                    vec![
                        cell(e, "id"),
                        time(e.get("time_unix")),
                        cell(e, "kind"),
                        format!("<code>{}</code>", cell(e, "reference")),
                        cell(e, "debit"),
                        cell(e, "credit"),
                        fen(e.get("amount_fen")),
                        cell(e, "memo"),
                    ]
                })
                .collect();
            out.push_str(&table(
                "Ledger entries, newest 50 first (money leaves debit, reaches credit)",
                &["#", "Virtual time", "Kind", "Reference", "Debit", "Credit", "CNY", "Memo"],
                &rows,
                "No entries yet.",
            ));
        }
        Err(e) => out.push_str(&e),
    }
    out
}

/// The money moves besides payments and withdrawals, each read by its ledger kind.
const OTHER_MOVES: [(&str, &str); 6] = [
    ("REFUND", "refund (退款)"),
    ("REFUND_RETURN", "advance refund returned"),
    ("PROFIT_SHARING", "split (分账)"),
    ("PROFIT_SHARING_RETURN", "split returned (分账回退)"),
    ("SUBSIDY", "subsidy (补差)"),
    ("SUBSIDY_RETURN", "subsidy returned (补差回退)"),
];

/// Refunds, splits and subsidies: the newest 20 ledger entries of each kind.
async fn refunds_splits_subsidies(ctx: &Ctx) -> String {
    let mut entries: Vec<(u64, Vec<String>)> = Vec::new();
    for (kind, label) in OTHER_MOVES {
        let list =
            match ctx.get(&format!("/ledger/entries?mchid={}&kind={kind}&limit=20", ctx.m())).await
            {
                Ok(v) => v,
                Err(e) => return e,
            };
        for e in items(&list) {
            entries.push((
                e.get("id").and_then(Value::as_u64).unwrap_or(0),
                vec![
                    cell(&e, "id"),
                    time(e.get("time_unix")),
                    esc(label),
                    format!("<code>{}</code>", cell(&e, "reference")),
                    cell(&e, "debit"),
                    cell(&e, "credit"),
                    fen(e.get("amount_fen")),
                ],
            ));
        }
    }
    entries.sort_by_key(|e| std::cmp::Reverse(e.0));
    let rows: Vec<Vec<String>> = entries.into_iter().map(|(_, r)| r).collect();
    table(
        "Refunds, splits and subsidies, newest first (their ledger entries)",
        &["#", "Virtual time", "Move", "Reference", "Debit", "Credit", "CNY"],
        &rows,
        "No refund, split or subsidy yet.",
    )
}

const WITHDRAW_EVENTS: [(&str, &str); 4] =
    [("success", "Complete"), ("fail", "Fail"), ("refund", "Bounce"), ("close", "Close")];

/// Withdrawals the ledger has seen executed (the admin API has no listing; each is read by
/// the id its ledger entry references).
async fn withdrawals(ctx: &Ctx) -> String {
    let refs = match ctx
        .get(&format!("/ledger/entries?mchid={}&kind=WITHDRAWAL&limit=50", ctx.m()))
        .await
    {
        Ok(list) => items(&list).iter().map(|e| text(e.get("reference"))).collect::<BTreeSet<_>>(),
        Err(e) => return e,
    };
    let mut rows = Vec::new();
    for id in refs.iter().rev() {
        let reply = ctx
            .admin
            .call(Method::GET, &format!("/withdrawals/{}?mchid={}", pct(id), ctx.m()), None)
            .await;
        if !reply.status.is_success() {
            continue;
        }
        let w = reply.json;
        let mut actions = format!(
            "{}<input type=\"hidden\" name=\"mchid\" value=\"{}\"><div class=\"actions\">",
            ctx.form.open("POST", &format!("/withdrawals/{}/{{event}}", pct(id)), None, "inline"),
            esc(&ctx.mchid)
        );
        for (event, label) in WITHDRAW_EVENTS {
            let _ = write!(
                actions,
                "<button type=\"submit\" name=\"event\" value=\"{event}\" aria-label=\"{label} withdrawal {0}\">{label}</button>",
                esc(id)
            );
        }
        actions.push_str("</div></form>");
        rows.push(vec![
            format!("<code>{}</code>", esc(id)),
            cell(&w, "mchid"),
            format!("<strong>{}</strong>", cell(&w, "status")),
            fen(w.get("amount_fen")),
            cell(&w, "account_type"),
            time(w.get("updated_unix")),
            cell(&w, "reason"),
            actions,
        ]);
    }
    table(
        "Withdrawals (提现)",
        &["Withdraw id", "Merchant", "Status", "CNY", "Account", "Updated", "Reason", "Actions"],
        &rows,
        "No withdrawal has been executed yet.",
    )
}

/// The Callbacks section: deliveries with their attempts and next retry.
pub(crate) async fn callbacks(ctx: &Ctx) -> String {
    let list = match ctx.get(&format!("/callbacks?mchid={}&limit=100", ctx.m())).await {
        Ok(v) => v,
        Err(e) => return e,
    };
    let rows: Vec<Vec<String>> = items(&list)
        .iter()
        .rev()
        .map(|d| {
            let id = text(d.get("id"));
            let attempts = items(d.get("attempts").unwrap_or(&Value::Null));
            let lines: Vec<String> = attempts
                .iter()
                .map(|a| {
                    let outcome = match a.get("status").and_then(Value::as_u64) {
                        Some(s) => format!("HTTP {s}"),
                        None => text(a.get("error")),
                    };
                    format!(
                        "<li>#{} {} at {}: {} ({} ms){}</li>",
                        cell(a, "number"),
                        cell(a, "kind"),
                        time(a.get("at_unix")),
                        esc(&outcome),
                        cell(a, "latency_ms"),
                        a.get("fault")
                            .filter(|f| !f.is_null())
                            .map(|f| format!(" · fault {}", esc(&text(Some(f)))))
                            .unwrap_or_default()
                    )
                })
                .collect();
            let attempts_html = if lines.is_empty() {
                "none yet".to_owned()
            } else {
                format!(
                    "<details id=\"cb-{0}\"><summary>{1} attempt(s)<span class=\"sr-only\"> of delivery {0}</span></summary><ol>{2}</ol></details>",
                    esc(&id),
                    lines.len(),
                    lines.concat()
                )
            };
            vec![
                esc(&id),
                cell(d, "event_type"),
                format!("<code>{}</code>", cell(d, "notify_url")),
                format!("<strong>{}</strong>", cell(d, "status")),
                attempts_html,
                time(d.get("next_attempt_unix")),
                time(d.get("created_unix")),
                ctx.form.button(
                    "Redeliver",
                    &format!("Redeliver callback {id}"),
                    "POST",
                    &format!("/callbacks/{}/redeliver?mchid={}", pct(&id), ctx.m()),
                    None,
                ),
            ]
        })
        .collect();
    table(
        "Callback deliveries, newest first",
        &["#", "Event", "notify_url", "Status", "Attempts", "Next retry", "Created", "Actions"],
        &rows,
        "No callbacks yet.",
    )
}

/// The Clock section: every tenant's virtual time.
pub(crate) async fn clock(ctx: &Ctx) -> String {
    let list = match ctx.get("/clock").await {
        Ok(v) => v,
        Err(e) => return e,
    };
    let rows: Vec<Vec<String>> = items(&list)
        .iter()
        .map(|c| vec![cell(c, "mchid"), time(c.get("now_unix")), cell(c, "offset_secs")])
        .collect();
    let mut out = table(
        "Virtual clocks",
        &["Tenant", "Virtual now (Beijing)", "Offset (s)"],
        &rows,
        "No tenants.",
    );
    out.push_str("<div class=\"actions\">");
    for (secs, label) in [(60, "+1 minute"), (3_600, "+1 hour"), (86_400, "+1 day")] {
        let body = json!({ "mchid": ctx.mchid, "secs": secs });
        out.push_str(&ctx.form.button(
            label,
            &format!("Advance the clock of {} by {label}", ctx.mchid),
            "POST",
            "/clock/advance",
            Some(&body),
        ));
    }
    out.push_str("</div>");
    out
}

/// The Faults section: the rules with their hit counts.
pub(crate) async fn faults(ctx: &Ctx) -> String {
    let list = match ctx.get("/faults").await {
        Ok(v) => v,
        Err(e) => return e,
    };
    let rows: Vec<Vec<String>> = items(&list)
        .iter()
        .map(|r| {
            let id = text(r.get("id"));
            let target = match r.get("event_type").filter(|v| !v.is_null()) {
                Some(e) => format!("callbacks {}", esc(&text(Some(e)))),
                None => format!("{} <code>{}</code>", cell(r, "method"), cell(r, "path")),
            };
            vec![
                esc(&id),
                cell(r, "mchid"),
                target,
                format!("<code>{}</code>", cell(r, "effect")),
                cell(r, "probability"),
                cell(r, "seed"),
                format!(
                    "{} / {} (max {})",
                    cell(r, "hits"),
                    cell(r, "matched"),
                    cell(r, "max_hits")
                ),
                ctx.form.button(
                    "Remove",
                    &format!("Remove fault rule {id}"),
                    "DELETE",
                    &format!("/faults/{}", pct(&id)),
                    None,
                ),
            ]
        })
        .collect();
    table(
        "Fault rules",
        &["#", "Tenant", "Matches", "Effect", "Probability", "Seed", "Hits / matched", "Actions"],
        &rows,
        "No fault rules.",
    )
}
