//! The payer page (`/mock/dashboard/payer?prepay_id=…`): what a front-end developer opens
//! in place of the WeChat app to "confirm" a JSAPI / APP / H5 / Native payment. It reads the
//! order from `GET /mock/admin/payments/order` and its buttons are the payer's admin calls
//! (`pay`, `fail`, `user-paying`).

use std::fmt::Write as _;

use axum::http::Method;
use serde_json::{json, Value};

use super::html::{cell, esc, fen, pct, text, time};
use super::sections::Ctx;

/// Which order the page is for: a `prepay_id`, or an `h5_url` / `code_url` of this mock.
pub(crate) fn order_query(given: &str) -> String {
    if given.contains("://") {
        format!("url={}", pct(given))
    } else {
        format!("prepay_id={}", pct(given))
    }
}

/// The form that asks for a prepay id (or payment link).
pub(crate) fn ask(ctx: &Ctx, given: &str) -> String {
    let mut hidden =
        format!("<input type=\"hidden\" name=\"mchid\" value=\"{}\">", esc(&ctx.mchid));
    if let Some(t) = &ctx.form.token {
        let _ = write!(hidden, "<input type=\"hidden\" name=\"token\" value=\"{}\">", esc(t));
    }
    format!(
        "<form method=\"get\" action=\"{}/payer\" class=\"block\">{hidden}\
         <label for=\"prepay\">prepay_id, <code>h5_url</code> or <code>code_url</code></label> \
         <input id=\"prepay\" name=\"prepay_id\" size=\"60\" value=\"{}\" required> \
         <button type=\"submit\">Open the payment</button></form>",
        super::PREFIX,
        esc(given)
    )
}

/// The payment and the payer's buttons (`given` is what the page was opened with), or why
/// there is none (`Err`).
pub(crate) async fn render(ctx: &Ctx, given: &str) -> Result<String, String> {
    let path = format!("/payments/order?mchid={}&{}", pct(&ctx.mchid), order_query(given));
    let reply = ctx.admin.call(Method::GET, &path, None).await;
    if !reply.status.is_success() {
        return Err(format!(
            "<p class=\"error\" role=\"alert\">No payment found for <code>{}</code> \
             (the admin API answered {}: {}).</p>",
            esc(given),
            reply.status.as_u16(),
            esc(&reply.summary()),
        ));
    }
    let p = reply.json;
    let order = p.get("order").cloned().unwrap_or(Value::Null);
    let name = text(order.get("out_trade_no").or_else(|| order.get("combine_out_trade_no")));
    let state = text(p.get("trade_state"));
    let mut out = format!(
        "<div class=\"payer\"><p class=\"amount\">¥ {}</p><dl>\
         <dt>Order</dt><dd><code>{}</code></dd><dt>Merchant</dt><dd>{}</dd>\
         <dt>Channel</dt><dd>{}</dd><dt>State</dt><dd><strong>{}</strong> {}</dd>\
         <dt>Pay before</dt><dd>{}</dd><dt>prepay_id</dt><dd><code>{}</code></dd></dl>",
        fen(p.get("total_fen")),
        esc(&name),
        esc(&text(order.get("sub_mchid").or_else(|| order.get("combine_mchid")))),
        cell(&p, "channel"),
        esc(&state),
        cell(&p, "trade_state_desc"),
        time(p.get("time_expire_unix")),
        cell(&p, "prepay_id")
    );
    if matches!(state.as_str(), "NOTPAY" | "USERPAYING" | "PAYERROR") {
        let body = json!({ "mchid": ctx.mchid, "prepay_id": text(p.get("prepay_id")) });
        out.push_str("<div class=\"actions\">");
        for (verb, label) in [
            ("pay", "Confirm payment"),
            ("user-paying", "Entering the password…"),
            ("fail", "Payment fails"),
        ] {
            out.push_str(&ctx.form.button(
                label,
                &format!("{label}: order {name}"),
                "POST",
                &format!("/payments/{verb}"),
                Some(&body),
            ));
        }
        out.push_str("</div>");
    } else {
        out.push_str("<p>Nothing to pay: the order is no longer waiting for the payer.</p>");
    }
    out.push_str("</div>");
    Ok(out)
}
