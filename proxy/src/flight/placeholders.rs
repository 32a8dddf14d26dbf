//! `?` placeholders (the JDBC and ADBC convention) rewritten to PostgreSQL's `$1..$n`.
//!
//! sqlparser's tokenizer finds the `?` tokens, so a `?` inside a string literal, a quoted
//! identifier or a comment is left alone; only those characters of the text are replaced, the
//! rest is kept byte for byte. A statement that uses `?` cannot use `$n` too. In Flight SQL a
//! lone `?` is therefore always a parameter, as in JDBC: the jsonb `?` operator is spelled
//! `jsonb_exists(doc, key)` there (`?|` and `?&` are left as they are).

use sqlparser::dialect::PostgreSqlDialect;
use sqlparser::tokenizer::{Token, Tokenizer};

use crate::SqlError;

/// `sql` with each `?` placeholder replaced by `$1`, `$2`, ... in order.
pub fn number_placeholders(sql: &str) -> Result<String, SqlError> {
    if !sql.contains('?') {
        return Ok(sql.to_owned());
    }
    let dialect = PostgreSqlDialect {};
    let tokens = Tokenizer::new(&dialect, sql)
        .with_unescape(false)
        .tokenize_with_location()
        .map_err(|e| SqlError::new("42601", format!("syntax error: {e}")))?;
    let line_starts: Vec<usize> = std::iter::once(0)
        .chain(sql.match_indices('\n').map(|(i, _)| i + 1))
        .collect();
    let mut question_marks = Vec::new();
    let mut numbered = false;
    for token in &tokens {
        match &token.token {
            Token::Question => {}
            Token::Placeholder(text) if text == "?" => {}
            Token::Placeholder(text) if text.starts_with('$') => {
                numbered = true;
                continue;
            }
            _ => continue,
        }
        let start = token.span.start;
        let line = usize::try_from(start.line).unwrap_or(0).saturating_sub(1);
        let column = usize::try_from(start.column).unwrap_or(0).saturating_sub(1);
        let line_start = line_starts.get(line).copied().unwrap_or(0);
        let offset = sql[line_start..]
            .char_indices()
            .nth(column)
            .map(|(i, _)| line_start + i)
            .filter(|i| sql.as_bytes().get(*i) == Some(&b'?'))
            .ok_or_else(|| SqlError::new("XX000", "cannot locate a ? placeholder"))?;
        question_marks.push(offset);
    }
    if question_marks.is_empty() {
        return Ok(sql.to_owned());
    }
    if numbered {
        return Err(SqlError::new(
            "42601",
            "a statement cannot use both ? and $n placeholders",
        ));
    }
    let mut out = String::with_capacity(sql.len() + question_marks.len() * 2);
    let mut copied = 0;
    for (index, offset) in question_marks.iter().enumerate() {
        out.push_str(&sql[copied..*offset]);
        out.push('$');
        out.push_str(&(index + 1).to_string());
        copied = offset + 1;
    }
    out.push_str(&sql[copied..]);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::number_placeholders;

    #[test]
    fn question_marks_become_numbered_parameters() {
        assert_eq!(
            number_placeholders("SELECT * FROM t WHERE a = ? AND b IN (?, ?)").unwrap(),
            "SELECT * FROM t WHERE a = $1 AND b IN ($2, $3)"
        );
        assert_eq!(
            number_placeholders("INSERT INTO t VALUES (?,?)").unwrap(),
            "INSERT INTO t VALUES ($1,$2)"
        );
    }

    #[test]
    fn question_marks_in_strings_identifiers_and_comments_stay() {
        let sql = "SELECT 'why?', \"q?\" -- is it?\n, ? /* ? */ FROM t WHERE x = ?";
        assert_eq!(
            number_placeholders(sql).unwrap(),
            "SELECT 'why?', \"q?\" -- is it?\n, $1 /* ? */ FROM t WHERE x = $2"
        );
        assert_eq!(
            number_placeholders("SELECT 'it''s ?', ? -- é?\n, ?").unwrap(),
            "SELECT 'it''s ?', $1 -- é?\n, $2"
        );
    }

    #[test]
    fn dollar_parameters_pass_and_mixing_is_refused() {
        assert_eq!(
            number_placeholders("SELECT $1, $2").unwrap(),
            "SELECT $1, $2"
        );
        assert_eq!(
            number_placeholders("SELECT $1, ?").unwrap_err().code,
            "42601"
        );
    }
}
