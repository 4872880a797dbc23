//! Keys and certificates: `genPrivateKey` (RSA 4096, DSA L2048N256, ECDSA P-256,
//! Ed25519, PEM-encoded as Go's `pemBlockForKey` does), `buildCustomCert`,
//! `genCA`, `genSelfSignedCert` and `genSignedCert` (and their `WithKey` forms),
//! producing certificates shaped like Go's `x509.CreateCertificate` output for
//! Sprig's templates, and the `sprig.certificate` value with `Cert` and `Key`.

use std::net::IpAddr;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use der::asn1::{
    BitString, Ia5String, OctetString, PrintableStringRef, SetOfVec, UintRef, Utf8StringRef,
};
use der::{Any, Decode, Encode, Sequence};
use gotmpl::{gofmt, FuncError, Object, Value};
use rand::RngCore;
use rsa::pkcs1::{DecodeRsaPrivateKey, EncodeRsaPrivateKey};
use sha2::{Digest, Sha256};
use spki::{
    AlgorithmIdentifierOwned, EncodePublicKey, ObjectIdentifier, SubjectPublicKeyInfoOwned,
};
use x509_cert::ext::pkix::name::GeneralName;
use x509_cert::ext::pkix::{
    AuthorityKeyIdentifier, BasicConstraints, ExtendedKeyUsage, KeyUsage, KeyUsages,
    SubjectAltName, SubjectKeyIdentifier,
};
use x509_cert::ext::Extension;
use x509_cert::name::{Name, RdnSequence, RelativeDistinguishedName};
use x509_cert::serial_number::SerialNumber;
use x509_cert::time::{Time, Validity};
use x509_cert::{Certificate, TbsCertificate};

use crate::encoding::{b64_decode, b64_encode};
use crate::ty::{list, named, INT, STRING};
use crate::{int_arg, str_arg, Registry};

const CERT_TYPE: &str = "sprig.certificate";

/// A private key of one of the kinds Sprig can generate or read.
enum PrivateKey {
    Rsa(Box<rsa::RsaPrivateKey>),
    Ecdsa(p256::SecretKey),
    Ed25519(ed25519_dalek::SigningKey),
    Dsa(Box<dsa::SigningKey>),
}

pub(crate) fn register(r: &mut Registry) {
    let cert = || named(CERT_TYPE);
    r.add(&["genPrivateKey"], vec![STRING], |a| {
        Ok(generate_private_key(str_arg(&a, 0)).into())
    });
    r.add(&["buildCustomCert"], vec![STRING, STRING], |a| {
        build_custom(str_arg(&a, 0), str_arg(&a, 1))
            .map(cert_value)
            .map_err(FuncError::new)
    });
    r.add(&["genCA"], vec![STRING, INT], |a| {
        let key = PrivateKey::Rsa(Box::new(rsa_key(2048)?));
        gen_ca(str_arg(&a, 0), int_arg(&a, 1), key)
    });
    r.add(&["genCAWithKey"], vec![STRING, INT, STRING], |a| {
        gen_ca(
            str_arg(&a, 0),
            int_arg(&a, 1),
            parse_key_arg(str_arg(&a, 2))?,
        )
    });
    r.add(
        &["genSelfSignedCert"],
        vec![STRING, list(), list(), INT],
        |a| {
            let key = PrivateKey::Rsa(Box::new(rsa_key(2048)?));
            gen_self_signed(&a, key)
        },
    );
    r.add(
        &["genSelfSignedCertWithKey"],
        vec![STRING, list(), list(), INT, STRING],
        |a| gen_self_signed(&a, parse_key_arg(str_arg(&a, 4))?),
    );
    r.add(
        &["genSignedCert"],
        vec![STRING, list(), list(), INT, cert()],
        |a| {
            let key = PrivateKey::Rsa(Box::new(rsa_key(2048)?));
            gen_signed(&a, key)
        },
    );
    r.add(
        &["genSignedCertWithKey"],
        vec![STRING, list(), list(), INT, cert(), STRING],
        |a| gen_signed(&a, parse_key_arg(str_arg(&a, 5))?),
    );
}

fn rsa_key(bits: usize) -> Result<rsa::RsaPrivateKey, FuncError> {
    crate::rsakey::generate(bits)
        .map_err(|e| FuncError::new(format!("error generating rsa key: {e}")))
}

fn parse_key_arg(pem: &str) -> Result<PrivateKey, FuncError> {
    parse_private_key(pem).map_err(|e| FuncError::new(format!("parsing private key: {e}")))
}

/// The `sprig.certificate` struct.
#[derive(Debug)]
struct Cert {
    cert: String,
    key: String,
}

impl Object for Cert {
    fn type_name(&self) -> String {
        CERT_TYPE.into()
    }

    fn field(&self, name: &str) -> Option<Value> {
        match name {
            "Cert" => Some(self.cert.clone().into()),
            "Key" => Some(self.key.clone().into()),
            _ => None,
        }
    }

    fn is_pointer(&self) -> bool {
        false
    }

    fn fields(&self) -> Vec<(String, Value)> {
        vec![
            ("Cert".into(), self.cert.clone().into()),
            ("Key".into(), self.key.clone().into()),
        ]
    }
}

fn cert_value(c: Cert) -> Value {
    Value::Object(Arc::new(c))
}

/// Go's `pem.EncodeToMemory`.
fn pem_encode(kind: &str, der: &[u8]) -> String {
    let body = b64_encode(der);
    let mut out = format!("-----BEGIN {kind}-----\n");
    for chunk in body.as_bytes().chunks(64) {
        out.push_str(std::str::from_utf8(chunk).unwrap_or(""));
        out.push('\n');
    }
    out.push_str(&format!("-----END {kind}-----\n"));
    out
}

/// The first PEM block of `text` (Go's `pem.Decode`): its type and bytes.
fn pem_decode(text: &[u8]) -> Option<(String, Vec<u8>)> {
    let text = String::from_utf8_lossy(text);
    let start = text.find("-----BEGIN ")?;
    let rest = &text[start + 11..];
    let type_end = rest.find("-----")?;
    let kind = rest[..type_end].to_string();
    let body_start = &rest[type_end + 5..];
    let end_marker = format!("-----END {kind}-----");
    let end = body_start.find(&end_marker)?;
    let body: String = body_start[..end]
        .lines()
        .filter(|l| !l.contains(':'))
        .flat_map(|l| l.chars().filter(|c| !c.is_whitespace()))
        .collect();
    let der = b64_decode(&body).ok()?;
    Some((kind, der))
}

/// The DER of Go's `DSAKeyFormat`.
#[derive(Sequence)]
struct DsaKeyFormat<'a> {
    version: UintRef<'a>,
    p: UintRef<'a>,
    q: UintRef<'a>,
    g: UintRef<'a>,
    y: UintRef<'a>,
    x: UintRef<'a>,
}

fn dsa_der(k: &dsa::SigningKey) -> Result<Vec<u8>, String> {
    let vk = k.verifying_key();
    let c = vk.components();
    let parts = [
        c.p().to_bytes_be(),
        c.q().to_bytes_be(),
        c.g().to_bytes_be(),
        vk.y().to_bytes_be(),
        k.x().to_bytes_be(),
    ];
    fn u(b: &[u8]) -> Result<UintRef<'_>, String> {
        UintRef::new(b).map_err(|e| e.to_string())
    }
    DsaKeyFormat {
        version: u(&[0])?,
        p: u(&parts[0])?,
        q: u(&parts[1])?,
        g: u(&parts[2])?,
        y: u(&parts[3])?,
        x: u(&parts[4])?,
    }
    .to_der()
    .map_err(|e| e.to_string())
}

/// Go's `x509.MarshalECPrivateKey` of a P-256 key: version 1, the 32-byte scalar,
/// the named curve and the uncompressed public point.
fn ec_der(k: &p256::SecretKey) -> Vec<u8> {
    use p256::elliptic_curve::sec1::ToEncodedPoint;
    let mut out = vec![0x30, 0x77, 0x02, 0x01, 0x01, 0x04, 0x20];
    out.extend_from_slice(&k.to_bytes());
    out.extend_from_slice(&[
        0xa0, 0x0a, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07,
    ]);
    out.extend_from_slice(&[0xa1, 0x44, 0x03, 0x42, 0x00]);
    out.extend_from_slice(k.public_key().to_encoded_point(false).as_bytes());
    out
}

/// Go's `x509.MarshalPKCS8PrivateKey` of an Ed25519 key (version 0, no public key).
fn ed25519_der(k: &ed25519_dalek::SigningKey) -> Vec<u8> {
    let mut out = vec![
        0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04,
        0x20,
    ];
    out.extend_from_slice(k.as_bytes());
    out
}

/// Go's `pemBlockForKey`, encoded.
fn key_pem(key: &PrivateKey) -> Result<String, String> {
    let err = |e: &dyn std::fmt::Display| e.to_string();
    Ok(match key {
        PrivateKey::Rsa(k) => pem_encode(
            "RSA PRIVATE KEY",
            k.to_pkcs1_der().map_err(|e| err(&e))?.as_bytes(),
        ),
        PrivateKey::Ecdsa(k) => pem_encode("EC PRIVATE KEY", &ec_der(k)),
        PrivateKey::Ed25519(k) => pem_encode("PRIVATE KEY", &ed25519_der(k)),
        PrivateKey::Dsa(k) => pem_encode("DSA PRIVATE KEY", &dsa_der(k)?),
    })
}

fn generate_private_key(kind: &str) -> String {
    let mut rng = rand::thread_rng();
    let key = match kind {
        "" | "rsa" => match crate::rsakey::generate(4096) {
            Ok(k) => PrivateKey::Rsa(Box::new(k)),
            Err(e) => return format!("failed to generate private key: {e}"),
        },
        "dsa" => {
            let components = dsa::Components::generate(&mut rng, dsa::KeySize::DSA_2048_256);
            PrivateKey::Dsa(Box::new(dsa::SigningKey::generate(&mut rng, components)))
        }
        "ecdsa" => PrivateKey::Ecdsa(p256::SecretKey::random(&mut rng)),
        "ed25519" => PrivateKey::Ed25519(ed25519_dalek::SigningKey::generate(&mut rng)),
        other => return format!("Unknown type {other}"),
    };
    key_pem(&key).unwrap_or_default()
}

/// Sprig's `parsePrivateKeyPEM`.
fn parse_private_key(text: &str) -> Result<PrivateKey, String> {
    let (kind, der) = pem_decode(text.as_bytes()).ok_or("no PEM data in input")?;
    if kind == "PRIVATE KEY" {
        return parse_pkcs8(&der).map_err(|e| format!("decoding PEM as PKCS#8: {e}"));
    }
    let Some(algo) = kind.strip_suffix(" PRIVATE KEY") else {
        return Err(format!("no private key data in PEM block of type {kind}"));
    };
    match algo {
        "RSA" => rsa::RsaPrivateKey::from_pkcs1_der(&der)
            .map(|k| PrivateKey::Rsa(Box::new(k)))
            .map_err(|_| "parsing RSA private key from PEM: x509: failed to parse private key (use ParsePKCS8PrivateKey instead for this key format)".into()),
        "EC" => p256::SecretKey::from_sec1_der(&der)
            .map(PrivateKey::Ecdsa)
            .map_err(|_| "parsing EC private key from PEM: x509: failed to parse EC private key".into()),
        "DSA" => parse_dsa(&der)
            .map(|k| PrivateKey::Dsa(Box::new(k)))
            .map_err(|e| format!("parsing DSA private key from PEM: {e}")),
        _ => Err(format!("invalid private key type {kind}")),
    }
}

fn parse_pkcs8(der: &[u8]) -> Result<PrivateKey, String> {
    use ed25519_dalek::pkcs8::DecodePrivateKey;
    if let Ok(k) = rsa::RsaPrivateKey::from_pkcs8_der(der) {
        return Ok(PrivateKey::Rsa(Box::new(k)));
    }
    if let Ok(k) = p256::SecretKey::from_pkcs8_der(der) {
        return Ok(PrivateKey::Ecdsa(k));
    }
    if let Ok(k) = ed25519_dalek::SigningKey::from_pkcs8_der(der) {
        return Ok(PrivateKey::Ed25519(k));
    }
    Err("x509: failed to parse private key".into())
}

fn parse_dsa(der: &[u8]) -> Result<dsa::SigningKey, String> {
    let k = DsaKeyFormat::from_der(der).map_err(|e| format!("asn1: structure error: {e}"))?;
    let big = |u: UintRef<'_>| dsa::BigUint::from_bytes_be(u.as_bytes());
    let components = dsa::Components::from_components(big(k.p), big(k.q), big(k.g))
        .map_err(|e| e.to_string())?;
    let vk = dsa::VerifyingKey::from_components(components, big(k.y)).map_err(|e| e.to_string())?;
    dsa::SigningKey::from_components(vk, big(k.x)).map_err(|e| e.to_string())
}

fn public_key_info(key: &PrivateKey) -> Result<SubjectPublicKeyInfoOwned, String> {
    let der = match key {
        PrivateKey::Rsa(k) => k.to_public_key().to_public_key_der(),
        PrivateKey::Ecdsa(k) => k.public_key().to_public_key_der(),
        PrivateKey::Ed25519(k) => k.verifying_key().to_public_key_der(),
        PrivateKey::Dsa(_) => {
            return Err("x509: unsupported public key type: *dsa.PublicKey".into())
        }
    }
    .map_err(|e| e.to_string())?;
    SubjectPublicKeyInfoOwned::from_der(der.as_bytes()).map_err(|e| e.to_string())
}

fn algorithm(oid: &str, null_params: bool) -> AlgorithmIdentifierOwned {
    AlgorithmIdentifierOwned {
        oid: ObjectIdentifier::new_unwrap(oid),
        parameters: null_params.then(|| Any::from(der::asn1::Null)),
    }
}

/// The signature algorithm and signature of `tbs` with `key`.
fn sign(key: &PrivateKey, tbs: &[u8]) -> Result<(AlgorithmIdentifierOwned, Vec<u8>), String> {
    use rsa::signature::{SignatureEncoding, Signer};
    Ok(match key {
        PrivateKey::Rsa(k) => {
            let signer = rsa::pkcs1v15::SigningKey::<Sha256>::new((**k).clone());
            let sig: rsa::pkcs1v15::Signature = signer.try_sign(tbs).map_err(|e| e.to_string())?;
            (algorithm("1.2.840.113549.1.1.11", true), sig.to_vec())
        }
        PrivateKey::Ecdsa(k) => {
            let signer = p256::ecdsa::SigningKey::from(k);
            let sig: p256::ecdsa::DerSignature = signer.try_sign(tbs).map_err(|e| e.to_string())?;
            (algorithm("1.2.840.10045.4.3.2", false), sig.to_vec())
        }
        PrivateKey::Ed25519(k) => (algorithm("1.3.101.112", false), k.sign(tbs).to_vec()),
        PrivateKey::Dsa(_) => {
            return Err("x509: certificate private key does not implement crypto.Signer".into())
        }
    })
}

/// A subject or issuer holding just a common name (none when it is empty).
fn common_name(cn: &str) -> Result<Name, String> {
    if cn.is_empty() {
        return Ok(RdnSequence(Vec::new()));
    }
    let printable = cn
        .bytes()
        .all(|c| c.is_ascii_alphanumeric() || b" '()+,-./:=?".contains(&c));
    let value = if printable {
        Any::from(PrintableStringRef::new(cn).map_err(|e| e.to_string())?)
    } else {
        Any::from(Utf8StringRef::new(cn).map_err(|e| e.to_string())?)
    };
    let atv = x509_cert::attr::AttributeTypeAndValue {
        oid: ObjectIdentifier::new_unwrap("2.5.4.3"),
        value,
    };
    let set = SetOfVec::try_from(vec![atv]).map_err(|e| e.to_string())?;
    Ok(RdnSequence(vec![RelativeDistinguishedName(set)]))
}

fn to_time(t: SystemTime) -> Result<Time, String> {
    let secs = t.duration_since(UNIX_EPOCH).unwrap_or_default();
    let secs = Duration::from_secs(secs.as_secs());
    if secs.as_secs() < 2_524_608_000 {
        der::asn1::UtcTime::from_unix_duration(secs)
            .map(Time::UtcTime)
            .map_err(|e| e.to_string())
    } else {
        der::asn1::GeneralizedTime::from_unix_duration(secs)
            .map(Time::GeneralTime)
            .map_err(|e| e.to_string())
    }
}

fn extension(oid: &str, critical: bool, value: &impl Encode) -> Result<Extension, String> {
    Ok(Extension {
        extn_id: ObjectIdentifier::new_unwrap(oid),
        critical,
        extn_value: OctetString::new(value.to_der().map_err(|e| e.to_string())?)
            .map_err(|e| e.to_string())?,
    })
}

/// What `getBaseCertTemplate` and its callers put in a certificate.
struct Template {
    cn: String,
    ips: Vec<IpAddr>,
    dns: Vec<String>,
    days: i64,
    is_ca: bool,
}

/// The subject key identifier Go derives for CA certificates (truncated SHA-256
/// of the public key bits).
fn key_id(spki: &SubjectPublicKeyInfoOwned) -> Vec<u8> {
    Sha256::digest(spki.subject_public_key.raw_bytes())[..20].to_vec()
}

/// Go's `x509.CreateCertificate` for Sprig's templates; the PEM certificate and key.
fn create(
    t: &Template,
    key: &PrivateKey,
    issuer: Option<(&Certificate, &PrivateKey)>,
) -> Result<(String, String), String> {
    let signer = issuer.map_or(key, |(_, k)| k);
    if let PrivateKey::Dsa(_) = signer {
        return Err("error creating certificate: x509: certificate private key does not implement crypto.Signer".into());
    }
    let spki = public_key_info(key).map_err(|e| format!("error creating certificate: {e}"))?;
    let mut serial = [0u8; 16];
    rand::thread_rng().fill_bytes(&mut serial);
    serial[0] &= 0x7f;
    let now = SystemTime::now();
    let span = Duration::from_secs(t.days.unsigned_abs().saturating_mul(86_400));
    let not_after = if t.days >= 0 {
        now.checked_add(span)
    } else {
        now.checked_sub(span)
    }
    .unwrap_or(now);
    let subject = common_name(&t.cn)?;
    let mut usage = KeyUsages::DigitalSignature | KeyUsages::KeyEncipherment;
    if t.is_ca {
        usage |= KeyUsages::KeyCertSign;
    }
    let mut exts = vec![
        extension("2.5.29.15", true, &KeyUsage(usage))?,
        extension(
            "2.5.29.37",
            false,
            &ExtendedKeyUsage(vec![
                ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.3.1"),
                ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.3.2"),
            ]),
        )?,
        extension(
            "2.5.29.19",
            true,
            &BasicConstraints {
                ca: t.is_ca,
                path_len_constraint: None,
            },
        )?,
    ];
    if t.is_ca {
        let skid = OctetString::new(key_id(&spki)).map_err(|e| e.to_string())?;
        exts.push(extension("2.5.29.14", false, &SubjectKeyIdentifier(skid))?);
    }
    let parent_skid = match issuer {
        Some((ca, _)) => ca
            .tbs_certificate
            .extensions
            .iter()
            .flatten()
            .find(|e| e.extn_id == ObjectIdentifier::new_unwrap("2.5.29.14"))
            .and_then(|e| SubjectKeyIdentifier::from_der(e.extn_value.as_bytes()).ok())
            .map(|s| s.0),
        None => None,
    };
    if let Some(id) = parent_skid {
        let aki = AuthorityKeyIdentifier {
            key_identifier: Some(id),
            ..Default::default()
        };
        exts.push(extension("2.5.29.35", false, &aki)?);
    }
    if !t.dns.is_empty() || !t.ips.is_empty() {
        let mut names = Vec::new();
        for d in &t.dns {
            names.push(GeneralName::DnsName(
                Ia5String::new(d).map_err(|e| format!("error creating certificate: {e}"))?,
            ));
        }
        for ip in &t.ips {
            let bytes = match ip {
                IpAddr::V4(v4) => v4.octets().to_vec(),
                IpAddr::V6(v6) => v6.octets().to_vec(),
            };
            names.push(GeneralName::IpAddress(
                OctetString::new(bytes).map_err(|e| e.to_string())?,
            ));
        }
        exts.push(extension("2.5.29.17", false, &SubjectAltName(names))?);
    }
    let (signature, _) = sign(signer, b"")?;
    let tbs = TbsCertificate {
        version: x509_cert::Version::V3,
        serial_number: SerialNumber::new(&serial).map_err(|e| e.to_string())?,
        signature: signature.clone(),
        issuer: issuer.map_or_else(
            || subject.clone(),
            |(ca, _)| ca.tbs_certificate.subject.clone(),
        ),
        validity: Validity {
            not_before: to_time(now)?,
            not_after: to_time(not_after)?,
        },
        subject,
        subject_public_key_info: spki,
        issuer_unique_id: None,
        subject_unique_id: None,
        extensions: Some(exts),
    };
    let tbs_der = tbs.to_der().map_err(|e| e.to_string())?;
    let (_, sig) = sign(signer, &tbs_der)?;
    let cert = Certificate {
        tbs_certificate: tbs,
        signature_algorithm: signature,
        signature: BitString::from_bytes(&sig).map_err(|e| e.to_string())?,
    };
    let der = cert.to_der().map_err(|e| e.to_string())?;
    Ok((pem_encode("CERTIFICATE", &der), key_pem(key)?))
}

fn gen_ca(cn: &str, days: i64, key: PrivateKey) -> Result<Value, FuncError> {
    let t = Template {
        cn: cn.into(),
        ips: vec![],
        dns: vec![],
        days,
        is_ca: true,
    };
    let (cert, key) = create(&t, &key, None).map_err(FuncError::new)?;
    Ok(cert_value(Cert { cert, key }))
}

/// `getNetIPs` and `getAlternateDNSStrs` over the template arguments.
fn base_template(a: &[Value]) -> Result<Template, FuncError> {
    let items = |v: Option<&Value>| match v {
        Some(Value::List(l)) => l.items.clone(),
        _ => Vec::new(),
    };
    let mut ips = Vec::new();
    for ip in items(a.get(1)) {
        let Value::String(s) = &ip else {
            return Err(FuncError::new(format!(
                "error parsing ip: {} is not a string",
                gofmt::sprint(&[ip])
            )));
        };
        ips.push(
            s.parse::<IpAddr>()
                .map_err(|_| FuncError::new(format!("error parsing ip: {s}")))?,
        );
    }
    let mut dns = Vec::new();
    for d in items(a.get(2)) {
        let Value::String(s) = &d else {
            return Err(FuncError::new(format!(
                "error processing alternate dns name: {} is not a string",
                gofmt::sprint(&[d])
            )));
        };
        dns.push(s.to_string());
    }
    Ok(Template {
        cn: str_arg(a, 0).into(),
        ips,
        dns,
        days: int_arg(a, 3),
        is_ca: false,
    })
}

fn gen_self_signed(a: &[Value], key: PrivateKey) -> Result<Value, FuncError> {
    let t = base_template(a)?;
    let (cert, key) = create(&t, &key, None).map_err(FuncError::new)?;
    Ok(cert_value(Cert { cert, key }))
}

fn gen_signed(a: &[Value], key: PrivateKey) -> Result<Value, FuncError> {
    let field = |name: &str| match a.get(4) {
        Some(Value::Object(o)) => o
            .field(name)
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default(),
        _ => String::new(),
    };
    let (ca_cert, ca_key) = (field("Cert"), field("Key"));
    let (_, der) = pem_decode(ca_cert.as_bytes())
        .ok_or_else(|| FuncError::new("unable to decode certificate"))?;
    let signer_cert = Certificate::from_der(&der).map_err(|_| {
        FuncError::new(
            "error parsing certificate: decodedSignerCert.Bytes: x509: malformed certificate",
        )
    })?;
    let signer_key = parse_private_key(&ca_key)
        .map_err(|e| FuncError::new(format!("error parsing private key: {e}")))?;
    let t = base_template(a)?;
    let (cert, key) =
        create(&t, &key, Some((&signer_cert, &signer_key))).map_err(FuncError::new)?;
    Ok(cert_value(Cert { cert, key }))
}

fn build_custom(b64cert: &str, b64key: &str) -> Result<Cert, String> {
    let cert = b64_decode(b64cert).map_err(|_| "unable to decode base64 certificate")?;
    let key = b64_decode(b64key).map_err(|_| "unable to decode base64 private key")?;
    let (_, der) = pem_decode(&cert).ok_or("unable to decode certificate")?;
    Certificate::from_der(&der).map_err(|_| {
        "error parsing certificate: decodedCert.Bytes: x509: malformed certificate".to_string()
    })?;
    let key_text = String::from_utf8_lossy(&key).into_owned();
    parse_private_key(&key_text).map_err(|e| format!("error parsing private key: {e}"))?;
    Ok(Cert {
        cert: String::from_utf8_lossy(&cert).into_owned(),
        key: key_text,
    })
}
