//! MySQL / MariaDB errors to SQLSTATE: the server's error number first (one table, `BY_NUMBER`),
//! then the SQLSTATE a `SIGNAL` raised (the helper functions of the MySQL target raise
//! PostgreSQL's own codes, `22012`, `22P02`, ...), then `XX000`. Connection failures are `08006`.

use pgbridge_proxy::SqlError;
use sqlx::mysql::MySqlDatabaseError;

/// MySQL / MariaDB error numbers and the SQLSTATE PostgreSQL raises for the same condition.
pub const BY_NUMBER: &[(u16, &str)] = &[
    (1062, "23505"), // ER_DUP_ENTRY: unique_violation
    (1586, "23505"), // ER_DUP_ENTRY_WITH_KEY_NAME
    (1451, "23503"), // ER_ROW_IS_REFERENCED_2: foreign_key_violation (parent row)
    (1452, "23503"), // ER_NO_REFERENCED_ROW_2: foreign_key_violation (child row)
    (1216, "23503"), // ER_NO_REFERENCED_ROW
    (1217, "23503"), // ER_ROW_IS_REFERENCED
    (1048, "23502"), // ER_BAD_NULL_ERROR: not_null_violation
    (1364, "23502"), // ER_NO_DEFAULT_FOR_FIELD (strict mode)
    (3819, "23514"), // ER_CHECK_CONSTRAINT_VIOLATED (MySQL 8)
    (4025, "23514"), // ER_CONSTRAINT_FAILED (MariaDB CHECK)
    (1146, "42P01"), // ER_NO_SUCH_TABLE: undefined_table
    (1051, "42P01"), // ER_BAD_TABLE_ERROR (DROP TABLE of a missing table)
    (1054, "42703"), // ER_BAD_FIELD_ERROR: undefined_column
    (1050, "42P07"), // ER_TABLE_EXISTS_ERROR: duplicate_table
    (1060, "42701"), // ER_DUP_FIELDNAME: duplicate_column
    (1061, "42P07"), // ER_DUP_KEYNAME: duplicate index name
    (1064, "42601"), // ER_PARSE_ERROR: syntax_error
    (1149, "42601"), // ER_SYNTAX_ERROR
    (1305, "42883"), // ER_SP_DOES_NOT_EXIST: undefined_function
    (1213, "40P01"), // ER_LOCK_DEADLOCK: deadlock_detected
    (1205, "55P03"), // ER_LOCK_WAIT_TIMEOUT: lock_not_available
    (1365, "22012"), // ER_DIVISION_BY_ZERO: division_by_zero
    (1242, "21000"), // ER_SUBQUERY_NO_1_ROW: cardinality_violation
    (1264, "22003"), // ER_WARN_DATA_OUT_OF_RANGE: numeric_value_out_of_range
    (1690, "22003"), // ER_DATA_OUT_OF_RANGE (BIGINT UNSIGNED value out of range)
    (1406, "22001"), // ER_DATA_TOO_LONG: string_data_right_truncation
    (1366, "22P02"), // ER_TRUNCATED_WRONG_VALUE_FOR_FIELD: invalid_text_representation
    (1292, "22007"), // ER_TRUNCATED_WRONG_VALUE (dates): invalid_datetime_format
    (1411, "22007"), // ER_WRONG_VALUE_FOR_TYPE (STR_TO_DATE)
    (1367, "22P02"), // ER_ILLEGAL_VALUE_FOR_TYPE
    (3140, "22P02"), // ER_INVALID_JSON_TEXT (MySQL 8)
    (4038, "22P02"), // ER_JSON_SYNTAX (MariaDB)
    (1792, "25006"), // ER_CANT_EXECUTE_IN_READ_ONLY_TRANSACTION: read_only_sql_transaction
    (1317, "57014"), // ER_QUERY_INTERRUPTED (KILL QUERY from a cancel): query_canceled
    (3024, "57014"), // ER_QUERY_TIMEOUT (max_execution_time)
    (1969, "57014"), // ER_STATEMENT_TIMEOUT (MariaDB max_statement_time)
    (1044, "42501"), // ER_DBACCESS_DENIED_ERROR: insufficient_privilege
    (1142, "42501"), // ER_TABLEACCESS_DENIED_ERROR
    (1143, "42501"), // ER_COLUMNACCESS_DENIED_ERROR
    (1045, "28P01"), // ER_ACCESS_DENIED_ERROR: invalid_password
    (1049, "3D000"), // ER_BAD_DB_ERROR: invalid_catalog_name
    (1630, "42883"), // ER_FUNC_INEXISTENT_NAME_COLLISION
    (1582, "42883"), // ER_WRONG_PARAMCOUNT_TO_NATIVE_FCT
    (1178, "0A000"), // ER_CHECK_NOT_IMPLEMENTED: feature_not_supported
    (1235, "0A000"), // ER_NOT_SUPPORTED_YET
    (1295, "0A000"), // ER_UNSUPPORTED_PS (statement cannot be prepared)
    (1105, "XX000"), // ER_UNKNOWN_ERROR
    (1040, "53300"), // ER_CON_COUNT_ERROR: too_many_connections
    (1203, "53300"), // ER_TOO_MANY_USER_CONNECTIONS
    (1180, "40001"), // ER_ERROR_DURING_COMMIT
    (1181, "40001"), // ER_ERROR_DURING_ROLLBACK
    (1637, "25001"), // ER_CANT_CHANGE_TX_CHARACTERISTICS: active_sql_transaction
    (1568, "25001"), // ER_CANT_CHANGE_TX_ISOLATION
];

/// The SQLSTATE for a MySQL error number, if the table names it.
pub fn sqlstate_of(number: u16) -> Option<&'static str> {
    BY_NUMBER
        .iter()
        .find(|(n, _)| *n == number)
        .map(|(_, sqlstate)| *sqlstate)
}

/// A SQLSTATE a `SIGNAL` raised in PostgreSQL's form: five characters and a subclass, not one
/// of the bare classes MySQL reports for its own errors (`HY000`, `23000`, `42000`, `45000`
/// all end in `000`).
fn signalled(code: Option<&str>) -> Option<&str> {
    code.filter(|c| c.len() == 5 && !c.ends_with("000"))
}

/// Classifies an sqlx error.
pub fn classify(error: &sqlx::Error) -> SqlError {
    match error {
        sqlx::Error::Database(database) => {
            let message = database.message().to_owned();
            if let Some(mysql) = database.try_downcast_ref::<MySqlDatabaseError>() {
                let number = mysql.number();
                // 1305 names a missing function or a missing savepoint.
                if number == 1305 && message.starts_with("SAVEPOINT") {
                    return SqlError::new("3B001", message);
                }
                if let Some(sqlstate) = sqlstate_of(number) {
                    return SqlError::new(sqlstate, message);
                }
                if let Some(sqlstate) = signalled(mysql.code()) {
                    return SqlError::new(sqlstate, message);
                }
                return SqlError::new("XX000", format!("MySQL error {number}: {message}"));
            }
            SqlError::new("XX000", message)
        }
        sqlx::Error::Io(_)
        | sqlx::Error::Tls(_)
        | sqlx::Error::PoolClosed
        | sqlx::Error::WorkerCrashed
        | sqlx::Error::Protocol(_) => SqlError::new(
            "08006",
            format!("lost the connection to the MySQL backend: {error}"),
        ),
        sqlx::Error::PoolTimedOut => {
            SqlError::new("53300", "no MySQL backend connection became free in time")
        }
        other => SqlError::new("XX000", format!("MySQL backend: {other}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_number_appears_once() {
        let mut numbers: Vec<u16> = BY_NUMBER.iter().map(|(n, _)| *n).collect();
        numbers.sort_unstable();
        let before = numbers.len();
        numbers.dedup();
        assert_eq!(before, numbers.len());
    }

    #[test]
    fn the_brief_table_maps() {
        for (number, sqlstate) in [
            (1062, "23505"),
            (1452, "23503"),
            (1451, "23503"),
            (1048, "23502"),
            (3819, "23514"),
            (4025, "23514"),
            (1146, "42P01"),
            (1054, "42703"),
            (1064, "42601"),
            (1213, "40P01"),
            (1205, "55P03"),
            (1365, "22012"),
        ] {
            assert_eq!(sqlstate_of(number), Some(sqlstate), "{number}");
        }
    }

    #[test]
    fn signalled_codes_pass_through_generic_ones_do_not() {
        assert_eq!(signalled(Some("22012")), Some("22012"));
        assert_eq!(signalled(Some(&format!("HY{}", "000"))), None);
        assert_eq!(signalled(None), None);
    }
}
