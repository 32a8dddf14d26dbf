//! Configuration: one serde tree, read from TOML (`--config`), overridden by environment
//! variables and command-line flags, usable from code when embedding.

use std::net::SocketAddr;
use std::path::Path;

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
             configure a password method or listen on 127.0.0.1"
    )]
    InsecureListen { listen: SocketAddr },
}

/// How clients authenticate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum AuthMethod {
    /// Anyone who can connect is let in (the default; loopback only).
    #[default]
    Trust,
}

/// pgbridge's configuration.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// Address of the PostgreSQL wire listener. Default `127.0.0.1:6432`.
    pub listen: SocketAddr,
    /// Backend URL: `sqlite://PATH` or `sqlite::memory:`. Default `sqlite://pgbridge.db`.
    pub backend: String,
    /// Log filter (`error`, `warn`, `info`, `debug`, `trace` or a tracing directive). Default `info`.
    pub log_level: String,
    /// Authentication method. Default `trust`.
    pub auth: AuthMethod,
    /// Seconds running statements may take to finish after SIGINT/SIGTERM. Default 10.
    pub shutdown_grace_seconds: u64,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            listen: SocketAddr::from(([127, 0, 0, 1], 6432)),
            backend: "sqlite://pgbridge.db".to_owned(),
            log_level: "info".to_owned(),
            auth: AuthMethod::Trust,
            shutdown_grace_seconds: 10,
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

    /// Refuses settings that would expose data (trust auth on a non-loopback address).
    pub fn check(&self) -> Result<(), ConfigError> {
        if self.auth == AuthMethod::Trust && !self.listen.ip().is_loopback() {
            return Err(ConfigError::InsecureListen {
                listen: self.listen,
            });
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
}
