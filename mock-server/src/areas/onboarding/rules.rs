//! What WeChat Pay checks in a submitted application once it is decrypted: the members each
//! subject type must send, lengths, and the formats of ID numbers (with their check digit),
//! phone numbers, e-mail addresses, licence numbers, bank codes and validity periods. A
//! failure is `400 PARAM_ERROR` naming the member by JSON pointer.
//!
//! Also here: the MediaIDs an application refers to ([`media_references`], checked against
//! the tenant's uploads by the applyment area) and the [`Facts`] the state machine keeps.

use wechatpay_crypto::digest::sha256_hex;
use wechatpay_models::applyment::{
    ApplymentAccountInfo, BankAccountType, BusinessLicenseInfo, ContactInfo, ContactType,
    IdCardInfo, IdDocInfo, IdDocType, IdHolderType, OrganizationType, SalesSceneInfo,
    SubmitApplymentRequest, UboInfo,
};
use wechatpay_models::formats::{
    business_time_problem, is_digits, is_email, is_licence_number, is_mainland_id_number,
    media_id_list, period_end_problem,
};
use wechatpay_models::settlement::ModifySettlementRequest;
use wechatpay_models::Date;

use super::machine::{AccountFacts, Facts};
use crate::error::{ApiError, Location};

/// The bank name that needs a branch (`bank_branch_id` or `bank_name`).
pub(crate) const OTHER_BANK: &str = "其他银行";
/// Most MediaIDs in `qualifications` / `business_addition_pics`.
const MAX_EXTRA_PICTURES: usize = 5;
/// Most beneficial owners one application lists (the mock's own limit).
const MAX_OWNERS: usize = 20;

type Checked = Result<(), ApiError>;

/// How a subject type is treated.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Subject {
    /// 2401 小微商户, 2500 个人卖家.
    Person,
    /// 4 个体工商户.
    IndividualBusiness,
    /// 2 企业.
    Enterprise,
    /// 3 事业单位, 2502 政府机关, 1708 社会组织.
    Institution,
}

/// The treatment of `t`, `None` for a code WeChat Pay does not know.
pub(crate) fn subject(t: &OrganizationType) -> Option<Subject> {
    match t {
        OrganizationType::MicroMerchant | OrganizationType::IndividualSeller => {
            Some(Subject::Person)
        }
        OrganizationType::IndividualBusiness => Some(Subject::IndividualBusiness),
        OrganizationType::Enterprise => Some(Subject::Enterprise),
        OrganizationType::PublicInstitution
        | OrganizationType::GovernmentAgency
        | OrganizationType::SocialOrganization => Some(Subject::Institution),
        OrganizationType::Unknown(_) => None,
    }
}

fn bad(field: impl Into<String>, issue: impl Into<String>) -> ApiError {
    ApiError::param_error(field, Location::Body, issue)
}

fn required<'a, T>(value: Option<&'a T>, field: &str, why: &str) -> Result<&'a T, ApiError> {
    value.ok_or_else(|| bad(field, format!("is required {why}")))
}

fn text(value: &str, field: &str, max: usize) -> Checked {
    if value.trim().is_empty() {
        return Err(bad(field, "must not be empty"));
    }
    let len = value.chars().count();
    if len > max {
        return Err(bad(field, format!("is {len} characters; at most {max}")));
    }
    Ok(())
}

fn id_number(value: &str, field: &str) -> Checked {
    if is_mainland_id_number(value) {
        Ok(())
    } else {
        Err(bad(field, "is not an 18-character mainland ID number with a valid check digit"))
    }
}

fn period_end(begin: Date, end: &str, field: &str) -> Checked {
    period_end_problem(begin, end).map_or(Ok(()), |issue| Err(bad(field, issue)))
}

fn business_time(text: &str, field: &str) -> Checked {
    business_time_problem(text).map_or(Ok(()), |issue| Err(bad(field, issue)))
}

fn is_passport(t: &IdDocType) -> bool {
    *t == IdDocType::OverseaPassport
}

/// Checks a decrypted application the way WeChat Pay does before accepting it.
///
/// # Errors
/// `400 PARAM_ERROR` naming the first offending member.
pub(crate) fn check(r: &SubmitApplymentRequest) -> Checked {
    let code = r.organization_type.as_str();
    let kind = subject(&r.organization_type).ok_or_else(|| {
        bad(
            "/organization_type",
            format!("`{code}` is not a subject type (2401, 2500, 4, 2, 3, 2502, 1708)"),
        )
    })?;
    if r.out_request_no.is_empty()
        || r.out_request_no.len() > 124
        || !r.out_request_no.bytes().all(|b| b.is_ascii_graphic())
    {
        return Err(bad("/out_request_no", "must be 1 to 124 visible ASCII characters"));
    }
    text(&r.merchant_shortname, "/merchant_shortname", 64)?;
    if r.merchant_shortname.len() > 64 {
        return Err(bad("/merchant_shortname", "is longer than 64 bytes of UTF-8"));
    }
    if kind != Subject::Person {
        let why = format!("for organization_type {code}");
        let licence = required(r.business_license_info.as_ref(), "/business_license_info", &why)?;
        business_licence(licence, kind, &why)?;
    }
    if r.finance_institution == Some(true) {
        let info = required(
            r.finance_institution_info.as_ref(),
            "/finance_institution_info",
            "when finance_institution is true",
        )?;
        if info.finance_license_pics.is_empty()
            || info.finance_license_pics.len() > MAX_EXTRA_PICTURES
        {
            return Err(bad(
                "/finance_institution_info/finance_license_pics",
                "must list 1 to 5 MediaIDs",
            ));
        }
    }
    identity(r, kind, code)?;
    if kind == Subject::Enterprise {
        let owner = *required(r.owner.as_ref(), "/owner", "for organization_type 2")?;
        if !owner {
            let owners =
                required(r.ubo_info_list.as_ref(), "/ubo_info_list", "when owner is false")?;
            if owners.is_empty() || owners.len() > MAX_OWNERS {
                return Err(bad(
                    "/ubo_info_list",
                    format!("must list 1 to {MAX_OWNERS} beneficial owners when owner is false"),
                ));
            }
            for (i, ubo) in owners.iter().enumerate() {
                beneficial_owner(ubo, &format!("/ubo_info_list/{i}"))?;
            }
        }
    }
    account(&r.account_info, kind, code)?;
    contact(&r.contact_info, kind, code)?;
    store(&r.sales_scene_info)?;
    if r.organization_type == OrganizationType::IndividualSeller {
        let desc = required(
            r.business_addition_desc.as_ref(),
            "/business_addition_desc",
            "for organization_type 2500",
        )?;
        text(desc, "/business_addition_desc", 512)?;
    }
    for (value, field) in [
        (&r.qualifications, "/qualifications"),
        (&r.business_addition_pics, "/business_addition_pics"),
    ] {
        if let Some(list) = value {
            if media_id_list(list).len() > MAX_EXTRA_PICTURES {
                return Err(bad(field, format!("lists more than {MAX_EXTRA_PICTURES} MediaIDs")));
            }
        }
    }
    if let Some(rule) = r.settlement_info.as_ref().and_then(|s| s.qualification_type.as_ref()) {
        text(rule, "/settlement_info/qualification_type", 200)?;
    }
    Ok(())
}

fn business_licence(l: &BusinessLicenseInfo, kind: Subject, why: &str) -> Checked {
    const AT: &str = "/business_license_info";
    if !is_licence_number(&l.business_license_number) {
        return Err(bad(
            format!("{AT}/business_license_number"),
            "is not a 15-digit registration number or an 18-character unified social credit code",
        ));
    }
    text(&l.merchant_name, &format!("{AT}/merchant_name"), 128)?;
    text(&l.legal_person, &format!("{AT}/legal_person"), 128)?;
    if kind == Subject::Institution {
        let cert = required(l.cert_type.as_ref(), &format!("{AT}/cert_type"), why)?;
        if cert.is_unknown() {
            return Err(bad(
                format!("{AT}/cert_type"),
                format!("`{cert}` is not a certificate type"),
            ));
        }
        let address = required(l.company_address.as_ref(), &format!("{AT}/company_address"), why)?;
        text(address, &format!("{AT}/company_address"), 128)?;
        let period = required(l.business_time.as_ref(), &format!("{AT}/business_time"), why)?;
        business_time(period, &format!("{AT}/business_time"))?;
    }
    Ok(())
}

fn identity(r: &SubmitApplymentRequest, kind: Subject, code: &str) -> Checked {
    if let Some(holder) = &r.id_holder_type {
        if !matches!(
            r.organization_type,
            OrganizationType::PublicInstitution | OrganizationType::GovernmentAgency
        ) {
            return Err(bad("/id_holder_type", "is only for organization_type 3 and 2502"));
        }
        if *holder == IdHolderType::Super {
            required(
                r.authorize_letter_copy.as_ref(),
                "/authorize_letter_copy",
                "when id_holder_type is SUPER",
            )?;
        }
    }
    let needs_address = kind == Subject::Enterprise;
    match r.id_doc_type.as_ref().filter(|t| **t != IdDocType::MainlandIdcard) {
        None => {
            let card = required(
                r.id_card_info.as_ref(),
                "/id_card_info",
                &format!("for organization_type {code} with a mainland ID card"),
            )?;
            id_card(card, needs_address)
        }
        Some(doc_type) => {
            if doc_type.is_unknown() {
                return Err(bad("/id_doc_type", format!("`{doc_type}` is not a document type")));
            }
            let doc = required(
                r.id_doc_info.as_ref(),
                "/id_doc_info",
                &format!("when id_doc_type is {doc_type}"),
            )?;
            id_doc(doc, doc_type, needs_address)
        }
    }
}

fn id_card(c: &IdCardInfo, needs_address: bool) -> Checked {
    const AT: &str = "/id_card_info";
    text(&c.id_card_name, &format!("{AT}/id_card_name"), 128)?;
    id_number(&c.id_card_number, &format!("{AT}/id_card_number"))?;
    if needs_address {
        let address = required(
            c.id_card_address.as_ref(),
            &format!("{AT}/id_card_address"),
            "for organization_type 2",
        )?;
        text(address, &format!("{AT}/id_card_address"), 128)?;
    }
    period_end(
        c.id_card_valid_time_begin,
        &c.id_card_valid_time,
        &format!("{AT}/id_card_valid_time"),
    )
}

fn id_doc(d: &IdDocInfo, doc_type: &IdDocType, needs_address: bool) -> Checked {
    const AT: &str = "/id_doc_info";
    if !is_passport(doc_type) {
        required(
            d.id_doc_copy_back.as_ref(),
            &format!("{AT}/id_doc_copy_back"),
            "for documents other than passports",
        )?;
    }
    text(&d.id_doc_name, &format!("{AT}/id_doc_name"), 128)?;
    text(&d.id_doc_number, &format!("{AT}/id_doc_number"), 64)?;
    if needs_address {
        let address = required(
            d.id_doc_address.as_ref(),
            &format!("{AT}/id_doc_address"),
            "for organization_type 2",
        )?;
        text(address, &format!("{AT}/id_doc_address"), 128)?;
    }
    period_end(d.doc_period_begin, &d.doc_period_end, &format!("{AT}/doc_period_end"))
}

fn beneficial_owner(u: &UboInfo, at: &str) -> Checked {
    if u.ubo_id_doc_type.is_unknown() {
        return Err(bad(
            format!("{at}/ubo_id_doc_type"),
            format!("`{}` is not a document type", u.ubo_id_doc_type),
        ));
    }
    if !is_passport(&u.ubo_id_doc_type) {
        required(
            u.ubo_id_doc_copy_back.as_ref(),
            &format!("{at}/ubo_id_doc_copy_back"),
            "for documents other than passports",
        )?;
    }
    text(&u.ubo_id_doc_name, &format!("{at}/ubo_id_doc_name"), 128)?;
    if u.ubo_id_doc_type == IdDocType::MainlandIdcard {
        id_number(&u.ubo_id_doc_number, &format!("{at}/ubo_id_doc_number"))?;
    }
    text(&u.ubo_id_doc_number, &format!("{at}/ubo_id_doc_number"), 64)?;
    period_end(
        u.ubo_id_doc_period_begin,
        &u.ubo_id_doc_period_end,
        &format!("{at}/ubo_id_doc_period_end"),
    )
}

fn account(a: &ApplymentAccountInfo, kind: Subject, code: &str) -> Checked {
    const AT: &str = "/account_info";
    let allowed: &[BankAccountType] = match kind {
        Subject::Person => &[BankAccountType::Personal],
        Subject::IndividualBusiness => &[BankAccountType::Corporate, BankAccountType::Personal],
        Subject::Enterprise | Subject::Institution => &[BankAccountType::Corporate],
    };
    if !allowed.contains(&a.bank_account_type) {
        return Err(bad(
            format!("{AT}/bank_account_type"),
            format!("`{}` is not allowed for organization_type {code}", a.bank_account_type),
        ));
    }
    text(&a.account_bank, &format!("{AT}/account_bank"), 10)?;
    text(&a.account_name, &format!("{AT}/account_name"), 128)?;
    if !is_digits(&a.bank_address_code, 1, 12) {
        return Err(bad(
            format!("{AT}/bank_address_code"),
            "must be a province/city code of 1 to 12 digits",
        ));
    }
    if !is_digits(&a.account_number, 1, 64) {
        return Err(bad(
            format!("{AT}/account_number"),
            "must be a bank account number, digits only",
        ));
    }
    if a.account_bank == OTHER_BANK && a.bank_branch_id.is_none() && a.bank_name.is_none() {
        return Err(bad(
            format!("{AT}/bank_name"),
            "bank_branch_id or bank_name is required when account_bank is 其他银行",
        ));
    }
    Ok(())
}

fn contact(c: &ContactInfo, kind: Subject, code: &str) -> Checked {
    const AT: &str = "/contact_info";
    match &c.contact_type {
        ContactType::Legal => {}
        ContactType::Super if kind == Subject::Person => {
            return Err(bad(
                format!("{AT}/contact_type"),
                format!("organization_type {code} takes only 65"),
            ))
        }
        ContactType::Super => {
            let why = "when contact_type is 66";
            let doc_type = c.contact_id_doc_type.clone().unwrap_or(IdDocType::MainlandIdcard);
            let number = required(
                c.contact_id_card_number.as_ref(),
                &format!("{AT}/contact_id_card_number"),
                why,
            )?;
            if doc_type == IdDocType::MainlandIdcard {
                id_number(number, &format!("{AT}/contact_id_card_number"))?;
            }
            required(c.contact_id_doc_copy.as_ref(), &format!("{AT}/contact_id_doc_copy"), why)?;
            if !is_passport(&doc_type) {
                required(
                    c.contact_id_doc_copy_back.as_ref(),
                    &format!("{AT}/contact_id_doc_copy_back"),
                    why,
                )?;
            }
            let begin = *required(
                c.contact_id_doc_period_begin.as_ref(),
                &format!("{AT}/contact_id_doc_period_begin"),
                why,
            )?;
            let end = required(
                c.contact_id_doc_period_end.as_ref(),
                &format!("{AT}/contact_id_doc_period_end"),
                why,
            )?;
            period_end(begin, end, &format!("{AT}/contact_id_doc_period_end"))?;
            required(
                c.business_authorization_letter.as_ref(),
                &format!("{AT}/business_authorization_letter"),
                why,
            )?;
        }
        ContactType::Unknown(value) => {
            return Err(bad(format!("{AT}/contact_type"), format!("`{value}` is not 65 or 66")))
        }
    }
    text(&c.contact_name, &format!("{AT}/contact_name"), 128)?;
    if !(c.mobile_phone.len() == 11
        && c.mobile_phone.starts_with('1')
        && is_digits(&c.mobile_phone, 11, 11))
    {
        return Err(bad(format!("{AT}/mobile_phone"), "is not an 11-digit mainland mobile number"));
    }
    if !is_email(&c.contact_email) {
        return Err(bad(format!("{AT}/contact_email"), "is not an e-mail address"));
    }
    Ok(())
}

fn store(s: &SalesSceneInfo) -> Checked {
    const AT: &str = "/sales_scene_info";
    text(&s.store_name, &format!("{AT}/store_name"), 256)?;
    if s.store_url.is_none() && s.store_qr_code.is_none() {
        return Err(bad(format!("{AT}/store_url"), "store_url or store_qr_code is required"));
    }
    if let Some(url) = &s.store_url {
        text(url, &format!("{AT}/store_url"), 1024)?;
        if !(url.starts_with("http://") || url.starts_with("https://")) {
            return Err(bad(format!("{AT}/store_url"), "must be an http:// or https:// URL"));
        }
    }
    Ok(())
}

/// Every MediaID member of an application with its JSON pointer, in document order.
pub(crate) fn media_references(r: &SubmitApplymentRequest) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    let mut add = |pointer: String, id: Option<&String>| {
        if let Some(id) = id {
            out.push((pointer, id.clone()));
        }
    };
    if let Some(l) = &r.business_license_info {
        add("/business_license_info/business_license_copy".into(), Some(&l.business_license_copy));
    }
    if let Some(f) = &r.finance_institution_info {
        for (i, pic) in f.finance_license_pics.iter().enumerate() {
            add(format!("/finance_institution_info/finance_license_pics/{i}"), Some(pic));
        }
    }
    add("/authorize_letter_copy".into(), r.authorize_letter_copy.as_ref());
    if let Some(c) = &r.id_card_info {
        add("/id_card_info/id_card_copy".into(), Some(&c.id_card_copy));
        add("/id_card_info/id_card_national".into(), Some(&c.id_card_national));
    }
    if let Some(d) = &r.id_doc_info {
        add("/id_doc_info/id_doc_copy".into(), Some(&d.id_doc_copy));
        add("/id_doc_info/id_doc_copy_back".into(), d.id_doc_copy_back.as_ref());
    }
    for (i, u) in r.ubo_info_list.iter().flatten().enumerate() {
        add(format!("/ubo_info_list/{i}/ubo_id_doc_copy"), Some(&u.ubo_id_doc_copy));
        add(format!("/ubo_info_list/{i}/ubo_id_doc_copy_back"), u.ubo_id_doc_copy_back.as_ref());
    }
    if let Some(cert) = &r.account_info.account_cert_info {
        add(
            "/account_info/account_cert_info/settlement_cert_pic".into(),
            Some(&cert.settlement_cert_pic),
        );
        add(
            "/account_info/account_cert_info/relation_cert_pic".into(),
            Some(&cert.relation_cert_pic),
        );
        for (i, pic) in cert.other_cert_pics.iter().enumerate() {
            add(format!("/account_info/account_cert_info/other_cert_pics/{i}"), Some(pic));
        }
    }
    let c = &r.contact_info;
    add("/contact_info/contact_id_doc_copy".into(), c.contact_id_doc_copy.as_ref());
    add("/contact_info/contact_id_doc_copy_back".into(), c.contact_id_doc_copy_back.as_ref());
    add(
        "/contact_info/business_authorization_letter".into(),
        c.business_authorization_letter.as_ref(),
    );
    add("/sales_scene_info/store_qr_code".into(), r.sales_scene_info.store_qr_code.as_ref());
    for (list, field) in [
        (&r.qualifications, "/qualifications"),
        (&r.business_addition_pics, "/business_addition_pics"),
    ] {
        for id in list.as_deref().map(media_id_list).unwrap_or_default() {
            add(field.to_owned(), Some(&id));
        }
    }
    out
}

/// What the mock keeps of a decrypted application.
pub(crate) fn facts(r: &SubmitApplymentRequest) -> Facts {
    // Serialising a model of strings cannot fail; an empty fingerprint would only make two
    // different applications look equal, never panic.
    let fingerprint = serde_json::to_vec(r).map(|bytes| sha256_hex(&bytes)).unwrap_or_default();
    let (holder_name, holder_number) = match (&r.id_card_info, &r.id_doc_info) {
        (Some(card), _) => (card.id_card_name.clone(), card.id_card_number.clone()),
        (None, Some(doc)) => (doc.id_doc_name.clone(), doc.id_doc_number.clone()),
        (None, None) => (String::new(), String::new()),
    };
    let licence = r.business_license_info.as_ref();
    Facts {
        fingerprint,
        organization_type: r.organization_type.clone(),
        contact_type: r.contact_info.contact_type.clone(),
        subject_name: licence.map_or_else(|| holder_name.clone(), |l| l.merchant_name.clone()),
        legal_person: licence.map_or_else(|| holder_name.clone(), |l| l.legal_person.clone()),
        admin_name: r.contact_info.contact_name.clone(),
        admin_id_number: r
            .contact_info
            .contact_id_card_number
            .clone()
            .unwrap_or(holder_number)
            .to_ascii_uppercase(),
        licence_number: licence.map(|l| l.business_license_number.clone()),
        account: AccountFacts {
            bank_account_type: r.account_info.bank_account_type.clone(),
            account_bank: r.account_info.account_bank.clone(),
            bank_name: r.account_info.bank_name.clone(),
            bank_branch_id: r.account_info.bank_branch_id.clone(),
            account_name: r.account_info.account_name.clone(),
            account_number: r.account_info.account_number.clone(),
        },
    }
}

/// Checks a decrypted settlement-account change.
///
/// # Errors
/// `400 PARAM_ERROR` naming the member.
pub(crate) fn check_settlement_change(r: &ModifySettlementRequest) -> Checked {
    if r.account_type.is_unknown() {
        return Err(bad(
            "/account_type",
            format!("`{}` is not ACCOUNT_TYPE_BUSINESS or ACCOUNT_TYPE_PRIVATE", r.account_type),
        ));
    }
    text(&r.account_bank, "/account_bank", 128)?;
    if !is_digits(&r.bank_address_code, 1, 12) {
        return Err(bad("/bank_address_code", "must be a province/city code of 1 to 12 digits"));
    }
    if !is_digits(&r.account_number, 1, 64) {
        return Err(bad("/account_number", "must be a bank account number, digits only"));
    }
    if r.account_bank == OTHER_BANK && r.bank_branch_id.is_none() && r.bank_name.is_none() {
        return Err(bad(
            "/bank_name",
            "bank_branch_id or bank_name is required when account_bank is 其他银行",
        ));
    }
    if let Some(name) = &r.account_name {
        text(name, "/account_name", 128)?;
    }
    Ok(())
}
