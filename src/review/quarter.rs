//! Calendar quarters (`2026Q3`): what a governance review covers, and how holders' expiry dates
//! are grouped.

use jiff::civil::{date, Date};
use std::fmt;

/// A calendar quarter: January–March is Q1.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Quarter {
    /// The year.
    pub year: i16,
    /// 1 to 4.
    pub q: u8,
}

impl Quarter {
    /// Reads `2026Q3` (or `2026q3`); the error says what to write instead.
    pub fn parse(text: &str) -> Result<Quarter, String> {
        let bad = || {
            format!(
                "`{}` is not a quarter; write e.g. `2026Q3`",
                text.escape_debug()
            )
        };
        let (year, q) = text.split_once(['Q', 'q']).ok_or_else(bad)?;
        if year.len() != 4 || !year.bytes().all(|b| b.is_ascii_digit()) || q.len() != 1 {
            return Err(bad());
        }
        let year: i16 = year.parse().map_err(|_| bad())?;
        let q: u8 = q.parse().map_err(|_| bad())?;
        if !(1..=4).contains(&q) || year < 1 {
            return Err(bad());
        }
        Ok(Quarter { year, q })
    }

    /// The quarter a day falls in.
    pub fn of(day: Date) -> Quarter {
        Quarter {
            year: day.year(),
            q: (day.month() as u8 - 1) / 3 + 1,
        }
    }

    /// Its first day.
    pub fn first_day(self) -> Date {
        date(self.year, (self.q * 3 - 2) as i8, 1)
    }

    /// Its last day.
    pub fn last_day(self) -> Date {
        let month = (self.q * 3) as i8;
        date(
            self.year,
            month,
            if matches!(month, 6 | 9) { 30 } else { 31 },
        )
    }

    /// The quarter after it.
    pub fn next(self) -> Quarter {
        if self.q == 4 {
            Quarter {
                year: self.year.saturating_add(1),
                q: 1,
            }
        } else {
            Quarter {
                year: self.year,
                q: self.q + 1,
            }
        }
    }

    /// Whether the day falls in it.
    pub fn contains(self, day: Date) -> bool {
        Quarter::of(day) == self
    }
}

impl fmt::Display for Quarter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}Q{}", self.year, self.q)
    }
}

impl serde::Serialize for Quarter {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_quarters_and_refuses_what_is_not_one() {
        assert_eq!(Quarter::parse("2026Q3"), Ok(Quarter { year: 2026, q: 3 }));
        assert_eq!(Quarter::parse("2026q1"), Ok(Quarter { year: 2026, q: 1 }));
        for bad in [
            "2026Q5", "2026Q0", "26Q3", "2026-Q3", "2026Q", "Q3", "", "2026Q33", "+026Q1",
        ] {
            let e = Quarter::parse(bad).unwrap_err();
            assert!(e.contains("2026Q3"), "{bad}: {e}");
        }
    }

    #[test]
    fn quarter_days_and_successor() {
        let q3 = Quarter::parse("2026Q3").unwrap();
        assert_eq!(
            (q3.first_day(), q3.last_day()),
            (date(2026, 7, 1), date(2026, 9, 30))
        );
        let q4 = q3.next();
        assert_eq!(q4.to_string(), "2026Q4");
        assert_eq!(q4.last_day(), date(2026, 12, 31));
        assert_eq!(q4.next().to_string(), "2027Q1");
        assert_eq!(
            Quarter::parse("2026Q2").unwrap().last_day(),
            date(2026, 6, 30)
        );
        assert!(q3.contains(date(2026, 9, 30)) && !q3.contains(date(2026, 10, 1)));
        assert_eq!(Quarter::of(date(2026, 3, 31)).to_string(), "2026Q1");
    }
}
