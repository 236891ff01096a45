//! Collection limits (收款额度) per subject type, from the onboarding guide (5.2.1):
//!
//! | `organization_type` | per day | credit cards |
//! | --- | --- | --- |
//! | `2401` 小微 | 100,000 CNY | 1,000 CNY per day, 10,000 CNY per month |
//! | `2500` 个人卖家 | 2,000,000 CNY | no limit |
//! | anything else | no limit | no limit |
//!
//! Days and months are Beijing time (+08:00) on the tenant's virtual clock. Only money
//! actually collected counts. A prepay that would take the day over the limit is refused
//! with `403 RULE_LIMIT`; a payment that would (several unpaid orders together, or a credit
//! card over its own limit: a `bank_type` ending in `_CREDIT`) fails as `PAYERROR`.
//! The guide's "limits rise or fall with the merchant's record" is not modelled.

use axum::http::StatusCode;
use serde::Serialize;
use wechatpay_models::applyment::OrganizationType;
use wechatpay_models::DateTime;

use crate::error::ApiError;

/// 小微: 100,000 CNY a day.
pub(crate) const MICRO_DAILY_FEN: i64 = 10_000_000;
/// 小微: 1,000 CNY a day by credit card.
pub(crate) const MICRO_CREDIT_DAILY_FEN: i64 = 100_000;
/// 小微: 10,000 CNY a month by credit card.
pub(crate) const MICRO_CREDIT_MONTHLY_FEN: i64 = 1_000_000;
/// 个人卖家: 2,000,000 CNY a day.
pub(crate) const PERSONAL_SELLER_DAILY_FEN: i64 = 200_000_000;

const UTC8_OFFSET_SECS: i64 = 8 * 3600;

/// The limits of a subject type; `None` = unlimited.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub(crate) struct Limits {
    pub(crate) daily_fen: Option<i64>,
    pub(crate) credit_daily_fen: Option<i64>,
    pub(crate) credit_monthly_fen: Option<i64>,
}

impl Limits {
    pub(crate) fn for_type(kind: &OrganizationType) -> Self {
        match kind {
            OrganizationType::MicroMerchant => Self {
                daily_fen: Some(MICRO_DAILY_FEN),
                credit_daily_fen: Some(MICRO_CREDIT_DAILY_FEN),
                credit_monthly_fen: Some(MICRO_CREDIT_MONTHLY_FEN),
            },
            OrganizationType::IndividualSeller => {
                Self { daily_fen: Some(PERSONAL_SELLER_DAILY_FEN), ..Self::default() }
            }
            _ => Self::default(),
        }
    }
}

/// What a sub-merchant collected today and this month (Beijing time).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub(crate) struct Tally {
    /// Days since 1970-01-01 in Beijing time.
    pub(crate) day: i64,
    pub(crate) day_fen: i64,
    pub(crate) credit_day_fen: i64,
    /// `year * 12 + month - 1` in Beijing time.
    pub(crate) month: i64,
    pub(crate) credit_month_fen: i64,
}

fn day_of(now_unix: i64) -> i64 {
    now_unix.saturating_add(UTC8_OFFSET_SECS).div_euclid(86_400)
}

fn month_of(now_unix: i64) -> i64 {
    DateTime::from_unix(now_unix)
        .map(|d| {
            let date = d.date().inner();
            i64::from(date.year()) * 12 + i64::from(u8::from(date.month())) - 1
        })
        .unwrap_or_default()
}

impl Tally {
    /// The tally as of `now_unix`: a new day or month starts from zero.
    pub(crate) fn at(self, now_unix: i64) -> Self {
        let (day, month) = (day_of(now_unix), month_of(now_unix));
        let mut t = self;
        if t.day != day {
            t.day = day;
            t.day_fen = 0;
            t.credit_day_fen = 0;
        }
        if t.month != month {
            t.month = month;
            t.credit_month_fen = 0;
        }
        t
    }

    /// Counts `fen` collected at `now_unix`.
    pub(crate) fn add(self, now_unix: i64, fen: i64, credit: bool) -> Self {
        let mut t = self.at(now_unix);
        t.day_fen = t.day_fen.saturating_add(fen);
        if credit {
            t.credit_day_fen = t.credit_day_fen.saturating_add(fen);
            t.credit_month_fen = t.credit_month_fen.saturating_add(fen);
        }
        t
    }
}

/// Whether a `bank_type` is a credit card (`CMB_CREDIT`, `ICBC_CREDIT` …).
pub(crate) fn is_credit(bank_type: &str) -> bool {
    bank_type.ends_with("_CREDIT")
}

/// A limit the collection would break.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("sub-merchant {sub_mchid} ({organization_type}) has collected {collected_fen} fen {period}; {amount_fen} fen more exceeds its limit of {limit_fen} fen")]
pub(crate) struct Breach {
    pub(crate) sub_mchid: String,
    pub(crate) organization_type: String,
    pub(crate) period: &'static str,
    pub(crate) collected_fen: i64,
    pub(crate) amount_fen: i64,
    pub(crate) limit_fen: i64,
}

impl From<Breach> for ApiError {
    /// The prepay answer: WeChat Pay's "blocked by business rules" code.
    fn from(b: Breach) -> Self {
        ApiError::new(StatusCode::FORBIDDEN, "RULE_LIMIT", "超出商户收款额度").with_detail(
            wechatpay_models::error::ErrorDetail {
                issue: Some(b.to_string()),
                ..Default::default()
            },
        )
    }
}

/// Checks that `sub_mchid` may collect `amount_fen` more at `now_unix` (by credit card when
/// `credit`).
///
/// # Errors
/// The first [`Breach`].
pub(crate) fn check(
    sub_mchid: &str,
    organization_type: &str,
    tally: Tally,
    now_unix: i64,
    amount_fen: i64,
    credit: bool,
) -> Result<(), Breach> {
    let limits = Limits::for_type(&OrganizationType::from(organization_type));
    let t = tally.at(now_unix);
    let mut checks = vec![(limits.daily_fen, t.day_fen, "today")];
    if credit {
        checks.push((limits.credit_daily_fen, t.credit_day_fen, "by credit card today"));
        checks.push((limits.credit_monthly_fen, t.credit_month_fen, "by credit card this month"));
    }
    for (limit, collected, period) in checks {
        let Some(limit_fen) = limit else { continue };
        if collected.saturating_add(amount_fen) > limit_fen {
            return Err(Breach {
                sub_mchid: sub_mchid.to_owned(),
                organization_type: organization_type.to_owned(),
                period,
                collected_fen: collected,
                amount_fen,
                limit_fen,
            });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const T0: i64 = 1_735_700_400; // 2025-01-01T11:00:00+08:00

    // Proves 小微 is held to 100,000 CNY a day (exactly the limit is fine), a new Beijing day
    // starts from zero, and unlimited types are never refused.
    #[test]
    fn daily_limit_and_day_boundary() {
        let t = Tally::default().add(T0, MICRO_DAILY_FEN - 1, false);
        assert!(check("1", "2401", t, T0, 1, false).is_ok());
        let e = check("1", "2401", t, T0, 2, false).unwrap_err();
        assert_eq!((e.limit_fen, e.period), (MICRO_DAILY_FEN, "today"));
        assert_eq!(ApiError::from(e).code(), "RULE_LIMIT");
        // 2025-01-02T00:00:00+08:00 is 13 h later.
        let next_day = T0 + 13 * 3600;
        assert!(check("1", "2401", t, next_day, MICRO_DAILY_FEN, false).is_ok());
        assert!(check("1", "2401", t, next_day - 1, 2, false).is_err());
        assert!(check("1", "2", t, T0, i64::MAX / 2, true).is_ok());
        assert!(check("1", "2500", t, T0, PERSONAL_SELLER_DAILY_FEN, false).is_err());
        assert!(check("1", "2500", Tally::default(), T0, PERSONAL_SELLER_DAILY_FEN, true).is_ok());
    }

    // Proves 小微 credit cards are held to 1,000 CNY a day and 10,000 CNY a month.
    #[test]
    fn credit_card_limits() {
        let t = Tally::default().add(T0, MICRO_CREDIT_DAILY_FEN, true);
        assert!(
            check("1", "2401", t, T0, 1, false).is_ok(),
            "debit is not held to the credit limit"
        );
        assert_eq!(check("1", "2401", t, T0, 1, true).unwrap_err().period, "by credit card today");
        let mut month = Tally::default();
        for day in 0..10 {
            month = month.add(T0 + day * 86_400, MICRO_CREDIT_DAILY_FEN, true);
        }
        let day11 = T0 + 10 * 86_400;
        assert_eq!(
            check("1", "2401", month, day11, 1, true).unwrap_err().period,
            "by credit card this month"
        );
        // 2025-02-01 starts a new month.
        let feb = DateTime::parse("2025-02-01T00:00:00+08:00").unwrap().unix_timestamp();
        assert!(check("1", "2401", month, feb, MICRO_CREDIT_DAILY_FEN, true).is_ok());
        assert!(is_credit("CMB_CREDIT") && !is_credit("CMB_DEBIT") && !is_credit("OTHERS"));
    }
}
