//! TLS for the wire listener: a rustls acceptor (aws-lc-rs provider) built from PEM.

use std::fmt;
use std::path::Path;
use std::sync::Arc;

use pgwire::tokio::TlsAcceptor;
use pgwire::tokio::tokio_rustls::rustls;
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer};

use super::WireSetupError;

/// The ALPN protocol name of direct SSL connections (PostgreSQL 17 `sslnegotiation=direct`).
const POSTGRESQL_ALPN: &[u8] = b"postgresql";

/// A server certificate and key, ready to accept TLS connections.
#[derive(Clone)]
pub struct TlsSettings {
    pub(crate) acceptor: TlsAcceptor,
    /// The certificate chain as PEM, for SCRAM channel binding (tls-server-end-point).
    pub(crate) certificate_pem: Arc<Vec<u8>>,
}

impl fmt::Debug for TlsSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TlsSettings").finish_non_exhaustive()
    }
}

impl TlsSettings {
    /// Reads a PEM certificate chain (leaf first) and a PEM private key.
    pub fn from_pem_files(cert: &Path, key: &Path) -> Result<TlsSettings, WireSetupError> {
        let read = |path: &Path| {
            std::fs::read(path).map_err(|source| WireSetupError::TlsRead {
                path: path.display().to_string(),
                source,
            })
        };
        TlsSettings::from_pem(&read(cert)?, &read(key)?)
    }

    /// Builds the acceptor from PEM text.
    pub fn from_pem(certificate_pem: &[u8], key_pem: &[u8]) -> Result<TlsSettings, WireSetupError> {
        let certificates = CertificateDer::pem_slice_iter(certificate_pem)
            .collect::<Result<Vec<_>, _>>()
            .map_err(|error| WireSetupError::Tls {
                message: format!("cannot read the certificate PEM: {error}"),
            })?;
        if certificates.is_empty() {
            return Err(WireSetupError::Tls {
                message: "the certificate file holds no CERTIFICATE block".to_owned(),
            });
        }
        let key = PrivateKeyDer::from_pem_slice(key_pem).map_err(|error| WireSetupError::Tls {
            message: format!("cannot read the private key PEM: {error}"),
        })?;
        let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
        let mut config = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .and_then(|builder| {
                builder
                    .with_no_client_auth()
                    .with_single_cert(certificates, key)
            })
            .map_err(|error| WireSetupError::Tls {
                message: format!("certificate and key do not make a TLS configuration: {error}"),
            })?;
        config.alpn_protocols = vec![POSTGRESQL_ALPN.to_vec()];
        Ok(TlsSettings {
            acceptor: TlsAcceptor::from(Arc::new(config)),
            certificate_pem: Arc::new(certificate_pem.to_vec()),
        })
    }
}
