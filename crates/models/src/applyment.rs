//! 二级商户进件 (sub-merchant onboarding): submit a seller's application and follow its state.
//!
//! | endpoint id | method and path | request | response |
//! | --- | --- | --- | --- |
//! | `applyment.submit` | `POST /v3/ecommerce/applyments/` | [`SubmitApplymentRequest`] | [`SubmitApplymentResponse`] |
//! | `applyment.query_by_id` | `GET /v3/ecommerce/applyments/{applyment_id}` | – | [`Applyment`] |
//! | `applyment.query_by_out_request_no` | `GET /v3/ecommerce/applyments/out-request-no/{out_request_no}` | – | [`Applyment`] |
//!
//! # What each subject type submits
//!
//! | `organization_type` | documents |
//! | --- | --- |
//! | `2401` 小微商户, `2500` 个人卖家 | `id_card_info` (or `id_doc_type` + `id_doc_info`), a personal (`75`) account, contact type `65`; `2500` also `business_addition_desc` |
//! | `4` 个体工商户 | `business_license_info`, the operator's `id_card_info` / `id_doc_info`; a corporate (`74`) or personal (`75`) account |
//! | `2` 企业 | `business_license_info`, the legal person's `id_card_info` with `id_card_address`, `owner`, and `ubo_info_list` when `owner` is false; a corporate account |
//! | `3` 事业单位, `2502` 政府机关, `1708` 社会组织 | `business_license_info` with `cert_type`, `company_address` and `business_time`; for `3` / `2502` optionally `id_holder_type` (`SUPER` needs `authorize_letter_copy`); a corporate account |
//!
//! Every subject also sends `account_info`, `contact_info`, `sales_scene_info` and
//! `merchant_shortname`. Image members carry MediaIDs from `media.image_upload`.
//!
//! # Sensitive members
//!
//! Names, ID numbers, addresses, the bank account and the administrator's phone and e-mail
//! are plain `String`s here and travel RSA-OAEP encrypted; [`SubmitApplymentRequest`] lists
//! them in [`SensitiveFields::SENSITIVE_FIELDS`]. The query response's
//! `account_validation.account_name` / `account_no` arrive encrypted to the platform's own key.

use serde::{Deserialize, Serialize};

use crate::sensitive::SensitiveFields;
use crate::time::Date;

open_enum! {
    /// The legal form of the applying seller (主体类型).
    ///
    /// Older documents described `3` as 党政、机关及事业单位 and `1708` as 其他组织; the
    /// current ones split `2502` 政府机关 out of `3`.
    pub enum OrganizationType {
        /// Micro merchant: an individual without a business licence (小微商户(无营业执照的个人商家)).
        MicroMerchant = "2401",
        /// Individual seller: no licence, trading at least 6 months with over CNY 200,000 income (个人卖家(无营业执照,持续经营满6个月且收入累计超20万元)).
        IndividualSeller = "2500",
        /// Individually-owned business (个体工商户).
        IndividualBusiness = "4",
        /// Enterprise (企业).
        Enterprise = "2",
        /// Public institution (事业单位).
        PublicInstitution = "3",
        /// Government agency (政府机关).
        GovernmentAgency = "2502",
        /// Social organisation (社会组织).
        SocialOrganization = "1708",
    }
}

open_enum! {
    /// The kind of registration certificate of a non-enterprise subject (证书类型).
    pub enum CertType {
        /// Public institution legal-person certificate (事业单位法人证书).
        PublicInstitution = "CERTIFICATE_TYPE_2388",
        /// Unified social credit code certificate (统一社会信用代码证书).
        UnifiedSocialCreditCode = "CERTIFICATE_TYPE_2389",
        /// Listed by the openapi repo only; meaning not documented (未注明).
        Certificate2390 = "CERTIFICATE_TYPE_2390",
        /// Listed by the openapi repo only; meaning not documented (未注明).
        Certificate2391 = "CERTIFICATE_TYPE_2391",
        /// Listed by the openapi repo only; meaning not documented (未注明).
        Certificate2392 = "CERTIFICATE_TYPE_2392",
        /// Listed by the openapi repo only; meaning not documented (未注明).
        Certificate2393 = "CERTIFICATE_TYPE_2393",
        /// Social group legal-person registration certificate (社会团体法人登记证书).
        SocialGroup = "CERTIFICATE_TYPE_2394",
        /// Private non-enterprise unit registration certificate (民办非企业单位登记证书).
        PrivateNonEnterprise = "CERTIFICATE_TYPE_2395",
        /// Foundation legal-person registration certificate (基金会法人登记证书).
        Foundation = "CERTIFICATE_TYPE_2396",
        /// Religious venue registration certificate (宗教活动场所登记证).
        ReligiousVenue = "CERTIFICATE_TYPE_2399",
        /// Other valid proof issued by a government department (政府部门下发的其他有效证明文件).
        GovernmentProof = "CERTIFICATE_TYPE_2400",
        /// Practising licence (执业许可证/执业证).
        PractisingLicence = "CERTIFICATE_TYPE_2520",
        /// Grassroots self-governing organisation special legal-person credit-code certificate (基层群众性自治组织特别法人统一社会信用代码证).
        GrassrootsSelfGoverning = "CERTIFICATE_TYPE_2521",
        /// Rural collective economic organisation registration certificate (农村集体经济组织登记证).
        RuralCollective = "CERTIFICATE_TYPE_2522",
    }
}

open_enum! {
    /// The kind of financial institution (金融机构类型).
    pub enum FinanceType {
        /// Banking: commercial, policy, rural cooperative and village banks (银行业).
        BankAgent = "BANK_AGENT",
        /// Non-bank payment institution (支付机构).
        PaymentAgent = "PAYMENT_AGENT",
        /// Insurance, insurance intermediaries, agents and brokers (保险业).
        Insurance = "INSURANCE",
        /// Trading and settlement institutions: exchanges, clearing houses (交易及结算类金融机构).
        TradeAndSettle = "TRADE_AND_SETTLE",
        /// Other financial institutions: trust, leasing, loan, securities companies … (其他金融机构).
        Other = "OTHER",
    }
}

open_enum! {
    /// Who holds the submitted identity document (证件持有人类型).
    pub enum IdHolderType {
        /// The legal person or operator (经营者/法人).
        Legal = "LEGAL",
        /// An authorised handler (经办人).
        Super = "SUPER",
    }
}

open_enum! {
    /// The kind of identity document (证件类型).
    ///
    /// These are the e-commerce applyment names; the openapi repo lists the applyment4sub
    /// (特约商户进件) names such as `IDENTIFICATION_TYPE_IDCARD` instead, which parse as
    /// `Unknown`. WeChat Pay assumes the mainland ID card when `id_doc_type` is omitted.
    pub enum IdDocType {
        /// Mainland China resident ID card (中国大陆居民-身份证).
        MainlandIdcard = "IDENTIFICATION_TYPE_MAINLAND_IDCARD",
        /// Passport of another country or region (其他国家或地区居民-护照).
        OverseaPassport = "IDENTIFICATION_TYPE_OVERSEA_PASSPORT",
        /// Hong Kong resident's home-return permit (中国香港居民-来往内地通行证).
        Hongkong = "IDENTIFICATION_TYPE_HONGKONG",
        /// Macao resident's home-return permit (中国澳门居民-来往内地通行证).
        Macao = "IDENTIFICATION_TYPE_MACAO",
        /// Taiwan resident's travel permit (中国台湾居民-来往大陆通行证).
        Taiwan = "IDENTIFICATION_TYPE_TAIWAN",
        /// Foreigner's residence permit (外国人居留证).
        ForeignResident = "IDENTIFICATION_TYPE_FOREIGN_RESIDENT",
        /// Hong Kong / Macao resident's residence permit (港澳居民证).
        HongkongMacaoResident = "IDENTIFICATION_TYPE_HONGKONG_MACAO_RESIDENT",
        /// Taiwan resident's residence permit (台湾居民证).
        TaiwanResident = "IDENTIFICATION_TYPE_TAIWAN_RESIDENT",
    }
}

open_enum! {
    /// The kind of settlement bank account (账户类型).
    ///
    /// The openapi repo's comments swap the two meanings; the document text has `74` corporate.
    /// Corporate subjects use `74`, `2401` / `2500` use `75`, 个体工商户 either.
    pub enum BankAccountType {
        /// Corporate account (对公账户).
        Corporate = "74",
        /// Personal account (对私账户).
        Personal = "75",
    }
}

open_enum! {
    /// Who the super administrator is (超级管理员类型).
    ///
    /// Defaults to `65`, the one value every subject type accepts (`2401` / `2500` only `65`).
    #[derive(Default)]
    pub enum ContactType {
        /// The legal person or operator (经营者/法人).
        #[default]
        Legal = "65",
        /// An authorised handler (经办人).
        Super = "66",
    }
}

open_enum! {
    /// The state of an application (申请状态).
    ///
    /// `CHECKING` → `ACCOUNT_NEED_VERIFY` / `AUDITING` → `NEED_SIGN` → `FINISH`, or
    /// `REJECTED` / `FROZEN` / `CANCELED`. `CANCELED` is in the current documents only.
    pub enum ApplymentState {
        /// Data being checked (资料校验中).
        Checking = "CHECKING",
        /// Awaiting account verification: remittance or legal-person scan (待账户验证).
        AccountNeedVerify = "ACCOUNT_NEED_VERIFY",
        /// Under review (审核中).
        Auditing = "AUDITING",
        /// Rejected; see `audit_detail` and resubmit with the same `out_request_no` (已驳回).
        Rejected = "REJECTED",
        /// Awaiting contract signing at `sign_url` (待签约).
        NeedSign = "NEED_SIGN",
        /// Finished; `sub_mchid` is usable (完成).
        Finish = "FINISH",
        /// Frozen (已冻结).
        Frozen = "FROZEN",
        /// Cancelled / voided (已作废).
        Canceled = "CANCELED",
    }
}

open_enum! {
    /// Whether the seller has signed the contract (签约状态).
    pub enum SignState {
        /// Not signed (未签约).
        Unsigned = "UNSIGNED",
        /// Signed (已签约).
        Signed = "SIGNED",
        /// Cannot be signed yet (不可签约).
        NotSignable = "NOT_SIGNABLE",
    }
}

/// The `applyment.submit` request body (提交二级商户进件申请单).
///
/// Start from [`SubmitApplymentRequest::new`] with the members every subject type needs and
/// add the documents of its `organization_type` (see the [module docs](self)) with
/// struct-update syntax.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubmitApplymentRequest {
    /// Platform-defined application number (业务申请编号).
    pub out_request_no: String,
    /// Subject (organization) type code (主体类型).
    ///
    /// Note: String codes. Older docs described 3 as 党政、机关及事业单位 and 1708 as 其他组织; current docs split 2502 政府机关 out of 3.
    pub organization_type: OrganizationType,
    /// Whether the subject is a financial institution (是否金融机构).
    ///
    /// Note: defaults to false.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub finance_institution: Option<bool>,
    /// Business licence / registration certificate (营业执照/登记证书信息).
    ///
    /// Condition: required unless organization_type is 2401 or 2500; business licence for 4/2, registration certificate for 3/2502/1708.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub business_license_info: Option<BusinessLicenseInfo>,
    /// Financial institution licence info (金融机构许可证信息).
    ///
    /// Condition: required when finance_institution=true.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub finance_institution_info: Option<FinanceInstitutionInfo>,
    /// Document holder type (证件持有人类型).
    ///
    /// Condition: only for organization_type 3/2502; default LEGAL.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub id_holder_type: Option<IdHolderType>,
    /// Operator/legal person document type (经营者/法人证件类型).
    ///
    /// Condition: defaults to mainland ID card when omitted.
    /// Note: TheNorthMemory/wechatpay-openapi lists the applyment4sub names (IDENTIFICATION_TYPE_IDCARD, *_HONGKONG_PASSPORT ...); WxJava and independent transcriptions of the ecommerce doc use the values given here.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub id_doc_type: Option<IdDocType>,
    /// Legal-representative authorization letter (MediaID) (法定代表人说明函).
    ///
    /// Condition: required when id_holder_type=SUPER.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub authorize_letter_copy: Option<String>,
    /// Operator/legal person ID card (经营者/法人身份证信息).
    ///
    /// Condition: required when holder is LEGAL and id_doc_type is IDENTIFICATION_TYPE_MAINLAND_IDCARD (default).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub id_card_info: Option<IdCardInfo>,
    /// Operator/legal person non-ID-card document (经营者/法人其他类型证件信息).
    ///
    /// Condition: required when id_doc_type is not the mainland ID card.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub id_doc_info: Option<IdDocInfo>,
    /// Operator/legal person is the ultimate beneficial owner (经营者/法人是否为受益人).
    ///
    /// Condition: required when organization_type=2 (enterprise).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub owner: Option<bool>,
    /// Ultimate beneficial owners (最终受益人信息列表).
    ///
    /// Condition: required for enterprise when owner=false.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub ubo_info_list: Option<Vec<UboInfo>>,
    /// Settlement bank account (结算账户信息).
    pub account_info: ApplymentAccountInfo,
    /// Super administrator info (超级管理员信息).
    pub contact_info: ContactInfo,
    /// Store (sales scene) info (店铺信息).
    pub sales_scene_info: SalesSceneInfo,
    /// Settlement rule (结算规则).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub settlement_info: Option<SettlementInfo>,
    /// Merchant short name (商户简称).
    ///
    /// Note: UTF-8, max 64 bytes (about 21 Chinese chars); shown to payers.
    pub merchant_shortname: String,
    /// Special qualification images (MediaID) (特殊资质).
    ///
    /// Uncertain: MediaID(s) of special qualifications, up to 5. openapi models it as `array<string>`; WxJava and others as string; some docs show a JSON-array string.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub qualifications: Option<String>,
    /// Supplementary material images (MediaID) (补充材料).
    ///
    /// Uncertain: MediaID(s), up to 5; same array-vs-string ambiguity as qualifications.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub business_addition_pics: Option<String>,
    /// Supplementary description (补充说明).
    ///
    /// Condition: required when organization_type=2500.
    /// Note: free text; openapi wrongly models it as array of MediaId.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub business_addition_desc: Option<String>,
}

/// A business licence, or the registration certificate of a non-enterprise subject (营业执照/登记证书信息).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BusinessLicenseInfo {
    /// Registration certificate type (证书类型).
    ///
    /// Condition: registration-certificate type; only for 3/2502/1708.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub cert_type: Option<CertType>,
    /// Licence/certificate scan (MediaID) (营业执照扫描件).
    pub business_license_copy: String,
    /// Licence registration number (营业执照注册号).
    ///
    /// Note: 18-char unified social credit code or 15-char registration number.
    pub business_license_number: String,
    /// Merchant (company) name (商户名称).
    pub merchant_name: String,
    /// Legal representative / operator name (经营者/法定代表人姓名).
    pub legal_person: String,
    /// Registered address (注册地址).
    ///
    /// Condition: required for 3/2502/1708.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub company_address: Option<String>,
    /// Licence validity period (营业期限).
    ///
    /// Condition: required for 3/2502/1708; JSON array string `["YYYY-MM-DD","YYYY-MM-DD"|"长期"]`.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub business_time: Option<String>,
}

/// The licence of a financial institution, sent when `finance_institution` is true (金融机构许可证信息).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FinanceInstitutionInfo {
    /// Financial institution type (金融机构类型).
    pub finance_type: FinanceType,
    /// Financial licence images (MediaIDs) (金融机构许可证图片).
    ///
    /// Note: array of MediaIDs.
    pub finance_license_pics: Vec<String>,
}

/// The legal person's or operator's mainland ID card (经营者/法人身份证信息).
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IdCardInfo {
    /// ID card portrait side (MediaID) (身份证人像面照片).
    pub id_card_copy: String,
    /// ID card emblem side (MediaID) (身份证国徽面照片).
    pub id_card_national: String,
    /// Name on ID card (身份证姓名).
    ///
    /// Sensitive: RSA-OAEP encrypted on the wire (base64 ciphertext).
    pub id_card_name: String,
    /// ID card number (身份证号码).
    ///
    /// Sensitive: RSA-OAEP encrypted on the wire (base64 ciphertext).
    pub id_card_number: String,
    /// ID card residential address (身份证居住地址).
    ///
    /// Condition: required for enterprise (organization_type 2).
    /// Sensitive: RSA-OAEP encrypted on the wire (base64 ciphertext).
    /// Uncertain: only listed by WxJava.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub id_card_address: Option<String>,
    /// ID card valid-from date (身份证开始时间).
    pub id_card_valid_time_begin: Date,
    /// ID card valid-to date (身份证结束时间).
    ///
    /// Note: YYYY-MM-DD or the literal 长期 (long-term).
    pub id_card_valid_time: String,
}

/// The legal person's or operator's identity document other than a mainland ID card (经营者/法人其他类型证件信息).
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IdDocInfo {
    /// Document front image (MediaID) (证件正面照片).
    pub id_doc_copy: String,
    /// Document back image (MediaID) (证件反面照片).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub id_doc_copy_back: Option<String>,
    /// Name on document (证件姓名).
    ///
    /// Sensitive: RSA-OAEP encrypted on the wire (base64 ciphertext).
    pub id_doc_name: String,
    /// Document number (证件号码).
    ///
    /// Sensitive: RSA-OAEP encrypted on the wire (base64 ciphertext).
    pub id_doc_number: String,
    /// Document residential address (证件居住地址).
    ///
    /// Sensitive: RSA-OAEP encrypted on the wire (base64 ciphertext).
    /// Uncertain: only listed by WxJava.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub id_doc_address: Option<String>,
    /// Document valid-from date (证件有效期开始时间).
    pub doc_period_begin: Date,
    /// Document valid-to date (证件有效期结束时间).
    ///
    /// Note: YYYY-MM-DD or 长期.
    pub doc_period_end: String,
}

/// One ultimate beneficial owner of an enterprise (最终受益人信息).
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UboInfo {
    /// UBO document type (证件类型).
    pub ubo_id_doc_type: IdDocType,
    /// UBO document front (MediaID) (证件正面照片).
    pub ubo_id_doc_copy: String,
    /// UBO document back (MediaID) (证件反面照片).
    ///
    /// Condition: not needed for passports.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub ubo_id_doc_copy_back: Option<String>,
    /// UBO name (证件姓名).
    ///
    /// Sensitive: RSA-OAEP encrypted on the wire (base64 ciphertext).
    pub ubo_id_doc_name: String,
    /// UBO document number (证件号码).
    ///
    /// Sensitive: RSA-OAEP encrypted on the wire (base64 ciphertext).
    pub ubo_id_doc_number: String,
    /// UBO residential address (证件居住地址).
    ///
    /// Sensitive: RSA-OAEP encrypted on the wire (base64 ciphertext).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub ubo_id_doc_address: Option<String>,
    /// UBO document valid-from (证件有效期开始时间).
    ///
    /// Uncertain: only listed by WxJava.
    /// Note: TheNorthMemory/wechatpay-openapi names this ubo_period_begin (applyment4sub naming); ecommerce transcriptions use ubo_id_doc_period_begin.
    pub ubo_id_doc_period_begin: Date,
    /// UBO document valid-to (证件有效期结束时间).
    ///
    /// Uncertain: only listed by WxJava.
    /// Note: YYYY-MM-DD or 长期; openapi name ubo_period_end.
    pub ubo_id_doc_period_end: String,
}

/// The settlement bank account (结算账户信息).
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApplymentAccountInfo {
    /// Bank account type code (账户类型).
    ///
    /// Note: openapi comments have 74/75 meanings swapped; doc text: 74 corporate (对公), 75 personal (对私). Corporate-type subjects use 74, 2401/2500 use 75, 个体户 either.
    pub bank_account_type: BankAccountType,
    /// Bank (short name) (开户银行).
    pub account_bank: String,
    /// Bank account holder name (开户名称).
    ///
    /// Sensitive: RSA-OAEP encrypted on the wire (base64 ciphertext).
    pub account_name: String,
    /// Bank province/city code (开户银行省市编码).
    pub bank_address_code: String,
    /// Bank branch CNAPS code (开户银行联行号).
    ///
    /// Condition: bank_branch_id or bank_name required for banks needing branch info.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub bank_branch_id: Option<String>,
    /// Full bank branch name (开户银行全称 （含支行)).
    ///
    /// Condition: bank_branch_id or bank_name required for banks needing branch info.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub bank_name: Option<String>,
    /// Bank account number (银行帐号).
    ///
    /// Sensitive: RSA-OAEP encrypted on the wire (base64 ciphertext).
    pub account_number: String,
    /// Bank account proof materials (银行帐户证明材料).
    ///
    /// Uncertain: only listed by WxJava.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub account_cert_info: Option<AccountCertInfo>,
}

/// Proof that the settlement account may be used for this subject (银行帐户证明材料).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountCertInfo {
    /// Settlement proof letter (MediaID) (结算证明函).
    ///
    /// Uncertain: only listed by WxJava.
    pub settlement_cert_pic: String,
    /// Relationship proof letter (MediaID) (关系证明函).
    ///
    /// Uncertain: only listed by WxJava.
    pub relation_cert_pic: String,
    /// Other supporting proof images (MediaIDs) (其他补充证明).
    ///
    /// Uncertain: only listed by WxJava.
    pub other_cert_pics: Vec<String>,
}

/// The super administrator, who manages the merchant account (超级管理员信息).
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactInfo {
    /// Administrator type code (超级管理员类型).
    ///
    /// Note: 2401/2500 may only use 65.
    pub contact_type: ContactType,
    /// Administrator name (超级管理员姓名).
    ///
    /// Sensitive: RSA-OAEP encrypted on the wire (base64 ciphertext).
    pub contact_name: String,
    /// Administrator ID type (超级管理员证件类型).
    ///
    /// Condition: when contact_type=66.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub contact_id_doc_type: Option<IdDocType>,
    /// Administrator ID number (超级管理员身份证件号码).
    ///
    /// Condition: when contact_type=66 (or as required by doc version).
    /// Sensitive: RSA-OAEP encrypted on the wire (base64 ciphertext).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub contact_id_card_number: Option<String>,
    /// Administrator ID front image (MediaID) (超级管理员证件正面照片).
    ///
    /// Condition: when contact_type=66.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub contact_id_doc_copy: Option<String>,
    /// Administrator ID back image (MediaID) (超级管理员证件反面照片).
    ///
    /// Condition: when contact_type=66.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub contact_id_doc_copy_back: Option<String>,
    /// Administrator ID valid-from date (超级管理员证件有效期开始时间).
    ///
    /// Condition: when contact_type=66.
    /// Uncertain: only listed by WxJava.
    /// Note: openapi repo names this contact_period_begin (applyment4sub naming).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub contact_id_doc_period_begin: Option<Date>,
    /// Administrator ID valid-to date (超级管理员证件有效期结束时间).
    ///
    /// Condition: when contact_type=66.
    /// Uncertain: only listed by WxJava.
    /// Note: openapi repo names this contact_period_end.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub contact_id_doc_period_end: Option<String>,
    /// Business authorization letter (MediaID) (业务办理授权函).
    ///
    /// Condition: when contact_type=66.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub business_authorization_letter: Option<String>,
    /// Administrator mobile number (超级管理员手机).
    ///
    /// Sensitive: RSA-OAEP encrypted on the wire (base64 ciphertext).
    pub mobile_phone: String,
    /// Administrator email (超级管理员邮箱).
    ///
    /// Sensitive: RSA-OAEP encrypted on the wire (base64 ciphertext).
    /// Uncertain, only listed by WxJava: present in WxJava transcription (required, encrypted); absent from the openapi repo.
    pub contact_email: String,
}

/// The seller's store (店铺信息).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SalesSceneInfo {
    /// Store name (店铺名称).
    pub store_name: String,
    /// Store URL (店铺链接).
    ///
    /// Condition: store_url or store_qr_code (one of).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub store_url: Option<String>,
    /// Store QR code image (MediaID) (店铺二维码).
    ///
    /// Condition: store_url or store_qr_code (one of); MediaID.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub store_qr_code: Option<String>,
    /// Mini program appid to bind (小程序AppID).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub mini_program_sub_appid: Option<String>,
}

/// The settlement rule (结算规则).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SettlementInfo {
    /// Settlement rule id (结算规则ID).
    ///
    /// Uncertain: WxJava and other transcriptions have an integer, the openapi repo a string;
    /// both are accepted. If omitted the 0.6 % rate rule is used.
    #[serde(
        skip_serializing_if = "Option::is_none",
        default,
        deserialize_with = "crate::integer::option_i64_or_string"
    )]
    pub settlement_id: Option<i64>,
    /// Industry (qualification type) (所属行业).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub qualification_type: Option<String>,
}

/// The `applyment.submit` response body.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubmitApplymentResponse {
    /// WeChat Pay application id (微信支付申请单号).
    pub applyment_id: u64,
    /// Platform-defined application number (业务申请编号).
    pub out_request_no: String,
}

/// The state of an application (申请单状态): the response of `applyment.query_by_id` and
/// `applyment.query_by_out_request_no`.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Applyment {
    /// Application state (申请状态).
    ///
    /// Note: CANCELED appears in the current docs (docs corpus excerpt) but not in the openapi repo.
    pub applyment_state: ApplymentState,
    /// Application state description (申请状态描述).
    pub applyment_state_desc: String,
    /// Contract signing URL (签约链接).
    ///
    /// Condition: returned only when applyment_state=NEED_SIGN.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub sign_url: Option<String>,
    /// Contract signing state (签约状态).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub sign_state: Option<SignState>,
    /// Sub-merchant id (电商平台二级商户号).
    ///
    /// Condition: returned when applyment_state is NEED_SIGN or FINISH.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub sub_mchid: Option<String>,
    /// Remittance verification instructions (汇款账户验证信息).
    ///
    /// Condition: returned when applyment_state=ACCOUNT_NEED_VERIFY.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub account_validation: Option<AccountValidation>,
    /// Rejection details (驳回原因详情).
    ///
    /// Condition: returned when applyment_state is REJECTED or FROZEN.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub audit_detail: Option<Vec<AuditDetail>>,
    /// Legal-person verification URL (法人验证链接).
    ///
    /// Condition: returned when ACCOUNT_NEED_VERIFY and the legal person must verify by scanning.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub legal_validation_url: Option<String>,
    /// Platform-defined application number (业务申请编号).
    pub out_request_no: String,
    /// WeChat Pay application id (微信支付申请单号).
    pub applyment_id: u64,
}

/// Remittance instructions that verify the settlement account, while the state is
/// `ACCOUNT_NEED_VERIFY` (汇款账户验证信息).
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountValidation {
    /// Account name the merchant must remit from (付款户名).
    ///
    /// Encrypted: arrives as RSA-OAEP ciphertext (base64); decrypt with the merchant API private key.
    /// Note: payer account name the merchant must remit from; ciphertext, decrypt with the platform merchant API private key (RSA-OAEP).
    pub account_name: String,
    /// Payer card number (付款卡号).
    ///
    /// Encrypted: arrives as RSA-OAEP ciphertext (base64); decrypt with the merchant API private key.
    /// Note: only for personal (对私) settlement accounts; ciphertext.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub account_no: Option<String>,
    /// Amount to remit, fen (汇款金额).
    ///
    /// Uncertain: WxJava lists string(32), the openapi repo a number; both are accepted.
    #[serde(deserialize_with = "crate::integer::i64_or_string")]
    pub pay_amount: i64,
    /// Receiving account number (收款卡号).
    pub destination_account_number: String,
    /// Receiving account name (收款户名).
    pub destination_account_name: String,
    /// Receiving bank (开户银行).
    pub destination_account_bank: String,
    /// Province/city of the receiving account (省市信息).
    pub city: String,
    /// Remark (备注信息).
    pub remark: String,
    /// Remittance deadline (汇款截止时间).
    ///
    /// Uncertain: remittance deadline, e.g. 2018-12-10 17:09:01 (format per doc example; not RFC3339).
    pub deadline: String,
}

/// Why one parameter was rejected (驳回原因详情).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditDetail {
    /// Rejected parameter name (参数名称).
    pub param_name: String,
    /// Rejection reason (驳回原因).
    pub reject_reason: String,
}

impl SubmitApplymentRequest {
    /// A request with the members every subject type sends; everything else is `None`.
    pub fn new(
        out_request_no: impl Into<String>,
        organization_type: OrganizationType,
        account_info: ApplymentAccountInfo,
        contact_info: ContactInfo,
        sales_scene_info: SalesSceneInfo,
        merchant_shortname: impl Into<String>,
    ) -> Self {
        Self {
            out_request_no: out_request_no.into(),
            organization_type,
            finance_institution: None,
            business_license_info: None,
            finance_institution_info: None,
            id_holder_type: None,
            id_doc_type: None,
            authorize_letter_copy: None,
            id_card_info: None,
            id_doc_info: None,
            owner: None,
            ubo_info_list: None,
            account_info,
            contact_info,
            sales_scene_info,
            settlement_info: None,
            merchant_shortname: merchant_shortname.into(),
            qualifications: None,
            business_addition_pics: None,
            business_addition_desc: None,
        }
    }
}

impl Applyment {
    /// JSON pointers of the members that arrive RSA-OAEP encrypted to the merchant's key and
    /// that the SDK decrypts in place, so `Debug` redacts them like [`SensitiveFields`].
    pub const ENCRYPTED_FIELDS: &'static [&'static str] =
        &["/account_validation/account_name", "/account_validation/account_no"];
}

redacted_debug!(SubmitApplymentRequest, SubmitApplymentRequest::SENSITIVE_FIELDS);
redacted_debug!(IdCardInfo, SubmitApplymentRequest::SENSITIVE_FIELDS, "/id_card_info");
redacted_debug!(IdDocInfo, SubmitApplymentRequest::SENSITIVE_FIELDS, "/id_doc_info");
redacted_debug!(UboInfo, SubmitApplymentRequest::SENSITIVE_FIELDS, "/ubo_info_list/*");
redacted_debug!(ApplymentAccountInfo, SubmitApplymentRequest::SENSITIVE_FIELDS, "/account_info");
redacted_debug!(ContactInfo, SubmitApplymentRequest::SENSITIVE_FIELDS, "/contact_info");
redacted_debug!(Applyment, Applyment::ENCRYPTED_FIELDS);
redacted_debug!(AccountValidation, Applyment::ENCRYPTED_FIELDS, "/account_validation");

impl SensitiveFields for SubmitApplymentRequest {
    const SENSITIVE_FIELDS: &'static [&'static str] = &[
        "/id_card_info/id_card_name",
        "/id_card_info/id_card_number",
        "/id_card_info/id_card_address",
        "/id_doc_info/id_doc_name",
        "/id_doc_info/id_doc_number",
        "/id_doc_info/id_doc_address",
        "/ubo_info_list/*/ubo_id_doc_name",
        "/ubo_info_list/*/ubo_id_doc_number",
        "/ubo_info_list/*/ubo_id_doc_address",
        "/account_info/account_name",
        "/account_info/account_number",
        "/contact_info/contact_name",
        "/contact_info/contact_id_card_number",
        "/contact_info/mobile_phone",
        "/contact_info/contact_email",
    ];
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sensitive::check::redaction;

    fn date() -> Date {
        "2020-01-01".parse().unwrap()
    }

    fn request() -> SubmitApplymentRequest {
        let mut request = SubmitApplymentRequest::new(
            "APPLY-0001",
            OrganizationType::Enterprise,
            ApplymentAccountInfo {
                bank_account_type: BankAccountType::Corporate,
                account_bank: "招商银行".into(),
                account_name: "secret-account-name".into(),
                bank_address_code: "440300".into(),
                bank_branch_id: None,
                bank_name: None,
                account_number: "secret-account-number".into(),
                account_cert_info: None,
            },
            ContactInfo {
                contact_type: ContactType::Super,
                contact_name: "secret-contact-name".into(),
                contact_id_doc_type: Some(IdDocType::MainlandIdcard),
                contact_id_card_number: Some("secret-contact-id".into()),
                mobile_phone: "secret-mobile".into(),
                contact_email: "secret-email".into(),
                ..ContactInfo::default()
            },
            SalesSceneInfo { store_name: "store".into(), ..SalesSceneInfo::default() },
            "short",
        );
        request.id_card_info = Some(IdCardInfo {
            id_card_copy: "media-front".into(),
            id_card_national: "media-back".into(),
            id_card_name: "secret-id-card-name".into(),
            id_card_number: "secret-id-card-number".into(),
            id_card_address: Some("secret-id-card-address".into()),
            id_card_valid_time_begin: date(),
            id_card_valid_time: "长期".into(),
        });
        request.id_doc_info = Some(IdDocInfo {
            id_doc_copy: "media-doc".into(),
            id_doc_copy_back: None,
            id_doc_name: "secret-id-doc-name".into(),
            id_doc_number: "secret-id-doc-number".into(),
            id_doc_address: Some("secret-id-doc-address".into()),
            doc_period_begin: date(),
            doc_period_end: "长期".into(),
        });
        request.ubo_info_list = Some(vec![UboInfo {
            ubo_id_doc_type: IdDocType::MainlandIdcard,
            ubo_id_doc_copy: "media-ubo".into(),
            ubo_id_doc_copy_back: None,
            ubo_id_doc_name: "secret-ubo-name".into(),
            ubo_id_doc_number: "secret-ubo-number".into(),
            ubo_id_doc_address: Some("secret-ubo-address".into()),
            ubo_id_doc_period_begin: date(),
            ubo_id_doc_period_end: "长期".into(),
        }]);
        request
    }

    // Proves Debug of the request and of every type on the way to a sensitive member shows
    // none of the plaintext that SENSITIVE_FIELDS names, but still the other members.
    #[test]
    fn submit_request_debug_redacts_every_sensitive_member() {
        let request = request();
        redaction(&request, SubmitApplymentRequest::SENSITIVE_FIELDS)
            .nested::<IdCardInfo>("/id_card_info")
            .nested::<IdDocInfo>("/id_doc_info")
            .nested::<UboInfo>("/ubo_info_list/*")
            .nested::<ApplymentAccountInfo>("/account_info")
            .nested::<ContactInfo>("/contact_info")
            .finish();
        let shown = format!("{request:?}");
        assert!(shown.starts_with("SubmitApplymentRequest {"), "{shown}");
        for visible in ["APPLY-0001", "media-front", "招商银行", "secret-"] {
            assert_eq!(shown.contains(visible), visible != "secret-", "{visible}: {shown}");
        }
        let shown = format!("{:?}", request.contact_info);
        assert!(shown.starts_with("ContactInfo {") && shown.contains(r#""contact_type":"66""#));
    }

    // Proves the query response's members that the SDK decrypts are redacted too.
    #[test]
    fn applyment_debug_redacts_decrypted_members() {
        let applyment = Applyment {
            applyment_state: ApplymentState::AccountNeedVerify,
            applyment_state_desc: "待账户验证".into(),
            sign_url: None,
            sign_state: None,
            sub_mchid: None,
            account_validation: Some(AccountValidation {
                account_name: "secret-payer-name".into(),
                account_no: Some("secret-payer-card".into()),
                pay_amount: 123,
                destination_account_number: "7222223333322332".into(),
                destination_account_name: "财付通支付科技有限公司".into(),
                destination_account_bank: "招商银行威盛大厦支行".into(),
                city: "深圳".into(),
                remark: "入驻账户验证".into(),
                deadline: "2018-12-10 17:09:01".into(),
            }),
            audit_detail: None,
            legal_validation_url: None,
            out_request_no: "APPLY-0001".into(),
            applyment_id: 2_000_002_124_775_691,
        };
        redaction(&applyment, Applyment::ENCRYPTED_FIELDS)
            .nested::<AccountValidation>("/account_validation")
            .finish();
        assert!(format!("{applyment:?}").contains("7222223333322332"));
    }
}
