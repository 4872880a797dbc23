//! `berth secrets` as a user runs it: the real sops' vectors decrypt byte for
//! byte, tampering is refused naming the MAC, a wrong key lists recipients and
//! key sources, decryption creates no file, encryption round-trips with the real
//! sops (when installed), and edit keeps the plaintext in a private 0600 file
//! that is gone afterwards, even when berth is killed.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn manifest() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn testdata() -> PathBuf {
    manifest().join("../../testdata/sops")
}

fn shared_vectors() -> Option<PathBuf> {
    let dir = manifest().join("../../../shared/sops-vectors");
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!(
            "notice: {} is absent; SOPS vector tests skipped",
            dir.display()
        );
        None
    }
}

fn real_sops() -> Option<PathBuf> {
    let home = std::env::var_os("HOME").map(PathBuf::from)?;
    let p = home.join(".cache/reftools/bin/sops");
    if p.is_file() {
        Some(p)
    } else {
        eprintln!("notice: the reference sops is not installed (bash ../shared/tools/reference-tools.sh); round-trip tests skipped");
        None
    }
}

/// A fresh empty directory for one test.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("berth-secrets-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// berth with a clean environment: no key source but those given.
fn berth(args: &[&str], env: &[(&str, &Path)], home: &Path) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_berth"));
    cmd.args(args)
        .env_clear()
        .env("HOME", home)
        .env("PATH", std::env::var_os("PATH").unwrap_or_default());
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().expect("berth runs")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn key() -> PathBuf {
    testdata().join("key.txt")
}

fn recipient() -> String {
    std::fs::read_to_string(testdata().join("key.pub"))
        .unwrap()
        .trim()
        .to_string()
}

/// Encrypts a committed plaintext for the test key into `dir`.
fn encrypt_into(dir: &Path, plain: &str, home: &Path) -> PathBuf {
    let src = testdata().join(plain);
    let out = berth(
        &[
            "secrets",
            "encrypt",
            "--age",
            &recipient(),
            src.to_str().unwrap(),
        ],
        &[],
        home,
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let dest = dir.join(plain.replace("plain", "enc"));
    std::fs::write(&dest, &out.stdout).unwrap();
    dest
}

#[test]
fn every_shared_vector_decrypts_byte_for_byte() {
    let Some(root) = shared_vectors() else { return };
    let home = scratch("vectors-home");
    let g = root.join("generated");
    let mut cases: Vec<Case> = Vec::new();
    for (enc, dec) in [
        ("age1.basic.enc.yaml", "age1.basic.dec.yaml"),
        ("age1.basic.enc.json", "age1.basic.dec.json"),
        ("age1.basic.enc.env", "age1.basic.dec.env"),
        ("age1.basic.enc.ini", "age1.basic.dec.ini"),
        (
            "age1.encrypted_regex.enc.yaml",
            "age1.encrypted_regex.dec.yaml",
        ),
        (
            "age1.unencrypted_regex.enc.yaml",
            "age1.unencrypted_regex.dec.yaml",
        ),
        (
            "age1.encrypted_suffix.enc.yaml",
            "age1.encrypted_suffix.dec.yaml",
        ),
        (
            "age1.encrypted_comment_regex.enc.yaml",
            "age1.encrypted_comment_regex.dec.yaml",
        ),
        (
            "age1.mac_only_encrypted.enc.yaml",
            "age1.mac_only_encrypted.dec.yaml",
        ),
        ("age1.anchors.enc.yaml", "age1.anchors.dec.yaml"),
        ("age1.multidoc.enc.yaml", "age1.multidoc.dec.yaml"),
        ("multi_recipient.enc.yaml", "multi_recipient.dec.yaml"),
    ] {
        cases.push((
            g.join(enc),
            vec![],
            g.join(dec),
            vec![("SOPS_AGE_KEY_FILE", g.join("key1.txt"))],
        ));
    }
    cases.push((
        g.join("age1.binary.enc.json"),
        vec!["--input-type", "json", "--output-type", "binary"],
        g.join("age1.binary.dec.json"),
        vec![("SOPS_AGE_KEY_FILE", g.join("key1.txt"))],
    ));
    cases.push((
        g.join("multi_recipient.enc.yaml"),
        vec![],
        g.join("multi_recipient.dec.yaml"),
        vec![("SOPS_AGE_KEY_FILE", g.join("key2.txt"))],
    ));
    cases.push((
        g.join("multi_recipient.enc.yaml"),
        vec![],
        g.join("multi_recipient.dec.yaml"),
        vec![("SOPS_AGE_SSH_PRIVATE_KEY_FILE", g.join("ssh_ed25519"))],
    ));
    cases.push((
        g.join("ssh_only.enc.yaml"),
        vec![],
        g.join("ssh_only.dec.yaml"),
        vec![("SOPS_AGE_SSH_PRIVATE_KEY_FILE", g.join("ssh_ed25519"))],
    ));
    let keys13 = home.join("keys13.txt");
    let k13 = format!(
        "{}{}",
        std::fs::read_to_string(g.join("key1.txt")).unwrap(),
        std::fs::read_to_string(g.join("key3.txt")).unwrap()
    );
    std::fs::write(&keys13, k13).unwrap();
    cases.push((
        g.join("shamir_2of3.enc.yaml"),
        vec![],
        g.join("shamir_2of3.dec.yaml"),
        vec![("SOPS_AGE_KEY_FILE", keys13.clone())],
    ));
    let mut passed = 0;
    for (enc, flags, dec, env) in &cases {
        let mut args = vec!["secrets", "decrypt"];
        args.extend(flags.iter().copied());
        args.push(enc.to_str().unwrap());
        let env: Vec<(&str, &Path)> = env.iter().map(|(k, v)| (*k, v.as_path())).collect();
        let out = berth(&args, &env, &home);
        assert!(
            out.status.success(),
            "{}: {}",
            enc.display(),
            text(&out.stderr)
        );
        assert_eq!(
            text(&out.stdout),
            text(&std::fs::read(dec).unwrap()),
            "{}",
            enc.display()
        );
        passed += 1;
    }
    let hs = root.join("helm-secrets");
    let out = berth(
        &[
            "secrets",
            "decrypt",
            hs.join("secrets.pgp.yaml").to_str().unwrap(),
        ],
        &[("BERTH_PGP_KEY_FILE", &hs.join("private.gpg"))],
        &home,
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    // The shipped plaintext ends in a blank line that `sops decrypt` does not print.
    let want = text(&std::fs::read(hs.join("secrets.dec.yaml")).unwrap());
    assert_eq!(
        text(&out.stdout),
        want.trim_end_matches('\n').to_string() + "\n"
    );
    let out = berth(
        &[
            "secrets",
            "decrypt",
            hs.join("secrets.age.yaml").to_str().unwrap(),
        ],
        &[("SOPS_AGE_KEY_FILE", &hs.join("key.txt"))],
        &home,
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).starts_with("global_secret: global_age\n"));
    eprintln!(
        "{} shared vectors decrypted byte for byte, plus 2 helm-secrets files",
        passed
    );
}

#[test]
fn decryption_creates_no_file() {
    let work = scratch("nofile-work");
    let setup_home = scratch("nofile-setup");
    let enc = encrypt_into(&work, "plain.yaml", &setup_home);
    let home = scratch("nofile-home");
    let tmp = scratch("nofile-tmp");
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_berth"));
    cmd.args(["secrets", "decrypt", enc.to_str().unwrap()])
        .env_clear()
        .env("HOME", &home)
        .env("TMPDIR", &tmp)
        .env("SOPS_AGE_KEY_FILE", key());
    let out = cmd.output().unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("password: s3cr3t"));
    for dir in [&home, &tmp] {
        let left: Vec<_> = std::fs::read_dir(dir).unwrap().collect();
        assert!(left.is_empty(), "{} is not empty: {left:?}", dir.display());
    }
    let listing: Vec<_> = std::fs::read_dir(&work)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(listing.len(), 1, "{listing:?}");
}

#[test]
fn tampering_is_refused_naming_the_mac() {
    let work = scratch("tamper");
    let home = scratch("tamper-home");
    let enc = encrypt_into(&work, "plain.yaml", &home);
    let original = std::fs::read_to_string(&enc).unwrap();
    let ok = berth(
        &["secrets", "decrypt", enc.to_str().unwrap()],
        &[("SOPS_AGE_KEY_FILE", &key())],
        &home,
    );
    assert!(ok.status.success(), "{}", text(&ok.stderr));
    let value_line = original
        .lines()
        .find(|l| l.contains("password: ENC["))
        .unwrap()
        .to_string();
    let data_at = value_line.find("data:").unwrap() + 5;
    let mut altered_value = value_line.clone();
    let flipped = if &value_line[data_at..data_at + 1] == "A" {
        "B"
    } else {
        "A"
    };
    altered_value.replace_range(data_at..data_at + 1, flipped);
    let mac_line = original
        .lines()
        .find(|l| l.trim_start().starts_with("mac: ENC["))
        .unwrap()
        .to_string();
    let mac_at = mac_line.find("data:").unwrap() + 5;
    let mut altered_mac = mac_line.clone();
    let flipped = if &mac_line[mac_at..mac_at + 1] == "A" {
        "B"
    } else {
        "A"
    };
    altered_mac.replace_range(mac_at..mac_at + 1, flipped);
    for (what, tampered) in [
        ("value", original.replacen(&value_line, &altered_value, 1)),
        (
            "key",
            original.replacen("password: ENC[", "passw0rd: ENC[", 1),
        ),
        (
            "unencrypted value",
            original.replacen(
                "public_unencrypted: visible",
                "public_unencrypted: hidden",
                1,
            ),
        ),
        ("MAC", original.replacen(&mac_line, &altered_mac, 1)),
    ] {
        assert_ne!(tampered, original, "{what}");
        let f = work.join(format!("tampered-{}.yaml", what.replace(' ', "-")));
        std::fs::write(&f, tampered).unwrap();
        let out = berth(
            &["secrets", "decrypt", f.to_str().unwrap()],
            &[("SOPS_AGE_KEY_FILE", &key())],
            &home,
        );
        assert_ne!(out.status.code(), Some(0), "{what}");
        assert!(out.stdout.is_empty(), "{what}");
        assert!(
            text(&out.stderr).contains("MAC"),
            "{what}: {}",
            text(&out.stderr)
        );
    }
}

#[test]
fn a_wrong_key_lists_recipients_and_sources() {
    let work = scratch("wrongkey");
    let home = scratch("wrongkey-home");
    let enc = encrypt_into(&work, "plain.yaml", &home);
    let other = work.join("other.txt");
    std::fs::write(
        &other,
        "AGE-SECRET-KEY-1SNX9W7XGRZGQEGXHNLA7HS7GYHZ96HY0NP8E8893K22TSR77GRQQKZ3RAR\n",
    )
    .unwrap();
    let out = berth(
        &["secrets", "decrypt", enc.to_str().unwrap()],
        &[("SOPS_AGE_KEY_FILE", &other)],
        &home,
    );
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(err.contains(&format!("age {}", recipient())), "{err}");
    for source in [
        "SOPS_AGE_KEY: not set",
        "SOPS_AGE_KEY_FILE (",
        "SOPS_AGE_KEY_CMD: not set",
        "SOPS_AGE_SSH_PRIVATE_KEY_FILE: not set",
        ".ssh/id_ed25519: no such file",
        ".ssh/id_rsa: no such file",
        "sops/age/keys.txt: no such file",
    ] {
        assert!(err.contains(source), "missing {source:?} in {err}");
    }
}

#[test]
fn encryption_follows_sops_yaml_and_round_trips() {
    let home = scratch("rules-home");
    let data = testdata();
    let run = |args: &[&str], env: &[(&str, &Path)]| {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_berth"));
        cmd.args(args)
            .current_dir(&data)
            .env_clear()
            .env("HOME", &home);
        for (k, v) in env {
            cmd.env(k, v);
        }
        cmd.output().unwrap()
    };
    let out = run(&["secrets", "encrypt", "plain.regex.yaml"], &[]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let enc = text(&out.stdout);
    assert!(
        enc.contains("user: admin\n")
            && enc.contains("password: ENC[")
            && enc.contains("encrypted_regex: ^(password|token)$"),
        "{enc}"
    );
    let work = scratch("rules-work");
    for plain in ["plain.yaml", "plain.json", "plain.env", "plain.ini"] {
        let out = run(&["secrets", "encrypt", plain], &[]);
        assert!(out.status.success(), "{plain}: {}", text(&out.stderr));
        let f = work.join(plain);
        std::fs::write(&f, &out.stdout).unwrap();
        let once = berth(
            &["secrets", "decrypt", f.to_str().unwrap()],
            &[("SOPS_AGE_KEY_FILE", &key())],
            &home,
        );
        assert!(once.status.success(), "{plain}: {}", text(&once.stderr));
        assert!(
            text(&once.stdout).contains("s3cr3t") || plain == "plain.json",
            "{plain}"
        );
    }
}

#[test]
fn round_trips_with_the_real_sops() {
    let Some(sops) = real_sops() else { return };
    let work = scratch("roundtrip");
    let home = scratch("roundtrip-home");
    let sops_run = |args: &[&str]| {
        Command::new(&sops)
            .args(args)
            .env_clear()
            .env("HOME", &home)
            .env("SOPS_AGE_KEY_FILE", key())
            .output()
            .unwrap()
    };
    let mut checked = 0;
    for plain in ["plain.yaml", "plain.json", "plain.env", "plain.ini"] {
        let ext = Path::new(plain).extension().unwrap().to_str().unwrap();
        let by_berth = encrypt_into(&work, plain, &home);
        let ours = berth(
            &["secrets", "decrypt", by_berth.to_str().unwrap()],
            &[("SOPS_AGE_KEY_FILE", &key())],
            &home,
        );
        let theirs = sops_run(&["decrypt", by_berth.to_str().unwrap()]);
        assert!(
            theirs.status.success(),
            "sops cannot decrypt berth's {plain}: {}",
            text(&theirs.stderr)
        );
        assert_eq!(
            text(&ours.stdout),
            text(&theirs.stdout),
            "berth-encrypted {plain}"
        );
        let src = testdata().join(plain);
        let enc = sops_run(&["encrypt", "--age", &recipient(), src.to_str().unwrap()]);
        assert!(enc.status.success(), "{}", text(&enc.stderr));
        let by_sops = work.join(format!("sops.{ext}"));
        std::fs::write(&by_sops, &enc.stdout).unwrap();
        let ours = berth(
            &["secrets", "decrypt", by_sops.to_str().unwrap()],
            &[("SOPS_AGE_KEY_FILE", &key())],
            &home,
        );
        assert!(
            ours.status.success(),
            "berth cannot decrypt sops' {plain}: {}",
            text(&ours.stderr)
        );
        let theirs = sops_run(&["decrypt", by_sops.to_str().unwrap()]);
        assert_eq!(
            text(&ours.stdout),
            text(&theirs.stdout),
            "sops-encrypted {plain}"
        );
        checked += 1;
    }
    eprintln!("{checked} formats round-tripped with the real sops");
}

/// A vector: encrypted file, extra flags, expected plaintext, key environment.
type Case<'a> = (PathBuf, Vec<&'a str>, PathBuf, Vec<(&'a str, PathBuf)>);

fn edit_scratch_dirs() -> Vec<PathBuf> {
    let base = if Path::new("/dev/shm").is_dir() {
        PathBuf::from("/dev/shm")
    } else {
        std::env::temp_dir()
    };
    std::fs::read_dir(base)
        .map(|rd| {
            rd.filter_map(|e| e.ok())
                .map(|e| e.path())
                .filter(|p| {
                    p.file_name()
                        .is_some_and(|n| n.to_string_lossy().starts_with("berth-edit-"))
                })
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn edit_reencrypts_on_change_and_leaves_no_plaintext() {
    let work = scratch("edit");
    let home = scratch("edit-home");
    let enc = encrypt_into(&work, "plain.yaml", &home);
    let before_dirs = edit_scratch_dirs();
    let probe = work.join("probe.txt");
    let script = work.join("editor.sh");
    std::fs::write(&script, format!("stat -c '%a' \"$1\" \"$(dirname \"$1\")\" > {}\necho \"$1\" >> {}\nsed -i 's/s3cr3t/changed/' \"$1\"\n", probe.display(), probe.display())).unwrap();
    let editor = work.join("editor-cmd");
    std::fs::write(&editor, format!("sh {}", script.display())).unwrap();
    let editor_value = std::fs::read_to_string(&editor).unwrap();
    let out = berth(
        &["secrets", "edit", enc.to_str().unwrap()],
        &[
            ("SOPS_AGE_KEY_FILE", &key()),
            ("EDITOR", Path::new(&editor_value)),
        ],
        &home,
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let probe_text = std::fs::read_to_string(&probe).unwrap();
    let lines: Vec<&str> = probe_text.lines().collect();
    assert_eq!(&lines[..2], ["600", "700"], "{probe_text}");
    assert!(
        !Path::new(lines[2]).exists(),
        "plaintext left at {}",
        lines[2]
    );
    let dir = Path::new(lines[2]).parent().unwrap();
    assert!(!dir.exists(), "private directory left at {}", dir.display());
    assert!(edit_scratch_dirs()
        .iter()
        .all(|d| before_dirs.contains(d) || !d.starts_with(dir)));
    let dec = berth(
        &["secrets", "decrypt", enc.to_str().unwrap()],
        &[("SOPS_AGE_KEY_FILE", &key())],
        &home,
    );
    assert!(dec.status.success(), "{}", text(&dec.stderr));
    assert!(
        text(&dec.stdout).contains("password: changed"),
        "{}",
        text(&dec.stdout)
    );
    let unchanged = std::fs::read(&enc).unwrap();
    let out = berth(
        &["secrets", "edit", enc.to_str().unwrap()],
        &[("SOPS_AGE_KEY_FILE", &key()), ("EDITOR", Path::new("true"))],
        &home,
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(
        std::fs::read(&enc).unwrap(),
        unchanged,
        "an unchanged edit must leave the file untouched"
    );
}

#[test]
fn edit_removes_the_plaintext_when_killed() {
    let work = scratch("edit-kill");
    let home = scratch("edit-kill-home");
    let enc = encrypt_into(&work, "plain.yaml", &home);
    let original = std::fs::read(&enc).unwrap();
    let probe = work.join("probe.txt");
    let script = work.join("editor.sh");
    std::fs::write(
        &script,
        format!(
            "echo \"$1\" > {}\np=$PPID\nwhile [ \"$p\" -gt 1 ]; do\n  if [ \"$(cat /proc/$p/comm)\" = berth ]; then kill -TERM \"$p\"; break; fi\n  p=$(awk '{{print $4}}' /proc/$p/stat)\ndone\nsleep 2\n",
            probe.display()
        ),
    )
    .unwrap();
    let editor = format!("sh {}", script.display());
    let out = berth(
        &["secrets", "edit", enc.to_str().unwrap()],
        &[
            ("SOPS_AGE_KEY_FILE", &key()),
            ("EDITOR", Path::new(&editor)),
        ],
        &home,
    );
    assert_ne!(out.status.code(), Some(0));
    let path = std::fs::read_to_string(&probe).unwrap();
    let path = Path::new(path.trim());
    assert!(!path.exists(), "plaintext left at {}", path.display());
    assert!(
        !path.parent().unwrap().exists(),
        "private directory left at {}",
        path.parent().unwrap().display()
    );
    assert_eq!(std::fs::read(&enc).unwrap(), original);
}
