//! The dashboard under `/mock/dashboard/`: the sandbox seen and driven in a browser, served by
//! the mock itself with its assets embedded in the binary.
//!
//! | route | what |
//! | --- | --- |
//! | `GET /mock/dashboard/` | every section on one page |
//! | `GET /mock/dashboard/{section}` | one section: `requests`, `sub-merchants`, `orders`, `money`, `callbacks`, `clock`, `faults` |
//! | `GET /mock/dashboard/requests/{id}` | one request: headers, bodies, the expected canonical message of a signature failure ([`detail`]) |
//! | `GET /mock/dashboard/payer?prepay_id=…` | the payer page of a payment ([`payer`]) |
//! | `POST /mock/dashboard/act` | an action form posted without JavaScript (see [`form`]) |
//! | `GET /mock/dashboard/assets/dashboard.{css,js}` | the embedded assets |
//!
//! Pages are rendered on the server from the admin API's own answers ([`admin_client`]), so
//! they read fine without JavaScript; `dashboard.js` then refreshes the live parts every 2 s
//! and makes each action a `fetch` to `/mock/admin/…`. Query parameters: `mchid` (the tenant
//! shown; the first by default) and `token` (the admin token, when one is set: the pages
//! need it like the admin API does, as `Authorization: Bearer` or in this parameter).

mod admin_client;
mod detail;
mod form;
mod html;
mod payer;
mod sections;

use axum::extract::{Multipart, Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use serde::Deserialize;
use serde_json::Value;

use self::admin_client::Admin;
use self::html::{esc, pct, FormContext};
use self::sections::Ctx;
use crate::state::MockState;

/// Where the dashboard is mounted.
pub(crate) const PREFIX: &str = "/mock/dashboard";

const CSS: &str = include_str!("../../assets/dashboard/dashboard.css");
const JS: &str = include_str!("../../assets/dashboard/dashboard.js");

/// Pages may load only the dashboard's own assets and talk only to the mock: no inline
/// script runs even if escaping were ever missed, and nothing is fetched from elsewhere.
const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; \
                   img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

/// The sections: URL slug and heading.
const SECTIONS: [(&str, &str); 7] = [
    ("requests", "Requests"),
    ("sub-merchants", "Sub-merchants"),
    ("orders", "Orders"),
    ("money", "Money"),
    ("callbacks", "Callbacks"),
    ("clock", "Clock"),
    ("faults", "Faults"),
];

/// The dashboard's routes, with full paths (merged beside the admin API in `app`).
pub(crate) fn routes() -> Router<MockState> {
    Router::new()
        .route(PREFIX, get(to_index))
        .route(&format!("{PREFIX}/"), get(index))
        .route(&format!("{PREFIX}/{{section}}"), get(one_section))
        .route(&format!("{PREFIX}/requests/{{id}}"), get(request_page))
        .route(&format!("{PREFIX}/payer"), get(payer_page))
        .route(&format!("{PREFIX}/act"), post(act))
        .route(&format!("{PREFIX}/assets/dashboard.css"), get(css))
        .route(&format!("{PREFIX}/assets/dashboard.js"), get(js))
        .route(&format!("{PREFIX}/favicon.ico"), get(favicon))
}

#[derive(Debug, Default, Deserialize)]
struct PageQuery {
    mchid: Option<String>,
    token: Option<String>,
    msg: Option<String>,
    /// The payer page's payment: a prepay id, or an `h5_url` / `code_url`.
    prepay_id: Option<String>,
}

impl PageQuery {
    /// The query string that keeps tenant and token across links.
    fn keep(&self) -> String {
        let mut parts = Vec::new();
        if let Some(m) = &self.mchid {
            parts.push(format!("mchid={}", pct(m)));
        }
        if let Some(t) = &self.token {
            parts.push(format!("token={}", pct(t)));
        }
        if parts.is_empty() {
            String::new()
        } else {
            format!("?{}", parts.join("&"))
        }
    }
}

/// The `Authorization` to call the admin API with: the request's own, else the `token`
/// parameter as a bearer token.
fn authorization(headers: &HeaderMap, token: Option<&str>) -> Option<HeaderValue> {
    headers.get(header::AUTHORIZATION).cloned().or_else(|| {
        token
            .filter(|t| !t.is_empty())
            .and_then(|t| HeaderValue::from_str(&format!("Bearer {t}")).ok())
    })
}

fn html_response(status: StatusCode, body: String) -> Response {
    (
        status,
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CONTENT_SECURITY_POLICY, CSP),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
            (header::CACHE_CONTROL, "no-store"),
            // The token may be in the URL: never send it on.
            (header::REFERRER_POLICY, "no-referrer"),
        ],
        body,
    )
        .into_response()
}

async fn to_index(Query(q): Query<PageQuery>) -> Redirect {
    Redirect::to(&format!("{PREFIX}/{}", q.keep()))
}

async fn index(
    State(state): State<MockState>,
    headers: HeaderMap,
    Query(q): Query<PageQuery>,
) -> Response {
    page(&state, &headers, &q, None).await
}

async fn one_section(
    State(state): State<MockState>,
    Path(section): Path<String>,
    headers: HeaderMap,
    Query(q): Query<PageQuery>,
) -> Response {
    match SECTIONS.iter().find(|(slug, _)| *slug == section) {
        Some(s) => page(&state, &headers, &q, Some(*s)).await,
        None => html_response(
            StatusCode::NOT_FOUND,
            document(
                "Not found",
                &format!(
                    "<main><h1>No dashboard page {}</h1><p><a href=\"{PREFIX}/{}\">Back to the dashboard</a></p></main>",
                    esc(&section),
                    esc(&q.keep())
                ),
            ),
        ),
    }
}

fn document(title: &str, body: &str) -> String {
    format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{} · wechatpay-mock dashboard</title>\
         <link rel=\"stylesheet\" href=\"{PREFIX}/assets/dashboard.css\">\
         <link rel=\"icon\" href=\"{PREFIX}/favicon.ico\">\
         <script src=\"{PREFIX}/assets/dashboard.js\" defer></script></head>\
         <body data-admin=\"{}\">{body}</body></html>",
        esc(title),
        crate::admin::PREFIX
    )
}

/// The page the admin API refused for want of the token: a form to give it.
fn token_page(q: &PageQuery, path: &str) -> Response {
    let mchid = q
        .mchid
        .as_ref()
        .map(|m| format!("<input type=\"hidden\" name=\"mchid\" value=\"{}\">", esc(m)))
        .unwrap_or_default();
    html_response(
        StatusCode::UNAUTHORIZED,
        document(
            "Admin token needed",
            &format!(
                "<main><h1>Admin token needed</h1><p>This mock has an admin token; the dashboard \
                 needs it like the admin API does.</p><form method=\"get\" action=\"{}\">{mchid}\
                 <label for=\"token\">Admin token</label> <input id=\"token\" name=\"token\" \
                 type=\"password\" autocomplete=\"off\" required> <button type=\"submit\">Open \
                 the dashboard</button></form></main>",
                esc(path)
            ),
        ),
    )
}

async fn page(
    state: &MockState,
    headers: &HeaderMap,
    q: &PageQuery,
    only: Option<(&str, &str)>,
) -> Response {
    let admin = Admin::new(state, authorization(headers, q.token.as_deref()));
    let here = match only {
        Some((slug, _)) => format!("{PREFIX}/{slug}"),
        None => format!("{PREFIX}/"),
    };
    let (mchid, tenants) = match resolve(&admin, q, &here).await {
        Ok(found) => found,
        Err(page) => return page,
    };
    let keep = q.keep();
    let ctx = Ctx {
        admin,
        mchid,
        form: FormContext { back: format!("{here}{keep}"), token: q.token.clone() },
        keep: keep.clone(),
    };

    let picker = tenant_picker(&tenants, &ctx.mchid, q, &here);
    let mut body = top(q, Some(only.map_or("", |(slug, _)| slug)), &picker, true);
    body.push_str("<main>");
    for (slug, title) in SECTIONS {
        if only.is_some_and(|(s, _)| s != slug) {
            continue;
        }
        let live = match slug {
            "requests" => sections::requests(&ctx).await,
            "sub-merchants" => sections::sub_merchants(&ctx, &tenants).await,
            "orders" => sections::orders(&ctx).await,
            "money" => sections::money(&ctx).await,
            "callbacks" => sections::callbacks(&ctx).await,
            "clock" => sections::clock(&ctx).await,
            _ => sections::faults(&ctx).await,
        };
        body.push_str(&format!(
            "<section id=\"{slug}\" aria-labelledby=\"h-{slug}\"><h2 id=\"h-{slug}\">{title}</h2>\
             <div class=\"live\" id=\"live-{slug}\">{live}</div>{}</section>",
            static_forms(&ctx, slug)
        ));
    }
    body.push_str("</main>");
    let title = only.map(|(_, t)| t).unwrap_or("All sections");
    html_response(StatusCode::OK, document(title, &body))
}

/// The top of every page: title, tenant line, the section links (`current`: the slug shown,
/// `""` for the index, `"payer"`, `None` for a request), the action status and, on pages with
/// live regions, the note the script turns into its pause button.
fn top(q: &PageQuery, current: Option<&str>, picker: &str, live: bool) -> String {
    let keep = q.keep();
    let mut body = String::from("<header><h1>wechatpay-mock dashboard</h1>");
    body.push_str(
        "<p class=\"note\">A local sandbox: every key and id here is TEST ONLY. Actions call \
         the admin API under <code>/mock/admin</code>.</p>",
    );
    body.push_str(picker);
    body.push_str("<nav aria-label=\"Dashboard sections\"><ul>");
    let mark = |slug: &str| if current == Some(slug) { " aria-current=\"page\"" } else { "" };
    body.push_str(&format!("<li><a href=\"{PREFIX}/{}\"{}>All</a></li>", esc(&keep), mark("")));
    for (slug, title) in SECTIONS {
        body.push_str(&format!(
            "<li><a href=\"{PREFIX}/{slug}{}\"{}>{title}</a></li>",
            esc(&keep),
            mark(slug)
        ));
    }
    body.push_str(&format!(
        "<li><a href=\"{PREFIX}/payer{}\"{}>Payer page</a></li>",
        esc(&keep),
        mark("payer")
    ));
    body.push_str("</ul></nav>");
    body.push_str(&format!(
        "<p id=\"status\" role=\"status\" aria-live=\"polite\">{}</p>",
        esc(q.msg.as_deref().unwrap_or_default())
    ));
    if live {
        body.push_str("<p id=\"live-note\" class=\"note\">Live updates need JavaScript; reload to see changes.</p>");
    }
    body.push_str("</header>");
    body
}

/// The tenant a page shows (the `mchid` parameter, else the first tenant) and the tenants
/// listing; `Err` is the page to answer instead (the token form).
async fn resolve(admin: &Admin, q: &PageQuery, here: &str) -> Result<(String, Value), Response> {
    let tenants = admin.call(Method::GET, "/tenants", None).await;
    if tenants.status == StatusCode::UNAUTHORIZED {
        return Err(token_page(q, here));
    }
    let first = tenants
        .json
        .as_array()
        .and_then(|a| a.first())
        .and_then(|t| t.get("mchid"))
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    Ok((q.mchid.clone().filter(|m| !m.is_empty()).unwrap_or(first), tenants.json))
}

/// One request of the journal, with its headers and bodies.
async fn request_page(
    State(state): State<MockState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    Query(q): Query<PageQuery>,
) -> Response {
    let admin = Admin::new(&state, authorization(&headers, q.token.as_deref()));
    let here = format!("{PREFIX}/requests/{}", pct(&id));
    let reply = admin.call(Method::GET, &format!("/journal/{}", pct(&id)), None).await;
    if reply.status == StatusCode::UNAUTHORIZED {
        return token_page(&q, &here);
    }
    let back = format!("{PREFIX}/requests{}", q.keep());
    let mut body = top(&q, None, "", false);
    let status = if reply.status.is_success() {
        body.push_str(&format!(
            "<main aria-labelledby=\"h-summary\">{}</main>",
            detail::render(&reply.json, &back)
        ));
        StatusCode::OK
    } else {
        body.push_str(&format!(
            "<main><h2>No request {}</h2><p>{}</p><p><a href=\"{}\">Back to all requests</a></p></main>",
            esc(&id),
            esc(&reply.summary()),
            esc(&back)
        ));
        reply.status
    };
    html_response(status, document(&format!("Request {id}"), &body))
}

/// The payer page: a payment's amount and the payer's buttons.
async fn payer_page(
    State(state): State<MockState>,
    headers: HeaderMap,
    Query(q): Query<PageQuery>,
) -> Response {
    let admin = Admin::new(&state, authorization(&headers, q.token.as_deref()));
    let here = format!("{PREFIX}/payer");
    let mchid = match resolve(&admin, &q, &here).await {
        Ok((m, _)) => m,
        Err(page) => return page,
    };
    let given = q.prepay_id.clone().unwrap_or_default();
    let mut ctx = Ctx {
        admin,
        mchid,
        form: FormContext { back: String::new(), token: q.token.clone() },
        keep: q.keep(),
    };
    let mut body = top(&q, Some("payer"), "", !given.is_empty());
    body.push_str(
        "<main aria-labelledby=\"h-payer\"><h2 id=\"h-payer\">Pay with WeChat (the payer's side)</h2>\
         <p class=\"note\">This page stands in for the payer's phone: open it with the \
         <code>prepay_id</code> your back end got (JSAPI, APP) or the <code>h5_url</code> / \
         <code>code_url</code> (H5, Native). Each button is one admin API call.</p>",
    );
    if given.is_empty() {
        body.push_str(&payer::ask(&ctx, ""));
    } else {
        // Come back here after a form post, by prepay id (a URL in `_back` is refused).
        let mut back = format!("{here}?{}", payer::order_query(&given));
        if given.contains("://") {
            let path =
                format!("/payments/order?mchid={}&{}", pct(&ctx.mchid), payer::order_query(&given));
            let reply = ctx.admin.call(Method::GET, &path, None).await;
            back = format!("{here}?prepay_id={}", pct(&html::text(reply.json.get("prepay_id"))));
        }
        back.push_str(&format!("&mchid={}", pct(&ctx.mchid)));
        if let Some(t) = &q.token {
            back.push_str(&format!("&token={}", pct(t)));
        }
        ctx.form.back = back;
        match payer::render(&ctx, &given).await {
            // Live: the state follows the payment (also when a test pays it elsewhere).
            Ok(html) => {
                body.push_str(&format!("<div class=\"live\" id=\"live-payer\">{html}</div>"))
            }
            Err(html) => {
                body.push_str(&html);
                body.push_str(&payer::ask(&ctx, &given));
            }
        }
    }
    body.push_str("</main>");
    html_response(StatusCode::OK, document("Payer", &body))
}

fn tenant_picker(tenants: &Value, mchid: &str, q: &PageQuery, here: &str) -> String {
    let list = tenants.as_array().cloned().unwrap_or_default();
    if list.len() < 2 {
        return format!("<p>Tenant (platform merchant): <strong>{}</strong></p>", esc(mchid));
    }
    let options: String = list
        .iter()
        .filter_map(|t| t.get("mchid").and_then(Value::as_str))
        .map(|m| {
            let sel = if m == mchid { " selected" } else { "" };
            format!("<option value=\"{0}\"{sel}>{0}</option>", esc(m))
        })
        .collect();
    let token = q
        .token
        .as_ref()
        .map(|t| format!("<input type=\"hidden\" name=\"token\" value=\"{}\">", esc(t)))
        .unwrap_or_default();
    format!(
        "<form method=\"get\" action=\"{}\" class=\"picker\">{token}<label for=\"mchid\">Tenant \
         (platform merchant)</label> <select id=\"mchid\" name=\"mchid\">{options}</select> \
         <button type=\"submit\">Show</button></form>",
        esc(here)
    )
}

/// Forms with inputs, outside the live region so a refresh never wipes what is typed.
fn static_forms(ctx: &Ctx, slug: &str) -> String {
    let f = &ctx.form;
    let m = esc(&ctx.mchid);
    match slug {
        "sub-merchants" => format!(
            "<h3>Reject or freeze with reasons</h3>{}<input type=\"hidden\" name=\"mchid\" value=\"{m}\">\
             <label for=\"rej-id\">Applyment id</label> <input id=\"rej-id\" name=\"applyment_id\" required> \
             <label for=\"rej-param\">Field</label> <input id=\"rej-param\" name=\"audit_detail[].param_name\" \
             placeholder=\"id_card_copy\" required> <label for=\"rej-reason\">Reason</label> \
             <input id=\"rej-reason\" name=\"audit_detail[].reject_reason\" size=\"40\" \
             placeholder=\"身份证照片不清晰\" required> \
             <button type=\"submit\" name=\"action\" value=\"reject\">Reject</button> \
             <button type=\"submit\" name=\"action\" value=\"freeze\">Freeze</button></form>",
            f.open("POST", "/applyments/{applyment_id}/{action}", None, "block"),
        ),
        "money" => format!(
            "<h3>Move a withdrawal</h3>{}<input type=\"hidden\" name=\"mchid\" value=\"{m}\">\
             <label for=\"wd-id\">Withdraw id</label> <input id=\"wd-id\" name=\"withdraw_id\" required> \
             <button type=\"submit\" name=\"event\" value=\"success\">Complete</button> \
             <button type=\"submit\" name=\"event\" value=\"fail\">Fail</button> \
             <button type=\"submit\" name=\"event\" value=\"refund\">Bounce</button> \
             <button type=\"submit\" name=\"event\" value=\"close\">Close</button></form>\
             <h3>Deposit for a test</h3>{}<input type=\"hidden\" name=\"mchid\" value=\"{m}\">\
             <label for=\"dep-account\">Account</label> <input id=\"dep-account\" name=\"account\" \
             placeholder=\"1900000109:AVAILABLE\" required> <label for=\"dep-amount\">Amount (fen)</label> \
             <input id=\"dep-amount\" name=\"num.amount_fen\" type=\"number\" min=\"1\" required> \
             <label for=\"dep-memo\">Memo</label> <input id=\"dep-memo\" name=\"memo\"> \
             <button type=\"submit\">Deposit</button></form>",
            f.open("POST", "/withdrawals/{withdraw_id}/{event}", None, "block"),
            f.open("POST", "/ledger/deposit", None, "block"),
        ),
        "clock" => format!(
            "<h3>Advance the clock</h3>{}<input type=\"hidden\" name=\"mchid\" value=\"{m}\">\
             <label for=\"clock-secs\">Seconds</label> <input id=\"clock-secs\" name=\"num.secs\" \
             type=\"number\" min=\"1\" required> <button type=\"submit\">Advance</button></form>",
            f.open("POST", "/clock/advance", None, "block")
        ),
        "faults" => format!(
            "<h3>Add a fault rule</h3>{}<label for=\"fault-rule\">Rule (JSON, see docs/mock-server.md)</label>\
             <textarea id=\"fault-rule\" name=\"_body\" rows=\"4\" cols=\"80\" required>\
             {{\"path\": \"/v3/**\", \"probability\": 1, \"max_hits\": 1, \"effect\": {{\"type\": \"error\", \"status\": 500, \"code\": \"SYSTEM_ERROR\", \"message\": \"系统错误\"}}}}\
             </textarea> <button type=\"submit\">Add rule</button></form>{}",
            f.open("POST", "/faults", None, "block"),
            f.button("Remove all rules", "Remove all fault rules", "DELETE", "/faults", None)
        ),
        _ => String::new(),
    }
}

/// A form posted without JavaScript: the same admin call the script would make, then back to
/// the page with the outcome.
async fn act(State(state): State<MockState>, headers: HeaderMap, multipart: Multipart) -> Response {
    if !same_origin(&headers) {
        return (
            StatusCode::FORBIDDEN,
            "dashboard actions are only taken from the dashboard's own pages",
        )
            .into_response();
    }
    let fields = match read_fields(multipart).await {
        Ok(f) => f,
        Err(e) => return (StatusCode::BAD_REQUEST, e).into_response(),
    };
    let call = match form::to_call(fields) {
        Ok(c) => c,
        Err(e) => return (StatusCode::BAD_REQUEST, e.to_string()).into_response(),
    };
    let admin = Admin::new(&state, authorization(&headers, call.token.as_deref()));
    let reply = admin.call(call.method.clone(), &call.path, call.body.as_ref()).await;
    let msg = format!(
        "{} /mock/admin{}: {} {}",
        call.method,
        call.path,
        reply.status.as_u16(),
        if reply.status.is_success() { String::new() } else { reply.summary() }
    );
    let back = call.back.filter(|b| b.starts_with(&format!("{PREFIX}/")) && !b.contains("//"));
    let back = back.unwrap_or_else(|| format!("{PREFIX}/"));
    let sep = if back.contains('?') { '&' } else { '?' };
    Redirect::to(&format!("{back}{sep}msg={}", pct(msg.trim_end()))).into_response()
}

/// Form posts are "simple" cross-site requests: refuse one another site's page sends
/// (browsers send `Origin` on POSTs, and `Sec-Fetch-Site`).
fn same_origin(headers: &HeaderMap) -> bool {
    let value = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    if let Some(site) = value("sec-fetch-site") {
        if site != "same-origin" && site != "none" {
            return false;
        }
    }
    match (value("origin"), value("host")) {
        (Some(origin), Some(host)) => {
            origin.split_once("://").is_some_and(|(_, rest)| rest.trim_end_matches('/') == host)
        }
        (Some(_), None) => false,
        (None, _) => true,
    }
}

async fn read_fields(mut multipart: Multipart) -> Result<Vec<(String, String)>, String> {
    let mut out = Vec::new();
    loop {
        match multipart.next_field().await {
            Ok(Some(field)) => {
                let name = field.name().unwrap_or_default().to_owned();
                let value = field.text().await.map_err(|e| e.to_string())?;
                out.push((name, value));
            }
            Ok(None) => return Ok(out),
            Err(e) => return Err(e.to_string()),
        }
    }
}

/// No icon: an empty answer, so browsers do not ask the API's `/favicon.ico` (which the
/// journal would record as a 404).
async fn favicon() -> StatusCode {
    StatusCode::NO_CONTENT
}

async fn css() -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "text/css; charset=utf-8"), (header::CACHE_CONTROL, "no-cache")], CSS)
}

async fn js() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        JS,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    // Proves the form-post origin check accepts the dashboard's own pages and direct posts,
    // and refuses another site's.
    #[test]
    fn origin_check() {
        let h = |pairs: &[(&'static str, &'static str)]| {
            let mut m = HeaderMap::new();
            for (k, v) in pairs {
                m.insert(*k, HeaderValue::from_static(v));
            }
            m
        };
        assert!(same_origin(&h(&[
            ("host", "127.0.0.1:9966"),
            ("origin", "http://127.0.0.1:9966")
        ])));
        assert!(same_origin(&h(&[("host", "127.0.0.1:9966")])));
        assert!(!same_origin(&h(&[("host", "127.0.0.1:9966"), ("origin", "http://evil.example")])));
        assert!(!same_origin(&h(&[("host", "127.0.0.1:9966"), ("sec-fetch-site", "cross-site")])));
        assert!(!same_origin(&h(&[("origin", "null")])));
    }
}
