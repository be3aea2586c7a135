//! AutoMTLS, as go-plugin does it (`mtls.go`, `Client.Start`, `Serve`): the host makes a
//! certificate for this launch and hands it to the plugin in `PLUGIN_CLIENT_CERT` (PEM); the
//! plugin makes its own, requires the host's as client certificate, and puts its own (DER,
//! raw base64) in the handshake line's sixth field; the host trusts exactly that one.
//!
//! go-plugin's certificates are ECDSA P-521, whose signatures rustls's *ring* provider
//! cannot verify: the plugin's TLS signatures are checked here with RustCrypto's `p521`.
//! The host's own certificate is ECDSA P-256 (Go accepts any curve), made with `rcgen`:
//! CN and DNS name `localhost`, organization HashiCorp, client and server auth, as
//! go-plugin's.
//!
//! The plugin's certificate is pinned: the one its handshake line carried, byte for byte,
//! is the only one accepted (go-plugin makes it the only root; the plugin presents it
//! alone).

use super::error::{Error, Result};
use std::sync::Arc;
use tokio_rustls::rustls::client::danger::{
    HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier,
};
use tokio_rustls::rustls::crypto::{
    verify_tls12_signature, verify_tls13_signature, WebPkiSupportedAlgorithms,
};
use tokio_rustls::rustls::pki_types::{
    alg_id, AlgorithmIdentifier, CertificateDer, InvalidSignature, PrivateKeyDer,
    PrivatePkcs8KeyDer, ServerName, SignatureVerificationAlgorithm, UnixTime,
};
use tokio_rustls::rustls::{self, DigitallySignedStruct, SignatureScheme};

/// The server name go-plugin's host checks.
pub(crate) const SERVER_NAME: &str = "localhost";

/// The host's certificate for one launch.
pub(crate) struct HostCert {
    /// What goes into `PLUGIN_CLIENT_CERT`.
    pub(crate) pem: String,
    der: CertificateDer<'static>,
    key: PrivatePkcs8KeyDer<'static>,
}

/// Makes the host's certificate (go-plugin's `generateCert`, on P-256).
pub(crate) fn host_cert() -> Result<HostCert> {
    use rcgen::{
        BasicConstraints, CertificateParams, DistinguishedName, DnType, ExtendedKeyUsagePurpose,
        IsCa, KeyPair, KeyUsagePurpose,
    };
    let tls = |e: rcgen::Error| Error::Tls(format!("generating the host certificate: {e}"));
    let key = KeyPair::generate().map_err(tls)?;
    let mut params = CertificateParams::new(vec![SERVER_NAME.to_string()]).map_err(tls)?;
    let mut name = DistinguishedName::new();
    name.push(DnType::CommonName, SERVER_NAME);
    name.push(DnType::OrganizationName, "HashiCorp");
    params.distinguished_name = name;
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params.key_usages = vec![
        KeyUsagePurpose::DigitalSignature,
        KeyUsagePurpose::KeyEncipherment,
        KeyUsagePurpose::KeyAgreement,
        KeyUsagePurpose::KeyCertSign,
    ];
    params.extended_key_usages = vec![
        ExtendedKeyUsagePurpose::ClientAuth,
        ExtendedKeyUsagePurpose::ServerAuth,
    ];
    let cert = params.self_signed(&key).map_err(tls)?;
    Ok(HostCert {
        pem: cert.pem(),
        der: cert.der().clone(),
        key: PrivatePkcs8KeyDer::from(key.serialize_der()),
    })
}

/// The rustls configuration for a plugin that sent `plugin_cert` (DER) in its handshake.
pub(crate) fn client_config(
    host: &HostCert,
    plugin_cert: Vec<u8>,
) -> Result<Arc<rustls::ClientConfig>> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| Error::Tls(e.to_string()))?
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(PinnedPlugin {
            cert: CertificateDer::from(plugin_cert),
        }))
        .with_client_auth_cert(
            vec![host.der.clone()],
            PrivateKeyDer::Pkcs8(host.key.clone_key()),
        )
        .map_err(|e| Error::Tls(e.to_string()))?;
    Ok(Arc::new(config))
}

/// Accepts exactly the plugin's certificate, and its P-521 signatures.
#[derive(Debug)]
struct PinnedPlugin {
    cert: CertificateDer<'static>,
}

/// The signatures a go-plugin plugin makes: ECDSA P-521 with SHA-512.
static P521_ALGS: WebPkiSupportedAlgorithms = WebPkiSupportedAlgorithms {
    all: &[&EcdsaP521Sha512],
    mapping: &[(SignatureScheme::ECDSA_NISTP521_SHA512, &[&EcdsaP521Sha512])],
};

impl ServerCertVerifier for PinnedPlugin {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        if end_entity.as_ref() == self.cert.as_ref() {
            Ok(ServerCertVerified::assertion())
        } else {
            Err(rustls::Error::InvalidCertificate(
                rustls::CertificateError::UnknownIssuer,
            ))
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls12_signature(message, cert, dss, &P521_ALGS)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls13_signature(message, cert, dss, &P521_ALGS)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        P521_ALGS.supported_schemes()
    }
}

/// ECDSA on P-521 with SHA-512 (RustCrypto), for rustls.
#[derive(Debug)]
struct EcdsaP521Sha512;

impl SignatureVerificationAlgorithm for EcdsaP521Sha512 {
    fn verify_signature(
        &self,
        public_key: &[u8],
        message: &[u8],
        signature: &[u8],
    ) -> Result<(), InvalidSignature> {
        use p521::ecdsa::signature::Verifier;
        let key =
            p521::ecdsa::VerifyingKey::from_sec1_bytes(public_key).map_err(|_| InvalidSignature)?;
        let sig = p521::ecdsa::Signature::from_der(signature).map_err(|_| InvalidSignature)?;
        key.verify(message, &sig).map_err(|_| InvalidSignature)
    }

    fn public_key_alg_id(&self) -> AlgorithmIdentifier {
        alg_id::ECDSA_P521
    }

    fn signature_alg_id(&self) -> AlgorithmIdentifier {
        alg_id::ECDSA_SHA512
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn malformed_keys_and_signatures_are_invalid() {
        // Valid signatures are checked live against go-plugin's own (tests/plugin_go.rs,
        // auto_mtls); here, what is not a P-521 key or a DER signature fails cleanly.
        let alg = EcdsaP521Sha512;
        assert!(alg.verify_signature(&[4; 133], b"m", &[0x30, 0]).is_err());
        assert!(alg.verify_signature(&[], b"m", &[]).is_err());
        assert_eq!(alg.public_key_alg_id(), alg_id::ECDSA_P521);
    }

    #[test]
    fn only_the_pinned_certificate_is_accepted() {
        let v = PinnedPlugin {
            cert: CertificateDer::from(vec![1, 2, 3]),
        };
        let name = ServerName::try_from(SERVER_NAME).unwrap();
        let check = |der: Vec<u8>| {
            v.verify_server_cert(&CertificateDer::from(der), &[], &name, &[], UnixTime::now())
        };
        assert!(check(vec![1, 2, 3]).is_ok());
        assert!(check(vec![1, 2, 4]).is_err());
        assert_eq!(
            v.supported_verify_schemes(),
            [SignatureScheme::ECDSA_NISTP521_SHA512]
        );
    }

    #[test]
    fn host_cert_is_pem_for_the_plugin() {
        let c = host_cert().unwrap();
        assert!(c.pem.starts_with("-----BEGIN CERTIFICATE-----"));
        client_config(&c, vec![1, 2, 3]).unwrap();
    }
}
