//! The TLS step: tokio-postgres over rustls (aws-lc-rs). With the runner's CA the server
//! certificate is verified against it (webpki, names included); a self-signed server certificate
//! given as the CA itself is accepted when it is byte for byte that certificate (webpki refuses a
//! CA certificate as the end entity, libpq's `verify-ca` accepts it). Without a CA the chain is
//! not checked but the handshake signatures are, as libpq's `sslmode=require` does.

use std::sync::Arc;

use tokio_postgres::Config;
use tokio_postgres::config::SslMode;
use tokio_postgres_rustls::MakeRustlsConnect;
use tokio_rustls::rustls::client::WebPkiServerVerifier;
use tokio_rustls::rustls::client::danger::{
    HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier,
};
use tokio_rustls::rustls::crypto::{self, WebPkiSupportedAlgorithms};
use tokio_rustls::rustls::pki_types::pem::PemObject;
use tokio_rustls::rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use tokio_rustls::rustls::{
    CertificateError, ClientConfig, DigitallySignedStruct, Error, RootCertStore, SignatureScheme,
};

use crate::{Failure, Outcome, check, select_one};

/// Checks the server certificate against the CA (or not at all without one: `sslmode=require`),
/// and always the handshake signatures.
#[derive(Debug)]
struct Verifier {
    algorithms: WebPkiSupportedAlgorithms,
    /// The CA file's certificates and a webpki verifier over those that are valid roots; none:
    /// chain unchecked.
    authority: Option<(
        Vec<CertificateDer<'static>>,
        Option<Arc<WebPkiServerVerifier>>,
    )>,
}

impl ServerCertVerifier for Verifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, Error> {
        match &self.authority {
            None => Ok(ServerCertVerified::assertion()),
            Some((certificates, _))
                if certificates
                    .iter()
                    .any(|c| c.as_ref() == end_entity.as_ref()) =>
            {
                Ok(ServerCertVerified::assertion())
            }
            Some((_, Some(webpki))) => webpki.verify_server_cert(
                end_entity,
                intermediates,
                server_name,
                ocsp_response,
                now,
            ),
            Some((_, None)) => Err(Error::InvalidCertificate(CertificateError::UnknownIssuer)),
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        certificate: &CertificateDer<'_>,
        signature: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, Error> {
        crypto::verify_tls12_signature(message, certificate, signature, &self.algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        certificate: &CertificateDer<'_>,
        signature: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, Error> {
        crypto::verify_tls13_signature(message, certificate, signature, &self.algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.algorithms.supported_schemes()
    }
}

fn failed(what: &str) -> impl FnOnce(Error) -> Failure + '_ {
    move |error| Failure::Failed(format!("{what}: {error}"))
}

fn client_config(ca: &str) -> Result<ClientConfig, Failure> {
    let provider = Arc::new(crypto::aws_lc_rs::default_provider());
    let mut verifier = Verifier {
        algorithms: provider.signature_verification_algorithms,
        authority: None,
    };
    if !ca.is_empty() {
        let read_failed =
            |error: &dyn std::fmt::Display| Failure::Failed(format!("CA {ca}: {error}"));
        let certificates = CertificateDer::pem_file_iter(ca)
            .map_err(|error| read_failed(&error))?
            .collect::<Result<Vec<_>, _>>()
            .map_err(|error| read_failed(&error))?;
        let mut roots = RootCertStore::empty();
        for certificate in &certificates {
            // A self-signed end-entity certificate may not be a valid root; it is pinned above.
            let _ = roots.add(certificate.clone());
        }
        let webpki = if roots.is_empty() {
            None
        } else {
            let builder =
                WebPkiServerVerifier::builder_with_provider(Arc::new(roots), Arc::clone(&provider));
            Some(builder.build().map_err(|error| read_failed(&error))?)
        };
        verifier.authority = Some((certificates, webpki));
    }
    Ok(ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(failed("TLS versions"))?
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(verifier))
        .with_no_client_auth())
}

/// Connects over TLS (the DSN's `sslmode=require` makes tokio-postgres refuse a plain answer)
/// and checks the connection answers.
pub async fn connect_and_check(config: &Config, ca: &str) -> Outcome {
    check(config.get_ssl_mode() == SslMode::Require, || {
        format!(
            "the TLS DSN asks for {:?}, not sslmode=require",
            config.get_ssl_mode()
        )
    })?;
    let tls = MakeRustlsConnect::new(client_config(ca)?);
    let (client, connection) = config.connect(tls).await?;
    tokio::spawn(async move {
        if let Err(error) = connection.await {
            eprintln!("TLS connection ended: {error}");
        }
    });
    select_one(&client).await
}
