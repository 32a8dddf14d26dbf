//! What a step returns and how it is reported: one JSON line `{"step", "status", "detail"}`.
//! Driver-agnostic; the sqlx scenario (../../sqlx) includes this file too.

use std::future::Future;
use std::time::Duration;

/// Why a step did not pass.
#[derive(Debug)]
pub enum Failure {
    /// The step cannot run for a reason outside pgbridge (the runner gave no DSN for it).
    NotApplicable(String),
    /// The step ran and something was wrong.
    Failed(String),
}

/// What every step returns.
pub type Outcome = Result<(), Failure>;

/// Fails the step with a message unless the condition holds.
pub fn check(condition: bool, message: impl FnOnce() -> String) -> Outcome {
    if condition {
        Ok(())
    } else {
        Err(Failure::Failed(message()))
    }
}

/// The table prefix every created table starts with (`PGBRIDGE_DRIVER_TABLE_PREFIX`).
pub fn table(name: &str) -> String {
    let prefix = std::env::var("PGBRIDGE_DRIVER_TABLE_PREFIX")
        .unwrap_or_else(|_| crate::DEFAULT_PREFIX.to_string());
    format!("{prefix}{name}")
}

fn json_string(text: &str) -> String {
    serde_json::Value::String(text.to_string()).to_string()
}

pub fn report(step: &str, outcome: &Outcome) {
    let (status, detail) = match outcome {
        Ok(()) => ("pass", ""),
        Err(Failure::NotApplicable(reason)) => ("n/a", reason.as_str()),
        Err(Failure::Failed(message)) => ("fail", message.as_str()),
    };
    println!(
        "{{\"step\": {}, \"status\": {}, \"detail\": {}}}",
        json_string(step),
        json_string(status),
        json_string(detail)
    );
}

/// Runs one step with a time limit and reports it.
pub async fn run(step: &str, body: impl Future<Output = Outcome>) {
    let outcome = match tokio::time::timeout(Duration::from_secs(180), body).await {
        Ok(outcome) => outcome,
        Err(_) => Err(Failure::Failed("no answer within 180 s".to_string())),
    };
    report(step, &outcome);
}

/// The DSN in an environment variable, or n/a when the runner gave none for this target.
pub fn dsn_from(variable: &str) -> Result<String, Failure> {
    match std::env::var(variable) {
        Ok(dsn) if !dsn.is_empty() => Ok(dsn),
        _ => Err(Failure::NotApplicable(format!(
            "{variable} not provided by the runner for this target"
        ))),
    }
}
