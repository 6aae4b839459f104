//! `skillspass keys cert`: an X.509 certificate for an organisation's P-256 key, since the EU wallet profile (HAIP)
//! identifies issuers and verifiers by certificate. Either a certificate signing request (PKCS #10, PEM) to take to
//! a real certification authority, or, for tests and development, a certificate from a small local CA made on first
//! use in a folder of its own (`ca-key.jwk`, mode 0600, and `ca.pem`, the root that verifiers and wallets are given
//! with `--x509-roots`). Certificates and requests are made by rcgen; this module only chooses their contents: the
//! DNS names the certificate is for, `digitalSignature` for the leaf, a CA that may only sign certificates.

use std::path::{Path, PathBuf};

use chrono::Utc;
use rcgen::{BasicConstraints, CertificateParams, DistinguishedName, DnType, IsCa, Issuer, KeyPair, KeyUsagePurpose};

use super::{CliError, EXIT_OK};
use crate::core::keys::{KeyAlgorithm, SigningKey};

/// The development CA's subject.
const DEV_CA_NAME: &str = "skillspass development CA (not for production)";

/// `keys cert`.
#[derive(Debug, clap::Args)]
pub struct CertArgs {
    /// The key file to certify: a P-256 private JWK (`keys new --alg ES256`, or the data folder's
    /// `issuer-key.jwk` made with `serve --key-alg ES256`).
    #[arg(long)]
    key: PathBuf,
    /// A DNS name the certificate is for (repeatable): the host of the issuer's public URL.
    #[arg(long = "dns", required = true)]
    dns: Vec<String>,
    /// The organisation named in the subject.
    #[arg(long)]
    organization: Option<String>,
    /// Write a certificate signing request (PEM) to this file, for a certification authority.
    #[arg(long, conflicts_with = "dev_ca")]
    csr: Option<PathBuf>,
    /// Certify the key with the development CA in this folder (made on first use). For tests and development only.
    #[arg(long, required_unless_present = "csr")]
    dev_ca: Option<PathBuf>,
    /// With --dev-ca: the chain file to write (PEM, leaf first, without the root; never overwritten).
    #[arg(long, default_value = "certificate.pem")]
    out: PathBuf,
    /// With --dev-ca: how many days the certificate is valid.
    #[arg(long, default_value_t = 365, value_parser = clap::value_parser!(u32).range(1..=3650))]
    days: u32,
}

/// Runs `keys cert`.
///
/// # Errors
/// [`CliError`] for an unreadable or non-P-256 key, a bad DNS name, or a file that exists.
pub fn run(args: &CertArgs) -> Result<u8, CliError> {
    let key = crate::store::read_key_file(&args.key).map_err(CliError::input)?;
    let key_pair = key_pair(&key)?;
    let params = leaf_params(&args.dns, args.organization.as_deref(), args.days)?;
    if let Some(path) = &args.csr {
        // A request carries names and usage only; the CA decides validity and its own identifier.
        let mut requested = params;
        requested.use_authority_key_identifier_extension = false;
        requested.not_before = rcgen::date_time_ymd(1975, 1, 1);
        requested.not_after = rcgen::date_time_ymd(4096, 1, 1);
        let request = requested.serialize_request(&key_pair).map_err(CliError::input)?;
        write_new(path, request.pem().map_err(CliError::input)?.as_bytes())?;
        eprintln!("certificate signing request for {} written to {}", args.dns.join(", "), path.display());
        return Ok(EXIT_OK);
    }
    let dir = args.dev_ca.as_deref().ok_or_else(|| CliError::input("give --csr FILE or --dev-ca DIR"))?;
    let (issuer, root_pem) = dev_ca(dir)?;
    let certificate = params.signed_by(&key_pair, &issuer).map_err(CliError::input)?;
    write_new(&args.out, certificate.pem().as_bytes())?;
    let checked = crate::core::x509::chain_from_pem(certificate.pem().as_bytes()).map_err(CliError::input)?;
    let hash = checked.first().map(|der| crate::core::encoding::b64url(<sha2::Sha256 as sha2::Digest>::digest(der)));
    outln!("{}", args.out.display());
    eprintln!(
        "certificate for {} written (valid {} days), signed by the development CA {} (root: {}); x509_hash:{}",
        args.dns.join(", "),
        args.days,
        DEV_CA_NAME,
        root_pem.display(),
        hash.unwrap_or_default()
    );
    Ok(EXIT_OK)
}

/// rcgen's key pair for our P-256 key (through PKCS #8; the bytes are zeroized when dropped).
fn key_pair(key: &SigningKey) -> Result<KeyPair, CliError> {
    if key.algorithm() != KeyAlgorithm::Es256 {
        return Err(CliError::input(
            "certificates are made for P-256 (ES256) keys, as the EU wallet profile asks; make one with keys new --alg ES256",
        ));
    }
    let der = key.p256_pkcs8_der().ok_or_else(|| CliError::input("the key cannot be exported for signing"))?;
    KeyPair::try_from(der.as_slice()).map_err(CliError::input)
}

fn leaf_params(dns: &[String], organization: Option<&str>, days: u32) -> Result<CertificateParams, CliError> {
    for name in dns {
        let valid = !name.is_empty()
            && name.len() <= 253
            && name.split('.').all(|l| !l.is_empty() && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'));
        if !valid {
            return Err(CliError::input(format!("{name:?} is not a DNS name")));
        }
    }
    let mut params = CertificateParams::new(dns.to_vec()).map_err(CliError::input)?;
    params.distinguished_name = distinguished_name(&dns[0], organization);
    params.is_ca = IsCa::NoCa;
    params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
    params.use_authority_key_identifier_extension = true;
    set_validity(&mut params, i64::from(days))?;
    Ok(params)
}

fn distinguished_name(common_name: &str, organization: Option<&str>) -> DistinguishedName {
    let mut name = DistinguishedName::new();
    name.push(DnType::CommonName, common_name);
    if let Some(organization) = organization {
        name.push(DnType::OrganizationName, organization);
    }
    name
}

/// From an hour ago (clocks differ) for `days` days.
fn set_validity(params: &mut CertificateParams, days: i64) -> Result<(), CliError> {
    let now = Utc::now().timestamp();
    let at = |seconds: i64| time::OffsetDateTime::from_unix_timestamp(seconds).map_err(CliError::input);
    params.not_before = at(now - 3600)?;
    params.not_after = at(now + days * 86_400)?;
    Ok(())
}

/// The development CA of `dir`: its key (made with the root on first use) and where its root certificate is.
fn dev_ca(dir: &Path) -> Result<(Issuer<'static, KeyPair>, PathBuf), CliError> {
    let key_path = dir.join("ca-key.jwk");
    let root_path = dir.join("ca.pem");
    let mut params = CertificateParams::new(Vec::new()).map_err(CliError::input)?;
    params.distinguished_name = distinguished_name(DEV_CA_NAME, None);
    params.is_ca = IsCa::Ca(BasicConstraints::Constrained(0));
    params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    if !key_path.exists() {
        std::fs::create_dir_all(dir).map_err(|e| CliError::input(format!("{}: {e}", dir.display())))?;
        let key = crate::system::new_signing_key(KeyAlgorithm::Es256);
        set_validity(&mut params, 3650)?;
        let root = params.self_signed(&key_pair(&key)?).map_err(CliError::input)?;
        crate::store::write_key_file(&key_path, &key).map_err(CliError::input)?;
        write_new(&root_path, root.pem().as_bytes())?;
        eprintln!(
            "development CA made in {} (give {} to verifiers as --x509-roots)",
            dir.display(),
            root_path.display()
        );
    }
    let key = crate::store::read_key_file(&key_path).map_err(CliError::input)?;
    Ok((Issuer::new(params, key_pair(&key)?), root_path))
}

/// Writes a new file (never replacing one).
fn write_new(path: &Path, bytes: &[u8]) -> Result<(), CliError> {
    use std::io::Write as _;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .map_err(|e| CliError::input(format!("{}: {e}", path.display())))?;
    file.write_all(bytes).map_err(|e| CliError::input(format!("{}: {e}", path.display())))
}
