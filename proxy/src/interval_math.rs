//! PostgreSQL's interval arithmetic beyond `+` and `-`, for backends that keep intervals as
//! text and compute them in pgbridge (SQLite): `interval * number` and `interval / number`,
//! `justify_hours`, `justify_days`, `justify_interval`, and `age(a, b)`.
//!
//! Each follows PostgreSQL 16's definition (src/backend/utils/adt/timestamp.c) step by step,
//! because the answers are not arithmetic identities users could derive: a fractional factor
//! cascades months into 30-day days and days into 24-hour times but never upwards, and `age`
//! subtracts field by field, borrowing a month's real length. The oracle test in
//! `tests/interval_math.rs` compares them with the PostgreSQL of the machine.

use chrono::{Datelike, NaiveDate, NaiveDateTime, Timelike};

use crate::SqlError;
use crate::value::Interval;

const DAYS_PER_MONTH: i32 = 30;
const SECS_PER_DAY: f64 = 86_400.0;
const USECS_PER_SEC: f64 = 1_000_000.0;
const USECS_PER_DAY: i64 = 86_400_000_000;

fn out_of_range() -> SqlError {
    SqlError::new("22008", "interval out of range")
}

/// PostgreSQL's TSROUND: to the microsecond, ties to even.
fn microsecond_round(value: f64) -> f64 {
    (value * USECS_PER_SEC).round_ties_even() / USECS_PER_SEC
}

/// A float that fits `i32`, truncated toward zero as C's `(int32)` cast does.
#[allow(clippy::cast_possible_truncation)] // checked to be in range first
fn whole_i32(value: f64) -> Result<i32, SqlError> {
    if value.is_nan() || value < f64::from(i32::MIN) || value > f64::from(i32::MAX) {
        return Err(out_of_range());
    }
    Ok(value as i32)
}

/// `larger` and `smaller` (a count of `unit`s of the smaller field) with one sign: a unit of
/// the larger field is borrowed where they point different ways.
fn one_sign(larger: i32, smaller: i64, unit: i64) -> (i32, i64) {
    if larger > 0 && smaller < 0 {
        (larger - 1, smaller + unit)
    } else if larger < 0 && smaller > 0 {
        (larger + 1, smaller - unit)
    } else {
        (larger, smaller)
    }
}

/// A count of days known to be under a month.
fn days_under_a_month(days: i64) -> i32 {
    i32::try_from(days).unwrap_or_default()
}

impl Interval {
    /// `self * factor`, or `self / factor` when `divide`: each field is scaled, and the
    /// fractions of months and days cascade down into days (30 per month) and time.
    // The casts truncate toward zero as PostgreSQL's C casts do, on remainders of less than a
    // month and on results checked against the target type's range.
    #[allow(clippy::cast_possible_truncation)]
    pub fn scaled(self, factor: f64, divide: bool) -> Result<Interval, SqlError> {
        if divide && factor == 0.0 {
            return Err(SqlError::new("22012", "division by zero"));
        }
        let scale = |value: f64| {
            if divide {
                value / factor
            } else {
                value * factor
            }
        };
        let months_exact = scale(f64::from(self.months));
        let days_exact = scale(f64::from(self.days));
        let months = whole_i32(months_exact)?;
        let mut days = whole_i32(days_exact)?;
        let month_remainder_days =
            microsecond_round((months_exact - f64::from(months)) * f64::from(DAYS_PER_MONTH));
        let mut second_remainder = microsecond_round(
            (days_exact - f64::from(days) + month_remainder_days
                - f64::from(month_remainder_days as i32))
                * SECS_PER_DAY,
        );
        if second_remainder.abs() >= SECS_PER_DAY {
            let whole_days = (second_remainder / SECS_PER_DAY) as i32;
            days = days.checked_add(whole_days).ok_or_else(out_of_range)?;
            second_remainder -= f64::from(whole_days) * SECS_PER_DAY;
        }
        days = days
            .checked_add(month_remainder_days as i32)
            .ok_or_else(out_of_range)?;
        let time =
            (scale(self.microseconds as f64) + second_remainder * USECS_PER_SEC).round_ties_even();
        if time.is_nan() || time < i64::MIN as f64 || time >= i64::MAX as f64 {
            return Err(out_of_range());
        }
        Ok(Interval {
            months,
            days,
            microseconds: time as i64,
        })
    }

    /// `justify_hours`: whole 24-hour periods of the time become days, and the time takes the
    /// sign of the days.
    pub fn justify_hours(self) -> Result<Interval, SqlError> {
        let whole_days = self.microseconds / USECS_PER_DAY;
        let days = i32::try_from(whole_days)
            .ok()
            .and_then(|whole| self.days.checked_add(whole))
            .ok_or_else(out_of_range)?;
        let time = self.microseconds - whole_days * USECS_PER_DAY;
        let (days, time) = one_sign(days, time, USECS_PER_DAY);
        Ok(Interval {
            months: self.months,
            days,
            microseconds: time,
        })
    }

    /// `justify_days`: whole 30-day periods become months, and the days take the sign of the
    /// months.
    pub fn justify_days(self) -> Result<Interval, SqlError> {
        let whole_months = self.days / DAYS_PER_MONTH;
        let days = self.days - whole_months * DAYS_PER_MONTH;
        let months = self
            .months
            .checked_add(whole_months)
            .ok_or_else(out_of_range)?;
        let (months, days) = one_sign(months, i64::from(days), i64::from(DAYS_PER_MONTH));
        let days = days_under_a_month(days);
        Ok(Interval {
            months,
            days,
            microseconds: self.microseconds,
        })
    }

    /// `justify_interval`: `justify_hours` then `justify_days`, with every field of one sign.
    pub fn justify_interval(self) -> Result<Interval, SqlError> {
        let Interval {
            mut months,
            mut days,
            microseconds: mut time,
        } = self;
        let add_months = |months: i32, more: i32| months.checked_add(more).ok_or_else(out_of_range);
        // Days first when both point the same way, so the time's days cannot overflow them.
        if (days > 0 && time > 0) || (days < 0 && time < 0) {
            let whole_months = days / DAYS_PER_MONTH;
            days -= whole_months * DAYS_PER_MONTH;
            months = add_months(months, whole_months)?;
        }
        let whole_days = time / USECS_PER_DAY;
        time -= whole_days * USECS_PER_DAY;
        days = i32::try_from(whole_days)
            .ok()
            .and_then(|whole| days.checked_add(whole))
            .ok_or_else(out_of_range)?;
        let whole_months = days / DAYS_PER_MONTH;
        days -= whole_months * DAYS_PER_MONTH;
        months = add_months(months, whole_months)?;
        if months > 0 && (days < 0 || (days == 0 && time < 0)) {
            days += DAYS_PER_MONTH;
            months -= 1;
        } else if months < 0 && (days > 0 || (days == 0 && time > 0)) {
            days -= DAYS_PER_MONTH;
            months += 1;
        }
        let (days, time) = one_sign(days, time, USECS_PER_DAY);
        Ok(Interval {
            months,
            days,
            microseconds: time,
        })
    }
}

fn days_in_month(at: NaiveDateTime) -> i64 {
    let (year, month) = (at.year(), at.month());
    let next = if month == 12 {
        NaiveDate::from_ymd_opt(year + 1, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(year, month + 1, 1)
    };
    let first = NaiveDate::from_ymd_opt(year, month, 1);
    match (first, next) {
        (Some(first), Some(next)) => (next - first).num_days(),
        _ => 31,
    }
}

/// The fields of a timestamp as `age` subtracts them.
fn fields(at: NaiveDateTime) -> [i64; 7] {
    [
        i64::from(at.year()),
        i64::from(at.month()),
        i64::from(at.day()),
        i64::from(at.hour()),
        i64::from(at.minute()),
        i64::from(at.second()),
        i64::from(at.nanosecond() / 1000),
    ]
}

/// `age(a, b)`: `a - b` in years, months and days, subtracted field by field, a negative field
/// borrowing from the next larger one (days borrow the length of the earlier timestamp's month).
pub fn age(a: NaiveDateTime, b: NaiveDateTime) -> Result<Interval, SqlError> {
    let backwards = a < b;
    let (first, second) = (fields(a), fields(b));
    let mut difference = [0i64; 7];
    for (slot, (x, y)) in difference.iter_mut().zip(first.iter().zip(second)) {
        *slot = if backwards { y - x } else { x - y };
    }
    // A negative microsecond, second, minute or hour borrows one of the next larger field.
    for (field, unit) in [(6, 1_000_000), (5, 60), (4, 60), (3, 24)] {
        while difference[field] < 0 {
            difference[field] += unit;
            difference[field - 1] -= 1;
        }
    }
    let [
        mut years,
        mut months,
        mut days,
        hours,
        minutes,
        seconds,
        micros,
    ] = difference;
    let earlier_point = if backwards { a } else { b };
    while days < 0 {
        days += days_in_month(earlier_point);
        months -= 1;
    }
    while months < 0 {
        months += 12;
        years -= 1;
    }
    let sign = if backwards { -1 } else { 1 };
    let total_months = (years * 12 + months) * sign;
    let time = (((hours * 60 + minutes) * 60 + seconds) * 1_000_000 + micros) * sign;
    Ok(Interval {
        months: i32::try_from(total_months).map_err(|_| out_of_range())?,
        days: i32::try_from(days * sign).map_err(|_| out_of_range())?,
        microseconds: time,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::value::parse_timestamp;

    fn interval(text: &str) -> Interval {
        Interval::parse(text).unwrap()
    }

    fn shown(result: Result<Interval, SqlError>) -> String {
        result.unwrap().to_postgres()
    }

    #[test]
    fn fractions_cascade_down_and_never_up() {
        assert_eq!(shown(interval("1 mon").scaled(1.5, false)), "1 mon 15 days");
        assert_eq!(
            shown(interval("1 day").scaled(1.5, false)),
            "1 day 12:00:00"
        );
        assert_eq!(shown(interval("20 hours").scaled(3.0, false)), "60:00:00");
        assert_eq!(shown(interval("1 mon").scaled(3.0, true)), "10 days");
        assert_eq!(
            interval("1 day").scaled(0.0, true).unwrap_err().code,
            "22012"
        );
        assert_eq!(
            interval("1 mon").scaled(1e10, false).unwrap_err().code,
            "22008"
        );
    }

    #[test]
    fn justify_moves_whole_units_up_with_one_sign() {
        assert_eq!(
            shown(interval("27 hours").justify_hours()),
            "1 day 03:00:00"
        );
        assert_eq!(shown(interval("35 days").justify_days()), "1 mon 5 days");
        assert_eq!(
            shown(interval("1 mon -1 hour").justify_interval()),
            "29 days 23:00:00"
        );
    }

    #[test]
    fn age_subtracts_field_by_field() {
        let at = |text| parse_timestamp(text).unwrap();
        assert_eq!(
            shown(age(at("2001-04-10"), at("1957-06-13"))),
            "43 years 9 mons 27 days"
        );
        assert_eq!(
            shown(age(at("1957-06-13"), at("2001-04-10"))),
            "-43 years -9 mons -27 days"
        );
    }
}
