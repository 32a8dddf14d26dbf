//! Positional placeholders: the printed statement still spells parameters `$n`; each becomes
//! `?`, and the `$n` it binds is recorded in reading order. The printed text is tokenized (never
//! searched as a string), so a `$1` inside a string literal or a quoted name is left alone.

use sqlparser::dialect::PostgreSqlDialect;
use sqlparser::tokenizer::{Location, Token, Tokenizer};

use crate::TranslateError;
use crate::passes::placeholders::parse_index;

/// The byte offset of a 1-based line and character column in `sql`.
fn byte_offset(sql: &str, location: Location) -> Option<usize> {
    let line_start = if location.line <= 1 {
        0
    } else {
        let skipped = usize::try_from(location.line - 1).ok()?;
        sql.match_indices('\n').nth(skipped - 1)?.0 + 1
    };
    let column = usize::try_from(location.column.saturating_sub(1)).ok()?;
    let in_line = sql[line_start..]
        .char_indices()
        .nth(column)
        .map_or(sql.len() - line_start, |(offset, _)| offset);
    Some(line_start + in_line)
}

/// `sql` with each `$n` placeholder replaced by `?`, and the `n` of each in order.
pub(crate) fn number_in_order(sql: &str) -> Result<(String, Vec<usize>), TranslateError> {
    let syntax = |message: String| TranslateError::Syntax { message };
    let tokens = Tokenizer::new(&PostgreSqlDialect {}, sql)
        .tokenize_with_location()
        .map_err(|error| syntax(error.to_string()))?;
    let mut out = String::with_capacity(sql.len());
    let mut order = Vec::new();
    let mut copied = 0;
    for token in tokens {
        let Token::Placeholder(text) = &token.token else {
            continue;
        };
        let index = parse_index(text)
            .ok_or_else(|| syntax(format!("parameter {text} is not of the form $n")))?;
        let start = byte_offset(sql, token.span.start)
            .ok_or_else(|| syntax(format!("parameter {text} out of place")))?;
        out.push_str(&sql[copied..start]);
        out.push('?');
        copied = start + text.len();
        order.push(index);
    }
    out.push_str(&sql[copied..]);
    Ok((out, order))
}
