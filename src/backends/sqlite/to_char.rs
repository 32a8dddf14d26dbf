//! `to_char(timestamp | timestamptz | date, template)` on SQLite, with PostgreSQL's template
//! patterns: `YYYY MM DD HH24 MI SS`, names (`Month Mon Day Dy` in three letter cases, padded
//! to 9 unless `FM`), `AM`/`PM`, `MS US FF1..FF6`, ISO and Julian fields, `TZ OF`, the `FM`
//! prefix and `TH` suffix, and `"quoted text"`. Anything else in the template is copied.
//!
//! SQLite's `strftime` has other patterns and no names, and no crate speaks PostgreSQL's
//! templates, so the formatter is written here. The template is read once per call; a number
//! or an interval as the value is refused with 0A000 (PostgreSQL's numeric and interval
//! templates are not implemented).

use chrono::{Datelike, NaiveDateTime, Timelike};
use pgbridge_proxy::value::{parse_timestamp, parse_timestamptz};
use rusqlite::Connection;
use rusqlite::functions::{Context, FunctionFlags};
use rusqlite::types::{Value as SqliteValue, ValueRef};

use super::functions::sql_error;

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
const DAYS: [&str; 7] = [
    "Sunday",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
];
const ROMAN_MONTHS: [&str; 12] = [
    "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII",
];

/// The patterns, longest first where one is the start of another. Each matches as written
/// here, in lower case, and (the names) capitalized, as PostgreSQL's keyword table lists
/// them; the letter case of a name pattern as written chooses the case of the name.
const PATTERNS: &[&str] = &[
    "HH24", "HH12", "HH", "MI", "SSSSS", "SSSS", "SS", "MS", "US", "FF1", "FF2", "FF3", "FF4",
    "FF5", "FF6", "A.M.", "P.M.", "AM", "PM", "Y,YYY", "YYYY", "YYY", "YY", "Y", "IYYY", "IYY",
    "IY", "IDDD", "ID", "IW", "I", "B.C.", "A.D.", "BC", "AD", "MONTH", "MON", "MM", "DAY", "DDD",
    "DD", "DY", "D", "WW", "W", "CC", "J", "Q", "RM", "TZH", "TZM", "TZ", "OF",
];

/// How a name is written: `MONTH`, `Month` or `month`.
#[derive(Clone, Copy)]
enum Case {
    Upper,
    Capitalized,
    Lower,
}

fn case_of(written: &str) -> Case {
    let mut letters = written.chars().filter(char::is_ascii_alphabetic);
    match (letters.next(), letters.next()) {
        (Some(first), _) if first.is_ascii_lowercase() => Case::Lower,
        (_, Some(second)) if second.is_ascii_lowercase() => Case::Capitalized,
        _ => Case::Upper,
    }
}

fn cased(name: &str, case: Case) -> String {
    match case {
        Case::Upper => name.to_uppercase(),
        Case::Capitalized => name.to_owned(),
        Case::Lower => name.to_lowercase(),
    }
}

/// Whether `head` is `pattern` as PostgreSQL accepts it: upper case, lower case, or for the
/// names of months and days capitalized (`Month`, `Dy`).
fn spelled_as(head: &str, pattern: &str) -> bool {
    let lower_from = |from: usize| {
        head.bytes()
            .skip(from)
            .eq(pattern.bytes().skip(from).map(|b| b.to_ascii_lowercase()))
    };
    let name = matches!(pattern, "MONTH" | "MON" | "DAY" | "DY");
    head == pattern
        || lower_from(0)
        || (name && head.as_bytes().first() == pattern.as_bytes().first() && lower_from(1))
}

/// `1st`, `2nd`, `3rd`, `4th`, `11th`..`13th`, upper-case for `TH`.
fn ordinal_suffix(number: i64, upper: bool) -> &'static str {
    let suffix = match (number % 100, number % 10) {
        (11..=13, _) => "th",
        (_, 1) => "st",
        (_, 2) => "nd",
        (_, 3) => "rd",
        _ => "th",
    };
    match (upper, suffix) {
        (false, suffix) => suffix,
        (true, "st") => "ST",
        (true, "nd") => "ND",
        (true, "rd") => "RD",
        (true, _) => "TH",
    }
}

/// A point in time with what the zone patterns show.
struct Moment {
    at: NaiveDateTime,
    zoned: bool,
}

/// A formatted field: a number zero-padded to a width, or a name padded to a width.
enum Field {
    Number { value: i64, width: usize },
    Text { text: String, width: usize },
}

impl Moment {
    fn field(&self, pattern: &str, written: &str) -> Field {
        let at = &self.at;
        let number = |value: i64, width: usize| Field::Number { value, width };
        let text = |text: String, width: usize| Field::Text { text, width };
        let year = i64::from(at.year());
        let hour = i64::from(at.hour());
        let micros = i64::from(at.nanosecond() / 1000);
        let month_index = at.month0() as usize;
        let day_index = at.weekday().num_days_from_sunday() as usize;
        let iso = at.iso_week();
        match pattern {
            "HH24" => number(hour, 2),
            "HH12" | "HH" => number(if hour % 12 == 0 { 12 } else { hour % 12 }, 2),
            "MI" => number(i64::from(at.minute()), 2),
            "SS" => number(i64::from(at.second()), 2),
            "SSSS" | "SSSSS" => number(i64::from(at.num_seconds_from_midnight()), 1),
            "MS" => number(micros / 1000, 3),
            "US" => number(micros, 6),
            "FF1" | "FF2" | "FF3" | "FF4" | "FF5" | "FF6" => {
                let digits = pattern.as_bytes()[2] - b'0';
                number(
                    micros / 10_i64.pow(u32::from(6 - digits)),
                    usize::from(digits),
                )
            }
            "AM" | "PM" => text(
                cased(if hour < 12 { "AM" } else { "PM" }, case_of(written)),
                2,
            ),
            "A.M." | "P.M." => text(
                cased(if hour < 12 { "A.M." } else { "P.M." }, case_of(written)),
                4,
            ),
            "YYYY" => number(year, 4),
            "Y,YYY" => text(format!("{},{:03}", year / 1000, year % 1000), 5),
            "YYY" => number(year % 1000, 3),
            "YY" => number(year % 100, 2),
            "Y" => number(year % 10, 1),
            "IYYY" => number(i64::from(iso.year()), 4),
            "IYY" => number(i64::from(iso.year()) % 1000, 3),
            "IY" => number(i64::from(iso.year()) % 100, 2),
            "I" => number(i64::from(iso.year()) % 10, 1),
            "IW" => number(i64::from(iso.week()), 2),
            "ID" => number(i64::from(at.weekday().number_from_monday()), 1),
            "IDDD" => number(
                i64::from(iso.week() - 1) * 7 + i64::from(at.weekday().number_from_monday()),
                3,
            ),
            "BC" | "AD" => text(
                cased(if year > 0 { "AD" } else { "BC" }, case_of(written)),
                2,
            ),
            "B.C." | "A.D." => text(
                cased(if year > 0 { "A.D." } else { "B.C." }, case_of(written)),
                4,
            ),
            "MONTH" => text(cased(MONTHS[month_index], case_of(written)), 9),
            "MON" => text(cased(&MONTHS[month_index][..3], case_of(written)), 3),
            "MM" => number(i64::from(at.month()), 2),
            "DAY" => text(cased(DAYS[day_index], case_of(written)), 9),
            "DY" => text(cased(&DAYS[day_index][..3], case_of(written)), 3),
            "DDD" => number(i64::from(at.ordinal()), 3),
            "DD" => number(i64::from(at.day()), 2),
            "D" => number(i64::from(at.weekday().number_from_sunday()), 1),
            "WW" => number(i64::from(at.ordinal0() / 7 + 1), 2),
            "W" => number(i64::from(at.day0() / 7 + 1), 1),
            "CC" => number(
                if year > 0 {
                    (year + 99) / 100
                } else {
                    year / 100 - 1
                },
                2,
            ),
            "J" => number(i64::from(at.date().num_days_from_ce()) + 1_721_425, 1),
            "Q" => number(i64::from(at.month0() / 3 + 1), 1),
            "RM" => text(cased(ROMAN_MONTHS[month_index], case_of(written)), 4),
            "TZ" => text(
                if self.zoned {
                    cased("UTC", case_of(written))
                } else {
                    String::new()
                },
                0,
            ),
            // A timestamp without a zone has none to name, but an offset of zero.
            "TZH" => text("+00".to_owned(), 0),
            "TZM" => text("00".to_owned(), 0),
            _ => text("+00".to_owned(), 0),
        }
    }
}

/// `moment` written with PostgreSQL's `template`.
fn format(moment: &Moment, template: &str) -> String {
    let mut out = String::with_capacity(template.len() + 8);
    let mut rest = template;
    while !rest.is_empty() {
        if let Some(quoted) = rest.strip_prefix('"') {
            // Quoted text is copied; a backslash keeps the next character.
            let mut chars = quoted.char_indices();
            let mut end = quoted.len();
            while let Some((index, c)) = chars.next() {
                match c {
                    '\\' => {
                        if let Some((_, next)) = chars.next() {
                            out.push(next);
                        }
                    }
                    '"' => {
                        end = index + 1;
                        break;
                    }
                    c => out.push(c),
                }
            }
            rest = &quoted[end.min(quoted.len())..];
            continue;
        }
        let (fill_mode, body) = match rest.get(..2) {
            Some("FM" | "fm") => (true, &rest[2..]),
            _ => (false, rest),
        };
        let pattern = PATTERNS.iter().find(|pattern| {
            body.get(..pattern.len())
                .is_some_and(|head| spelled_as(head, pattern))
        });
        let Some(pattern) = pattern else {
            let mut chars = rest.chars();
            if let Some(c) = chars.next() {
                out.push(c);
            }
            rest = chars.as_str();
            continue;
        };
        let written = &body[..pattern.len()];
        let mut after = &body[pattern.len()..];
        let field = moment.field(pattern, written);
        let ordinal = match after.get(..2) {
            Some("TH") => Some(true),
            Some("th") => Some(false),
            _ => None,
        };
        match field {
            Field::Number { value, width } => {
                if fill_mode {
                    out.push_str(&value.to_string());
                } else if value < 0 {
                    out.push_str(&format!("-{:0width$}", -value));
                } else {
                    out.push_str(&format!("{value:0width$}"));
                }
                if let Some(upper) = ordinal {
                    out.push_str(ordinal_suffix(value, upper));
                    after = &after[2..];
                }
            }
            Field::Text { text, width } => {
                if fill_mode {
                    out.push_str(&text);
                } else {
                    out.push_str(&format!("{text:width$}"));
                }
            }
        }
        rest = after;
    }
    out
}

fn to_char(ctx: &Context<'_>) -> rusqlite::Result<SqliteValue> {
    let value = match ctx.get_raw(0) {
        ValueRef::Null => return Ok(SqliteValue::Null),
        ValueRef::Text(text) => String::from_utf8_lossy(text).into_owned(),
        ValueRef::Integer(_) | ValueRef::Real(_) | ValueRef::Blob(_) => {
            return Err(sql_error(
                "0A000",
                "to_char of a number is not supported on SQLite (only dates and timestamps)",
            ));
        }
    };
    let template = match ctx.get_raw(1) {
        ValueRef::Null => return Ok(SqliteValue::Null),
        ValueRef::Text(text) => String::from_utf8_lossy(text).into_owned(),
        ValueRef::Integer(i) => i.to_string(),
        ValueRef::Real(r) => r.to_string(),
        ValueRef::Blob(bytes) => String::from_utf8_lossy(bytes).into_owned(),
    };
    let moment = if let Ok(at) = parse_timestamp(&value) {
        Moment {
            at,
            zoned: value.trim_end().ends_with("+00"),
        }
    } else if let Ok(at) = parse_timestamptz(&value) {
        Moment {
            at: at.naive_utc(),
            zoned: true,
        }
    } else {
        return Err(sql_error(
            "0A000",
            format!(
                "to_char of \"{value}\" is not supported on SQLite (only dates and timestamps)"
            ),
        ));
    };
    Ok(SqliteValue::Text(format(&moment, &template)))
}

/// Registers `to_char(value, template)` on `connection`.
pub fn register(connection: &Connection) -> rusqlite::Result<()> {
    let flags = FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC;
    connection.create_scalar_function("to_char", 2, flags, |ctx| to_char(ctx))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shown(value: &str, template: &str) -> String {
        let at = parse_timestamp(value).unwrap();
        format(&Moment { at, zoned: false }, template)
    }

    #[test]
    fn numbers_pad_unless_fill_mode() {
        assert_eq!(
            shown("2024-03-05 07:08:09", "YYYY-MM-DD HH24:MI:SS"),
            "2024-03-05 07:08:09"
        );
        assert_eq!(
            shown("2024-03-05 19:08:09", "FMDD/FMMM HH12 am"),
            "5/3 07 pm"
        );
        assert_eq!(
            shown("2024-03-05 00:00:00.25", "SS.MS US FF2"),
            "00.250 250000 25"
        );
    }

    #[test]
    fn names_follow_the_case_written() {
        assert_eq!(shown("2024-12-31", "Mon DD, YYYY"), "Dec 31, 2024");
        assert_eq!(shown("2024-12-31", "FMMonth"), "December");
        assert_eq!(
            shown("2024-03-05", "MONTH|Day|dy"),
            "MARCH    |Tuesday  |tue"
        );
        assert_eq!(shown("2024-03-01", "DDth \"of\" FMMonth"), "01st of March");
    }

    /// Templates are user input: any text, cut anywhere, formats without a panic.
    #[test]
    fn any_template_formats() {
        let pieces = [
            "FM", "fm", "TH", "th", "\"", "\\", "é", "日", "HH", "h", "Y,YYY", "Mon", "mON", "D",
            "FF", "FF7", " ", "A.M", "SSSSS", "OF", "tz", "RM", "\"open",
        ];
        let at = parse_timestamp("2024-02-29 23:59:59.999999").unwrap();
        let moment = Moment { at, zoned: true };
        let mut seed = 7_u64;
        for _ in 0..5000 {
            let mut template = String::new();
            for _ in 0..(seed % 9) {
                seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
                template.push_str(pieces[usize::try_from(seed >> 59).unwrap() % pieces.len()]);
            }
            seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            let _ = format(&moment, &template);
        }
    }
}
