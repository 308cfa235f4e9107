//! CSV files people open in spreadsheets (RFC 4180): every cell quoted, and a text cell that
//! starts like a formula (`=`, `+`, `-`, `@`, a tab or a carriage return) prefixed with `'`
//! so a spreadsheet shows it instead of running it. Amounts are written as plain decimals.

use crate::money::Amount;

/// A CSV file being written row by row.
pub struct Csv {
    out: String,
    row_started: bool,
}

impl Csv {
    /// A file that starts with `columns` (snake_case names) as its header row.
    pub fn with_header(columns: &[&str]) -> Csv {
        let mut out = columns.join(",");
        out.push_str("\r\n");
        Csv {
            out,
            row_started: false,
        }
    }

    /// More rows of a file whose header was written already (a file sent piece by piece).
    pub fn continued() -> Csv {
        Csv {
            out: String::new(),
            row_started: false,
        }
    }

    /// A cell of text, defused.
    pub fn text(&mut self, value: &str) {
        let safe = if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
            format!("'{value}")
        } else {
            value.to_string()
        };
        self.cell(&safe);
    }

    /// A cell with an amount: a decimal the product wrote, so it stays a number.
    pub fn number(&mut self, amount: &Amount) {
        self.cell(amount.as_str());
    }

    fn cell(&mut self, value: &str) {
        if self.row_started {
            self.out.push(',');
        }
        self.row_started = true;
        self.out.push('"');
        self.out.push_str(&value.replace('"', "\"\""));
        self.out.push('"');
    }

    pub fn end_row(&mut self) {
        self.out.push_str("\r\n");
        self.row_started = false;
    }

    pub fn finish(self) -> String {
        self.out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_are_quoted_and_formulas_defused() {
        let mut csv = Csv::with_header(&["a", "b", "c"]);
        csv.text("Say \"hi\"");
        csv.text("=HYPERLINK()");
        csv.number(&Amount::try_from("-20.00".to_string()).unwrap());
        csv.end_row();
        assert_eq!(
            csv.finish(),
            "a,b,c\r\n\"Say \"\"hi\"\"\",\"'=HYPERLINK()\",\"-20.00\"\r\n"
        );
    }
}
