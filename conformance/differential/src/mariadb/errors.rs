//! MariaDB errors as PostgreSQL SQLSTATEs, by MariaDB error number: what pgbridge's MySQL
//! backend will have to report. Unlisted numbers keep MariaDB's own SQLSTATE.

use crate::answer::Failure;

/// MariaDB error number -> PostgreSQL SQLSTATE.
const SQLSTATES: &[(u16, &str)] = &[
    (1048, "23502"), // ER_BAD_NULL_ERROR: not_null_violation
    (1050, "42P07"), // ER_TABLE_EXISTS_ERROR: duplicate_table
    (1054, "42703"), // ER_BAD_FIELD_ERROR: undefined_column
    (1062, "23505"), // ER_DUP_ENTRY: unique_violation
    (1064, "42601"), // ER_PARSE_ERROR: syntax_error
    (1146, "42P01"), // ER_NO_SUCH_TABLE: undefined_table
    (1264, "22003"), // ER_WARN_DATA_OUT_OF_RANGE: numeric_value_out_of_range
    (1292, "22007"), // ER_TRUNCATED_WRONG_VALUE: invalid_datetime_format
    (1305, "42883"), // ER_SP_DOES_NOT_EXIST: undefined_function
    (1365, "22012"), // ER_DIVISION_BY_ZERO: division_by_zero
    (1366, "22P02"), // ER_TRUNCATED_WRONG_VALUE_FOR_FIELD: invalid_text_representation
    (1406, "22001"), // ER_DATA_TOO_LONG: string_data_right_truncation
    (1451, "23503"), // ER_ROW_IS_REFERENCED_2: foreign_key_violation
    (1452, "23503"), // ER_NO_REFERENCED_ROW_2: foreign_key_violation
    (1690, "22003"), // ER_DATA_OUT_OF_RANGE: numeric_value_out_of_range
    (4025, "23514"), // ER_CONSTRAINT_FAILED (MariaDB CHECK): check_violation
];

pub fn failure(error: &sqlx::Error) -> Failure {
    let Some(database) = error.as_database_error() else {
        return Failure::new("08006", error.to_string());
    };
    let Some(mysql) = database.try_downcast_ref::<sqlx::mysql::MySqlDatabaseError>() else {
        return Failure::new("XX000", database.message());
    };
    let number = mysql.number();
    let sqlstate = SQLSTATES
        .iter()
        .find(|(known, _)| *known == number)
        .map_or_else(
            || mysql.code().unwrap_or("XX000"),
            |(_, sqlstate)| *sqlstate,
        );
    Failure::new(sqlstate, format!("MariaDB {number}: {}", mysql.message()))
}
