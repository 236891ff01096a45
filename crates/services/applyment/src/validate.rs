//! What can be checked about an application before it is sent: the members each subject
//! type must carry, lengths, formats (ID numbers with their check digit, phone, e-mail,
//! licence numbers, periods) and that every MediaID member is filled.
//!
//! WeChat Pay checks more (that each MediaID was uploaded by this platform, that encrypted
//! members decrypt, its own business rules); those answers come back as
//! [`Error::Api`](wechatpay_transport::Error::Api). The first problem found is reported, naming the member
//! by its JSON pointer (`/business_license_info/merchant_name`) so a form can highlight it.

use wechatpay_models::applyment::{
    ApplymentAccountInfo, BankAccountType, BusinessLicenseInfo, ContactInfo, ContactType,
    IdCardInfo, IdDocInfo, IdDocType, IdHolderType, OrganizationType, SalesSceneInfo,
    SubmitApplymentRequest, UboInfo,
};
use wechatpay_models::settlement::ModifySettlementRequest;
use wechatpay_transport::BuildError;

use wechatpay_models::formats::{
    business_time_problem, is_digits, is_email, is_licence_number, is_mainland_id_number,
    is_media_id, is_mobile_number, media_id_list, period_end_problem,
};

/// The most MediaIDs `qualifications` and `business_addition_pics` take.
const MAX_EXTRA_PICTURES: usize = 5;

/// The bank that needs a branch (`bank_branch_id` or `bank_name`): any bank outside
/// WeChat Pay's list of major banks is submitted as 其他银行.
pub(crate) const OTHER_BANK: &str = "其他银行";

type Checked = Result<(), BuildError>;

/// How a subject type is treated: which documents it sends, which account it may use.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Subject {
    /// 2401 小微商户, 2500 个人卖家: an ID card, no licence, a personal account.
    Person,
    /// 4 个体工商户: a licence, the operator's ID, either account type.
    IndividualBusiness,
    /// 2 企业: a licence, the legal person's ID with address, beneficial owners, a corporate account.
    Enterprise,
    /// 3 事业单位, 2502 政府机关, 1708 社会组织: a registration certificate, a corporate account.
    Institution,
}

fn subject(t: &OrganizationType) -> Result<Subject, BuildError> {
    match t {
        OrganizationType::MicroMerchant | OrganizationType::IndividualSeller => Ok(Subject::Person),
        OrganizationType::IndividualBusiness => Ok(Subject::IndividualBusiness),
        OrganizationType::Enterprise => Ok(Subject::Enterprise),
        OrganizationType::PublicInstitution
        | OrganizationType::GovernmentAgency
        | OrganizationType::SocialOrganization => Ok(Subject::Institution),
        OrganizationType::Unknown(code) => Err(BuildError::invalid(
            "/organization_type",
            format!("`{code}` is not a subject type (2401, 2500, 4, 2, 3, 2502, 1708)"),
        )),
    }
}

fn invalid(field: impl Into<String>, reason: impl Into<String>) -> BuildError {
    BuildError::invalid(field, reason)
}

fn required<'a, T>(value: Option<&'a T>, field: &str, why: &str) -> Result<&'a T, BuildError> {
    value.ok_or_else(|| invalid(field, format!("is required {why}")))
}

/// Non-empty text of at most `max` characters.
fn text(value: &str, field: &str, max: usize) -> Checked {
    if value.trim().is_empty() {
        return Err(invalid(field, "must not be empty"));
    }
    let len = value.chars().count();
    if len > max {
        return Err(invalid(field, format!("is {len} characters; at most {max}")));
    }
    Ok(())
}

fn media(value: &str, field: &str) -> Checked {
    if is_media_id(value) {
        Ok(())
    } else {
        Err(invalid(
            field,
            "must be a MediaID from the image upload (1 to 256 visible ASCII characters)",
        ))
    }
}

fn opt_media(value: Option<&String>, field: &str) -> Checked {
    value.map_or(Ok(()), |v| media(v, field))
}

fn is_passport(t: &IdDocType) -> bool {
    *t == IdDocType::OverseaPassport
}

/// Checks an application before it is sent (the SDK does this in
/// [`SubmitApplyment`](crate::SubmitApplyment)'s `build`, so a mistake never costs a round
/// trip). Sensitive members are checked as the plaintext the caller filled in.
///
/// # Errors
/// [`BuildError::Invalid`] naming the first offending member by JSON pointer and saying why.
///
/// ```
/// use wechatpay_applyment::{validate_submission, OrganizationType, SubmitApplymentRequest};
/// # use wechatpay_applyment::{ApplymentAccountInfo, ContactInfo, SalesSceneInfo, BankAccountType};
/// # let account = ApplymentAccountInfo { bank_account_type: BankAccountType::Corporate,
/// #     account_bank: "招商银行".into(), account_name: "某某有限公司".into(),
/// #     bank_address_code: "440300".into(), bank_branch_id: None, bank_name: None,
/// #     account_number: "755912345610101".into(), account_cert_info: None };
/// # let contact = ContactInfo { contact_name: "张三".into(), mobile_phone: "13800138000".into(),
/// #     contact_email: "zhang@example.com".into(), ..ContactInfo::default() };
/// # let store = SalesSceneInfo { store_name: "某某旗舰店".into(),
/// #     store_url: Some("https://shop.example.com".into()), ..SalesSceneInfo::default() };
/// let request = SubmitApplymentRequest::new(
///     "APPLY-0001", OrganizationType::Enterprise, account, contact, store, "某某旗舰店");
/// let err = validate_submission(&request).unwrap_err();
/// assert_eq!(err.to_string(), "invalid /business_license_info: is required for organization_type 2");
/// ```
pub fn validate_submission(r: &SubmitApplymentRequest) -> Result<(), BuildError> {
    let kind = subject(&r.organization_type)?;
    let code = r.organization_type.as_str();
    out_request_no(&r.out_request_no)?;
    text(&r.merchant_shortname, "/merchant_shortname", 64)?;
    if r.merchant_shortname.len() > 64 {
        return Err(invalid("/merchant_shortname", "is longer than 64 bytes of UTF-8"));
    }

    if kind != Subject::Person {
        let licence = required(
            r.business_license_info.as_ref(),
            "/business_license_info",
            &format!("for organization_type {code}"),
        )?;
        business_licence(licence, kind, code)?;
    }
    if r.finance_institution == Some(true) {
        let info = required(
            r.finance_institution_info.as_ref(),
            "/finance_institution_info",
            "when finance_institution is true",
        )?;
        if info.finance_license_pics.is_empty() {
            return Err(invalid(
                "/finance_institution_info/finance_license_pics",
                "must list at least one MediaID",
            ));
        }
        for (i, pic) in info.finance_license_pics.iter().enumerate() {
            media(pic, &format!("/finance_institution_info/finance_license_pics/{i}"))?;
        }
    }

    identity(r, kind, code)?;
    if kind == Subject::Enterprise {
        let owner = *required(r.owner.as_ref(), "/owner", "for organization_type 2")?;
        if !owner {
            let owners =
                required(r.ubo_info_list.as_ref(), "/ubo_info_list", "when owner is false")?;
            if owners.is_empty() {
                return Err(invalid(
                    "/ubo_info_list",
                    "must list at least one beneficial owner when owner is false",
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
            "for organization_type 2500 (describe the 6 months of trading)",
        )?;
        text(desc, "/business_addition_desc", 512)?;
    }
    for (value, field) in [
        (&r.qualifications, "/qualifications"),
        (&r.business_addition_pics, "/business_addition_pics"),
    ] {
        if let Some(list) = value {
            let ids = media_id_list(list);
            if ids.len() > MAX_EXTRA_PICTURES {
                return Err(invalid(
                    field,
                    format!("lists {} MediaIDs; at most {MAX_EXTRA_PICTURES}", ids.len()),
                ));
            }
            for id in &ids {
                media(id, field)?;
            }
        }
    }
    if let Some(rule) = r.settlement_info.as_ref().and_then(|s| s.qualification_type.as_ref()) {
        text(rule, "/settlement_info/qualification_type", 200)?;
    }
    Ok(())
}

/// `out_request_no`: 1 to 124 visible ASCII characters (it also travels in a URL path).
pub(crate) fn out_request_no(value: &str) -> Checked {
    if value.is_empty() || value.len() > 124 || !value.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(invalid("/out_request_no", "must be 1 to 124 visible ASCII characters"));
    }
    Ok(())
}

/// A sub-merchant id: 1 to 32 digits.
pub(crate) fn sub_mchid(value: &str) -> Checked {
    if is_digits(value, 1, 32) {
        Ok(())
    } else {
        Err(invalid("sub_mchid", "must be 1 to 32 digits"))
    }
}

fn business_licence(l: &BusinessLicenseInfo, kind: Subject, code: &str) -> Checked {
    const AT: &str = "/business_license_info";
    media(&l.business_license_copy, &format!("{AT}/business_license_copy"))?;
    if !is_licence_number(&l.business_license_number) {
        return Err(invalid(
            format!("{AT}/business_license_number"),
            "must be a 15-digit registration number or an 18-character unified social credit code",
        ));
    }
    text(&l.merchant_name, &format!("{AT}/merchant_name"), 128)?;
    text(&l.legal_person, &format!("{AT}/legal_person"), 128)?;
    if kind == Subject::Institution {
        let why = format!("for organization_type {code}");
        required(l.cert_type.as_ref(), &format!("{AT}/cert_type"), &why)?;
        let address = required(l.company_address.as_ref(), &format!("{AT}/company_address"), &why)?;
        text(address, &format!("{AT}/company_address"), 128)?;
        let period = required(l.business_time.as_ref(), &format!("{AT}/business_time"), &why)?;
        if let Some(problem) = business_time_problem(period) {
            return Err(invalid(format!("{AT}/business_time"), problem));
        }
    }
    Ok(())
}

/// The legal person's or operator's document: an ID card, or another document named by
/// `id_doc_type`.
fn identity(r: &SubmitApplymentRequest, kind: Subject, code: &str) -> Checked {
    let holder_allowed = matches!(
        r.organization_type,
        OrganizationType::PublicInstitution | OrganizationType::GovernmentAgency
    );
    if let Some(holder) = &r.id_holder_type {
        if !holder_allowed {
            return Err(invalid("/id_holder_type", "is only for organization_type 3 and 2502"));
        }
        if *holder == IdHolderType::Super {
            let letter = required(
                r.authorize_letter_copy.as_ref(),
                "/authorize_letter_copy",
                "when id_holder_type is SUPER",
            )?;
            media(letter, "/authorize_letter_copy")?;
        }
    }
    let needs_address = kind == Subject::Enterprise;
    match r.id_doc_type.as_ref().filter(|t| **t != IdDocType::MainlandIdcard) {
        None => {
            let card = required(
                r.id_card_info.as_ref(),
                "/id_card_info",
                &format!("for organization_type {code} with a mainland ID card (id_doc_type absent or IDENTIFICATION_TYPE_MAINLAND_IDCARD)"),
            )?;
            id_card(card, needs_address)
        }
        Some(doc_type) => {
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
    media(&c.id_card_copy, &format!("{AT}/id_card_copy"))?;
    media(&c.id_card_national, &format!("{AT}/id_card_national"))?;
    text(&c.id_card_name, &format!("{AT}/id_card_name"), 128)?;
    if !is_mainland_id_number(&c.id_card_number) {
        return Err(invalid(
            format!("{AT}/id_card_number"),
            "must be an 18-character mainland ID number with a valid check digit",
        ));
    }
    if needs_address {
        let address = required(
            c.id_card_address.as_ref(),
            &format!("{AT}/id_card_address"),
            "for organization_type 2",
        )?;
        text(address, &format!("{AT}/id_card_address"), 128)?;
    }
    if let Some(problem) = period_end_problem(c.id_card_valid_time_begin, &c.id_card_valid_time) {
        return Err(invalid(format!("{AT}/id_card_valid_time"), problem));
    }
    Ok(())
}

fn id_doc(d: &IdDocInfo, doc_type: &IdDocType, needs_address: bool) -> Checked {
    const AT: &str = "/id_doc_info";
    if doc_type.is_unknown() {
        return Err(invalid("/id_doc_type", format!("`{doc_type}` is not a document type")));
    }
    media(&d.id_doc_copy, &format!("{AT}/id_doc_copy"))?;
    if !is_passport(doc_type) {
        let back = required(
            d.id_doc_copy_back.as_ref(),
            &format!("{AT}/id_doc_copy_back"),
            "for documents other than passports",
        )?;
        media(back, &format!("{AT}/id_doc_copy_back"))?;
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
    if let Some(problem) = period_end_problem(d.doc_period_begin, &d.doc_period_end) {
        return Err(invalid(format!("{AT}/doc_period_end"), problem));
    }
    Ok(())
}

fn beneficial_owner(u: &UboInfo, at: &str) -> Checked {
    if u.ubo_id_doc_type.is_unknown() {
        return Err(invalid(
            format!("{at}/ubo_id_doc_type"),
            format!("`{}` is not a document type", u.ubo_id_doc_type),
        ));
    }
    media(&u.ubo_id_doc_copy, &format!("{at}/ubo_id_doc_copy"))?;
    if !is_passport(&u.ubo_id_doc_type) {
        let back = required(
            u.ubo_id_doc_copy_back.as_ref(),
            &format!("{at}/ubo_id_doc_copy_back"),
            "for documents other than passports",
        )?;
        media(back, &format!("{at}/ubo_id_doc_copy_back"))?;
    }
    text(&u.ubo_id_doc_name, &format!("{at}/ubo_id_doc_name"), 128)?;
    if u.ubo_id_doc_type == IdDocType::MainlandIdcard
        && !is_mainland_id_number(&u.ubo_id_doc_number)
    {
        return Err(invalid(
            format!("{at}/ubo_id_doc_number"),
            "must be an 18-character mainland ID number with a valid check digit",
        ));
    }
    text(&u.ubo_id_doc_number, &format!("{at}/ubo_id_doc_number"), 64)?;
    if let Some(problem) = period_end_problem(u.ubo_id_doc_period_begin, &u.ubo_id_doc_period_end) {
        return Err(invalid(format!("{at}/ubo_id_doc_period_end"), problem));
    }
    Ok(())
}

fn account(a: &ApplymentAccountInfo, kind: Subject, code: &str) -> Checked {
    const AT: &str = "/account_info";
    let allowed: &[BankAccountType] = match kind {
        Subject::Person => &[BankAccountType::Personal],
        Subject::IndividualBusiness => &[BankAccountType::Corporate, BankAccountType::Personal],
        Subject::Enterprise | Subject::Institution => &[BankAccountType::Corporate],
    };
    if !allowed.contains(&a.bank_account_type) {
        let names: Vec<&str> = allowed.iter().map(BankAccountType::as_str).collect();
        return Err(invalid(
            format!("{AT}/bank_account_type"),
            format!(
                "`{}` is not allowed for organization_type {code} (use {})",
                a.bank_account_type,
                names.join(" or ")
            ),
        ));
    }
    text(&a.account_bank, &format!("{AT}/account_bank"), 10)?;
    text(&a.account_name, &format!("{AT}/account_name"), 128)?;
    if !is_digits(&a.bank_address_code, 1, 12) {
        return Err(invalid(
            format!("{AT}/bank_address_code"),
            "must be a province/city code of 1 to 12 digits",
        ));
    }
    if !is_digits(&a.account_number, 1, 64) {
        return Err(invalid(
            format!("{AT}/account_number"),
            "must be the bank account number, digits only",
        ));
    }
    if a.account_bank == OTHER_BANK && a.bank_branch_id.is_none() && a.bank_name.is_none() {
        return Err(invalid(
            format!("{AT}/bank_name"),
            "bank_branch_id or bank_name is required when account_bank is 其他银行",
        ));
    }
    if let Some(name) = &a.bank_name {
        text(name, &format!("{AT}/bank_name"), 128)?;
    }
    if let Some(id) = &a.bank_branch_id {
        text(id, &format!("{AT}/bank_branch_id"), 64)?;
    }
    if let Some(cert) = &a.account_cert_info {
        media(&cert.settlement_cert_pic, &format!("{AT}/account_cert_info/settlement_cert_pic"))?;
        media(&cert.relation_cert_pic, &format!("{AT}/account_cert_info/relation_cert_pic"))?;
        for (i, pic) in cert.other_cert_pics.iter().enumerate() {
            media(pic, &format!("{AT}/account_cert_info/other_cert_pics/{i}"))?;
        }
    }
    Ok(())
}

fn contact(c: &ContactInfo, kind: Subject, code: &str) -> Checked {
    const AT: &str = "/contact_info";
    match &c.contact_type {
        ContactType::Legal => {}
        ContactType::Super if kind == Subject::Person => {
            return Err(invalid(
                format!("{AT}/contact_type"),
                format!(
                "organization_type {code} takes only 65: the operator is the super administrator"
            ),
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
            if doc_type == IdDocType::MainlandIdcard && !is_mainland_id_number(number) {
                return Err(invalid(
                    format!("{AT}/contact_id_card_number"),
                    "must be an 18-character mainland ID number with a valid check digit",
                ));
            }
            let front = required(
                c.contact_id_doc_copy.as_ref(),
                &format!("{AT}/contact_id_doc_copy"),
                why,
            )?;
            media(front, &format!("{AT}/contact_id_doc_copy"))?;
            if !is_passport(&doc_type) {
                let back = required(
                    c.contact_id_doc_copy_back.as_ref(),
                    &format!("{AT}/contact_id_doc_copy_back"),
                    why,
                )?;
                media(back, &format!("{AT}/contact_id_doc_copy_back"))?;
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
            if let Some(problem) = period_end_problem(begin, end) {
                return Err(invalid(format!("{AT}/contact_id_doc_period_end"), problem));
            }
            let letter = required(
                c.business_authorization_letter.as_ref(),
                &format!("{AT}/business_authorization_letter"),
                why,
            )?;
            media(letter, &format!("{AT}/business_authorization_letter"))?;
        }
        ContactType::Unknown(value) => {
            return Err(invalid(format!("{AT}/contact_type"), format!("`{value}` is not 65 or 66")))
        }
    }
    text(&c.contact_name, &format!("{AT}/contact_name"), 128)?;
    if let Some(number) = &c.contact_id_card_number {
        text(number, &format!("{AT}/contact_id_card_number"), 64)?;
    }
    opt_media(c.contact_id_doc_copy.as_ref(), &format!("{AT}/contact_id_doc_copy"))?;
    opt_media(c.contact_id_doc_copy_back.as_ref(), &format!("{AT}/contact_id_doc_copy_back"))?;
    opt_media(
        c.business_authorization_letter.as_ref(),
        &format!("{AT}/business_authorization_letter"),
    )?;
    if !is_mobile_number(&c.mobile_phone) {
        return Err(invalid(
            format!("{AT}/mobile_phone"),
            "must be an 11-digit mainland mobile number",
        ));
    }
    if !is_email(&c.contact_email) {
        return Err(invalid(format!("{AT}/contact_email"), "must be an e-mail address"));
    }
    Ok(())
}

fn store(s: &SalesSceneInfo) -> Checked {
    const AT: &str = "/sales_scene_info";
    text(&s.store_name, &format!("{AT}/store_name"), 256)?;
    match (&s.store_url, &s.store_qr_code) {
        (None, None) => {
            return Err(invalid(
                format!("{AT}/store_url"),
                "store_url or store_qr_code is required",
            ))
        }
        (url, qr) => {
            if let Some(url) = url {
                text(url, &format!("{AT}/store_url"), 1024)?;
                if !(url.starts_with("http://") || url.starts_with("https://")) {
                    return Err(invalid(
                        format!("{AT}/store_url"),
                        "must be an http:// or https:// URL",
                    ));
                }
            }
            opt_media(qr.as_ref(), &format!("{AT}/store_qr_code"))?;
        }
    }
    if let Some(appid) = &s.mini_program_sub_appid {
        text(appid, &format!("{AT}/mini_program_sub_appid"), 256)?;
    }
    Ok(())
}

/// Checks a settlement-account change before it is sent.
///
/// # Errors
/// [`BuildError::Invalid`] naming the first offending member by JSON pointer.
pub fn validate_settlement_change(r: &ModifySettlementRequest) -> Result<(), BuildError> {
    if r.account_type.is_unknown() {
        return Err(invalid(
            "/account_type",
            format!("`{}` is not ACCOUNT_TYPE_BUSINESS or ACCOUNT_TYPE_PRIVATE", r.account_type),
        ));
    }
    text(&r.account_bank, "/account_bank", 128)?;
    if !is_digits(&r.bank_address_code, 1, 12) {
        return Err(invalid(
            "/bank_address_code",
            "must be a province/city code of 1 to 12 digits",
        ));
    }
    if !is_digits(&r.account_number, 1, 64) {
        return Err(invalid("/account_number", "must be the bank account number, digits only"));
    }
    if r.account_bank == OTHER_BANK && r.bank_branch_id.is_none() && r.bank_name.is_none() {
        return Err(invalid(
            "/bank_name",
            "bank_branch_id or bank_name is required when account_bank is 其他银行",
        ));
    }
    if let Some(name) = &r.account_name {
        text(name, "/account_name", 128)?;
    }
    Ok(())
}

#[cfg(test)]
pub(crate) mod tests {
    use wechatpay_models::applyment::{CertType, SettlementInfo};
    use wechatpay_models::settlement::SettlementAccountType;

    use super::*;

    fn card(number: &str, address: Option<&str>) -> IdCardInfo {
        IdCardInfo {
            id_card_copy: "M-FRONT".into(),
            id_card_national: "M-BACK".into(),
            id_card_name: "张三".into(),
            id_card_number: number.into(),
            id_card_address: address.map(Into::into),
            id_card_valid_time_begin: "2019-01-01".parse().unwrap(),
            id_card_valid_time: "长期".into(),
        }
    }

    fn licence(cert: bool) -> BusinessLicenseInfo {
        BusinessLicenseInfo {
            cert_type: cert.then_some(CertType::PublicInstitution),
            business_license_copy: "M-LICENCE".into(),
            business_license_number: "91440300MA5EXAMPLE".into(),
            merchant_name: "某某有限公司".into(),
            legal_person: "张三".into(),
            company_address: cert.then(|| "某某市人民路1号".into()),
            business_time: cert.then(|| r#"["2015-01-01","长期"]"#.into()),
        }
    }

    /// A valid application of subject type `t`.
    pub(crate) fn sample(t: OrganizationType) -> SubmitApplymentRequest {
        let kind = subject(&t).unwrap();
        let account_type = if kind == Subject::Person {
            BankAccountType::Personal
        } else {
            BankAccountType::Corporate
        };
        let mut r = SubmitApplymentRequest::new(
            format!("APPLY-{}", t.as_str()),
            t.clone(),
            ApplymentAccountInfo {
                bank_account_type: account_type,
                account_bank: "招商银行".into(),
                account_name: "张三".into(),
                bank_address_code: "440300".into(),
                bank_branch_id: None,
                bank_name: None,
                account_number: "6214830000000001".into(),
                account_cert_info: None,
            },
            ContactInfo {
                contact_name: "张三".into(),
                mobile_phone: "13800138000".into(),
                contact_email: "zhangsan@example.com".into(),
                ..ContactInfo::default()
            },
            SalesSceneInfo {
                store_name: "张三的店".into(),
                store_qr_code: Some("M-QR".into()),
                ..SalesSceneInfo::default()
            },
            "张三的店",
        );
        r.id_card_info =
            Some(card("11010519491231002X", (kind == Subject::Enterprise).then_some("北京市")));
        match kind {
            Subject::Person => {}
            Subject::IndividualBusiness => r.business_license_info = Some(licence(false)),
            Subject::Enterprise => {
                r.business_license_info = Some(licence(false));
                r.owner = Some(true);
            }
            Subject::Institution => r.business_license_info = Some(licence(true)),
        }
        if t == OrganizationType::IndividualSeller {
            r.business_addition_desc = Some("网店经营满 6 个月".into());
        }
        r
    }

    /// A change that breaks one member of a valid application.
    type Change = fn(&mut SubmitApplymentRequest);

    const ALL: [OrganizationType; 7] = [
        OrganizationType::MicroMerchant,
        OrganizationType::IndividualSeller,
        OrganizationType::IndividualBusiness,
        OrganizationType::Enterprise,
        OrganizationType::PublicInstitution,
        OrganizationType::GovernmentAgency,
        OrganizationType::SocialOrganization,
    ];

    fn field_of(r: &SubmitApplymentRequest) -> String {
        match validate_submission(r) {
            Err(BuildError::Invalid { field, .. }) => field,
            other => panic!("expected an invalid member, got {other:?}"),
        }
    }

    // Proves a complete application of every subject type passes, so the checks below fail
    // only for the change each makes.
    #[test]
    fn complete_applications_pass() {
        for t in ALL {
            validate_submission(&sample(t.clone())).unwrap_or_else(|e| panic!("{t}: {e}"));
        }
    }

    // Proves each subject type's required documents are enforced and named by pointer.
    #[test]
    fn required_members_per_subject_type() {
        for t in &ALL[2..] {
            let mut r = sample(t.clone());
            r.business_license_info = None;
            assert_eq!(field_of(&r), "/business_license_info", "{t}");
        }
        for t in &ALL[4..] {
            let mut r = sample(t.clone());
            r.business_license_info.as_mut().unwrap().business_time = None;
            assert_eq!(field_of(&r), "/business_license_info/business_time", "{t}");
        }
        let mut r = sample(OrganizationType::Enterprise);
        r.owner = None;
        assert_eq!(field_of(&r), "/owner");
        r.owner = Some(false);
        assert_eq!(field_of(&r), "/ubo_info_list");
        let mut r = sample(OrganizationType::Enterprise);
        r.id_card_info.as_mut().unwrap().id_card_address = None;
        assert_eq!(field_of(&r), "/id_card_info/id_card_address");
        let mut r = sample(OrganizationType::IndividualSeller);
        r.business_addition_desc = None;
        assert_eq!(field_of(&r), "/business_addition_desc");
        let mut r = sample(OrganizationType::MicroMerchant);
        r.id_card_info = None;
        assert_eq!(field_of(&r), "/id_card_info");
        r.id_doc_type = Some(IdDocType::Hongkong);
        assert_eq!(field_of(&r), "/id_doc_info");
    }

    // Proves the per-subject rules on administrators, accounts and holders.
    #[test]
    fn subject_rules() {
        let mut r = sample(OrganizationType::MicroMerchant);
        r.contact_info.contact_type = ContactType::Super;
        assert_eq!(field_of(&r), "/contact_info/contact_type");
        let mut r = sample(OrganizationType::MicroMerchant);
        r.account_info.bank_account_type = BankAccountType::Corporate;
        assert_eq!(field_of(&r), "/account_info/bank_account_type");
        let mut r = sample(OrganizationType::Enterprise);
        r.account_info.bank_account_type = BankAccountType::Personal;
        assert_eq!(field_of(&r), "/account_info/bank_account_type");
        let mut r = sample(OrganizationType::IndividualBusiness);
        r.account_info.bank_account_type = BankAccountType::Personal;
        validate_submission(&r).unwrap();
        r.id_holder_type = Some(IdHolderType::Legal);
        assert_eq!(field_of(&r), "/id_holder_type");
        let mut r = sample(OrganizationType::GovernmentAgency);
        r.id_holder_type = Some(IdHolderType::Super);
        assert_eq!(field_of(&r), "/authorize_letter_copy");
        let mut r = sample(OrganizationType::Enterprise);
        r.contact_info.contact_type = ContactType::Super;
        assert_eq!(field_of(&r), "/contact_info/contact_id_card_number");
        r.contact_info.contact_id_card_number = Some("110101199003070011".into());
        r.contact_info.contact_id_doc_copy = Some("M-C1".into());
        r.contact_info.contact_id_doc_copy_back = Some("M-C2".into());
        r.contact_info.contact_id_doc_period_begin = Some("2020-01-01".parse().unwrap());
        r.contact_info.contact_id_doc_period_end = Some("2040-01-01".into());
        assert_eq!(field_of(&r), "/contact_info/business_authorization_letter");
        r.contact_info.business_authorization_letter = Some("M-AUTH".into());
        validate_submission(&r).unwrap();
    }

    // Proves formats and lengths are checked on the plaintext the caller filled in.
    #[test]
    fn formats_and_lengths() {
        let cases: [(&str, Change); 12] = [
            (
                "/id_card_info/id_card_number",
                (|r| r.id_card_info.as_mut().unwrap().id_card_number = "110105194912310021".into()),
            ),
            ("/contact_info/mobile_phone", (|r| r.contact_info.mobile_phone = "12345".into())),
            ("/contact_info/contact_email", (|r| r.contact_info.contact_email = "nobody".into())),
            ("/merchant_shortname", (|r| r.merchant_shortname = "店".repeat(22))),
            ("/out_request_no", (|r| r.out_request_no = "has space".into())),
            ("/sales_scene_info/store_url", (|r| r.sales_scene_info.store_qr_code = None)),
            (
                "/id_card_info/id_card_copy",
                (|r| r.id_card_info.as_mut().unwrap().id_card_copy = String::new()),
            ),
            (
                "/account_info/account_number",
                (|r| r.account_info.account_number = "6214-8300".into()),
            ),
            ("/account_info/bank_name", (|r| r.account_info.account_bank = OTHER_BANK.into())),
            (
                "/id_card_info/id_card_valid_time",
                (|r| r.id_card_info.as_mut().unwrap().id_card_valid_time = "2018-01-01".into()),
            ),
            (
                "/qualifications",
                (|r| r.qualifications = Some(r#"["a","b","c","d","e","f"]"#.into())),
            ),
            (
                "/settlement_info/qualification_type",
                (|r| {
                    r.settlement_info = Some(SettlementInfo {
                        settlement_id: Some(719),
                        qualification_type: Some(String::new()),
                    })
                }),
            ),
        ];
        for (field, change) in cases {
            let mut r = sample(OrganizationType::MicroMerchant);
            change(&mut r);
            assert_eq!(field_of(&r), field);
        }
    }

    // Proves the settlement-change checks name the offending member.
    #[test]
    fn settlement_change_checks() {
        let mut r = ModifySettlementRequest {
            account_type: SettlementAccountType::Business,
            account_bank: "招商银行".into(),
            bank_address_code: "440300".into(),
            bank_name: None,
            bank_branch_id: None,
            account_number: "755912345610101".into(),
            modify_mode: None,
            account_name: None,
        };
        validate_settlement_change(&r).unwrap();
        r.account_bank = OTHER_BANK.into();
        assert!(
            matches!(validate_settlement_change(&r), Err(BuildError::Invalid { field, .. }) if field == "/bank_name")
        );
        r.bank_name = Some("某某农商银行".into());
        r.account_number = "abc".into();
        assert!(
            matches!(validate_settlement_change(&r), Err(BuildError::Invalid { field, .. }) if field == "/account_number")
        );
        r.account_number = "755912345610101".into();
        r.account_type = SettlementAccountType::from("ACCOUNT_TYPE_OTHER");
        assert!(
            matches!(validate_settlement_change(&r), Err(BuildError::Invalid { field, .. }) if field == "/account_type")
        );
    }
}
