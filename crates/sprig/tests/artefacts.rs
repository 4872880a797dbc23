//! Checks the functions whose output is random: keys and certificates must parse
//! and verify (chain, SANs, validity, CA flags), hashes of passwords must verify,
//! random strings must have the right length and alphabet. `derivePassword` is
//! deterministic and checked against vectors produced by helm.

use std::collections::BTreeMap;
use std::time::{SystemTime, UNIX_EPOCH};

use der::{Decode, DecodePem};
use gotmpl::{MissingKey, Templates, Value};
use rsa::pkcs1::DecodeRsaPrivateKey;
use rsa::signature::Verifier;
use spki::DecodePublicKey;
use x509_cert::ext::pkix::name::GeneralName;
use x509_cert::ext::pkix::{BasicConstraints, SubjectAltName};
use x509_cert::Certificate;

/// Renders `text` with Sprig's functions and `values` as `.Values`.
fn render_with(text: &str, values: BTreeMap<String, Value>) -> String {
    let mut t = Templates::new("test");
    t.add_functions(sprig::functions());
    t.set_missing_key(MissingKey::Zero);
    t.parse("t", text).expect("template parses");
    let mut root = BTreeMap::new();
    root.insert("Values".to_string(), Value::map(values));
    t.execute("t", &Value::map(root))
        .expect("template executes")
}

fn render(text: &str) -> String {
    render_with(text, BTreeMap::new())
}

fn cert(pem: &str) -> Certificate {
    Certificate::from_pem(pem.as_bytes()).expect("certificate PEM parses")
}

fn extension<'a>(c: &'a Certificate, oid: &str) -> Option<&'a [u8]> {
    let oid = spki::ObjectIdentifier::new_unwrap(oid);
    c.tbs_certificate
        .extensions
        .iter()
        .flatten()
        .find(|e| e.extn_id == oid)
        .map(|e| e.extn_value.as_bytes())
}

fn is_ca(c: &Certificate) -> bool {
    let bc = extension(c, "2.5.29.19").expect("basic constraints present");
    BasicConstraints::from_der(bc)
        .expect("basic constraints parse")
        .ca
}

fn tbs(c: &Certificate) -> Vec<u8> {
    der::Encode::to_der(&c.tbs_certificate).expect("tbs encodes")
}

/// Verifies `c`'s signature with the RSA public key of `issuer`.
fn verify_rsa(c: &Certificate, issuer: &Certificate) {
    let spki = der::Encode::to_der(&issuer.tbs_certificate.subject_public_key_info).unwrap();
    let key = rsa::RsaPublicKey::from_public_key_der(&spki).expect("RSA public key");
    let vk = rsa::pkcs1v15::VerifyingKey::<sha2::Sha256>::new(key);
    let sig = rsa::pkcs1v15::Signature::try_from(c.signature.raw_bytes()).unwrap();
    vk.verify(&tbs(c), &sig).expect("RSA signature verifies");
}

fn validity_days(c: &Certificate) -> f64 {
    let v = &c.tbs_certificate.validity;
    (v.not_after.to_unix_duration().as_secs_f64() - v.not_before.to_unix_duration().as_secs_f64())
        / 86_400.0
}

fn now_secs() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

/// Splits `render` output `A|B|C|D` into its parts.
fn parts(s: &str) -> Vec<String> {
    s.split('|').map(str::to_string).collect()
}

#[test]
fn ca_and_signed_certificate_form_a_valid_chain() {
    let out = render(
        r#"{{ $ca := genCA "my-ca" 365 }}{{ $c := genSignedCert "leaf.example" (list "10.0.0.1" "::1") (list "leaf.example" "alt.example") 30 $ca }}{{ $ca.Cert }}|{{ $ca.Key }}|{{ $c.Cert }}|{{ $c.Key }}|{{ typeOf $c }}"#,
    );
    let p = parts(&out);
    let (ca, leaf) = (cert(&p[0]), cert(&p[2]));
    assert!(p[1].starts_with("-----BEGIN RSA PRIVATE KEY-----\n"));
    rsa::RsaPrivateKey::from_pkcs1_pem(&p[3]).expect("leaf key parses");
    assert_eq!(p[4], "sprig.certificate");

    assert!(is_ca(&ca));
    assert!(!is_ca(&leaf));
    assert_eq!(ca.tbs_certificate.issuer, ca.tbs_certificate.subject);
    assert_eq!(leaf.tbs_certificate.issuer, ca.tbs_certificate.subject);
    assert_eq!(ca.tbs_certificate.subject.to_string(), "CN=my-ca");
    assert_eq!(leaf.tbs_certificate.subject.to_string(), "CN=leaf.example");
    verify_rsa(&ca, &ca);
    verify_rsa(&leaf, &ca);

    assert!((validity_days(&ca) - 365.0).abs() < 0.01);
    assert!((validity_days(&leaf) - 30.0).abs() < 0.01);
    let nb = leaf
        .tbs_certificate
        .validity
        .not_before
        .to_unix_duration()
        .as_secs();
    assert!(nb.abs_diff(now_secs()) < 120);

    let san =
        SubjectAltName::from_der(extension(&leaf, "2.5.29.17").expect("SAN present")).unwrap();
    let mut dns = Vec::new();
    let mut ips = Vec::new();
    for name in san.0 {
        match name {
            GeneralName::DnsName(d) => dns.push(d.to_string()),
            GeneralName::IpAddress(ip) => ips.push(ip.as_bytes().to_vec()),
            other => panic!("unexpected SAN {other:?}"),
        }
    }
    assert_eq!(dns, ["leaf.example", "alt.example"]);
    assert_eq!(ips[0], [10, 0, 0, 1]);
    assert_eq!(ips[1].len(), 16);

    let ca_skid = extension(&ca, "2.5.29.14").expect("CA has a subject key id");
    let leaf_akid = extension(&leaf, "2.5.29.35").expect("leaf has an authority key id");
    assert!(leaf_akid.windows(20).any(|w| ca_skid.ends_with(w)));
}

#[test]
fn self_signed_certificates_with_each_key_type_verify() {
    let ec = render(r#"{{ genPrivateKey "ecdsa" }}"#);
    let ed = render(r#"{{ genPrivateKey "ed25519" }}"#);
    let mut values = BTreeMap::new();
    values.insert("ec".to_string(), Value::from(ec.as_str()));
    values.insert("ed".to_string(), Value::from(ed.as_str()));
    let out = render_with(
        r#"{{ (genSelfSignedCertWithKey "ec.example" nil (list "ec.example") 7 .Values.ec).Cert }}|{{ (genSelfSignedCertWithKey "ed.example" nil nil 7 .Values.ed).Cert }}|{{ (genSelfSignedCertWithKey "x" nil nil 7 .Values.ec).Key }}"#,
        values,
    );
    let p = parts(&out);
    assert_eq!(p[2], ec, "the key is returned as given");

    let c = cert(&p[0]);
    assert!(!is_ca(&c));
    let spki = der::Encode::to_der(&c.tbs_certificate.subject_public_key_info).unwrap();
    let vk = p256::ecdsa::VerifyingKey::from_public_key_der(&spki).unwrap();
    let sig = p256::ecdsa::DerSignature::from_bytes(c.signature.raw_bytes()).unwrap();
    vk.verify(&tbs(&c), &sig).expect("ECDSA signature verifies");
    assert!((validity_days(&c) - 7.0).abs() < 0.01);

    let c = cert(&p[1]);
    let spki = der::Encode::to_der(&c.tbs_certificate.subject_public_key_info).unwrap();
    let vk = ed25519_dalek::VerifyingKey::from_public_key_der(&spki).unwrap();
    let sig = ed25519_dalek::Signature::from_slice(c.signature.raw_bytes()).unwrap();
    vk.verify(&tbs(&c), &sig)
        .expect("Ed25519 signature verifies");
    assert!(extension(&c, "2.5.29.17").is_none(), "no SAN without names");
}

#[test]
fn generated_private_keys_parse() {
    use ed25519_dalek::pkcs8::DecodePrivateKey;
    let ec = render(r#"{{ genPrivateKey "ecdsa" }}"#);
    assert!(
        ec.starts_with("-----BEGIN EC PRIVATE KEY-----\n")
            && ec.ends_with("-----END EC PRIVATE KEY-----\n")
    );
    let (_, der) = der::pem::decode_vec(ec.as_bytes()).unwrap();
    p256::SecretKey::from_sec1_der(&der).expect("SEC1 key parses");
    let ed = render(r#"{{ genPrivateKey "ed25519" }}"#);
    ed25519_dalek::SigningKey::from_pkcs8_pem(&ed).expect("PKCS#8 Ed25519 key parses");
    let rsa = render(r#"{{ genPrivateKey "rsa" }}"#);
    let key = rsa::RsaPrivateKey::from_pkcs1_pem(&rsa).expect("PKCS#1 RSA key parses");
    assert_eq!(rsa::traits::PublicKeyParts::size(&key), 512);
    assert_eq!(
        render(r#"{{ genPrivateKey "x25519" }}"#),
        "Unknown type x25519"
    );
}

#[test]
fn dsa_keys_round_trip_through_pem() {
    let dsa = render(r#"{{ genPrivateKey "dsa" }}"#);
    assert!(dsa.starts_with("-----BEGIN DSA PRIVATE KEY-----\n"));
    let mut values = BTreeMap::new();
    values.insert("k".to_string(), Value::from(dsa.as_str()));
    let out = render_with(
        r#"{{ (buildCustomCert (b64enc (genCA "c" 1).Cert) (b64enc .Values.k)).Key }}"#,
        values,
    );
    assert_eq!(out, dsa);
}

#[test]
fn bcrypt_and_htpasswd_hashes_verify() {
    let h = render(r#"{{ bcrypt "s3cret" }}"#);
    assert!(h.starts_with("$2a$10$") && h.len() == 60, "{h}");
    assert!(bcrypt::verify("s3cret", &h).unwrap());
    let line = render(r#"{{ htpasswd "admin" "pa:ss" }}"#);
    let (user, hash) = line.split_once(':').unwrap();
    assert_eq!(user, "admin");
    assert!(bcrypt::verify("pa:ss", hash).unwrap());
}

#[test]
fn derive_password_matches_helm() {
    assert_eq!(
        render(r#"{{ derivePassword 1 "long" "password" "user" "example.com" }}"#),
        "ZedaFaxcZaso9*"
    );
    assert_eq!(
        render(
            r#"{{ derivePassword 1 "maximum" "pw" "u" "s" }} {{ derivePassword 2 "medium" "pw" "u" "s" }}"#
        ),
        "o2-3WFZN4Khgl8(&IuEk Fiy1=Nef"
    );
}

#[test]
fn aes_round_trips_with_random_iv() {
    let a = render(r#"{{ encryptAES "key" "payload" }}"#);
    let b = render(r#"{{ encryptAES "key" "payload" }}"#);
    assert_ne!(a, b, "fresh IV each time");
    assert_eq!(a.len(), 44);
    let mut values = BTreeMap::new();
    values.insert("c".to_string(), Value::from(a.as_str()));
    assert_eq!(
        render_with(r#"{{ decryptAES "key" .Values.c }}"#, values),
        "payload"
    );
}

#[test]
fn random_strings_have_their_alphabets() {
    let p: Vec<String> = [
        "randAlphaNum 64",
        "randAlpha 64",
        "randNumeric 64",
        "randAscii 64",
        "randBytes 32",
        "uuidv4",
        "randInt -3 3",
        "shuffle \"abcdef\"",
    ]
    .iter()
    .map(|call| render(&format!("{{{{ {call} }}}}")))
    .collect();
    assert!(p[0].len() == 64 && p[0].bytes().all(|c| c.is_ascii_alphanumeric()));
    assert!(p[1].len() == 64 && p[1].bytes().all(|c| c.is_ascii_alphabetic()));
    assert!(p[2].len() == 64 && p[2].bytes().all(|c| c.is_ascii_digit()));
    assert!(p[3].len() == 64 && p[3].bytes().all(|c| (32..127).contains(&c)));
    assert_eq!(p[4].len(), 44);
    let u = &p[5];
    assert_eq!(u.len(), 36);
    assert_eq!(&u[14..15], "4");
    assert!("89ab".contains(&u[19..20]));
    let n: i64 = p[6].parse().unwrap();
    assert!((-3..3).contains(&n));
    let mut s: Vec<char> = p[7].chars().collect();
    s.sort_unstable();
    assert_eq!(s.into_iter().collect::<String>(), "abcdef");
}
