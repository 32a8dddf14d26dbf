//! The backend URL: `mssql://USER:PASSWORD@HOST[:PORT]/DATABASE[?OPTIONS]` (or `sqlserver://`),
//! user and password percent-encoded. Options:
//!
//! | option | values | default |
//! |---|---|---|
//! | `encrypt` | `required` / `true`, `on` (TLS if the server offers it), `off` (TLS for the login only), `false` / `not_supported` (no TLS) | `required` |
//! | `trust_server_certificate` | `true` / `false` | `false` |
//! | `instance` | a named instance, found through the SQL Browser (UDP 1434) | none |
//! | `application_name` | shown by SQL Server in `sys.dm_exec_sessions` | `pgbridge` |
//! | `pooling` | `transaction` / `session` (docs/database-adapters.md) | `transaction` |
//!
//! Or an ADO.NET connection string after `mssql:` (tiberius reads it:
//! `mssql:Server=tcp:HOST,PORT;Database=DB;User Id=USER;Password=PASSWORD;Encrypt=true`), with
//! transaction pooling.

use pgbridge_proxy::SqlError;
use tiberius::{AuthMethod, Config, EncryptionLevel};

const FORM: &str =
    "mssql://USER:PASSWORD@HOST:PORT/DATABASE?encrypt=required&trust_server_certificate=false";

/// How long a session keeps a pooled connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pooling {
    /// From the start of a transaction block to its end; between blocks each statement takes
    /// any free connection.
    Transaction,
    /// For the whole session; the connection is closed when the session ends.
    Session,
}

/// A parsed backend URL.
#[derive(Debug, Clone)]
pub struct Target {
    pub config: Config,
    pub pooling: Pooling,
}

fn invalid(message: impl std::fmt::Display) -> SqlError {
    SqlError::new(
        "08001",
        format!("cannot read the SQL Server backend URL: {message}: expected {FORM}"),
    )
}

/// `%41` -> `A`; the rest as written.
fn percent_decode(text: &str) -> Result<String, SqlError> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = text
                .get(i + 1..i + 3)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
                .ok_or_else(|| invalid(format!("bad percent escape in {text:?}")))?;
            out.push(hex);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).map_err(|_| invalid("a percent escape is not UTF-8"))
}

fn flag(name: &str, value: &str) -> Result<bool, SqlError> {
    match value.to_ascii_lowercase().as_str() {
        "true" | "yes" | "1" => Ok(true),
        "false" | "no" | "0" => Ok(false),
        _ => Err(invalid(format!("{name}={value} is not true or false"))),
    }
}

fn encryption(value: &str) -> Result<EncryptionLevel, SqlError> {
    Ok(match value.to_ascii_lowercase().as_str() {
        "required" | "true" | "yes" | "strict" | "mandatory" => EncryptionLevel::Required,
        "on" | "optional" => EncryptionLevel::On,
        "off" => EncryptionLevel::Off,
        "false" | "no" | "not_supported" => EncryptionLevel::NotSupported,
        _ => {
            return Err(invalid(format!(
                "encrypt={value} is not one of required, on, off, false"
            )));
        }
    })
}

/// Reads a `mssql://` URL or a `mssql:` ADO.NET connection string.
pub fn parse(url: &str) -> Result<Target, SqlError> {
    if let Some(ado) = url
        .strip_prefix("mssql:")
        .filter(|rest| !rest.starts_with("//"))
    {
        let mut config = Config::from_ado_string(ado).map_err(invalid)?;
        config.application_name("pgbridge");
        return Ok(Target {
            config,
            pooling: Pooling::Transaction,
        });
    }
    let rest = url
        .strip_prefix("mssql://")
        .or_else(|| url.strip_prefix("sqlserver://"))
        .ok_or_else(|| invalid("the scheme is not mssql://"))?;
    let (location, options) = rest.split_once('?').unwrap_or((rest, ""));
    let (authority, database) = location.split_once('/').unwrap_or((location, ""));
    let (credentials, address) = authority
        .rsplit_once('@')
        .ok_or_else(|| invalid("no USER:PASSWORD@ (SQL Server authentication)"))?;
    let (user, password) = credentials.split_once(':').unwrap_or((credentials, ""));
    let (host, port) = match address.rsplit_once(':') {
        Some((host, port)) => (
            host,
            Some(
                port.parse::<u16>()
                    .map_err(|_| invalid(format!("bad port {port:?}")))?,
            ),
        ),
        None => (address, None),
    };
    if host.is_empty() {
        return Err(invalid("no host"));
    }
    let database = percent_decode(database.trim_end_matches('/'))?;
    if database.is_empty() {
        return Err(invalid("no database"));
    }
    let mut config = Config::new();
    config.host(host.trim_start_matches('[').trim_end_matches(']'));
    if let Some(port) = port {
        config.port(port);
    }
    config.database(&database);
    config.authentication(AuthMethod::sql_server(
        percent_decode(user)?,
        percent_decode(password)?,
    ));
    config.application_name("pgbridge");
    config.encryption(EncryptionLevel::Required);
    let mut pooling = Pooling::Transaction;
    for pair in options.split('&').filter(|p| !p.is_empty()) {
        let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
        let value = percent_decode(value)?;
        match name.to_ascii_lowercase().as_str() {
            "encrypt" => config.encryption(encryption(&value)?),
            "trust_server_certificate" | "trustservercertificate" => {
                if flag(name, &value)? {
                    config.trust_cert();
                }
            }
            "instance" => config.instance_name(&value),
            "application_name" => config.application_name(&value),
            "pooling" => {
                pooling = match value.as_str() {
                    "transaction" => Pooling::Transaction,
                    "session" => Pooling::Session,
                    _ => {
                        return Err(invalid(format!(
                            "pooling={value} is not transaction or session"
                        )));
                    }
                }
            }
            _ => return Err(invalid(format!("unknown option {name:?}"))),
        }
    }
    Ok(Target { config, pooling })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_give_address_database_and_options() {
        let target = parse(
            "mssql://sa:p%40ss@db.example:14330/shop?encrypt=required&trust_server_certificate=true&pooling=session",
        )
        .unwrap();
        assert_eq!(target.config.get_addr(), "db.example:14330");
        assert_eq!(target.pooling, Pooling::Session);
        let default_port = parse("sqlserver://sa:x@localhost/master").unwrap();
        assert_eq!(default_port.config.get_addr(), "localhost:1433");
        assert_eq!(default_port.pooling, Pooling::Transaction);
    }

    #[test]
    fn ado_connection_strings_are_read_by_tiberius() {
        let target = parse(
            "mssql:Server=tcp:db.example,14330;Database=shop;User Id=sa;Password=x;Encrypt=true",
        )
        .unwrap();
        assert_eq!(target.config.get_addr(), "db.example:14330");
        assert_eq!(target.pooling, Pooling::Transaction);
        assert_eq!(parse("mssql:Encrypt=maybe").unwrap_err().code, "08001");
    }

    #[test]
    fn bad_urls_say_what_is_wrong() {
        for (url, says) in [
            ("mssql://localhost/db", "USER:PASSWORD@"),
            ("mssql://sa:x@localhost", "no database"),
            ("mssql://sa:x@localhost:port/db", "bad port"),
            ("mssql://sa:x@localhost/db?encrypt=maybe", "encrypt=maybe"),
            ("mssql://sa:x@localhost/db?pooling=statement", "pooling"),
            ("mssql://sa:x@localhost/db?colour=red", "colour"),
        ] {
            let error = parse(url).unwrap_err();
            assert_eq!(error.code, "08001");
            assert!(error.message.contains(says), "{url}: {}", error.message);
        }
    }
}
