//! The run's own certificate authority, and leaf certificates issued on demand for
//! whatever host a browser asks for (by SNI).
//!
//! Browsers are told to trust the CA (an NSS database for Chromium, the profile's
//! `cert9.db` for Firefox), so pages load as ordinary secure pages and no
//! certificate-error override is involved: Firefox refuses WebAuthn on an overridden
//! certificate (`security.webauthn.allow_with_certificate_override`), and a clean chain
//! keeps Chromium's security state `secure` too.

use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair,
    KeyUsagePurpose, SanType,
};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use rustls::server::{ClientHello, ResolvesServerCert};
use rustls::sign::CertifiedKey;
use std::collections::HashMap;
use std::fmt;
use std::net::IpAddr;
use std::sync::{Arc, Mutex, PoisonError};

/// A certificate could not be made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertError(pub String);

impl fmt::Display for CertError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "certificate: {}", self.0)
    }
}

impl std::error::Error for CertError {}

fn err(what: &str) -> impl Fn(rcgen::Error) -> CertError + '_ {
    move |e| CertError(format!("{what}: {e}"))
}

/// A local certificate authority, made fresh for one run.
pub struct LocalCa {
    issuer: Issuer<'static, KeyPair>,
    cert_pem: String,
    cert_der: CertificateDer<'static>,
}

impl LocalCa {
    /// A new CA with a fresh P-256 key.
    pub fn new() -> Result<LocalCa, CertError> {
        let key = KeyPair::generate().map_err(err("CA key"))?;
        let mut params = CertificateParams::default();
        params
            .distinguished_name
            .push(DnType::CommonName, "rpscope browser oracle local CA");
        params.is_ca = IsCa::Ca(BasicConstraints::Constrained(0));
        params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
        let cert = params.self_signed(&key).map_err(err("CA certificate"))?;
        Ok(LocalCa {
            cert_pem: cert.pem(),
            cert_der: cert.der().clone(),
            issuer: Issuer::new(params, key),
        })
    }

    /// The CA certificate, PEM-encoded (what `certutil -A -a -i` imports).
    pub fn cert_pem(&self) -> &str {
        &self.cert_pem
    }

    /// The CA certificate, DER-encoded.
    pub fn cert_der(&self) -> &CertificateDer<'static> {
        &self.cert_der
    }

    /// Issues a server certificate for `names` (DNS names or IP addresses).
    ///
    /// A name a certificate cannot carry (an empty label, a character outside IA5)
    /// is an error; the caller decides what that means for the case.
    pub fn issue(&self, names: &[String]) -> Result<CertifiedKey, CertError> {
        let key = KeyPair::generate().map_err(err("leaf key"))?;
        let mut params = CertificateParams::default();
        let mut sans = Vec::with_capacity(names.len());
        for name in names {
            sans.push(match name.parse::<IpAddr>() {
                Ok(ip) => SanType::IpAddress(ip),
                Err(_) => SanType::DnsName(
                    name.clone()
                        .try_into()
                        .map_err(|e| CertError(format!("`{name}` cannot be a DNS name: {e}")))?,
                ),
            });
        }
        params.subject_alt_names = sans;
        if let Some(first) = names.first() {
            params
                .distinguished_name
                .push(DnType::CommonName, first.as_str());
        }
        params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
        params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
        params.use_authority_key_identifier_extension = true;
        let cert = params
            .signed_by(&key, &self.issuer)
            .map_err(err("leaf certificate"))?;
        let der = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der()));
        let signing = rustls::crypto::ring::sign::any_supported_type(&der)
            .map_err(|e| CertError(format!("leaf key for rustls: {e}")))?;
        Ok(CertifiedKey::new(
            vec![cert.der().clone(), self.cert_der.clone()],
            signing,
        ))
    }
}

/// Picks a certificate per TLS connection: one issued for the SNI name (cached), or,
/// for a client that sends no SNI (an IP-literal URL), one for the IP addresses the
/// current case uses.
pub struct SniResolver {
    ca: LocalCa,
    by_name: Mutex<HashMap<String, Arc<CertifiedKey>>>,
    no_sni: Mutex<Option<Arc<CertifiedKey>>>,
}

impl fmt::Debug for SniResolver {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SniResolver").finish_non_exhaustive()
    }
}

impl SniResolver {
    /// A resolver issuing from `ca`.
    pub fn new(ca: LocalCa) -> SniResolver {
        SniResolver {
            ca,
            by_name: Mutex::new(HashMap::new()),
            no_sni: Mutex::new(None),
        }
    }

    /// The CA the leaves chain to.
    pub fn ca(&self) -> &LocalCa {
        &self.ca
    }

    /// Sets the IP addresses the certificate for SNI-less connections names.
    pub fn set_ip_hosts(&self, ips: &[IpAddr]) -> Result<(), CertError> {
        let mut names: Vec<String> = ips.iter().map(IpAddr::to_string).collect();
        names.push("127.0.0.1".into());
        names.push("::1".into());
        names.dedup();
        let key = self.ca.issue(&names)?;
        *self.no_sni.lock().unwrap_or_else(PoisonError::into_inner) = Some(Arc::new(key));
        Ok(())
    }

    fn for_name(&self, name: &str) -> Option<Arc<CertifiedKey>> {
        let mut cache = self.by_name.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(key) = cache.get(name) {
            return Some(key.clone());
        }
        let key = Arc::new(self.ca.issue(&[name.to_owned()]).ok()?);
        cache.insert(name.to_owned(), key.clone());
        Some(key)
    }
}

impl ResolvesServerCert for SniResolver {
    fn resolve(&self, hello: ClientHello<'_>) -> Option<Arc<CertifiedKey>> {
        match hello.server_name() {
            Some(name) => self.for_name(name),
            None => {
                let mut slot = self.no_sni.lock().unwrap_or_else(PoisonError::into_inner);
                if slot.is_none() {
                    *slot = self
                        .ca
                        .issue(&["127.0.0.1".into(), "::1".into()])
                        .ok()
                        .map(Arc::new);
                }
                slot.clone()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn issues_leaves_for_names_and_addresses() {
        let ca = LocalCa::new().expect("CA");
        assert!(ca.cert_pem().starts_with("-----BEGIN CERTIFICATE-----"));
        let leaf = ca
            .issue(&["login.example.com".into(), "192.0.2.1".into()])
            .expect("leaf");
        assert_eq!(leaf.cert.len(), 2, "leaf and CA");
    }

    #[test]
    fn a_name_no_certificate_can_carry_is_an_error_not_a_panic() {
        let ca = LocalCa::new().expect("CA");
        assert!(ca.issue(&["ex\u{e4}mple.com".into()]).is_err());
    }
}
