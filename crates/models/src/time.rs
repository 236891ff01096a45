//! Times and dates as WeChat Pay writes them.
//!
//! WeChat Pay sends RFC 3339 date-times with a numeric offset and whole seconds, e.g.
//! `2024-05-20T13:29:35+08:00`, and plain dates such as `bill_date` as `YYYY-MM-DD`.
//! [`DateTime`] keeps the offset it was given, so a value read from WeChat Pay is written
//! back byte for byte; [`Date`] is the calendar-date counterpart.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use time::format_description::well_known::Rfc3339;
use time::macros::{format_description, offset};
use time::{OffsetDateTime, UtcOffset};

/// China Standard Time, `+08:00`: the offset WeChat Pay uses in every time it sends.
pub const CHINA_STANDARD_TIME: UtcOffset = offset!(+8);

/// Why a date or date-time was rejected.
#[derive(Debug, thiserror::Error)]
#[error("{reason}")]
pub struct TimeError {
    reason: &'static str,
    #[source]
    source: Option<time::error::Error>,
}

impl TimeError {
    fn new(reason: &'static str) -> Self {
        Self { reason, source: None }
    }

    fn with_source(reason: &'static str, source: impl Into<time::error::Error>) -> Self {
        Self { reason, source: Some(source.into()) }
    }
}

/// An instant with the UTC offset it was written with (RFC 3339, `format: date-time`).
///
/// Serializes as `YYYY-MM-DDTHH:MM:SS±HH:MM`, adding `.fraction` only when the value has
/// sub-second precision (trailing zeros dropped). Parsing accepts any RFC 3339 date-time; a
/// `Z` offset is written back as `+00:00`. The year is always within `0000..=9999`.
///
/// Equality and ordering compare instants: `10:00+08:00` equals `02:00+00:00`.
///
/// ```
/// use wechatpay_models::time::DateTime;
///
/// let t: DateTime = "2024-05-20T13:29:35+08:00".parse()?;
/// assert_eq!(t.to_string(), "2024-05-20T13:29:35+08:00");
/// assert_eq!(DateTime::from_unix(t.unix_timestamp())?, t);
/// # Ok::<(), wechatpay_models::time::TimeError>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct DateTime(OffsetDateTime);

impl DateTime {
    /// Wraps an [`OffsetDateTime`].
    ///
    /// # Errors
    /// [`TimeError`] if the year is outside `0000..=9999` or the offset has a seconds part;
    /// RFC 3339 can express neither.
    pub fn new(inner: OffsetDateTime) -> Result<Self, TimeError> {
        if !(0..=9999).contains(&inner.year()) {
            return Err(TimeError::new("year outside 0000..=9999"));
        }
        if inner.offset().seconds_past_minute() != 0 {
            return Err(TimeError::new("UTC offset has a seconds part"));
        }
        Ok(Self(inner))
    }

    /// Parses an RFC 3339 date-time, keeping its offset.
    ///
    /// # Errors
    /// [`TimeError`] if `text` is not an RFC 3339 date-time with an offset.
    pub fn parse(text: &str) -> Result<Self, TimeError> {
        let inner = OffsetDateTime::parse(text, &Rfc3339)
            .map_err(|e| TimeError::with_source("not an RFC 3339 date-time", e))?;
        Self::new(inner)
    }

    /// The instant `secs` seconds after the Unix epoch, expressed in `+08:00`.
    ///
    /// # Errors
    /// [`TimeError`] if the instant is outside the years `0000..=9999`.
    pub fn from_unix(secs: i64) -> Result<Self, TimeError> {
        let utc = OffsetDateTime::from_unix_timestamp(secs)
            .map_err(|e| TimeError::with_source("unix timestamp out of range", e))?;
        let local = utc
            .checked_to_offset(CHINA_STANDARD_TIME)
            .ok_or_else(|| TimeError::new("unix timestamp out of range"))?;
        Self::new(local)
    }

    /// The current time in `+08:00`, truncated to whole seconds like WeChat Pay's own times.
    pub fn now_utc8() -> Self {
        // The system clock is within 0000..=9999 and +08:00 has no seconds part, so the
        // invariant of `new` holds without checking.
        Self(OffsetDateTime::now_utc().truncate_to_second().to_offset(CHINA_STANDARD_TIME))
    }

    /// Seconds since the Unix epoch.
    pub fn unix_timestamp(&self) -> i64 {
        self.0.unix_timestamp()
    }

    /// The wrapped [`OffsetDateTime`].
    pub fn offset_date_time(&self) -> OffsetDateTime {
        self.0
    }

    /// The UTC offset this time was written with.
    pub fn offset(&self) -> UtcOffset {
        self.0.offset()
    }

    /// The calendar date in this time's own offset.
    pub fn date(&self) -> Date {
        // The year range is shared with `Date`, so no check is needed.
        Date(self.0.date())
    }
}

impl TryFrom<OffsetDateTime> for DateTime {
    type Error = TimeError;

    fn try_from(inner: OffsetDateTime) -> Result<Self, TimeError> {
        Self::new(inner)
    }
}

impl From<DateTime> for OffsetDateTime {
    fn from(value: DateTime) -> Self {
        value.0
    }
}

impl FromStr for DateTime {
    type Err = TimeError;

    fn from_str(text: &str) -> Result<Self, TimeError> {
        Self::parse(text)
    }
}

impl fmt::Display for DateTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Written by hand rather than with `Rfc3339` so that UTC stays `+00:00` and the
        // call cannot fail: `new` guarantees a four-digit year and an offset in whole minutes.
        let t = self.0;
        Date(t.date()).fmt(f)?;
        write!(f, "T{:02}:{:02}:{:02}", t.hour(), t.minute(), t.second())?;
        let nanos = t.nanosecond();
        if nanos != 0 {
            let digits = format!("{nanos:09}");
            write!(f, ".{}", digits.trim_end_matches('0'))?;
        }
        let offset = t.offset();
        let sign = if offset.is_negative() { '-' } else { '+' };
        write!(
            f,
            "{sign}{:02}:{:02}",
            offset.whole_hours().unsigned_abs(),
            offset.minutes_past_hour().unsigned_abs()
        )
    }
}

impl Serialize for DateTime {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for DateTime {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        Self::parse(&text).map_err(serde::de::Error::custom)
    }
}

/// A calendar date written `YYYY-MM-DD` (`format: date`, e.g. `bill_date`).
///
/// ```
/// use wechatpay_models::time::Date;
///
/// let d: Date = "2024-05-20".parse()?;
/// assert_eq!(d.to_string(), "2024-05-20");
/// # Ok::<(), wechatpay_models::time::TimeError>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date(time::Date);

impl Date {
    /// Wraps a [`time::Date`].
    ///
    /// # Errors
    /// [`TimeError`] if the year is outside `0000..=9999`.
    pub fn new(inner: time::Date) -> Result<Self, TimeError> {
        if !(0..=9999).contains(&inner.year()) {
            return Err(TimeError::new("year outside 0000..=9999"));
        }
        Ok(Self(inner))
    }

    /// Builds a date from its parts (`month` is `1..=12`).
    ///
    /// # Errors
    /// [`TimeError`] if the parts do not name a real date within the years `0000..=9999`.
    pub fn from_ymd(year: i32, month: u8, day: u8) -> Result<Self, TimeError> {
        let month = time::Month::try_from(month)
            .map_err(|e| TimeError::with_source("month outside 1..=12", e))?;
        let inner = time::Date::from_calendar_date(year, month, day)
            .map_err(|e| TimeError::with_source("no such date", e))?;
        Self::new(inner)
    }

    /// Parses `YYYY-MM-DD`.
    ///
    /// # Errors
    /// [`TimeError`] if `text` is not a `YYYY-MM-DD` date.
    pub fn parse(text: &str) -> Result<Self, TimeError> {
        let format = format_description!("[year repr:full sign:automatic]-[month]-[day]");
        // The `time` parser accepts a leading `+`; WeChat Pay never writes one.
        if !text.as_bytes().first().is_some_and(u8::is_ascii_digit) {
            return Err(TimeError::new("not a YYYY-MM-DD date"));
        }
        let inner = time::Date::parse(text, &format)
            .map_err(|e| TimeError::with_source("not a YYYY-MM-DD date", e))?;
        Self::new(inner)
    }

    /// The wrapped [`time::Date`].
    pub fn inner(&self) -> time::Date {
        self.0
    }
}

impl TryFrom<time::Date> for Date {
    type Error = TimeError;

    fn try_from(inner: time::Date) -> Result<Self, TimeError> {
        Self::new(inner)
    }
}

impl From<Date> for time::Date {
    fn from(value: Date) -> Self {
        value.0
    }
}

impl FromStr for Date {
    type Err = TimeError;

    fn from_str(text: &str) -> Result<Self, TimeError> {
        Self::parse(text)
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let d = self.0;
        write!(f, "{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
    }
}

impl Serialize for Date {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        Self::parse(&text).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    // Proves the exact form WeChat Pay sends survives parse → serialize byte for byte.
    #[test]
    fn date_time_keeps_plus_eight() {
        let json = "\"2024-05-20T13:29:35+08:00\"";
        let t: DateTime = serde_json::from_str(json).unwrap();
        assert_eq!(t.offset(), CHINA_STANDARD_TIME);
        assert_eq!(serde_json::to_string(&t).unwrap(), json);
        assert_eq!(t.unix_timestamp(), 1_716_182_975);
        assert_eq!(t.date().to_string(), "2024-05-20");
    }

    // Proves other offsets are kept, not converted, and fractions are not invented or padded.
    #[test]
    fn date_time_keeps_other_offsets_and_fractions() {
        for text in [
            "2024-05-20T05:29:35+00:00",
            "2024-05-20T00:29:35-05:00",
            "2024-05-20T18:59:35+05:30",
            "2024-05-20T13:29:35.5+08:00",
            "2024-05-20T13:29:35.123456789+08:00",
        ] {
            assert_eq!(DateTime::parse(text).unwrap().to_string(), text);
        }
        // `Z` is accepted and written in WeChat Pay's numeric form.
        let z = DateTime::parse("2024-05-20T05:29:35Z").unwrap();
        assert_eq!(z.to_string(), "2024-05-20T05:29:35+00:00");
        assert_eq!(z, DateTime::parse("2024-05-20T13:29:35+08:00").unwrap());
    }

    // Proves malformed times are rejected with an error, never a panic.
    #[test]
    fn date_time_rejects_garbage() {
        for text in [
            "",
            "2024-05-20",
            "2024-05-20T13:29:35",
            "2024-05-20 13:29:35+08:00x",
            "2024-13-20T13:29:35+08:00",
            "1716182975",
        ] {
            assert!(DateTime::parse(text).is_err(), "{text}");
        }
        assert!(serde_json::from_str::<DateTime>("1716182975").is_err());
    }

    // Proves the unix constructor lands in +08:00 and refuses out-of-range instants.
    #[test]
    fn from_unix_uses_china_standard_time() {
        let t = DateTime::from_unix(1_735_699_000).unwrap();
        assert_eq!(t.to_string(), "2025-01-01T10:36:40+08:00");
        assert!(DateTime::from_unix(i64::MAX).is_err());
        assert!(DateTime::from_unix(253_402_300_800).is_err()); // 10000-01-01T00:00:00Z
        let now = DateTime::now_utc8();
        assert_eq!(now.offset(), CHINA_STANDARD_TIME);
        assert_eq!(now.offset_date_time().nanosecond(), 0);
    }

    // Proves dates round-trip and reject what is not YYYY-MM-DD.
    #[test]
    fn date_round_trip() {
        let d: Date = serde_json::from_str("\"2024-02-29\"").unwrap();
        assert_eq!(d, Date::from_ymd(2024, 2, 29).unwrap());
        assert_eq!(serde_json::to_string(&d).unwrap(), "\"2024-02-29\"");
        for text in ["2023-02-29", "+2024-02-29", "2024-2-9", "20240229", "2024-02-29T00:00:00"] {
            assert!(Date::parse(text).is_err(), "{text}");
        }
        assert!(Date::from_ymd(2024, 13, 1).is_err());
    }

    proptest! {
        // Proves every representable whole-second time in any whole-minute offset round-trips.
        #[test]
        fn date_time_text_round_trips(
            secs in 0i64..253_402_200_000,
            offset_minutes in -(23 * 60 + 59)..=(23 * 60 + 59i32),
        ) {
            let offset = UtcOffset::from_whole_seconds(offset_minutes * 60).unwrap();
            let inner = OffsetDateTime::from_unix_timestamp(secs).unwrap().to_offset(offset);
            if let Ok(t) = DateTime::new(inner) {
                let text = t.to_string();
                let back = DateTime::parse(&text).unwrap();
                prop_assert_eq!(back.offset(), t.offset());
                prop_assert_eq!(back, t);
                prop_assert_eq!(back.to_string(), text);
            }
        }
    }
}
