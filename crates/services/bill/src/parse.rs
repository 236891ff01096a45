//! WeChat Pay's bill CSV: a header line, data lines whose every field starts with a backtick
//! (so spreadsheets keep long numbers as text), then a summary header and one summary line.
//!
//! ```text
//! 记账时间,微信支付业务单号,资金流水单号,…
//! `2026-01-01 10:00:00,`4200000001,`1001,`交易,`交易,`收入,`100.00,`100.00,`system,`,`
//! 资金流水总笔数,收入笔数,收入金额,支出笔数,支出金额
//! `1,`1,`100.00,`0,`0.00
//! ```
//!
//! [`BillReader`] reads it line by line (memory bounded by the longest line); the typed
//! readers check the header, every field, and that the summary agrees with the rows, so a
//! file cut at a line boundary is refused even where no digest protects it.

use std::io::BufRead;

/// The longest line accepted, bytes: a limit on everything.
pub const MAX_LINE_BYTES: usize = 64 * 1024;

/// The trade bill's columns (交易账单), in order.
pub const TRADE_BILL_COLUMNS: [&str; 27] = [
    "交易时间",
    "公众账号ID",
    "商户号",
    "特约商户号",
    "设备号",
    "微信订单号",
    "商户订单号",
    "用户标识",
    "交易类型",
    "交易状态",
    "付款银行",
    "货币种类",
    "应结订单金额",
    "代金券金额",
    "微信退款单号",
    "商户退款单号",
    "退款金额",
    "充值券退款金额",
    "退款类型",
    "退款状态",
    "商品名称",
    "商户数据包",
    "手续费",
    "费率",
    "订单金额",
    "申请退款金额",
    "费率备注",
];
/// The trade bill's summary columns.
pub const TRADE_SUMMARY_COLUMNS: [&str; 7] = [
    "总交易单数",
    "应结订单总金额",
    "退款总金额",
    "充值券退款总金额",
    "手续费总金额",
    "订单总金额",
    "申请退款总金额",
];
/// The fund-flow bill's columns (资金账单), in order.
pub const FUND_FLOW_COLUMNS: [&str; 11] = [
    "记账时间",
    "微信支付业务单号",
    "资金流水单号",
    "业务名称",
    "业务类型",
    "收支类型",
    "收支金额（元）",
    "账户结余（元）",
    "资金变更提交申请人",
    "备注",
    "业务凭证号",
];
/// The fund-flow bill's summary columns.
pub const FUND_FLOW_SUMMARY_COLUMNS: [&str; 5] =
    ["资金流水总笔数", "收入笔数", "收入金额", "支出笔数", "支出金额"];

/// The content is not a bill in WeChat Pay's layout. `line` is 1-based.
#[non_exhaustive]
#[derive(Debug, thiserror::Error)]
pub enum ParseError {
    /// Reading failed, or the text is not UTF-8.
    #[error("bill line {line}: cannot be read")]
    Read {
        /// The line.
        line: u64,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// The file has no header line.
    #[error("the bill is empty")]
    Empty,
    /// A line is longer than [`MAX_LINE_BYTES`].
    #[error("bill line {line} is longer than {MAX_LINE_BYTES} bytes")]
    LineTooLong {
        /// The line.
        line: u64,
    },
    /// The header is not the expected one.
    #[error("bill line {line}: expected column `{expected}`, found `{found}`")]
    Header {
        /// The line.
        line: u64,
        /// The column expected there.
        expected: &'static str,
        /// What is there.
        found: String,
    },
    /// A data line has another number of fields than the header.
    #[error("bill line {line}: {found} fields, the header has {expected}")]
    FieldCount {
        /// The line.
        line: u64,
        /// Columns of the header.
        expected: usize,
        /// Fields found.
        found: usize,
    },
    /// A field does not hold what its column says.
    #[error("bill line {line}: `{column}` is not valid: `{value}`")]
    Field {
        /// The line.
        line: u64,
        /// The column.
        column: &'static str,
        /// The value (at most 64 characters of it).
        value: String,
    },
    /// The file ends without its summary (truncated).
    #[error("the bill ends without its summary lines (truncated?)")]
    MissingSummary,
    /// Something follows the summary line.
    #[error("bill line {line}: unexpected content after the summary")]
    TrailingContent {
        /// The line.
        line: u64,
    },
    /// The rows' amounts add up to more than an `i64` of fen holds: no real bill does, so the
    /// file is refused rather than compared with a saturated sum.
    #[error("the bill's {column} rows add up to more than i64::MAX fen")]
    AmountOverflow {
        /// The summary column whose total overflowed.
        column: &'static str,
    },
    /// The summary does not agree with the rows.
    #[error("the bill's summary says {column} = {summary}, the rows add up to {rows}")]
    SummaryMismatch {
        /// The summary column.
        column: &'static str,
        /// The summary's value (count, or fen).
        summary: i64,
        /// What the rows give.
        rows: i64,
    },
}

/// One line of a bill, read by [`BillReader`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Line {
    /// A data line: fields without their backtick.
    Row(Vec<String>),
    /// The summary: its header and its values (without backticks).
    Summary {
        /// The summary header.
        columns: Vec<String>,
        /// The summary values.
        values: Vec<String>,
    },
}

/// Reads a bill line by line.
#[derive(Debug)]
pub struct BillReader<R> {
    reader: R,
    header: Vec<String>,
    line: u64,
    done: bool,
    buf: String,
}

impl<R: BufRead> BillReader<R> {
    /// Reads the header line.
    ///
    /// # Errors
    /// [`ParseError::Empty`], [`ParseError::Read`], [`ParseError::LineTooLong`].
    pub fn new(reader: R) -> Result<Self, ParseError> {
        let mut this =
            Self { reader, header: Vec::new(), line: 0, done: false, buf: String::new() };
        let header = this.read_line()?.ok_or(ParseError::Empty)?;
        this.header = split_plain(header.trim_start_matches('\u{feff}'));
        Ok(this)
    }

    /// The header's column names.
    pub fn header(&self) -> &[String] {
        &self.header
    }

    /// The number of the last line read (1-based).
    pub fn line_number(&self) -> u64 {
        self.line
    }

    fn read_line(&mut self) -> Result<Option<String>, ParseError> {
        loop {
            self.buf.clear();
            self.line += 1;
            let line = self.line;
            // `take` bounds what one read_line may buffer on a file without newlines.
            let limit = u64::try_from(MAX_LINE_BYTES).unwrap_or(u64::MAX) + 2;
            let n = std::io::Read::take(&mut self.reader, limit)
                .read_line(&mut self.buf)
                .map_err(|source| ParseError::Read { line, source })?;
            if n == 0 {
                return Ok(None);
            }
            // The limit is on the content, so `\n` and `\r\n` files have the same one.
            let text = self.buf.trim_end_matches(['\r', '\n']);
            if text.len() > MAX_LINE_BYTES {
                return Err(ParseError::LineTooLong { line });
            }
            if !text.is_empty() {
                return Ok(Some(text.to_owned()));
            }
        }
    }

    /// The next line: a row, the summary (the last thing returned), or `None` after it.
    ///
    /// # Errors
    /// [`ParseError::MissingSummary`] when the file ends before its summary,
    /// [`ParseError::TrailingContent`] for anything after it, [`ParseError::FieldCount`].
    pub fn next_line(&mut self) -> Result<Option<Line>, ParseError> {
        if self.done {
            return match self.read_line()? {
                None => Ok(None),
                Some(_) => Err(ParseError::TrailingContent { line: self.line }),
            };
        }
        let Some(text) = self.read_line()? else {
            return Err(ParseError::MissingSummary);
        };
        if text.starts_with('`') {
            let fields = split_ticked(&text);
            if fields.len() != self.header.len() {
                return Err(ParseError::FieldCount {
                    line: self.line,
                    expected: self.header.len(),
                    found: fields.len(),
                });
            }
            return Ok(Some(Line::Row(fields)));
        }
        let columns = split_plain(&text);
        let values = match self.read_line()? {
            Some(v) if v.starts_with('`') => split_ticked(&v),
            _ => return Err(ParseError::MissingSummary),
        };
        if values.len() != columns.len() {
            return Err(ParseError::FieldCount {
                line: self.line,
                expected: columns.len(),
                found: values.len(),
            });
        }
        self.done = true;
        Ok(Some(Line::Summary { columns, values }))
    }
}

fn split_plain(line: &str) -> Vec<String> {
    line.split(',').map(|f| f.trim().to_owned()).collect()
}

/// Fields are "`a,`b,`c": split on ",`" so a comma inside a field (a product name) survives.
fn split_ticked(line: &str) -> Vec<String> {
    line.strip_prefix('`').unwrap_or(line).split(",`").map(str::to_owned).collect()
}

fn check_header(
    columns: &[String],
    expected: &[&'static str],
    line: u64,
) -> Result<(), ParseError> {
    for (i, want) in expected.iter().enumerate() {
        let found = columns.get(i).map(String::as_str).unwrap_or_default();
        if found != *want {
            return Err(ParseError::Header { line, expected: want, found: found.to_owned() });
        }
    }
    if columns.len() != expected.len() {
        return Err(ParseError::FieldCount {
            line,
            expected: expected.len(),
            found: columns.len(),
        });
    }
    Ok(())
}

/// A yuan amount with at most two decimals ("12.30", "-0.05", "7") in fen.
///
/// # Errors
/// `None` for anything else (more decimals, no digits, overflow).
pub fn yuan_to_fen(text: &str) -> Option<i64> {
    let (negative, digits) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let (whole, frac) = digits.split_once('.').unwrap_or((digits, ""));
    if whole.is_empty() || frac.len() > 2 || !whole.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    if !frac.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let whole: i64 = whole.parse().ok()?;
    let frac_fen: i64 = match frac.len() {
        0 => 0,
        1 => frac.parse::<i64>().ok()? * 10,
        _ => frac.parse().ok()?,
    };
    let fen = whole.checked_mul(100)?.checked_add(frac_fen)?;
    Some(if negative { -fen } else { fen })
}

/// Fen as WeChat Pay writes yuan in bills: two decimals.
pub fn fen_to_yuan(fen: i64) -> String {
    let sign = if fen < 0 { "-" } else { "" };
    let abs = fen.unsigned_abs();
    format!("{sign}{}.{:02}", abs / 100, abs % 100)
}

struct Fields<'a> {
    values: &'a [String],
    columns: &'static [&'static str],
    line: u64,
}

impl Fields<'_> {
    fn text(&self, i: usize) -> String {
        self.values.get(i).cloned().unwrap_or_default()
    }

    fn fen(&self, i: usize) -> Result<i64, ParseError> {
        let v = self.values.get(i).map(String::as_str).unwrap_or_default();
        yuan_to_fen(v).ok_or_else(|| self.bad(i, v))
    }

    fn count(&self, i: usize) -> Result<i64, ParseError> {
        let v = self.values.get(i).map(String::as_str).unwrap_or_default();
        v.parse::<i64>().ok().filter(|n| *n >= 0).ok_or_else(|| self.bad(i, v))
    }

    fn bad(&self, i: usize, value: &str) -> ParseError {
        ParseError::Field {
            line: self.line,
            column: self.columns.get(i).copied().unwrap_or("?"),
            value: value.chars().take(64).collect(),
        }
    }
}

/// One line of a trade bill (交易账单). Amounts in fen; texts as written (without backtick).
#[allow(missing_docs)] // Each field is the column of the same position in TRADE_BILL_COLUMNS.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TradeBillRow {
    pub trade_time: String,
    pub appid: String,
    pub mchid: String,
    pub sub_mchid: String,
    pub device_info: String,
    pub transaction_id: String,
    pub out_trade_no: String,
    pub openid: String,
    pub trade_type: String,
    pub trade_state: String,
    pub bank_type: String,
    pub currency: String,
    pub settlement_total_fen: i64,
    pub coupon_fen: i64,
    pub refund_id: String,
    pub out_refund_no: String,
    pub refund_fen: i64,
    pub recharge_coupon_refund_fen: i64,
    pub refund_type: String,
    pub refund_status: String,
    pub description: String,
    pub attach: String,
    pub fee_fen: i64,
    pub rate: String,
    pub total_fen: i64,
    pub refund_requested_fen: i64,
    pub rate_note: String,
}

impl TradeBillRow {
    fn parse(values: &[String], line: u64) -> Result<Self, ParseError> {
        let f = Fields { values, columns: &TRADE_BILL_COLUMNS, line };
        Ok(Self {
            trade_time: f.text(0),
            appid: f.text(1),
            mchid: f.text(2),
            sub_mchid: f.text(3),
            device_info: f.text(4),
            transaction_id: f.text(5),
            out_trade_no: f.text(6),
            openid: f.text(7),
            trade_type: f.text(8),
            trade_state: f.text(9),
            bank_type: f.text(10),
            currency: f.text(11),
            settlement_total_fen: f.fen(12)?,
            coupon_fen: f.fen(13)?,
            refund_id: f.text(14),
            out_refund_no: f.text(15),
            refund_fen: f.fen(16)?,
            recharge_coupon_refund_fen: f.fen(17)?,
            refund_type: f.text(18),
            refund_status: f.text(19),
            description: f.text(20),
            attach: f.text(21),
            fee_fen: f.fen(22)?,
            rate: f.text(23),
            total_fen: f.fen(24)?,
            refund_requested_fen: f.fen(25)?,
            rate_note: f.text(26),
        })
    }
}

/// The trade bill's summary line.
#[allow(missing_docs)] // Each field is the column of the same position in TRADE_SUMMARY_COLUMNS.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TradeBillSummary {
    pub count: i64,
    pub settlement_total_fen: i64,
    pub refund_fen: i64,
    pub recharge_coupon_refund_fen: i64,
    pub fee_fen: i64,
    pub total_fen: i64,
    pub refund_requested_fen: i64,
}

/// A whole trade bill.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TradeBill {
    /// The lines, in file order.
    pub rows: Vec<TradeBillRow>,
    /// The summary (checked against the rows).
    pub summary: TradeBillSummary,
}

/// Income or expense (收支类型).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    /// 收入.
    Income,
    /// 支出.
    Expense,
}

/// One line of a fund-flow bill (资金账单). Amounts in fen.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FundFlowRow {
    /// 记账时间.
    pub time: String,
    /// 微信支付业务单号.
    pub business_no: String,
    /// 资金流水单号.
    pub flow_no: String,
    /// 业务名称.
    pub business_name: String,
    /// 业务类型.
    pub business_type: String,
    /// 收支类型.
    pub direction: Direction,
    /// 收支金额（元）, in fen, positive.
    pub amount_fen: i64,
    /// 账户结余（元）: the balance after this line, in fen.
    pub balance_fen: i64,
    /// 资金变更提交申请人.
    pub applicant: String,
    /// 备注.
    pub memo: String,
    /// 业务凭证号.
    pub voucher_no: String,
}

impl FundFlowRow {
    fn parse(values: &[String], line: u64) -> Result<Self, ParseError> {
        let f = Fields { values, columns: &FUND_FLOW_COLUMNS, line };
        let direction = match values.get(5).map(String::as_str) {
            Some("收入") => Direction::Income,
            Some("支出") => Direction::Expense,
            other => return Err(f.bad(5, other.unwrap_or_default())),
        };
        let amount_fen = f.fen(6)?;
        if amount_fen < 0 {
            return Err(f.bad(6, &f.text(6)));
        }
        Ok(Self {
            time: f.text(0),
            business_no: f.text(1),
            flow_no: f.text(2),
            business_name: f.text(3),
            business_type: f.text(4),
            direction,
            amount_fen,
            balance_fen: f.fen(7)?,
            applicant: f.text(8),
            memo: f.text(9),
            voucher_no: f.text(10),
        })
    }

    /// The amount with its sign: positive for income, negative for expense.
    pub fn signed_fen(&self) -> i64 {
        match self.direction {
            Direction::Income => self.amount_fen,
            Direction::Expense => -self.amount_fen,
        }
    }
}

/// The fund-flow bill's summary line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FundFlowSummary {
    /// 资金流水总笔数.
    pub count: i64,
    /// 收入笔数.
    pub income_count: i64,
    /// 收入金额, fen.
    pub income_fen: i64,
    /// 支出笔数.
    pub expense_count: i64,
    /// 支出金额, fen.
    pub expense_fen: i64,
}

/// A whole fund-flow bill.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FundFlowBill {
    /// The lines, in file order.
    pub rows: Vec<FundFlowRow>,
    /// The summary (checked against the rows).
    pub summary: FundFlowSummary,
}

fn agree(column: &'static str, summary: i64, rows: i64) -> Result<(), ParseError> {
    if summary == rows {
        Ok(())
    } else {
        Err(ParseError::SummaryMismatch { column, summary, rows })
    }
}

/// The exact sum of `amounts`, or [`ParseError::AmountOverflow`]: a saturated sum could
/// equal a forged summary of `i64::MAX` and let the check pass.
fn checked_total(
    column: &'static str,
    mut amounts: impl Iterator<Item = i64>,
) -> Result<i64, ParseError> {
    amounts.try_fold(0i64, i64::checked_add).ok_or(ParseError::AmountOverflow { column })
}

fn count_of(n: usize) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

/// Reads a whole trade bill, checking the header, every amount, and that the summary's count
/// and totals equal the rows'.
///
/// # Errors
/// [`ParseError`].
pub fn read_trade_bill(reader: impl BufRead) -> Result<TradeBill, ParseError> {
    let mut r = BillReader::new(reader)?;
    check_header(r.header(), &TRADE_BILL_COLUMNS, 1)?;
    let mut rows = Vec::new();
    let summary = loop {
        match r.next_line()? {
            Some(Line::Row(values)) => rows.push(TradeBillRow::parse(&values, r.line_number())?),
            Some(Line::Summary { columns, values }) => {
                let line = r.line_number();
                check_header(&columns, &TRADE_SUMMARY_COLUMNS, line.saturating_sub(1))?;
                let f = Fields { values: &values, columns: &TRADE_SUMMARY_COLUMNS, line };
                break TradeBillSummary {
                    count: f.count(0)?,
                    settlement_total_fen: f.fen(1)?,
                    refund_fen: f.fen(2)?,
                    recharge_coupon_refund_fen: f.fen(3)?,
                    fee_fen: f.fen(4)?,
                    total_fen: f.fen(5)?,
                    refund_requested_fen: f.fen(6)?,
                };
            }
            None => return Err(ParseError::MissingSummary),
        }
    };
    if r.next_line()?.is_some() {
        return Err(ParseError::TrailingContent { line: r.line_number() });
    }
    agree(TRADE_SUMMARY_COLUMNS[0], summary.count, count_of(rows.len()))?;
    let sum = |column: &'static str, f: fn(&TradeBillRow) -> i64| {
        checked_total(column, rows.iter().map(f))
    };
    let column = TRADE_SUMMARY_COLUMNS[1];
    agree(column, summary.settlement_total_fen, sum(column, |r| r.settlement_total_fen)?)?;
    let column = TRADE_SUMMARY_COLUMNS[2];
    agree(column, summary.refund_fen, sum(column, |r| r.refund_fen)?)?;
    let column = TRADE_SUMMARY_COLUMNS[4];
    agree(column, summary.fee_fen, sum(column, |r| r.fee_fen)?)?;
    Ok(TradeBill { rows, summary })
}

/// Reads a whole fund-flow bill, checking the header, every amount, and that the summary's
/// counts and totals equal the rows'. (Line balances are not chained: the sub-merchant bill
/// interleaves several merchants' balances.)
///
/// # Errors
/// [`ParseError`].
pub fn read_fund_flow_bill(reader: impl BufRead) -> Result<FundFlowBill, ParseError> {
    let mut r = BillReader::new(reader)?;
    check_header(r.header(), &FUND_FLOW_COLUMNS, 1)?;
    let mut rows: Vec<FundFlowRow> = Vec::new();
    let summary = loop {
        match r.next_line()? {
            Some(Line::Row(values)) => rows.push(FundFlowRow::parse(&values, r.line_number())?),
            Some(Line::Summary { columns, values }) => {
                let line = r.line_number();
                check_header(&columns, &FUND_FLOW_SUMMARY_COLUMNS, line.saturating_sub(1))?;
                let f = Fields { values: &values, columns: &FUND_FLOW_SUMMARY_COLUMNS, line };
                break FundFlowSummary {
                    count: f.count(0)?,
                    income_count: f.count(1)?,
                    income_fen: f.fen(2)?,
                    expense_count: f.count(3)?,
                    expense_fen: f.fen(4)?,
                };
            }
            None => return Err(ParseError::MissingSummary),
        }
    };
    if r.next_line()?.is_some() {
        return Err(ParseError::TrailingContent { line: r.line_number() });
    }
    let (income, expense): (Vec<&FundFlowRow>, Vec<&FundFlowRow>) =
        rows.iter().partition(|r| r.direction == Direction::Income);
    let total = |column: &'static str, v: &[&FundFlowRow]| {
        checked_total(column, v.iter().map(|r| r.amount_fen))
    };
    agree(FUND_FLOW_SUMMARY_COLUMNS[0], summary.count, count_of(rows.len()))?;
    agree(FUND_FLOW_SUMMARY_COLUMNS[1], summary.income_count, count_of(income.len()))?;
    let column = FUND_FLOW_SUMMARY_COLUMNS[2];
    agree(column, summary.income_fen, total(column, &income)?)?;
    agree(FUND_FLOW_SUMMARY_COLUMNS[3], summary.expense_count, count_of(expense.len()))?;
    let column = FUND_FLOW_SUMMARY_COLUMNS[4];
    agree(column, summary.expense_fen, total(column, &expense)?)?;
    Ok(FundFlowBill { rows, summary })
}

#[cfg(test)]
mod tests {
    use super::*;

    const FUND: &str = "记账时间,微信支付业务单号,资金流水单号,业务名称,业务类型,收支类型,收支金额（元）,账户结余（元）,资金变更提交申请人,备注,业务凭证号\r\n\
`2026-01-01 10:00:00,`4200000001,`1,`交易,`交易,`收入,`100.00,`100.00,`system,`a, b,`\r\n\
`2026-01-01 11:00:00,`50300001,`2,`退款,`退款,`支出,`0.50,`99.50,`system,`,`\r\n\
资金流水总笔数,收入笔数,收入金额,支出笔数,支出金额\r\n\
`2,`1,`100.00,`1,`0.50\r\n";

    // Proves a fund-flow bill parses into typed rows (a comma inside a field survives) and
    // its summary agrees.
    #[test]
    fn fund_flow_parses() {
        let bill = read_fund_flow_bill(FUND.as_bytes()).unwrap();
        assert_eq!(bill.rows.len(), 2);
        assert_eq!(bill.rows[0].memo, "a, b");
        assert_eq!(bill.rows[1].signed_fen(), -50);
        assert_eq!(bill.rows[1].balance_fen, 9_950);
        assert_eq!(bill.summary.income_fen, 10_000);
    }

    // Proves truncation at a line boundary, a wrong summary, a bad amount and trailing
    // content are all errors, never partial data.
    #[test]
    fn damaged_bills_are_refused() {
        let cut: String = FUND.lines().take(3).map(|l| format!("{l}\n")).collect();
        assert!(matches!(read_fund_flow_bill(cut.as_bytes()), Err(ParseError::MissingSummary)));
        let wrong = FUND.replace("`2,`1,`100.00", "`2,`1,`100.01");
        assert!(matches!(
            read_fund_flow_bill(wrong.as_bytes()),
            Err(ParseError::SummaryMismatch { .. })
        ));
        let bad = FUND.replace("`0.50,`99.50", "`0.505,`99.50");
        assert!(matches!(read_fund_flow_bill(bad.as_bytes()), Err(ParseError::Field { .. })));
        let trailing = format!("{FUND}`x\n");
        assert!(matches!(
            read_fund_flow_bill(trailing.as_bytes()),
            Err(ParseError::TrailingContent { .. })
        ));
        assert!(matches!(read_fund_flow_bill(&b""[..]), Err(ParseError::Empty)));
        assert!(matches!(read_trade_bill(FUND.as_bytes()), Err(ParseError::Header { .. })));
    }

    // Proves a line of exactly MAX_LINE_BYTES (CRLF or LF) is read and one byte more is
    // refused with LineTooLong.
    #[test]
    fn line_length_limit() {
        let row = FUND.lines().nth(1).unwrap();
        let pad = MAX_LINE_BYTES - row.len();
        for ending in ["\r\n", "\n"] {
            let at_limit = FUND.replace("`a, b,`", &format!("`a, b{},`", "x".repeat(pad)));
            let at_limit = at_limit.replace("\r\n", ending);
            assert_eq!(at_limit.lines().nth(1).unwrap().len(), MAX_LINE_BYTES);
            assert!(read_fund_flow_bill(at_limit.as_bytes()).is_ok(), "{ending:?}");
            let over = at_limit.replacen("`a, b", "`a, bx", 1);
            assert!(
                matches!(
                    read_fund_flow_bill(over.as_bytes()),
                    Err(ParseError::LineTooLong { line: 2 })
                ),
                "{ending:?}"
            );
        }
    }

    // Proves rows whose amounts add up past i64::MAX are refused, even when the summary claims
    // the saturated total, instead of comparing a saturated sum.
    #[test]
    fn overflowing_totals_are_refused() {
        let max = fen_to_yuan(i64::MAX);
        let bill = FUND
            .replace("`100.00,`100.00", &format!("`{max},`100.00"))
            .replace("`支出,`0.50", &format!("`收入,`{max}"))
            .replace("`2,`1,`100.00,`1,`0.50", &format!("`2,`2,`{max},`0,`0.00"));
        assert!(matches!(
            read_fund_flow_bill(bill.as_bytes()),
            Err(ParseError::AmountOverflow { column: "收入金额" })
        ));
    }

    // Proves yuan text converts to fen exactly and back.
    #[test]
    fn yuan_fen() {
        for (text, fen) in
            [("0.00", 0), ("1", 100), ("1.5", 150), ("-0.05", -5), ("12345.67", 1_234_567)]
        {
            assert_eq!(yuan_to_fen(text), Some(fen), "{text}");
        }
        for bad in ["", ".5", "1.234", "1,00", "abc", "--1"] {
            assert_eq!(yuan_to_fen(bad), None, "{bad}");
        }
        assert_eq!(fen_to_yuan(-5), "-0.05");
        assert_eq!(fen_to_yuan(1_234_567), "12345.67");
    }
}
