//! Owns key discovery as sops 3.10+ does it, every source merged: ssh keys
//! (SOPS_AGE_SSH_PRIVATE_KEY_FILE, ~/.ssh/id_ed25519, ~/.ssh/id_rsa),
//! SOPS_AGE_KEY, SOPS_AGE_KEY_FILE, SOPS_AGE_KEY_CMD and the user's
//! `sops/age/keys.txt`; PGP secret keys from BERTH_PGP_KEY_FILE and the GnuPG
//! secret keyring. Also recovers a file's data key from its key groups and,
//! when nothing opens it, reports every recipient and every source tried.

use std::ffi::OsString;
use std::fmt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use zeroize::Zeroizing;

use crate::keys::age::{self, AgeIdentity};
use crate::keys::pgp::{self, PgpKeyring};
use crate::keys::shamir;
use crate::metadata::{KeyGroup, Metadata};

/// One place keys were looked for, and what was found there.
#[derive(Clone, Debug)]
pub struct SourceReport {
    pub location: String,
    pub outcome: String,
}

/// Every identity discovered, with a report of each source.
#[derive(Default)]
pub struct KeySources {
    pub age: Vec<AgeIdentity>,
    pub pgp: Vec<PgpKeyring>,
    pub reports: Vec<SourceReport>,
}

/// Reads environment variables; the process environment in production.
pub type Env<'a> = &'a dyn Fn(&str) -> Option<OsString>;

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

impl KeySources {
    /// Discovers keys from the process environment and the user's files.
    pub fn discover() -> KeySources {
        KeySources::discover_with(&|name| std::env::var_os(name))
    }

    /// Discovers keys with the given environment (tests pass their own).
    pub fn discover_with(env: Env) -> KeySources {
        let mut ks = KeySources::default();
        let home = env("HOME").filter(|h| !h.is_empty()).map(PathBuf::from);
        match env("SOPS_AGE_SSH_PRIVATE_KEY_FILE") {
            Some(p) => ks.ssh_file("SOPS_AGE_SSH_PRIVATE_KEY_FILE", Path::new(&p), true),
            None => ks.report("SOPS_AGE_SSH_PRIVATE_KEY_FILE", "not set"),
        }
        match &home {
            Some(h) => {
                ks.ssh_file("", &h.join(".ssh").join("id_ed25519"), false);
                ks.ssh_file("", &h.join(".ssh").join("id_rsa"), false);
            }
            None => ks.report("~/.ssh", "HOME is not set"),
        }
        match env("SOPS_AGE_KEY") {
            Some(v) => {
                let text = Zeroizing::new(v.to_string_lossy().into_owned());
                ks.age_text("SOPS_AGE_KEY", &text);
            }
            None => ks.report("SOPS_AGE_KEY", "not set"),
        }
        match env("SOPS_AGE_KEY_FILE") {
            Some(p) => {
                let label = format!("SOPS_AGE_KEY_FILE ({})", Path::new(&p).display());
                match std::fs::read(&p) {
                    Ok(bytes) => ks.age_text(
                        &label,
                        &Zeroizing::new(String::from_utf8_lossy(&bytes).into_owned()),
                    ),
                    Err(e) => ks.report(&label, &format!("failed to open: {e}")),
                }
            }
            None => ks.report("SOPS_AGE_KEY_FILE", "not set"),
        }
        match env("SOPS_AGE_KEY_CMD") {
            Some(cmd) => ks.age_cmd(&cmd.to_string_lossy()),
            None => ks.report("SOPS_AGE_KEY_CMD", "not set"),
        }
        let config = env("XDG_CONFIG_HOME")
            .filter(|x| !x.is_empty())
            .map(PathBuf::from)
            .or_else(|| home.as_ref().map(|h| h.join(".config")));
        match config {
            Some(dir) => {
                let path = dir.join("sops").join("age").join("keys.txt");
                let label = path.display().to_string();
                match std::fs::read(&path) {
                    Ok(bytes) => ks.age_text(
                        &label,
                        &Zeroizing::new(String::from_utf8_lossy(&bytes).into_owned()),
                    ),
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                        ks.report(&label, "no such file")
                    }
                    Err(e) => ks.report(&label, &format!("failed to open: {e}")),
                }
            }
            None => ks.report(
                "sops/age/keys.txt",
                "user config directory could not be determined",
            ),
        }
        match env("BERTH_PGP_KEY_FILE") {
            Some(p) => ks.pgp_file(
                &format!("BERTH_PGP_KEY_FILE ({})", Path::new(&p).display()),
                Path::new(&p),
                true,
            ),
            None => ks.report("BERTH_PGP_KEY_FILE", "not set"),
        }
        let gnupg = env("GNUPGHOME")
            .filter(|g| !g.is_empty())
            .map(PathBuf::from)
            .or_else(|| home.map(|h| h.join(".gnupg")));
        if let Some(dir) = gnupg {
            let ring = dir.join("secring.gpg");
            ks.pgp_file(&ring.display().to_string(), &ring, false);
        }
        ks
    }

    fn report(&mut self, location: &str, outcome: &str) {
        self.reports.push(SourceReport {
            location: location.to_string(),
            outcome: outcome.to_string(),
        });
    }

    fn ssh_file(&mut self, var: &str, path: &Path, required: bool) {
        let label = if var.is_empty() {
            path.display().to_string()
        } else {
            format!("{var} ({})", path.display())
        };
        match std::fs::read(path) {
            Ok(bytes) => {
                let bytes = Zeroizing::new(bytes);
                match age::parse_ssh_identity(&label, &bytes) {
                    Ok(id) => {
                        self.age.push(id);
                        self.report(&label, "1 SSH identity");
                    }
                    Err(e) => self.report(&label, &e),
                }
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && !required => {
                self.report(&label, "no such file")
            }
            Err(e) => self.report(&label, &format!("failed to open: {e}")),
        }
    }

    fn age_text(&mut self, label: &str, text: &str) {
        let trimmed = text.trim_start();
        if trimmed.starts_with("age-encryption") || trimmed.starts_with("-----BEGIN AGE") {
            self.report(
                label,
                "passphrase-protected identity files are not supported",
            );
            return;
        }
        match age::parse_identities(label, text) {
            Ok(ids) => {
                let n = ids.len();
                self.age.extend(ids);
                self.report(
                    label,
                    &if n == 0 {
                        "no age identities".to_string()
                    } else {
                        plural(n, "age identity", "age identities")
                    },
                );
            }
            Err(e) => self.report(label, &format!("failed to parse age identities: {e}")),
        }
    }

    fn age_cmd(&mut self, cmd: &str) {
        let label = format!("SOPS_AGE_KEY_CMD ({cmd})");
        let Some(args) = shell_split(cmd).filter(|a| !a.is_empty()) else {
            self.report(&label, "failed to parse the command");
            return;
        };
        let out = Command::new(&args[0])
            .args(&args[1..])
            .stdin(Stdio::null())
            .stderr(Stdio::inherit())
            .output();
        match out {
            Ok(o) if o.status.success() => {
                let text = Zeroizing::new(String::from_utf8_lossy(&o.stdout).into_owned());
                let mut stdout = o.stdout;
                zeroize::Zeroize::zeroize(&mut stdout);
                self.age_text(&label, &text);
            }
            Ok(o) => self.report(&label, &format!("failed to execute: {}", o.status)),
            Err(e) => self.report(&label, &format!("failed to execute: {e}")),
        }
    }

    fn pgp_file(&mut self, label: &str, path: &Path, required: bool) {
        match std::fs::read(path) {
            Ok(bytes) => match pgp::parse_keyring(label, &Zeroizing::new(bytes)) {
                Ok(ring) => {
                    let n = ring.keys.len();
                    self.pgp.push(ring);
                    self.report(label, &plural(n, "PGP secret key", "PGP secret keys"));
                }
                Err(e) => self.report(label, &e),
            },
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && !required => {
                self.report(label, "no such file")
            }
            Err(e) => self.report(label, &format!("failed to open: {e}")),
        }
    }

    /// Recovers the data key of a file: one part per key group, recombined with
    /// Shamir when there are several groups.
    pub fn data_key(&self, meta: &Metadata) -> Result<Zeroizing<Vec<u8>>, DataKeyFailure> {
        let mut parts = Vec::new();
        let mut groups = Vec::new();
        for group in &meta.key_groups {
            match self.open_group(group) {
                Ok(part) => {
                    parts.push(part);
                    groups.push(GroupResult {
                        opened: true,
                        keys: Vec::new(),
                    });
                }
                Err(keys) => groups.push(GroupResult {
                    opened: false,
                    keys,
                }),
            }
        }
        let fail = |reason: Option<String>| DataKeyFailure {
            groups: groups.clone(),
            threshold: meta.shamir_threshold,
            sources: self.reports.clone(),
            reason,
        };
        if meta.key_groups.len() > 1 {
            if parts.len() < meta.shamir_threshold.max(1) || parts.len() < 2 {
                return Err(fail(None));
            }
            return shamir::combine(&parts).map_err(|e| {
                fail(Some(format!(
                    "could not get data key from shamir parts: {e}"
                )))
            });
        }
        parts.pop().ok_or_else(|| fail(None))
    }

    fn open_group(&self, group: &KeyGroup) -> Result<Zeroizing<Vec<u8>>, Vec<(String, String)>> {
        let mut errors = Vec::new();
        for key in &group.age {
            let name = format!("age {}", key.recipient);
            if self.age.is_empty() {
                errors.push((name, "no age identity was found in any key source".into()));
                continue;
            }
            match age::unwrap(&key.enc, &self.age) {
                Ok(part) => return Ok(part),
                Err(e) => errors.push((
                    name,
                    format!(
                        "{e} (tried {})",
                        plural(self.age.len(), "identity", "identities")
                    ),
                )),
            }
        }
        for key in &group.pgp {
            let name = format!("pgp {}", key.fingerprint);
            if self.pgp.iter().all(|r| r.keys.is_empty()) {
                errors.push((name, "no PGP secret key was found in any key source".into()));
                continue;
            }
            match pgp::unwrap(&key.enc, &self.pgp) {
                Ok(part) => return Ok(part),
                Err(e) => errors.push((name, e)),
            }
        }
        for key in &group.foreign {
            errors.push((
                format!("{} {}", key.kind, key.name()),
                "cloud key services are not supported by berth".into(),
            ));
        }
        Err(errors)
    }
}

/// What happened to one key group.
#[derive(Clone, Debug)]
pub struct GroupResult {
    pub opened: bool,
    /// Each key of a group that was not opened, with why it failed.
    pub keys: Vec<(String, String)>,
}

/// No key opened the data key: every recipient and every source tried.
#[derive(Clone, Debug)]
pub struct DataKeyFailure {
    pub groups: Vec<GroupResult>,
    pub threshold: usize,
    pub sources: Vec<SourceReport>,
    pub reason: Option<String>,
}

impl fmt::Display for DataKeyFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(r) = &self.reason {
            return write!(f, "{r}");
        }
        write!(f, "no key could open the data key of this file")?;
        let n = self.groups.len();
        if n > 1 {
            let opened = self.groups.iter().filter(|g| g.opened).count();
            write!(
                f,
                " ({opened} of {n} key groups opened, {} needed)",
                self.threshold.max(2)
            )?;
        }
        write!(f, "\nrecipients:")?;
        for (i, g) in self.groups.iter().enumerate() {
            if n > 1 {
                write!(
                    f,
                    "\n  key group {}: {}",
                    i + 1,
                    if g.opened { "opened" } else { "not opened" }
                )?;
            }
            for (key, why) in &g.keys {
                write!(f, "\n  {}{key}: {why}", if n > 1 { "  " } else { "" })?;
            }
        }
        write!(f, "\nkey sources tried:")?;
        for s in &self.sources {
            write!(f, "\n  {}: {}", s.location, s.outcome)?;
        }
        Ok(())
    }
}

/// Splits a command line as a POSIX shell would for words and quotes.
fn shell_split(s: &str) -> Option<Vec<String>> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut in_word = false;
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                in_word = true;
                loop {
                    match chars.next()? {
                        '\'' => break,
                        c => cur.push(c),
                    }
                }
            }
            '"' => {
                in_word = true;
                loop {
                    match chars.next()? {
                        '"' => break,
                        '\\' => cur.push(chars.next()?),
                        c => cur.push(c),
                    }
                }
            }
            '\\' => {
                in_word = true;
                cur.push(chars.next()?);
            }
            c if c.is_whitespace() => {
                if in_word {
                    out.push(std::mem::take(&mut cur));
                    in_word = false;
                }
            }
            c => {
                in_word = true;
                cur.push(c);
            }
        }
    }
    if in_word {
        out.push(cur);
    }
    Some(out)
}
