//! `berth secrets decrypt|encrypt|edit`: SOPS files handled in memory. Decrypt
//! prints what `sops decrypt` prints and never creates a file; encrypt follows
//! `.sops.yaml` creation rules; edit holds the plaintext only in a 0600 file in
//! a private 0700 directory on a memory-backed filesystem, removed on every exit
//! path (signals included), and re-encrypts with a fresh MAC on change.

use std::ffi::CString;
use std::fs;
use std::io::Write;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicPtr, Ordering};

use sops::encrypt::Recipients;
use sops::{Error, Format, KeySources};
use zeroize::Zeroizing;

use crate::cli::{SecretsCommand, SecretsEncryptArgs, SecretsFileArgs, SecretsIoArgs};

pub fn run(cmd: &SecretsCommand) -> Result<(), String> {
    match cmd {
        SecretsCommand::Decrypt(args) => decrypt(args),
        SecretsCommand::Encrypt(args) => encrypt(args),
        SecretsCommand::Edit(args) => edit(args),
    }
}

fn formats(args: &SecretsIoArgs) -> (Format, Format) {
    let input = args
        .input_type
        .as_deref()
        .and_then(Format::from_name)
        .unwrap_or_else(|| Format::from_path(&args.file));
    let output = args
        .output_type
        .as_deref()
        .and_then(Format::from_name)
        .unwrap_or(input);
    (input, output)
}

fn read(path: &Path) -> Result<Vec<u8>, String> {
    fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))
}

/// Renders a library error for humans, naming the file.
fn human(path: &Path, e: Error) -> String {
    let p = path.display();
    match e {
        Error::MetadataNotFound => {
            format!("{p}: sops metadata not found: the file is not encrypted")
        }
        Error::NoKey(f) => format!("{p}: {f}"),
        other => format!("{p}: {other}"),
    }
}

fn stdout(bytes: &[u8]) -> Result<(), String> {
    let mut out = std::io::stdout().lock();
    out.write_all(bytes)
        .and_then(|()| out.flush())
        .map_err(|e| format!("cannot write output: {e}"))
}

fn decrypt(args: &SecretsIoArgs) -> Result<(), String> {
    let (input, output) = formats(args);
    let bytes = read(&args.file)?;
    let keys = KeySources::discover();
    let plain =
        sops::decrypt_to_bytes(&bytes, input, output, &keys).map_err(|e| human(&args.file, e))?;
    stdout(&plain)
}

fn encrypt(args: &SecretsEncryptArgs) -> Result<(), String> {
    let (input, output) = formats(&args.io);
    let file = &args.io.file;
    let plain = Zeroizing::new(read(file)?);
    let recipients = match &args.age {
        Some(list) => Recipients {
            groups: vec![list
                .split(',')
                .map(str::trim)
                .filter(|r| !r.is_empty())
                .map(String::from)
                .collect()],
            ..Recipients::default()
        },
        None => {
            let config = sops::rules::find_config(file).ok_or_else(|| {
                format!("{}: no .sops.yaml found (searched upward from the working directory and from the file); pass --age", file.display())
            })?;
            sops::rules::creation_rule(&config, file).map_err(|e| human(&config, e))?
        }
    };
    let out =
        sops::encrypt_bytes(&plain, input, output, &recipients).map_err(|e| human(file, e))?;
    stdout(&out)
}

/// The paths the signal handler removes: a NUL-terminated file path and
/// directory path, leaked for the life of the process.
static CLEANUP_FILE: AtomicPtr<libc::c_char> = AtomicPtr::new(std::ptr::null_mut());
static CLEANUP_DIR: AtomicPtr<libc::c_char> = AtomicPtr::new(std::ptr::null_mut());

extern "C" fn on_signal(sig: libc::c_int) {
    let file = CLEANUP_FILE.load(Ordering::SeqCst);
    let dir = CLEANUP_DIR.load(Ordering::SeqCst);
    // SAFETY: unlink, rmdir and _exit are async-signal-safe; the pointers are
    // null or point to leaked NUL-terminated strings that are never freed.
    unsafe {
        if !file.is_null() {
            libc::unlink(file);
        }
        if !dir.is_null() {
            libc::rmdir(dir);
        }
        libc::_exit(128 + sig);
    }
}

fn leak(path: &Path) -> *mut libc::c_char {
    match CString::new(path.as_os_str().as_bytes()) {
        Ok(c) => c.into_raw(),
        Err(_) => std::ptr::null_mut(),
    }
}

/// The private directory holding the plaintext while the editor runs; removed
/// with its content when dropped, and by the signal handler on SIGINT, SIGTERM,
/// SIGHUP and SIGQUIT.
struct Scratch {
    dir: PathBuf,
    file: PathBuf,
}

impl Scratch {
    fn create(name: &str, plain: &[u8]) -> Result<Scratch, String> {
        let shm = Path::new("/dev/shm");
        let base = if shm.is_dir() {
            shm.to_path_buf()
        } else {
            eprintln!("warning: no memory-backed filesystem (/dev/shm); the plaintext is held in {} while you edit", std::env::temp_dir().display());
            std::env::temp_dir()
        };
        let mut dir = None;
        for attempt in 0..16u32 {
            let candidate = base.join(format!(
                "berth-edit-{}-{attempt}-{}",
                std::process::id(),
                random_suffix()
            ));
            match fs::DirBuilder::new().mode(0o700).create(&candidate) {
                Ok(()) => {
                    dir = Some(candidate);
                    break;
                }
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
                Err(e) => {
                    return Err(format!(
                        "cannot create a private directory in {}: {e}",
                        base.display()
                    ))
                }
            }
        }
        let dir =
            dir.ok_or_else(|| format!("cannot create a private directory in {}", base.display()))?;
        let scratch = Scratch {
            file: dir.join(name),
            dir,
        };
        CLEANUP_DIR.store(leak(&scratch.dir), Ordering::SeqCst);
        CLEANUP_FILE.store(leak(&scratch.file), Ordering::SeqCst);
        install_handlers();
        let mut f = fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(&scratch.file)
            .map_err(|e| format!("cannot create {}: {e}", scratch.file.display()))?;
        f.write_all(plain)
            .and_then(|()| f.sync_all())
            .map_err(|e| format!("cannot write {}: {e}", scratch.file.display()))?;
        Ok(scratch)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        if let Ok(meta) = fs::metadata(&self.file) {
            if let Ok(mut f) = fs::OpenOptions::new().write(true).open(&self.file) {
                let _ = f.write_all(&vec![0u8; meta.len() as usize]);
                let _ = f.sync_all();
            }
        }
        let _ = fs::remove_file(&self.file);
        let _ = fs::remove_dir_all(&self.dir);
        CLEANUP_FILE.store(std::ptr::null_mut(), Ordering::SeqCst);
        CLEANUP_DIR.store(std::ptr::null_mut(), Ordering::SeqCst);
    }
}

fn random_suffix() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    format!("{nanos:08x}")
}

fn install_handlers() {
    let handler: extern "C" fn(libc::c_int) = on_signal;
    for sig in [libc::SIGINT, libc::SIGTERM, libc::SIGHUP, libc::SIGQUIT] {
        // SAFETY: installs a handler that only calls async-signal-safe functions.
        unsafe {
            libc::signal(sig, handler as libc::sighandler_t);
        }
    }
}

fn editor_command(path: &Path) -> Command {
    let editor = std::env::var("EDITOR")
        .ok()
        .filter(|e| !e.trim().is_empty());
    let mut cmd = Command::new("sh");
    match editor {
        Some(e) => cmd.arg("-c").arg(format!("{e} \"$1\"")).arg("sh").arg(path),
        None => cmd.arg("-c").arg("for e in vim nano vi; do command -v \"$e\" >/dev/null && exec \"$e\" \"$1\"; done; echo 'no $EDITOR and no vim, nano or vi' >&2; exit 127").arg("sh").arg(path),
    };
    cmd
}

fn edit(args: &SecretsFileArgs) -> Result<(), String> {
    let path = &args.file;
    let format = Format::from_path(path);
    let bytes = read(path)?;
    let keys = KeySources::discover();
    let original = sops::decrypt(&bytes, format, &keys).map_err(|e| human(path, e))?;
    let plain = Zeroizing::new(
        sops::stores::emit_plain(format, &original.branches.0).map_err(|e| human(path, e))?,
    );
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "secret".into());
    let scratch = Scratch::create(&name, &plain)?;
    let status = editor_command(&scratch.file)
        .status()
        .map_err(|e| format!("cannot run the editor: {e}"))?;
    if !status.success() {
        return Err(format!(
            "the editor exited with {status}; {} left unchanged",
            path.display()
        ));
    }
    let edited = Zeroizing::new(
        fs::read(&scratch.file)
            .map_err(|e| format!("cannot read back the edited plaintext: {e}"))?,
    );
    drop(scratch);
    if *edited == *plain {
        eprintln!("File has not changed, exiting.");
        return Ok(());
    }
    let out = sops::reencrypt(&edited, format, &original).map_err(|e| {
        format!(
            "{}: the edited plaintext is invalid, file left unchanged: {e}",
            path.display()
        )
    })?;
    let tmp = path.with_file_name(format!(".{name}.berth-{}", std::process::id()));
    let mode = fs::metadata(path)
        .map(|m| std::os::unix::fs::PermissionsExt::mode(&m.permissions()))
        .unwrap_or(0o600);
    let write = || -> std::io::Result<()> {
        let mut f = fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(mode)
            .open(&tmp)?;
        f.write_all(&out)?;
        f.sync_all()?;
        fs::rename(&tmp, path)
    };
    write().map_err(|e| {
        let _ = fs::remove_file(&tmp);
        format!("cannot write {}: {e}", path.display())
    })
}
