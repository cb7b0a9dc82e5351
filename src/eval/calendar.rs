//! Dates as day numbers (days since 1970-01-01) and calendar arithmetic on them, giving exactly
//! what [`Duration::add_to`] gives with jiff, without jiff's span machinery in the hot path.

use crate::ast::Duration;
use jiff::civil::Date;

/// Days since 1970-01-01.
pub(crate) type Day = i32;

/// The first and last day jiff supports (-9999-01-01 and 9999-12-31).
const MIN_DAY: i64 = -4_371_587;
const MAX_DAY: i64 = 2_932_896;

/// The day number of a date.
pub(crate) fn day(d: Date) -> Day {
    days_from_civil(
        i64::from(d.year()),
        i64::from(d.month()),
        i64::from(d.day()),
    ) as Day
}

/// The date of a day number (`None` outside jiff's range).
pub(crate) fn date(day: Day) -> Option<Date> {
    let (y, m, d) = civil_from_days(i64::from(day));
    Date::new(i16::try_from(y).ok()?, m as i8, d as i8).ok()
}

/// `day + dur` with calendar arithmetic (months clamp to the month's end); `None` when the
/// result is outside jiff's range, as [`Duration::add_to`].
pub(crate) fn add(day: Day, dur: Duration) -> Option<Day> {
    let day = i64::from(day);
    let out = match dur {
        Duration::Days(n) => day + i64::from(n),
        Duration::Weeks(n) => day + 7 * i64::from(n),
        Duration::Months(n) => add_months(day, i64::from(n))?,
        Duration::Years(n) => add_months(day, 12 * i64::from(n))?,
    };
    (MIN_DAY..=MAX_DAY).contains(&out).then_some(out as Day)
}

fn add_months(day: i64, n: i64) -> Option<i64> {
    let (y, m, d) = civil_from_days(day);
    let total = y * 12 + (m - 1) + n;
    let (ny, nm) = (total.div_euclid(12), total.rem_euclid(12) + 1);
    if ny > 9999 {
        return None;
    }
    Some(days_from_civil(ny, nm, d.min(days_in_month(ny, nm))))
}

fn days_in_month(y: i64, m: i64) -> i64 {
    match m {
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Howard Hinnant's `days_from_civil` (proleptic Gregorian).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Howard Hinnant's `civil_from_days`.
fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn range_ends_match_jiff() {
        assert_eq!(i64::from(day(Date::MIN)), MIN_DAY);
        assert_eq!(i64::from(day(Date::MAX)), MAX_DAY);
        assert_eq!(day(jiff::civil::date(1970, 1, 1)), 0);
        for d in [
            Date::MIN,
            Date::MAX,
            jiff::civil::date(2024, 2, 29),
            jiff::civil::date(-1, 12, 31),
        ] {
            assert_eq!(date(day(d)), Some(d));
        }
    }

    #[test]
    fn addition_matches_jiff_on_month_ends_and_range_ends() {
        let dates = [
            jiff::civil::date(2024, 1, 31),
            jiff::civil::date(2024, 2, 29),
            jiff::civil::date(2023, 12, 31),
            jiff::civil::date(1900, 2, 28),
            jiff::civil::date(-44, 3, 15),
            jiff::civil::date(9999, 12, 1),
            Date::MIN,
            Date::MAX,
        ];
        let durs = [
            0, 1, 11, 12, 13, 59, 365, 19_998, 19_999, 239_976, 7_304_485,
        ];
        for d in dates {
            for n in durs {
                for dur in [
                    Duration::Days(n),
                    Duration::Weeks(n),
                    Duration::Months(n),
                    Duration::Years(n),
                ] {
                    let want = dur.add_to(d).map(day);
                    assert_eq!(add(day(d), dur), want, "{d} + {dur}");
                }
            }
        }
    }
}
