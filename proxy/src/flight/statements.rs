//! Prepared statement handles: what CreatePreparedStatement described, and the parameter rows
//! the client bound with DoPut, until ClosePreparedStatement.
//!
//! A handle is a random 128-bit name tied to the user that created it; another user's handle
//! is answered as unknown. The number of open handles is bounded
//! ([`FlightOptions::max_prepared_statements`](super::FlightOptions)).

use std::collections::HashMap;
use std::sync::Mutex;

use super::execution::Described;
use crate::{SqlError, Value};

/// One prepared statement.
#[derive(Debug, Clone)]
pub struct Prepared {
    pub user: String,
    pub described: Described,
    /// Parameter rows bound by the last DoPut; each execution runs once per row.
    pub parameter_rows: Vec<Vec<Value>>,
}

/// The open prepared statements of the server.
pub struct Statements {
    open: Mutex<HashMap<Vec<u8>, Prepared>>,
    limit: usize,
}

fn unknown() -> SqlError {
    SqlError::new(
        "26000",
        "prepared statement handle does not exist (closed, or created by another user)",
    )
}

impl Statements {
    pub fn new(limit: usize) -> Statements {
        Statements {
            open: Mutex::new(HashMap::new()),
            limit,
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<Vec<u8>, Prepared>> {
        self.open.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Registers a statement; returns its handle.
    pub fn insert(&self, user: &str, described: Described) -> Result<Vec<u8>, SqlError> {
        let mut open = self.lock();
        if open.len() >= self.limit {
            return Err(SqlError::new(
                "53000",
                format!(
                    "too many open prepared statements ({}): close some first",
                    self.limit
                ),
            ));
        }
        let handle: Vec<u8> = rand::random::<[u8; 16]>()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<String>()
            .into_bytes();
        open.insert(
            handle.clone(),
            Prepared {
                user: user.to_owned(),
                described,
                parameter_rows: Vec::new(),
            },
        );
        Ok(handle)
    }

    /// The statement behind a handle, for its user.
    pub fn get(&self, user: &str, handle: &[u8]) -> Result<Prepared, SqlError> {
        self.lock()
            .get(handle)
            .filter(|prepared| prepared.user == user)
            .cloned()
            .ok_or_else(unknown)
    }

    /// Replaces the bound parameter rows.
    pub fn bind(&self, user: &str, handle: &[u8], rows: Vec<Vec<Value>>) -> Result<(), SqlError> {
        let mut open = self.lock();
        let prepared = open
            .get_mut(handle)
            .filter(|prepared| prepared.user == user)
            .ok_or_else(unknown)?;
        prepared.parameter_rows = rows;
        Ok(())
    }

    /// Forgets a statement.
    pub fn close(&self, user: &str, handle: &[u8]) -> Result<(), SqlError> {
        let mut open = self.lock();
        match open.get(handle) {
            Some(prepared) if prepared.user == user => {
                open.remove(handle);
                Ok(())
            }
            _ => Err(unknown()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn described() -> Described {
        Described {
            sql: "SELECT $1".into(),
            parameters: vec![crate::PgType::Int4],
            fields: None,
        }
    }

    #[test]
    fn handles_belong_to_their_user_and_are_bounded() {
        let statements = Statements::new(1);
        let handle = statements.insert("ann", described()).unwrap();
        assert!(statements.get("bob", &handle).is_err());
        statements
            .bind("ann", &handle, vec![vec![Value::Int4(1)]])
            .unwrap();
        assert_eq!(
            statements.get("ann", &handle).unwrap().parameter_rows.len(),
            1
        );
        assert_eq!(
            statements.insert("ann", described()).unwrap_err().code,
            "53000"
        );
        statements.close("ann", &handle).unwrap();
        assert!(statements.get("ann", &handle).is_err());
    }
}
