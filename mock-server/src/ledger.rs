//! The money ledger of a tenant: double-entry, in fen, on the tenant's virtual clock.
//!
//! Every account belongs to a merchant (the platform itself or one of its sub-merchants) and
//! has a [`Purpose`]; [`Account::External`] stands for everything outside WeChat Pay (payers'
//! cards and change, merchants' bank accounts), so money entering (a payment) and leaving (a
//! refund to the payer, a withdrawal that reached the bank) is balanced like every other move.
//!
//! Every movement is one immutable [`Entry`]: money leaves its `debit` account and reaches its
//! `credit` account; an account's balance is its credits minus its debits. So:
//!
//! - the balances of all accounts, [`Account::External`] included, always sum to zero;
//! - no account except [`Account::External`] ever goes below zero: a transfer that would
//!   overdraw is refused with [`LedgerError::Insufficient`] (a business error, never a panic),
//!   and [`Account::External`] is never below zero either way round: it holds minus what
//!   WeChat Pay owes its merchants;
//! - entries are kept in time order, each account keeps its balance after every entry, so a
//!   balance at any virtual time (a day-end balance) is a binary search away.
//!
//! The ledger is an area of the [`crate::store::Store`]: it joins the same transaction as the
//! area that moves money, so a payment that fails halfway changes neither the order nor the
//! balances. Its collections are `imbl` ones, so the transaction's copy costs O(1).
//!
//! ```
//! use wechatpay_mock::ledger::{Account, EntryKind, Ledger, LedgerError, Purpose, Transfer};
//!
//! let mut ledger = Ledger::default();
//! let frozen = Account::merchant("1900000109", Purpose::Frozen);
//! ledger.transfer(1_735_700_400, Transfer::new(EntryKind::Payment, "4200000001", Account::External, frozen.clone(), 100))?;
//! assert_eq!(ledger.balance(&frozen), 100);
//! let overdraw = Transfer::new(EntryKind::Refund, "50300001", frozen.clone(), Account::External, 101);
//! assert!(matches!(ledger.transfer(1_735_700_401, overdraw), Err(LedgerError::Insufficient { .. })));
//! assert!(ledger.check().is_ok());
//! # Ok::<(), LedgerError>(())
//! ```

use std::fmt;
use std::str::FromStr;
use std::sync::Arc;

use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use wechatpay_models::time::Date;

use crate::error::ApiError;
use crate::store::Txn;

/// Most entries one tenant's ledger holds (about 0.5 GB); a limit on everything.
pub const MAX_ENTRIES: usize = 2_000_000;
/// Longest `reference`, bytes.
pub const MAX_REFERENCE_BYTES: usize = 64;
/// Longest `memo`, bytes.
pub const MAX_MEMO_BYTES: usize = 256;
/// Up to this many entries, debug builds replay the whole ledger after every transfer; above
/// it the replay would make debug builds quadratic, and the O(1) asserts of each transfer
/// plus [`Ledger::check`] (admin `GET /mock/admin/ledger/check`) carry the guarantee.
const FULL_CHECK_MAX_ENTRIES: usize = 4_096;
/// Most violations one [`Ledger::check`] lists.
const MAX_VIOLATIONS: usize = 100;
/// Beijing time: WeChat Pay's days (day-end balances, bill dates) start at 00:00 +08:00.
const UTC8_OFFSET_SECS: i64 = 8 * 3600;

/// What an account of a merchant holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Purpose {
    /// BASIC account, available part (可用余额): can be refunded, withdrawn, split.
    Available,
    /// BASIC account, frozen part (不可用余额): paid orders held for profit sharing.
    Frozen,
    /// Withdrawn and on its way to the bank (not part of any balance WeChat Pay reports).
    InTransit,
    /// OPERATION account (运营账户), e.g. the platform's subsidy funds.
    Operation,
    /// FEES account (手续费账户).
    Fees,
    /// DEPOSIT account (保证金账户).
    Deposit,
}

impl Purpose {
    /// Every purpose, in order.
    pub const ALL: [Purpose; 6] = [
        Self::Available,
        Self::Frozen,
        Self::InTransit,
        Self::Operation,
        Self::Fees,
        Self::Deposit,
    ];

    /// The name used in account ids and JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Available => "AVAILABLE",
            Self::Frozen => "FROZEN",
            Self::InTransit => "IN_TRANSIT",
            Self::Operation => "OPERATION",
            Self::Fees => "FEES",
            Self::Deposit => "DEPOSIT",
        }
    }
}

impl FromStr for Purpose {
    type Err = ParseAccountError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|p| p.as_str().eq_ignore_ascii_case(s))
            .ok_or_else(|| ParseAccountError(s.to_owned()))
    }
}

/// An account of the ledger.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Account {
    /// Everything outside WeChat Pay: payers and banks. The source of payments and the sink
    /// of refunds and withdrawals; the only account whose balance goes negative.
    External,
    /// One account of a merchant (the platform, i.e. the tenant's mchid, or a sub-merchant).
    Merchant {
        /// The merchant id (shared: imbl copies keys when it copies a node).
        mchid: Arc<str>,
        /// What the account holds.
        purpose: Purpose,
    },
}

impl Account {
    /// The account of `mchid` holding `purpose`.
    pub fn merchant(mchid: impl AsRef<str>, purpose: Purpose) -> Self {
        Self::Merchant { mchid: Arc::from(mchid.as_ref()), purpose }
    }

    /// The merchant owning the account (`None` for [`Account::External`]).
    pub fn mchid(&self) -> Option<&str> {
        match self {
            Self::External => None,
            Self::Merchant { mchid, .. } => Some(mchid),
        }
    }

    /// The purpose (`None` for [`Account::External`]).
    pub fn purpose(&self) -> Option<Purpose> {
        match self {
            Self::External => None,
            Self::Merchant { purpose, .. } => Some(*purpose),
        }
    }

    fn is_external(&self) -> bool {
        matches!(self, Self::External)
    }
}

impl fmt::Display for Account {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::External => f.write_str("EXTERNAL"),
            Self::Merchant { mchid, purpose } => write!(f, "{mchid}:{}", purpose.as_str()),
        }
    }
}

/// Text that is not an account id (`EXTERNAL` or `<mchid>:<PURPOSE>`).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not an account: write EXTERNAL or <mchid>:<AVAILABLE|FROZEN|IN_TRANSIT|OPERATION|FEES|DEPOSIT>")]
pub struct ParseAccountError(pub String);

impl FromStr for Account {
    type Err = ParseAccountError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s.eq_ignore_ascii_case("EXTERNAL") {
            return Ok(Self::External);
        }
        let bad = || ParseAccountError(s.to_owned());
        let (mchid, purpose) = s.split_once(':').ok_or_else(bad)?;
        if mchid.is_empty() || mchid.len() > 32 || !mchid.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad());
        }
        Ok(Self::merchant(mchid, purpose.parse().map_err(|_| bad())?))
    }
}

impl Serialize for Account {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Account {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

/// What kind of business event moved the money. Areas add kinds as they need them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum EntryKind {
    /// A payer paid an order (External → the sub-merchant's frozen or available funds).
    Payment,
    /// A fee was charged.
    Fee,
    /// Frozen funds were split to a receiver (分账).
    ProfitSharing,
    /// A split came back (分账回退).
    ProfitSharingReturn,
    /// Frozen funds were released to the sub-merchant (解冻剩余资金).
    Unfreeze,
    /// Money went back to a payer (退款).
    Refund,
    /// An advance refund was returned to the platform (垫付退款回补).
    RefundReturn,
    /// The platform subsidised an order (补差).
    Subsidy,
    /// A subsidy was taken back (补差回退).
    SubsidyReturn,
    /// A withdrawal left the balance (提现受理): available → in transit.
    Withdrawal,
    /// A withdrawal reached the bank: in transit → External.
    WithdrawalArrival,
    /// A withdrawal failed or bounced: in transit → available.
    WithdrawalReturn,
    /// The admin API credited an account (test set-up).
    AdminDeposit,
}

/// Identifies an entry: 1, 2, 3 … in the order entries were written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct EntryId(pub u64);

impl fmt::Display for EntryId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// One movement of money. Immutable: the ledger only ever appends entries.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Entry {
    id: EntryId,
    time_unix: i64,
    kind: EntryKind,
    reference: String,
    debit: Account,
    credit: Account,
    amount_fen: u64,
    memo: String,
}

impl Entry {
    /// Its id.
    pub fn id(&self) -> EntryId {
        self.id
    }
    /// Virtual time it was written, unix seconds.
    pub fn time_unix(&self) -> i64 {
        self.time_unix
    }
    /// What moved the money.
    pub fn kind(&self) -> EntryKind {
        self.kind
    }
    /// The business object it belongs to: transaction_id, refund_id, withdraw_id …
    pub fn reference(&self) -> &str {
        &self.reference
    }
    /// The account the money left.
    pub fn debit(&self) -> &Account {
        &self.debit
    }
    /// The account the money reached.
    pub fn credit(&self) -> &Account {
        &self.credit
    }
    /// How much, fen (> 0).
    pub fn amount_fen(&self) -> u64 {
        self.amount_fen
    }
    /// Free text.
    pub fn memo(&self) -> &str {
        &self.memo
    }
}

/// A movement to make: `amount_fen` from `from` to `to`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Transfer {
    kind: EntryKind,
    reference: String,
    from: Account,
    to: Account,
    amount_fen: u64,
    memo: String,
}

impl Transfer {
    /// Moves `amount_fen` from `from` (debited) to `to` (credited), for the business object
    /// `reference` (transaction_id, refund_id, withdraw_id …).
    pub fn new(
        kind: EntryKind,
        reference: impl Into<String>,
        from: Account,
        to: Account,
        amount_fen: u64,
    ) -> Self {
        Self { kind, reference: reference.into(), from, to, amount_fen, memo: String::new() }
    }

    /// Adds free text to the entry.
    #[must_use]
    pub fn memo(mut self, memo: impl Into<String>) -> Self {
        self.memo = memo.into();
        self
    }
}

/// Why a transfer was refused. The ledger is unchanged after every one of them.
#[non_exhaustive]
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum LedgerError {
    /// The debited account holds less than the amount (a business error: `NOT_ENOUGH`).
    #[error("{account} holds {balance_fen} fen, less than the {amount_fen} fen to move")]
    Insufficient {
        /// The account that would be overdrawn.
        account: Account,
        /// Its balance.
        balance_fen: i64,
        /// The amount asked for.
        amount_fen: u64,
    },
    /// A transfer moves at least one fen.
    #[error("a transfer moves at least 1 fen")]
    ZeroAmount,
    /// More than a balance can hold.
    #[error("{amount_fen} fen is more than a balance can hold")]
    AmountTooLarge {
        /// The amount asked for.
        amount_fen: u64,
    },
    /// Both sides are the same account.
    #[error("a transfer needs two different accounts, got {0} twice")]
    SameAccount(Account),
    /// A balance would leave the `i64` range.
    #[error("moving {amount_fen} fen would overflow {account}")]
    Overflow {
        /// The account whose balance would overflow.
        account: Account,
        /// The amount asked for.
        amount_fen: u64,
    },
    /// `reference` or `memo` is too long.
    #[error("{field} is longer than {max_bytes} bytes")]
    TooLong {
        /// `reference` or `memo`.
        field: &'static str,
        /// The limit.
        max_bytes: usize,
    },
    /// The ledger holds [`MAX_ENTRIES`] entries.
    #[error("the ledger is full ({max} entries); reset the tenant")]
    Full {
        /// The limit.
        max: usize,
    },
}

impl From<LedgerError> for ApiError {
    /// Overdrafts are what WeChat Pay answers `403 NOT_ENOUGH` to; anything else is a bug of
    /// the calling area (it should have validated first), so `500 SYSTEM_ERROR` with the reason.
    fn from(e: LedgerError) -> Self {
        match e {
            LedgerError::Insufficient { .. } => {
                ApiError::new(StatusCode::FORBIDDEN, "NOT_ENOUGH", "账户余额不足").with_detail(
                    wechatpay_models::error::ErrorDetail {
                        issue: Some(e.to_string()),
                        ..Default::default()
                    },
                )
            }
            LedgerError::ZeroAmount
            | LedgerError::AmountTooLarge { .. }
            | LedgerError::SameAccount(_)
            | LedgerError::Overflow { .. }
            | LedgerError::TooLong { .. }
            | LedgerError::Full { .. } => ApiError::system_error(format!("ledger: {e}")),
        }
    }
}

/// An account's balance right after one entry.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Posting {
    entry: EntryId,
    time_unix: i64,
    balance_after_fen: i64,
}

/// A WeChat Pay account type (`fund_account_type` of fixtures/api/enums.json), as the fund
/// APIs report it: BASIC is available + frozen, the others have no frozen part.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum FundAccountType {
    /// 基本账户.
    Basic,
    /// 运营账户.
    Operation,
    /// 手续费账户.
    Fees,
    /// 保证金账户.
    Deposit,
}

impl FundAccountType {
    /// The ledger purposes behind `available_amount` and `pending_amount`.
    pub fn purposes(self) -> (Purpose, Option<Purpose>) {
        match self {
            Self::Basic => (Purpose::Available, Some(Purpose::Frozen)),
            Self::Operation => (Purpose::Operation, None),
            Self::Fees => (Purpose::Fees, None),
            Self::Deposit => (Purpose::Deposit, None),
        }
    }
}

/// A balance as the fund APIs answer it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct FundBalance {
    /// `available_amount`, fen.
    pub available_fen: i64,
    /// `pending_amount` (frozen), fen.
    pub pending_fen: i64,
}

/// Which entries to list; every member is optional (query of `GET /mock/admin/ledger/entries`).
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EntryFilter {
    /// Only entries debiting or crediting this account (`EXTERNAL`, `1900000109:FROZEN`).
    pub account: Option<Account>,
    /// Only entries touching an account of this merchant.
    pub owner: Option<String>,
    /// Only this kind.
    pub kind: Option<EntryKind>,
    /// Only this reference.
    pub reference: Option<String>,
    /// Only entries at or after this virtual time.
    pub from_unix: Option<i64>,
    /// Only entries before this virtual time.
    pub to_unix: Option<i64>,
    /// Only entries with a larger id.
    pub after_id: Option<u64>,
    /// At most this many, the newest (default 100, at most 10 000).
    pub limit: Option<usize>,
}

impl EntryFilter {
    fn matches(&self, e: &Entry) -> bool {
        self.account.as_ref().is_none_or(|a| *a == e.debit || *a == e.credit)
            && self
                .owner
                .as_deref()
                .is_none_or(|m| e.debit.mchid() == Some(m) || e.credit.mchid() == Some(m))
            && self.kind.is_none_or(|k| k == e.kind)
            && self.reference.as_deref().is_none_or(|r| r == e.reference)
            && self.from_unix.is_none_or(|t| e.time_unix >= t)
            && self.to_unix.is_none_or(|t| e.time_unix < t)
            && self.after_id.is_none_or(|id| e.id.0 > id)
    }
}

/// The result of [`Ledger::check`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct InvariantReport {
    /// Whether every invariant holds.
    pub ok: bool,
    /// Entries checked.
    pub entries: usize,
    /// Accounts with at least one entry.
    pub accounts: usize,
    /// The balance of [`Account::External`]: minus what WeChat Pay holds for merchants.
    pub external_fen: i64,
    /// The sum of every merchant account (`-external_fen` when the ledger balances).
    pub held_fen: i128,
    /// What is wrong, at most 100 items.
    pub violations: Vec<String>,
}

/// A tenant's ledger: an [`crate::store::Area`], so it changes only inside a transaction.
#[derive(Clone, Debug, Default)]
pub struct Ledger {
    // Behind `Arc`s: imbl copies the values of a chunk it writes to, which must not allocate.
    entries: imbl::Vector<Arc<Entry>>,
    history: imbl::OrdMap<Account, imbl::Vector<Posting>>,
}

impl Ledger {
    /// Moves money: appends one entry at `now_unix` (the tenant's virtual time; never earlier
    /// than the last entry, so entries stay in time order even if a base clock steps back).
    ///
    /// # Errors
    /// [`LedgerError`]; the ledger is then unchanged. [`LedgerError::Insufficient`] is the
    /// business error; the others mean the calling area did not validate its input.
    pub fn transfer(&mut self, now_unix: i64, t: Transfer) -> Result<EntryId, LedgerError> {
        if t.amount_fen == 0 {
            return Err(LedgerError::ZeroAmount);
        }
        let amount = i64::try_from(t.amount_fen)
            .map_err(|_| LedgerError::AmountTooLarge { amount_fen: t.amount_fen })?;
        if t.from == t.to {
            return Err(LedgerError::SameAccount(t.from));
        }
        if t.reference.len() > MAX_REFERENCE_BYTES {
            return Err(LedgerError::TooLong {
                field: "reference",
                max_bytes: MAX_REFERENCE_BYTES,
            });
        }
        if t.memo.len() > MAX_MEMO_BYTES {
            return Err(LedgerError::TooLong { field: "memo", max_bytes: MAX_MEMO_BYTES });
        }
        if self.entries.len() >= MAX_ENTRIES {
            return Err(LedgerError::Full { max: MAX_ENTRIES });
        }
        let from_before = self.balance(&t.from);
        let to_before = self.balance(&t.to);
        if !t.from.is_external() && from_before < amount {
            return Err(LedgerError::Insufficient {
                account: t.from,
                balance_fen: from_before,
                amount_fen: t.amount_fen,
            });
        }
        let from_after = from_before.checked_sub(amount).ok_or_else(|| LedgerError::Overflow {
            account: t.from.clone(),
            amount_fen: t.amount_fen,
        })?;
        let to_after = to_before.checked_add(amount).ok_or_else(|| LedgerError::Overflow {
            account: t.to.clone(),
            amount_fen: t.amount_fen,
        })?;

        // Validated; from here on nothing can fail.
        let id = EntryId(u64::try_from(self.entries.len()).unwrap_or(u64::MAX).saturating_add(1));
        let time_unix = self.entries.last().map_or(now_unix, |last| now_unix.max(last.time_unix));
        for (account, balance_after_fen) in [(&t.from, from_after), (&t.to, to_after)] {
            self.history.entry(account.clone()).or_default().push_back(Posting {
                entry: id,
                time_unix,
                balance_after_fen,
            });
        }
        self.entries.push_back(Arc::new(Entry {
            id,
            time_unix,
            kind: t.kind,
            reference: t.reference,
            debit: t.from,
            credit: t.to,
            amount_fen: t.amount_fen,
            memo: t.memo,
        }));

        let written = self.entries.last().map(|e| (e.debit.clone(), e.credit.clone()));
        let Some((debit, credit)) = written else {
            unreachable!("an entry was appended just above")
        };
        // A transfer moves money, never creates it; only the two touched accounts changed,
        // so checking them checks every account.
        assert_eq!(
            i128::from(self.balance(&debit)) + i128::from(self.balance(&credit)),
            i128::from(from_before) + i128::from(to_before),
            "a transfer moves money, never creates it"
        );
        assert!(debit.is_external() || self.balance(&debit) >= 0, "no overdraft on {debit}");
        assert!(credit.is_external() || self.balance(&credit) >= 0, "no overdraft on {credit}");
        assert_eq!(self.entries.len(), usize::try_from(id.0).unwrap_or(usize::MAX));
        debug_assert!(
            self.entries.len() > FULL_CHECK_MAX_ENTRIES || self.check().is_ok(),
            "ledger invariants: {:?}",
            self.check_report().violations
        );
        Ok(id)
    }

    /// An account's current balance, fen (0 for an account never used).
    pub fn balance(&self, account: &Account) -> i64 {
        self.history.get(account).and_then(|h| h.last()).map_or(0, |p| p.balance_after_fen)
    }

    /// An account's balance counting only entries written before `before_unix` (virtual
    /// time), in O(log n).
    pub fn balance_at(&self, account: &Account, before_unix: i64) -> i64 {
        let Some(history) = self.history.get(account) else { return 0 };
        let first_not_before = match history.binary_search_by(|p| {
            if p.time_unix < before_unix {
                std::cmp::Ordering::Less
            } else {
                std::cmp::Ordering::Greater
            }
        }) {
            Ok(i) | Err(i) => i,
        };
        first_not_before
            .checked_sub(1)
            .and_then(|i| history.get(i))
            .map_or(0, |p| p.balance_after_fen)
    }

    /// The balance at the end of `date` (Beijing time): entries before 00:00 +08:00 of the
    /// next day.
    pub fn day_end_balance(&self, account: &Account, date: Date) -> i64 {
        self.balance_at(account, day_end_unix(date))
    }

    /// A merchant's balance of a WeChat Pay account type, now.
    pub fn fund_balance(&self, mchid: &str, account_type: FundAccountType) -> FundBalance {
        self.fund_balance_with(mchid, account_type, |a| self.balance(a))
    }

    /// A merchant's balance of a WeChat Pay account type at the end of `date`.
    pub fn day_end_fund_balance(
        &self,
        mchid: &str,
        account_type: FundAccountType,
        date: Date,
    ) -> FundBalance {
        let end = day_end_unix(date);
        self.fund_balance_with(mchid, account_type, |a| self.balance_at(a, end))
    }

    fn fund_balance_with(
        &self,
        mchid: &str,
        account_type: FundAccountType,
        balance: impl Fn(&Account) -> i64,
    ) -> FundBalance {
        let (available, pending) = account_type.purposes();
        FundBalance {
            available_fen: balance(&Account::merchant(mchid, available)),
            pending_fen: pending.map_or(0, |p| balance(&Account::merchant(mchid, p))),
        }
    }

    /// Every account that has an entry, with its balance, in account order.
    pub fn balances(&self) -> impl Iterator<Item = (&Account, i64)> {
        self.history.iter().map(|(a, h)| (a, h.last().map_or(0, |p| p.balance_after_fen)))
    }

    /// The number of entries.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether no money ever moved.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The entry with `id`.
    pub fn entry(&self, id: EntryId) -> Option<&Entry> {
        let index = usize::try_from(id.0).ok()?.checked_sub(1)?;
        self.entries.get(index).map(|e| &**e)
    }

    /// Entries matching `filter`, oldest first, at most `filter.limit` (default 100, at most
    /// 10 000) of the newest. With an `account`, only that account's history is scanned.
    pub fn entries(&self, filter: &EntryFilter) -> Vec<Entry> {
        let limit = filter.limit.unwrap_or(100).min(10_000);
        let mut out: Vec<Entry> = match &filter.account {
            Some(account) => self
                .history
                .get(account)
                .into_iter()
                .flat_map(|h| h.iter().rev())
                .filter_map(|p| self.entry(p.entry))
                .filter(|e| filter.matches(e))
                .take(limit)
                .cloned()
                .collect(),
            None => self
                .entries
                .iter()
                .rev()
                .filter(|e| filter.matches(e))
                .take(limit)
                .map(|e| Entry::clone(e))
                .collect(),
        };
        out.reverse();
        out
    }

    /// Checks every invariant by replaying the whole ledger: ids 1..n in order, times never
    /// decreasing, each account's recorded balances equal to the replay, no merchant account
    /// ever below zero, and all balances summing to zero. O(n log n).
    ///
    /// # Errors
    /// The report, when anything is wrong.
    pub fn check(&self) -> Result<InvariantReport, InvariantReport> {
        let report = self.check_report();
        if report.ok {
            Ok(report)
        } else {
            Err(report)
        }
    }

    /// [`Ledger::check`] as one report, `ok` saying whether it passed.
    pub fn check_report(&self) -> InvariantReport {
        let mut violations = Vec::new();
        let mut violate = |v: String| {
            if violations.len() < MAX_VIOLATIONS {
                violations.push(v);
            }
        };
        let mut replay: std::collections::BTreeMap<&Account, (i64, Vec<Posting>)> =
            std::collections::BTreeMap::new();
        let mut last_time = i64::MIN;
        for (index, e) in self.entries.iter().enumerate() {
            let expected_id = u64::try_from(index).map_or(u64::MAX, |i| i.saturating_add(1));
            if e.id.0 != expected_id {
                violate(format!(
                    "entry at position {index} has id {}, expected {expected_id}",
                    e.id
                ));
            }
            if e.time_unix < last_time {
                violate(format!("entry {} is earlier than the entry before it", e.id));
            }
            last_time = e.time_unix;
            if e.amount_fen == 0 || i64::try_from(e.amount_fen).is_err() {
                violate(format!("entry {} moves {} fen", e.id, e.amount_fen));
            }
            if e.debit == e.credit {
                violate(format!("entry {} debits and credits {}", e.id, e.debit));
            }
            let amount = i64::try_from(e.amount_fen).unwrap_or(i64::MAX);
            for (account, delta) in
                [(&e.debit, -i128::from(amount)), (&e.credit, i128::from(amount))]
            {
                let slot = replay.entry(account).or_default();
                let next = i128::from(slot.0) + delta;
                let Ok(next) = i64::try_from(next) else {
                    violate(format!("entry {} overflows {account}", e.id));
                    continue;
                };
                if !account.is_external() && next < 0 {
                    violate(format!("entry {} overdraws {account} to {next} fen", e.id));
                }
                slot.0 = next;
                slot.1.push(Posting {
                    entry: e.id,
                    time_unix: e.time_unix,
                    balance_after_fen: next,
                });
            }
        }
        for (account, history) in self.history.iter() {
            let recorded: Vec<Posting> = history.iter().copied().collect();
            match replay.get(account) {
                Some((_, replayed)) if *replayed == recorded => {}
                _ => violate(format!("the recorded history of {account} differs from a replay")),
            }
        }
        if replay.len() != self.history.len() {
            violate(format!(
                "{} accounts have entries but {} have a history",
                replay.len(),
                self.history.len()
            ));
        }
        let total: i128 = replay.values().map(|(b, _)| i128::from(*b)).sum();
        if total != 0 {
            violate(format!("balances sum to {total} fen, not 0: money was created or lost"));
        }
        let external_fen = self.balance(&Account::External);
        let held_fen: i128 = self
            .history
            .iter()
            .filter(|(a, _)| !a.is_external())
            .map(|(_, h)| i128::from(h.last().map_or(0, |p| p.balance_after_fen)))
            .sum();
        InvariantReport {
            ok: violations.is_empty(),
            entries: self.entries.len(),
            accounts: self.history.len(),
            external_fen,
            held_fen,
            violations,
        }
    }
}

/// 00:00 Beijing time (+08:00) of the day after `date`, unix seconds: where WeChat Pay's
/// day `date` ends.
pub fn day_end_unix(date: Date) -> i64 {
    let days = i64::from(date.inner().to_julian_day()) - i64::from(UNIX_EPOCH_JULIAN_DAY);
    days.saturating_add(1).saturating_mul(86_400).saturating_sub(UTC8_OFFSET_SECS)
}

/// The Julian day number of 1970-01-01.
const UNIX_EPOCH_JULIAN_DAY: i32 = 2_440_588;

impl Txn<'_> {
    /// Moves money in this tenant's ledger at the transaction's virtual time; kept only if
    /// the whole transaction commits.
    ///
    /// # Errors
    /// [`LedgerError`]; `?` turns it into an [`ApiError`] (`NOT_ENOUGH` for an overdraft).
    pub fn transfer(&mut self, transfer: Transfer) -> Result<EntryId, LedgerError> {
        let now = self.now_unix();
        self.area_mut::<Ledger>().transfer(now, transfer)
    }

    /// This tenant's ledger, to read balances inside the transaction.
    pub fn ledger(&mut self) -> &Ledger {
        self.area::<Ledger>()
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use wechatpay_crypto::SystemClock;

    use super::*;
    use crate::config::TenantConfig;
    use crate::store::Store;
    use crate::tenant::Tenant;

    const SUB: &str = "1900000109";
    const T0: i64 = 1_735_700_400; // 2025-01-01T11:00:00+08:00

    fn acct(p: Purpose) -> Account {
        Account::merchant(SUB, p)
    }

    fn pay(ledger: &mut Ledger, at: i64, fen: u64) -> Result<EntryId, LedgerError> {
        ledger.transfer(
            at,
            Transfer::new(
                EntryKind::Payment,
                "4200000001",
                Account::External,
                acct(Purpose::Frozen),
                fen,
            ),
        )
    }

    // Proves a payment, an unfreeze and a refund move money between the right accounts, keep
    // the sum at zero, and are recorded as entries with their reference and memo.
    #[test]
    fn money_moves_and_balances() {
        let mut l = Ledger::default();
        pay(&mut l, T0, 1_000).unwrap();
        let unfreeze = Transfer::new(
            EntryKind::Unfreeze,
            "4200000001",
            acct(Purpose::Frozen),
            acct(Purpose::Available),
            600,
        )
        .memo("finish profit sharing");
        let id = l.transfer(T0 + 5, unfreeze).unwrap();
        l.transfer(
            T0 + 9,
            Transfer::new(
                EntryKind::Refund,
                "50300001",
                acct(Purpose::Available),
                Account::External,
                250,
            ),
        )
        .unwrap();
        assert_eq!(l.balance(&acct(Purpose::Frozen)), 400);
        assert_eq!(l.balance(&acct(Purpose::Available)), 350);
        assert_eq!(l.balance(&Account::External), -750);
        assert_eq!(
            l.fund_balance(SUB, FundAccountType::Basic),
            FundBalance { available_fen: 350, pending_fen: 400 }
        );
        assert_eq!(
            l.fund_balance(SUB, FundAccountType::Fees),
            FundBalance { available_fen: 0, pending_fen: 0 }
        );
        let e = l.entry(id).unwrap();
        assert_eq!(
            (e.kind(), e.reference(), e.memo(), e.amount_fen()),
            (EntryKind::Unfreeze, "4200000001", "finish profit sharing", 600)
        );
        assert_eq!((e.debit(), e.credit()), (&acct(Purpose::Frozen), &acct(Purpose::Available)));
        let report = l.check().unwrap();
        assert_eq!(
            (report.entries, report.accounts, report.external_fen, report.held_fen),
            (3, 3, -750, 750)
        );
    }

    // Proves every refused transfer is a business error that leaves the ledger exactly as it was.
    #[test]
    fn refusals_change_nothing() {
        let mut l = Ledger::default();
        pay(&mut l, T0, 100).unwrap();
        let before = l.clone();
        let frozen = acct(Purpose::Frozen);
        let cases = [
            (
                Transfer::new(EntryKind::Refund, "R", frozen.clone(), Account::External, 101),
                LedgerError::Insufficient {
                    account: frozen.clone(),
                    balance_fen: 100,
                    amount_fen: 101,
                },
            ),
            (
                Transfer::new(EntryKind::Refund, "R", frozen.clone(), Account::External, 0),
                LedgerError::ZeroAmount,
            ),
            (
                Transfer::new(EntryKind::Refund, "R", frozen.clone(), frozen.clone(), 1),
                LedgerError::SameAccount(frozen.clone()),
            ),
            (
                Transfer::new(EntryKind::Payment, "R", Account::External, frozen.clone(), u64::MAX),
                LedgerError::AmountTooLarge { amount_fen: u64::MAX },
            ),
            (
                Transfer::new(
                    EntryKind::Payment,
                    "R".repeat(65),
                    Account::External,
                    frozen.clone(),
                    1,
                ),
                LedgerError::TooLong { field: "reference", max_bytes: MAX_REFERENCE_BYTES },
            ),
            (
                Transfer::new(EntryKind::Payment, "R", Account::External, frozen.clone(), 1)
                    .memo("m".repeat(257)),
                LedgerError::TooLong { field: "memo", max_bytes: MAX_MEMO_BYTES },
            ),
            (
                Transfer::new(
                    EntryKind::Payment,
                    "R",
                    Account::External,
                    frozen.clone(),
                    i64::MAX as u64,
                ),
                LedgerError::Overflow { account: Account::External, amount_fen: i64::MAX as u64 },
            ),
        ];
        for (t, expected) in cases {
            assert_eq!(l.transfer(T0 + 1, t), Err(expected));
            assert_eq!(l.len(), 1);
            assert!(l.entries == before.entries && l.history == before.history);
        }
        let api: ApiError =
            LedgerError::Insufficient { account: frozen, balance_fen: 1, amount_fen: 2 }.into();
        assert_eq!((api.status().as_u16(), api.code()), (403, "NOT_ENOUGH"));
        assert_eq!(ApiError::from(LedgerError::ZeroAmount).code(), "SYSTEM_ERROR");
    }

    // Proves balances at a virtual time and at a day end (00:00 +08:00) count exactly the
    // entries before that moment, and a clock stepping back does not reorder entries.
    #[test]
    fn balance_at_time_and_day_end() {
        let mut l = Ledger::default();
        let jan1 = Date::from_ymd(2025, 1, 1).unwrap();
        let end_jan1 = day_end_unix(jan1);
        assert_eq!(end_jan1, 1_735_747_200, "2025-01-02T00:00:00+08:00");
        pay(&mut l, end_jan1 - 1, 100).unwrap();
        pay(&mut l, end_jan1, 20).unwrap();
        pay(&mut l, end_jan1 - 500, 3).unwrap(); // the clock stepped back: kept at end_jan1
        let frozen = acct(Purpose::Frozen);
        assert_eq!(l.day_end_balance(&frozen, jan1), 100);
        assert_eq!(l.balance_at(&frozen, end_jan1 - 1), 0);
        assert_eq!(l.balance_at(&frozen, end_jan1 + 1), 123);
        assert_eq!(l.day_end_balance(&frozen, Date::from_ymd(2025, 1, 2).unwrap()), 123);
        assert_eq!(l.balance_at(&Account::External, end_jan1), -100);
        assert_eq!(
            l.day_end_fund_balance(SUB, FundAccountType::Basic, jan1),
            FundBalance { available_fen: 0, pending_fen: 100 }
        );
        assert_eq!(l.entry(EntryId(3)).unwrap().time_unix(), end_jan1);
        assert!(l.check().is_ok());
    }

    // Proves the entry filters narrow as documented and limit keeps the newest.
    #[test]
    fn entry_filters() {
        let mut l = Ledger::default();
        pay(&mut l, T0, 100).unwrap();
        l.transfer(
            T0 + 10,
            Transfer::new(
                EntryKind::Unfreeze,
                "4200000001",
                acct(Purpose::Frozen),
                acct(Purpose::Available),
                40,
            ),
        )
        .unwrap();
        l.transfer(
            T0 + 20,
            Transfer::new(
                EntryKind::AdminDeposit,
                "admin",
                Account::External,
                Account::merchant("1900000100", Purpose::Operation),
                7,
            ),
        )
        .unwrap();
        let ids = |f: EntryFilter| l.entries(&f).iter().map(|e| e.id().0).collect::<Vec<_>>();
        assert_eq!(ids(EntryFilter::default()), [1, 2, 3]);
        assert_eq!(
            ids(EntryFilter { account: Some(acct(Purpose::Available)), ..Default::default() }),
            [2]
        );
        assert_eq!(
            ids(EntryFilter { account: Some(Account::External), ..Default::default() }),
            [1, 3]
        );
        assert_eq!(ids(EntryFilter { owner: Some(SUB.into()), ..Default::default() }), [1, 2]);
        assert_eq!(
            ids(EntryFilter { kind: Some(EntryKind::AdminDeposit), ..Default::default() }),
            [3]
        );
        assert_eq!(
            ids(EntryFilter { reference: Some("4200000001".into()), ..Default::default() }),
            [1, 2]
        );
        assert_eq!(
            ids(EntryFilter {
                from_unix: Some(T0 + 10),
                to_unix: Some(T0 + 20),
                ..Default::default()
            }),
            [2]
        );
        assert_eq!(
            ids(EntryFilter { after_id: Some(1), limit: Some(1), ..Default::default() }),
            [3]
        );
        assert_eq!(
            ids(EntryFilter {
                account: Some(Account::External),
                limit: Some(1),
                ..Default::default()
            }),
            [3]
        );
    }

    // Proves account ids print and parse both ways and bad ones are refused.
    #[test]
    fn account_ids_round_trip() {
        for a in [
            Account::External,
            acct(Purpose::InTransit),
            Account::merchant("1900000100", Purpose::Deposit),
        ] {
            assert_eq!(a.to_string().parse::<Account>(), Ok(a.clone()));
            assert_eq!(serde_json::to_value(&a).unwrap(), serde_json::Value::String(a.to_string()));
        }
        assert_eq!("1900000109:frozen".parse::<Account>(), Ok(acct(Purpose::Frozen)));
        for bad in ["", "1900000109", "x:AVAILABLE", "1900000109:SAVINGS", ":FEES"] {
            assert!(bad.parse::<Account>().is_err(), "{bad}");
        }
    }

    fn tenant() -> Tenant {
        Tenant::from_config(&TenantConfig::builtin(), Arc::new(SystemClock)).unwrap()
    }

    // Proves a transaction that moved money and then failed leaves the ledger exactly as it
    // was: the ledger joins the same all-or-nothing transaction as the area's own state.
    #[test]
    fn failed_transaction_leaves_ledger_unchanged() {
        #[derive(Clone, Debug, Default)]
        struct Orders(imbl::OrdMap<String, u64>);
        let store = Store::new();
        let t = tenant();
        store
            .transact(&t, |tx| {
                tx.transfer(Transfer::new(
                    EntryKind::Payment,
                    "P1",
                    Account::External,
                    acct(Purpose::Available),
                    500,
                ))
            })
            .unwrap();
        let before = store.read(&t, |l: &Ledger| l.clone());
        let r: Result<(), ApiError> = store.transact(&t, |tx| {
            tx.area_mut::<Orders>().0.insert("R1".into(), 300);
            tx.transfer(Transfer::new(
                EntryKind::Refund,
                "R1",
                acct(Purpose::Available),
                Account::External,
                300,
            ))?;
            // The second leg overdraws: the whole request fails.
            tx.transfer(Transfer::new(
                EntryKind::Refund,
                "R1",
                acct(Purpose::Available),
                Account::External,
                300,
            ))?;
            Ok(())
        });
        assert_eq!(r.unwrap_err().code(), "NOT_ENOUGH");
        store.read(&t, |l: &Ledger| {
            assert_eq!(l.len(), 1);
            assert_eq!(l.balance(&acct(Purpose::Available)), 500);
            assert!(l.entries == before.entries && l.history == before.history);
        });
        assert!(store.read(&t, |o: &Orders| o.0.is_empty()));
    }

    #[derive(Clone, Debug)]
    struct Step {
        from: usize,
        to: usize,
        amount_fen: u64,
        dt: i64,
    }

    fn step() -> impl Strategy<Value = Step> {
        (0..5usize, 0..5usize, 0..2_000u64, -30..300i64)
            .prop_map(|(from, to, amount_fen, dt)| Step { from, to, amount_fen, dt })
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

        // Proves that over random transfers among four merchant accounts and External,
        // exactly the overdrafts (and zero or self transfers) are refused, balances match a
        // simple model, and every invariant holds after every step.
        #[test]
        fn random_transfers_keep_invariants(steps in proptest::collection::vec(step(), 1..120)) {
            let accounts = [
                Account::External,
                acct(Purpose::Available),
                acct(Purpose::Frozen),
                acct(Purpose::InTransit),
                Account::merchant("1900000100", Purpose::Operation),
            ];
            let mut model = [0i64; 5];
            let mut l = Ledger::default();
            let mut now = T0;
            for s in steps {
                now += s.dt;
                let t = Transfer::new(EntryKind::AdminDeposit, "p", accounts[s.from].clone(), accounts[s.to].clone(), s.amount_fen);
                let amount = i64::try_from(s.amount_fen).unwrap();
                let should_fail = s.amount_fen == 0 || s.from == s.to || (s.from != 0 && model[s.from] < amount);
                let len = l.len();
                match l.transfer(now, t) {
                    Ok(_) => {
                        prop_assert!(!should_fail);
                        model[s.from] -= amount;
                        model[s.to] += amount;
                    }
                    Err(e) => {
                        prop_assert!(should_fail, "refused {e}");
                        prop_assert_eq!(l.len(), len);
                    }
                }
                for (i, a) in accounts.iter().enumerate() {
                    prop_assert_eq!(l.balance(a), model[i]);
                }
                prop_assert!(l.check().is_ok(), "{:?}", l.check_report().violations);
            }
            prop_assert_eq!(model.iter().sum::<i64>(), 0);
        }
    }
}
