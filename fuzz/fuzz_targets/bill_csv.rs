//! Bill CSV parsing in wechatpay-bill: `read_trade_bill`, `read_fund_flow_bill`, the
//! line reader `BillReader`, and the amount conversions `yuan_to_fen` / `fen_to_yuan`.
//!
//! Input: first byte picks the mode (0 trade bill, 1 fund-flow bill, 2 line by line,
//! 3 amounts), the rest is the file.
//!
//! Holds: no panic; a parsed bill's summary agrees with its rows (count, totals); every
//! amount `yuan_to_fen` accepts prints back with `fen_to_yuan` to a text that parses to the
//! same value, and every i64 except `i64::MIN` survives `fen_to_yuan` → `yuan_to_fen`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use wechatpay_bill::{
    fen_to_yuan, read_fund_flow_bill, read_trade_bill, yuan_to_fen, BillReader, Direction, Line,
};

fuzz_target!(|data: &[u8]| {
    let Some((&mode, file)) = data.split_first() else { return };
    match mode % 4 {
        0 => {
            if let Ok(bill) = read_trade_bill(file) {
                assert_eq!(bill.summary.count, bill.rows.len() as i64);
                let fee = bill.rows.iter().map(|r| r.fee_fen).fold(0i64, i64::saturating_add);
                assert_eq!(bill.summary.fee_fen, fee);
            }
        }
        1 => {
            if let Ok(bill) = read_fund_flow_bill(file) {
                assert_eq!(bill.summary.count, bill.rows.len() as i64);
                let income = bill.rows.iter().filter(|r| r.direction == Direction::Income).count();
                assert_eq!(bill.summary.income_count, income as i64);
                for row in &bill.rows {
                    let _ = row.signed_fen();
                }
            }
        }
        2 => {
            let Ok(mut reader) = BillReader::new(file) else { return };
            let columns = reader.header().len();
            let mut last = reader.line_number();
            while let Ok(Some(line)) = reader.next_line() {
                assert!(reader.line_number() > last, "line numbers move forward");
                last = reader.line_number();
                if let Line::Row(fields) = line {
                    assert_eq!(fields.len(), columns);
                }
            }
        }
        _ => {
            let text = String::from_utf8_lossy(file);
            for field in text.split(',') {
                if let Some(fen) = yuan_to_fen(field) {
                    assert_eq!(yuan_to_fen(&fen_to_yuan(fen)), Some(fen), "{field:?}");
                }
            }
            for chunk in file.chunks_exact(8) {
                let fen = i64::from_le_bytes(chunk.try_into().unwrap());
                if fen != i64::MIN {
                    assert_eq!(yuan_to_fen(&fen_to_yuan(fen)), Some(fen));
                }
            }
        }
    }
});
