//! Literals whose PostgreSQL text SQL Server reads differently: a timestamptz's UTC offset must
//! be `+hh:mm` (PostgreSQL also takes `+hh`, `+hhmm` and `Z`), and bytea is written `0x..`
//! (`CAST(N'..' AS VARBINARY)` would keep the UTF-16 code units of the text).

use sqlparser::ast::Value;

/// `0x00FF` for the bytes `hex` (lowercase). sqlparser has no node for T-SQL's binary literal:
/// it is a number token as written (sqlparser's T-SQL tokenizer reads it back as hex).
pub(super) fn binary(hex: &str) -> Value {
    Value::Number(format!("0x{}", hex.to_ascii_uppercase()), false)
}

/// The text of a timestamptz literal with its UTC offset as SQL Server's `DATETIMEOFFSET`
/// reads it (`+01` and `+0100` become `+01:00`, `Z` and `UTC` become `+00:00`); `None` when
/// the text has no offset or one SQL Server reads already (or that is not an offset: a zone
/// name is left for SQL Server to refuse).
pub(super) fn timestamptz(text: &str) -> Option<String> {
    let text = text.trim();
    // The offset follows the time: a `+` or `-` after the last `:` of the time of day (the
    // date's `-` come before it).
    let time = text.find(':')?;
    if let Some(stamp) = text
        .strip_suffix('Z')
        .or_else(|| text.strip_suffix('z'))
        .or_else(|| text.strip_suffix("UTC"))
        .or_else(|| text.strip_suffix("utc"))
    {
        return Some(format!("{}+00:00", stamp.trim_end()));
    }
    let sign_at = text[time..].rfind(['+', '-'])? + time;
    let (stamp, offset) = text.split_at(sign_at);
    let (sign, digits) = offset.split_at(1);
    let digits = digits.trim();
    let (hours, minutes) = match digits.split_once(':') {
        Some((hours, minutes)) => (hours, minutes),
        None if digits.len() > 2 => digits.split_at(digits.len() - 2),
        None => (digits, "00"),
    };
    let numeric = |part: &str| !part.is_empty() && part.chars().all(|c| c.is_ascii_digit());
    if !numeric(hours) || hours.len() > 2 || !numeric(minutes) || minutes.len() != 2 {
        return None;
    }
    let written = format!("{}{sign}{hours:0>2}:{minutes}", stamp.trim_end());
    (written != text).then_some(written)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_become_hours_and_minutes() {
        for (postgres, tsql) in [
            ("2024-01-02 03:04:05+01", Some("2024-01-02 03:04:05+01:00")),
            (
                "2024-01-02 03:04:05.25-05",
                Some("2024-01-02 03:04:05.25-05:00"),
            ),
            (
                "2024-01-02T03:04:05+0530",
                Some("2024-01-02T03:04:05+05:30"),
            ),
            ("2024-01-02 03:04:05 +1", Some("2024-01-02 03:04:05+01:00")),
            (
                "2024-01-02 03:04:05 -03:30",
                Some("2024-01-02 03:04:05-03:30"),
            ),
            ("2024-01-02 03:04:05Z", Some("2024-01-02 03:04:05+00:00")),
            ("2024-01-02 03:04:05 UTC", Some("2024-01-02 03:04:05+00:00")),
            // Already SQL Server's form, no offset, a date, a zone name: left alone.
            ("2024-01-02 03:04:05+01:00", None),
            ("2024-01-02 03:04:05", None),
            ("2024-01-02", None),
            ("2024-01-02 03:04:05 Europe/Paris", None),
        ] {
            assert_eq!(timestamptz(postgres).as_deref(), tsql, "{postgres}");
        }
    }

    #[test]
    fn bytes_are_written_in_hex_after_0x() {
        assert_eq!(binary("00ff").to_string(), "0x00FF");
        assert_eq!(binary("").to_string(), "0x");
    }
}
