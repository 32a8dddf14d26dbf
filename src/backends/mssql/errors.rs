//! SQL Server errors to SQLSTATE: the server's error number first (one table, `BY_NUMBER`),
//! with 547 (a constraint conflict) told apart by its message, then `XX000` with the number in
//! the message. Lost connections and TLS failures are `08006`; a login that cannot start is
//! `08001`.

use pgbridge_proxy::SqlError;

/// SQL Server error numbers and the SQLSTATE PostgreSQL raises for the same condition.
pub const BY_NUMBER: &[(u32, &str)] = &[
    (2627, "23505"),  // unique or primary key constraint violated: unique_violation
    (2601, "23505"),  // duplicate key row in a unique index
    (515, "23502"),   // cannot insert NULL into a column: not_null_violation
    (208, "42P01"),   // invalid object name: undefined_table
    (3701, "42P01"),  // cannot drop, the object does not exist
    (4902, "42P01"),  // cannot find the object (ALTER TABLE)
    (207, "42703"),   // invalid column name: undefined_column
    (4924, "42703"),  // ALTER TABLE ALTER COLUMN of a missing column
    (2714, "42P07"),  // there is already an object named ..: duplicate_table
    (2705, "42701"),  // column names in each table must be unique: duplicate_column
    (1913, "42P07"),  // an index of that name exists
    (102, "42601"),   // incorrect syntax near ..: syntax_error
    (156, "42601"),   // incorrect syntax near the keyword ..
    (105, "42601"),   // unclosed quotation mark
    (195, "42883"),   // not a recognized built-in function name: undefined_function
    (2812, "42883"),  // could not find stored procedure
    (4121, "42883"),  // cannot find a user-defined function
    (1205, "40P01"),  // chosen as the deadlock victim: deadlock_detected
    (3960, "40001"),  // snapshot isolation update conflict: serialization_failure
    (1222, "55P03"),  // lock request time out period exceeded: lock_not_available
    (8134, "22012"),  // divide by zero error encountered: division_by_zero
    (220, "22003"),   // arithmetic overflow for a data type: numeric_value_out_of_range
    (232, "22003"),   // arithmetic overflow for type ..
    (8115, "22003"),  // arithmetic overflow error converting .. to data type ..
    (8152, "22001"),  // string or binary data would be truncated
    (2628, "22001"),  // string or binary data would be truncated in table ..
    (245, "22P02"),   // conversion failed when converting a value: invalid_text_representation
    (8114, "22P02"),  // error converting data type
    (8169, "22P02"),  // conversion failed from a string to uniqueidentifier
    (241, "22007"),   // conversion failed for a date and/or time: invalid_datetime_format
    (242, "22008"),   // out-of-range datetime value: datetime_field_overflow
    (3902, "25P01"),  // COMMIT without BEGIN TRANSACTION: no_active_sql_transaction
    (3903, "25P01"),  // ROLLBACK without BEGIN TRANSACTION
    (229, "42501"),   // permission denied on an object: insufficient_privilege
    (262, "42501"),   // permission denied in a database
    (18456, "28P01"), // login failed: invalid_password
    (4060, "3D000"),  // cannot open the database requested by the login: invalid_catalog_name
    (911, "3D000"),   // database does not exist
    (3980, "57014"),  // the request failed because the session was killed: query_canceled
    (1204, "53300"),  // no more locks available: too_many_connections
    (40501, "53300"), // the service is busy (Azure SQL)
];

/// The SQLSTATE for a SQL Server error number, if the table names it.
pub fn sqlstate_of(number: u32) -> Option<&'static str> {
    BY_NUMBER
        .iter()
        .find(|(n, _)| *n == number)
        .map(|(_, sqlstate)| *sqlstate)
}

/// Error 547 is every constraint conflict at once; its message names the kind
/// (`The INSERT statement conflicted with the FOREIGN KEY constraint ..`, `.. CHECK constraint`).
fn constraint_conflict(message: &str) -> &'static str {
    if message.contains("FOREIGN KEY") || message.contains("REFERENCE constraint") {
        "23503" // foreign_key_violation
    } else {
        "23514" // check_violation
    }
}

/// The SQLSTATE of a server error, by number (and message for 547).
pub fn server_error(number: u32, message: &str) -> SqlError {
    if number == 547 {
        return SqlError::new(constraint_conflict(message), message);
    }
    match sqlstate_of(number) {
        Some(sqlstate) => SqlError::new(sqlstate, message),
        None => SqlError::new("XX000", format!("SQL Server error {number}: {message}")),
    }
}

/// Classifies a tiberius error.
pub fn classify(error: &tiberius::error::Error) -> SqlError {
    use tiberius::error::Error;
    match error {
        Error::Server(token) => server_error(token.code(), token.message()),
        Error::Io { .. } | Error::Tls(_) | Error::Protocol(_) => SqlError::new(
            "08006",
            format!("lost the connection to the SQL Server backend: {error}"),
        ),
        Error::Routing { host, port } => SqlError::new(
            "08001",
            format!("SQL Server redirected the login to {host}:{port}; connect there directly"),
        ),
        other => SqlError::new("XX000", format!("SQL Server backend: {other}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_number_appears_once() {
        let mut numbers: Vec<u32> = BY_NUMBER.iter().map(|(n, _)| *n).collect();
        numbers.sort_unstable();
        let before = numbers.len();
        numbers.dedup();
        assert_eq!(before, numbers.len());
    }

    #[test]
    fn the_issue_table_maps() {
        for (number, sqlstate) in [
            (2627, "23505"),
            (2601, "23505"),
            (515, "23502"),
            (208, "42P01"),
            (207, "42703"),
            (102, "42601"),
            (1205, "40P01"),
            (8134, "22012"),
        ] {
            assert_eq!(server_error(number, "m").code, sqlstate, "{number}");
        }
    }

    #[test]
    fn constraint_conflicts_are_told_apart_by_message() {
        let foreign = "The INSERT statement conflicted with the FOREIGN KEY constraint \"fk\".";
        let referenced = "The DELETE statement conflicted with the REFERENCE constraint \"fk\".";
        let check = "The INSERT statement conflicted with the CHECK constraint \"ck\".";
        assert_eq!(server_error(547, foreign).code, "23503");
        assert_eq!(server_error(547, referenced).code, "23503");
        assert_eq!(server_error(547, check).code, "23514");
    }

    #[test]
    fn unknown_numbers_keep_the_number() {
        let error = server_error(99999, "odd");
        assert_eq!(error.code, "XX000");
        assert!(error.message.contains("99999"));
    }
}
