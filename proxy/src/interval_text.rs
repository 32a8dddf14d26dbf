//! PostgreSQL's own interval text, in and out. The pg_interval crate reads it only in part (it
//! takes `1 mon` but not `1 month`, `hours` but not `hour`) and prints it without PostgreSQL's
//! `+` on a positive field after a negative one (`-1 days +02:30:00`) and with six fraction
//! digits always; pg_interval still reads the ISO 8601 (`P1D`) and SQL standard (`1-2`) forms
//! that [`parse_postgres_interval`] does not.
//!
//! Input: `3 hours`, `1 month`, `1.5 days`, `2 weeks ago`, `1 day 02:30:00`, `@ 1 hour`.
//! Each number is followed by its unit (a number alone is seconds); fractions spill into the
//! next smaller field as PostgreSQL's do: a month is 30 days, a week 7, a day 24 hours, so
//! `1.5 months` is `1 mon 15 days` and `1.5 days` is `1 day 12:00:00`.

use crate::value::Interval;

const MICROS_PER_SECOND: f64 = 1_000_000.0;
const MICROS_PER_DAY: f64 = 86_400.0 * MICROS_PER_SECOND;

/// The parts of an interval while it is read.
#[derive(Default)]
struct Parts {
    months: f64,
    days: f64,
    micros: f64,
}

impl Parts {
    /// Adds `value` of `unit`; false for a word that is not a unit.
    fn add(&mut self, value: f64, unit: &str) -> bool {
        let months_per = match unit {
            "y" | "yr" | "yrs" | "year" | "years" => Some(12.0),
            "decade" | "decades" | "dec" | "decs" => Some(120.0),
            "century" | "centuries" | "cent" | "c" => Some(1200.0),
            "millennium" | "millennia" | "mil" | "mils" => Some(12000.0),
            _ => None,
        };
        if let Some(months_per) = months_per {
            // Fractions of a year are whole months (PostgreSQL rounds them).
            self.months += (value * months_per).round();
            return true;
        }
        match unit {
            "mon" | "mons" | "month" | "months" => self.add_months(value),
            "w" | "week" | "weeks" => self.add_days(value * 7.0),
            "d" | "day" | "days" => self.add_days(value),
            _ => {
                let micros_per = match unit {
                    "h" | "hr" | "hrs" | "hour" | "hours" => 3600.0 * MICROS_PER_SECOND,
                    "m" | "min" | "mins" | "minute" | "minutes" => 60.0 * MICROS_PER_SECOND,
                    "s" | "sec" | "secs" | "second" | "seconds" => MICROS_PER_SECOND,
                    "ms" | "msec" | "msecs" | "millisecond" | "milliseconds" => 1000.0,
                    "us" | "usec" | "usecs" | "microsecond" | "microseconds" => 1.0,
                    _ => return false,
                };
                self.micros += value * micros_per;
            }
        }
        true
    }

    fn add_months(&mut self, value: f64) {
        let whole = value.trunc();
        self.months += whole;
        self.add_days((value - whole) * 30.0);
    }

    fn add_days(&mut self, value: f64) {
        let whole = value.trunc();
        self.days += whole;
        self.micros += (value - whole) * MICROS_PER_DAY;
    }

    /// `[-]hh:mm[:ss[.ffffff]]`.
    fn add_time(&mut self, text: &str) -> bool {
        let (sign, unsigned) = match text.strip_prefix('-') {
            Some(rest) => (-1.0, rest),
            None => (1.0, text.strip_prefix('+').unwrap_or(text)),
        };
        let fields: Vec<&str> = unsigned.split(':').collect();
        if !(2..=3).contains(&fields.len()) {
            return false;
        }
        let number = |field: &str| {
            (!field.is_empty() && field.bytes().all(|b| b.is_ascii_digit() || b == b'.'))
                .then(|| field.parse::<f64>().ok())
                .flatten()
        };
        let (Some(hours), Some(minutes)) = (number(fields[0]), number(fields[1])) else {
            return false;
        };
        let seconds = match fields.get(2) {
            Some(field) => match number(field) {
                Some(seconds) => seconds,
                None => return false,
            },
            None => 0.0,
        };
        self.micros += sign * ((hours * 60.0 + minutes) * 60.0 + seconds) * MICROS_PER_SECOND;
        true
    }

    fn finish(self, ago: bool) -> Option<Interval> {
        let sign = if ago { -1.0 } else { 1.0 };
        let whole = |value: f64| {
            let value = (value * sign).round();
            (value.is_finite() && value.abs() < 9.0e18).then_some(value)
        };
        #[allow(clippy::cast_possible_truncation)]
        Some(Interval {
            months: i32::try_from(whole(self.months)? as i64).ok()?,
            days: i32::try_from(whole(self.days)? as i64).ok()?,
            microseconds: whole(self.micros)? as i64,
        })
    }
}

/// Splits `10day` into `10` and `day`; a token without letters is all number.
fn split_number(token: &str) -> (&str, &str) {
    let at = token
        .find(|c: char| c.is_ascii_alphabetic())
        .unwrap_or(token.len());
    token.split_at(at)
}

/// Reads PostgreSQL's interval input; `None` when the text is not in that form.
pub fn parse_postgres_interval(text: &str) -> Option<Interval> {
    let lowered = text.trim().to_ascii_lowercase();
    let mut rest = lowered.strip_prefix('@').unwrap_or(&lowered).trim();
    let ago = match rest.strip_suffix("ago") {
        Some(before) => {
            rest = before.trim_end();
            true
        }
        None => false,
    };
    let mut parts = Parts::default();
    let mut tokens = rest.split_whitespace().peekable();
    let mut read_any = false;
    while let Some(token) = tokens.next() {
        read_any = true;
        if token.contains(':') {
            if !parts.add_time(token) {
                return None;
            }
            continue;
        }
        let (number, attached_unit) = split_number(token);
        let value: f64 = number.parse().ok()?;
        let unit = if attached_unit.is_empty() {
            match tokens.peek() {
                Some(next) if next.starts_with(|c: char| c.is_ascii_alphabetic()) => {
                    tokens.next().unwrap_or_default()
                }
                _ => "s",
            }
        } else {
            attached_unit
        };
        if !parts.add(value, unit) {
            return None;
        }
    }
    if !read_any {
        return None;
    }
    parts.finish(ago)
}

/// PostgreSQL's output of an interval (IntervalStyle `postgres`).
pub fn format_postgres_interval(interval: Interval) -> String {
    let mut out = String::new();
    // Set once a field is written; `negative` when the last one written was below zero.
    let mut written = false;
    let mut negative = false;
    let years = interval.months / 12;
    let fields = [
        (i64::from(years), "year"),
        (i64::from(interval.months - years * 12), "mon"),
        (i64::from(interval.days), "day"),
    ];
    for (value, unit) in fields {
        if value == 0 {
            continue;
        }
        if written {
            out.push(' ');
        }
        let plus = if negative && value > 0 { "+" } else { "" };
        let plural = if value == 1 { "" } else { "s" };
        out.push_str(&format!("{plus}{value} {unit}{plural}"));
        written = true;
        negative = value < 0;
    }
    let micros = interval.microseconds;
    if micros != 0 || !written {
        if written {
            out.push(' ');
        }
        let sign = if micros < 0 {
            "-"
        } else if negative {
            "+"
        } else {
            ""
        };
        let magnitude = micros.unsigned_abs();
        let seconds = magnitude / 1_000_000;
        let (hours, minutes, seconds) = (seconds / 3600, seconds / 60 % 60, seconds % 60);
        out.push_str(&format!("{sign}{hours:02}:{minutes:02}:{seconds:02}"));
        let fraction = magnitude % 1_000_000;
        if fraction != 0 {
            let digits = format!("{fraction:06}");
            out.push('.');
            out.push_str(digits.trim_end_matches('0'));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{format_postgres_interval, parse_postgres_interval};
    use crate::value::Interval;

    #[test]
    fn output_follows_postgresql_signs_and_plurals() {
        // Expected strings are PostgreSQL 15's output for the same fields.
        let cases = [
            ((0, 0, 0), "00:00:00"),
            ((0, -1, 9_000_000_000), "-1 days +02:30:00"),
            ((-1, 2, 0), "-1 mons +2 days"),
            ((14, 1, 1_500_000), "1 year 2 mons 1 day 00:00:01.5"),
            ((0, 0, -129_600_000_000), "-36:00:00"),
            ((-13, 0, -1), "-1 years -1 mons -00:00:00.000001"),
        ];
        for ((months, days, microseconds), expected) in cases {
            let interval = Interval {
                months,
                days,
                microseconds,
            };
            assert_eq!(format_postgres_interval(interval), expected);
        }
    }

    fn shown(text: &str) -> String {
        parse_postgres_interval(text)
            .unwrap_or_else(|| panic!("{text} should read"))
            .to_postgres()
    }

    #[test]
    fn units_in_every_spelling_read_as_postgresql_reads_them() {
        // Expected strings are PostgreSQL 15's output for the same input.
        let cases = [
            ("1 month", "1 mon"),
            ("2 months 3 days", "2 mons 3 days"),
            ("1 hour", "01:00:00"),
            ("90 minutes", "01:30:00"),
            ("1 day 02:30:00", "1 day 02:30:00"),
            ("-36 hours", "-36:00:00"),
            ("1.5 days", "1 day 12:00:00"),
            ("1.5 months", "1 mon 15 days"),
            ("1.5 years", "1 year 6 mons"),
            ("2 weeks", "14 days"),
            ("3 days ago", "-3 days"),
            ("@ 1 hour", "01:00:00"),
            ("10s", "00:00:10"),
            ("7", "00:00:07"),
            (
                "1 year 2 mons 3 days 04:05:06.5",
                "1 year 2 mons 3 days 04:05:06.5",
            ),
        ];
        for (input, expected) in cases {
            assert_eq!(shown(input), expected, "{input}");
        }
    }

    #[test]
    fn other_text_is_not_read() {
        for text in ["", "1 fortnight", "abc", "P1D", "1:2:3:4", "1 day x"] {
            let read = parse_postgres_interval(text);
            assert!(read.is_none(), "{text} read as {read:?}");
        }
        // A number without a unit is seconds, also after other fields.
        assert_eq!(shown("1 day 25"), "1 day 00:00:25");
    }
}
