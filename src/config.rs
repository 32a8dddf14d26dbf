//! Configuration: one serde tree, read from TOML (`--config`), overridden by environment
//! variables and command-line flags, usable from code when embedding.

use std::collections::HashSet;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use serde::Deserialize;

/// Why a configuration could not be used.
#[non_exhaustive]
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read config file {path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("invalid config file {path}: {message}")]
    Parse { path: String, message: String },
    #[error(
        "refusing to listen on {listen}: it is not a loopback address and authentication is trust; \
             configure a password method (auth = \"scram-sha-256\" with [[users]]) or listen on 127.0.0.1"
    )]
    InsecureListen { listen: SocketAddr },
    #[error("auth = \"{method}\" but no [[users]] are configured: nobody could log in")]
    NoUsers { method: &'static str },
    #[error("user \"{user}\": {message}")]
    User { user: String, message: String },
}

/// How clients authenticate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum AuthMethod {
    /// Anyone who can connect is let in (the default; refused on a non-loopback `listen`).
    #[default]
    Trust,
    /// The client sends the password in clear text (use it with TLS). Works with every stored
    /// credential form.
    Password,
    /// PostgreSQL's MD5 challenge. Users stored with `scram_verifier` get SCRAM instead, as in
    /// PostgreSQL.
    Md5,
    /// SCRAM-SHA-256 (and SCRAM-SHA-256-PLUS channel binding on TLS connections).
    #[serde(rename = "scram-sha-256")]
    ScramSha256,
}

impl AuthMethod {
    /// The name used in the config file.
    pub fn name(self) -> &'static str {
        match self {
            AuthMethod::Trust => "trust",
            AuthMethod::Password => "password",
            AuthMethod::Md5 => "md5",
            AuthMethod::ScramSha256 => "scram-sha-256",
        }
    }
}

/// IPC compression of Arrow Flight record batches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum FlightCompression {
    /// Uncompressed (the default: fastest on a local network).
    #[default]
    None,
    /// LZ4 frame.
    Lz4,
    /// Zstandard.
    Zstd,
}

/// One user allowed to log in with a password method. Exactly one of `password`, `md5_hash` and
/// `scram_verifier` must be set.
#[derive(Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct User {
    /// The user name clients send at startup. Required.
    pub name: String,
    /// The password in clear text. No default. Usable with every method.
    #[serde(default)]
    pub password: Option<String>,
    /// PostgreSQL's stored MD5 form `md5<hex(md5(password || name))>`. No default. Usable with
    /// `password` and `md5`, not with `scram-sha-256`.
    #[serde(default)]
    pub md5_hash: Option<String>,
    /// PostgreSQL's stored SCRAM form (as in `pg_authid.rolpassword`):
    /// `SCRAM-SHA-256$<iterations>:<salt base64>$<StoredKey base64>:<ServerKey base64>`.
    /// No default. Usable with every password method (`md5` then runs SCRAM, as PostgreSQL does).
    #[serde(default)]
    pub scram_verifier: Option<String>,
}

impl std::fmt::Debug for User {
    /// Names which credential form is set, never its value.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let redacted = |form: &Option<String>| form.as_ref().map(|_| "<redacted>");
        f.debug_struct("User")
            .field("name", &self.name)
            .field("password", &redacted(&self.password))
            .field("md5_hash", &redacted(&self.md5_hash))
            .field("scram_verifier", &redacted(&self.scram_verifier))
            .finish()
    }
}

/// TLS for the wire listener. Clients may use it (SSLRequest or direct SSL); plain connections
/// stay allowed.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Tls {
    /// PEM file with the server certificate chain, leaf first. Required.
    pub cert: PathBuf,
    /// PEM file with the private key (PKCS#8, PKCS#1 or SEC1). Required.
    pub key: PathBuf,
}

/// pgbridge's configuration.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// Address of the PostgreSQL wire listener. Default `127.0.0.1:6432`.
    pub listen: SocketAddr,
    /// Backend URL: `sqlite://PATH`, `sqlite::memory:` or
    /// `mysql://USER:PASSWORD@HOST:PORT/DATABASE` (MySQL / MariaDB, feature `mysql`; also
    /// `mariadb://`) or `mssql://USER:PASSWORD@HOST:PORT/DATABASE?encrypt=..` (SQL Server,
    /// feature `mssql`; docs/database-adapters.md). Default `sqlite://pgbridge.db`.
    pub backend: String,
    /// MySQL / MariaDB: backend connections the pool opens at most; each client session keeps
    /// one for its whole life (docs/mysql.md), so this bounds concurrent sessions. SQL Server:
    /// the same limit, but a session holds a connection only inside a transaction block (by
    /// default). Ignored by SQLite. Default 100.
    pub backend_max_connections: u32,
    /// Log filter (`error`, `warn`, `info`, `debug`, `trace` or a tracing directive). Default `info`.
    pub log_level: String,
    /// Authentication method: `trust`, `password`, `md5` or `scram-sha-256`. Default `trust`.
    pub auth: AuthMethod,
    /// Users for the password methods (`[[users]]` tables). Default none. Ignored by `trust`.
    pub users: Vec<User>,
    /// TLS certificate and key (`[tls]` table). Default none: SSLRequest is answered `N`.
    pub tls: Option<Tls>,
    /// Seconds running statements may take to finish after SIGINT/SIGTERM. Default 10.
    pub shutdown_grace_seconds: u64,
    /// Where Prometheus metrics are served (`GET /metrics`); none when unset.
    pub metrics_listen: Option<SocketAddr>,
    /// Address of the Arrow Flight SQL listener (feature `arrow`); off when unset, the default.
    /// It uses the same `auth` and `[[users]]` (HTTP basic credentials at Handshake).
    pub flight_listen: Option<SocketAddr>,
    /// IPC compression of the record batches Flight sends: `none`, `lz4` or `zstd`.
    /// Default `none`.
    pub flight_compression: FlightCompression,
    /// Rows per Arrow record batch that Flight sends at most. Default 65536.
    pub flight_batch_rows: usize,
    /// Milliseconds a Flight call may run, its result stream included; past it the backend
    /// statement is interrupted and the call ends with DEADLINE_EXCEEDED (a client's shorter
    /// `grpc-timeout` wins). Default 0: no limit.
    pub flight_call_timeout_ms: u64,
    /// The `[observers]` section, read by `crate::observers` (feature `observers`); a pgbridge
    /// built without the feature refuses to start with one that is enabled.
    pub observers: Option<toml::Table>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            listen: SocketAddr::from(([127, 0, 0, 1], 6432)),
            backend: "sqlite://pgbridge.db".to_owned(),
            backend_max_connections: 100,
            log_level: "info".to_owned(),
            auth: AuthMethod::Trust,
            users: Vec::new(),
            tls: None,
            shutdown_grace_seconds: 10,
            metrics_listen: None,
            flight_listen: None,
            flight_compression: FlightCompression::None,
            flight_batch_rows: 65_536,
            flight_call_timeout_ms: 0,
            observers: None,
        }
    }
}

impl Config {
    /// Reads a TOML file.
    pub fn from_file(path: &Path) -> Result<Config, ConfigError> {
        let shown = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: shown.clone(),
            source,
        })?;
        toml::from_str(&text).map_err(|error| ConfigError::Parse {
            path: shown,
            message: error.to_string(),
        })
    }

    /// Refuses settings that would expose data (trust auth on a non-loopback address) or that
    /// nobody could log in with. The credential formats themselves are read when the server
    /// starts.
    pub fn check(&self) -> Result<(), ConfigError> {
        let public = std::iter::once(self.listen)
            .chain(self.flight_listen)
            .find(|listen| !listen.ip().is_loopback());
        if let (AuthMethod::Trust, Some(listen)) = (self.auth, public) {
            return Err(ConfigError::InsecureListen { listen });
        }
        if self.auth != AuthMethod::Trust && self.users.is_empty() {
            return Err(ConfigError::NoUsers {
                method: self.auth.name(),
            });
        }
        let mut seen = HashSet::new();
        for user in &self.users {
            let problem = |message: &str| ConfigError::User {
                user: user.name.clone(),
                message: message.to_owned(),
            };
            if user.name.is_empty() {
                return Err(problem("the user name is empty"));
            }
            if !seen.insert(user.name.as_str()) {
                return Err(problem("configured twice"));
            }
            let forms = [&user.password, &user.md5_hash, &user.scram_verifier];
            if forms.iter().filter(|form| form.is_some()).count() != 1 {
                return Err(problem(
                    "set exactly one of password, md5_hash, scram_verifier",
                ));
            }
            if user.md5_hash.is_some() && self.auth == AuthMethod::ScramSha256 {
                return Err(problem(
                    "an md5_hash cannot be checked by scram-sha-256; give a password or a scram_verifier",
                ));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn example_file_parses() {
        let text = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/pgbridge.example.toml"
        ))
        .unwrap();
        let config: Config = toml::from_str(&text).unwrap();
        assert_eq!(config.listen.port(), 6432);
    }

    #[test]
    fn example_file_parses_with_its_commented_sections() {
        let text = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/pgbridge.example.toml"
        ))
        .unwrap();
        // Uncomment the commented tables and keys (`# [tls]`, `# name = ...`), not the prose.
        let uncommented: String = text
            .lines()
            .map(|line| match line.strip_prefix("# ") {
                Some(rest)
                    if rest.starts_with('[')
                        || rest
                            .split_once(" = ")
                            .is_some_and(|(key, _)| !key.contains(' ')) =>
                {
                    rest
                }
                _ => line,
            })
            .map(|line| format!("{line}\n"))
            .collect();
        let config: Config = toml::from_str(&uncommented).unwrap();
        assert_eq!(config.users.len(), 2);
        assert!(config.tls.is_some());
        assert!(config.metrics_listen.is_some());
        assert!(config.flight_listen.is_some());
        #[cfg(feature = "observers")]
        {
            let section = config.observers.as_ref().expect("[observers]");
            let observers = crate::observers::ObserversConfig::from_table(section).unwrap();
            let kinds: Vec<&str> = observers.targets.iter().map(|t| t.kind.as_str()).collect();
            assert_eq!(kinds, ["webhook", "slack", "twilio", "email"]);
            for target in &observers.targets {
                let retry = target.retry.as_ref().unwrap_or(&observers.defaults.retry);
                crate::observers::targets::build(target, &retry.policy(&target.name).unwrap())
                    .unwrap();
            }
            assert_eq!(observers.rules[0].operations, vec!["UPDATE".to_owned()]);
            assert_eq!(observers.defaults.retry.max_attempts, 8);
        }
        config.check().unwrap();
    }

    #[test]
    fn unknown_keys_are_rejected() {
        assert!(toml::from_str::<Config>("listne = \"127.0.0.1:1\"").is_err());
    }

    #[test]
    fn trust_on_a_public_address_is_refused() {
        let config = Config {
            listen: "0.0.0.0:6432".parse().unwrap(),
            ..Config::default()
        };
        assert!(matches!(
            config.check(),
            Err(ConfigError::InsecureListen { .. })
        ));
    }

    #[test]
    fn trust_on_a_public_flight_address_is_refused() {
        let config: Config =
            toml::from_str("flight_listen = \"0.0.0.0:32010\"\nflight_compression = \"zstd\"")
                .unwrap();
        assert_eq!(config.flight_compression, FlightCompression::Zstd);
        assert!(matches!(
            config.check(),
            Err(ConfigError::InsecureListen { listen }) if listen.port() == 32010
        ));
    }

    #[test]
    fn a_password_method_may_listen_publicly() {
        let config: Config = toml::from_str(
            r#"
            listen = "0.0.0.0:6432"
            auth = "scram-sha-256"
            [[users]]
            name = "app"
            scram_verifier = "SCRAM-SHA-256$4096:c2FsdA==$a2V5:a2V5"
            [tls]
            cert = "server.crt"
            key = "server.key"
            "#,
        )
        .unwrap();
        assert_eq!(config.auth, AuthMethod::ScramSha256);
        assert_eq!(
            config.tls.as_ref().unwrap().cert,
            PathBuf::from("server.crt")
        );
        config.check().unwrap();
    }

    #[test]
    fn a_password_method_without_users_is_refused() {
        let config: Config = toml::from_str("auth = \"md5\"").unwrap();
        assert!(matches!(
            config.check(),
            Err(ConfigError::NoUsers { method: "md5" })
        ));
    }

    #[test]
    fn each_user_has_exactly_one_credential() {
        let two =
            "auth = \"password\"\n[[users]]\nname = \"a\"\npassword = \"x\"\nmd5_hash = \"md5y\"";
        let none = "auth = \"password\"\n[[users]]\nname = \"a\"";
        for text in [two, none] {
            let config: Config = toml::from_str(text).unwrap();
            assert!(
                matches!(config.check(), Err(ConfigError::User { .. })),
                "{text}"
            );
        }
    }

    #[test]
    fn scram_cannot_use_an_md5_hash() {
        let text = "auth = \"scram-sha-256\"\n[[users]]\nname = \"a\"\nmd5_hash = \"md5abc\"";
        let config: Config = toml::from_str(text).unwrap();
        let error = config.check().unwrap_err().to_string();
        assert!(error.contains("scram_verifier"), "{error}");
    }

    #[test]
    fn unknown_user_and_tls_keys_are_rejected() {
        assert!(toml::from_str::<Config>("[[users]]\nname = \"a\"\npasword = \"x\"").is_err());
        assert!(toml::from_str::<Config>("[tls]\ncert = \"a\"\nkey = \"b\"\nca = \"c\"").is_err());
        assert!(toml::from_str::<Config>("auth = \"scram\"").is_err());
    }
}
