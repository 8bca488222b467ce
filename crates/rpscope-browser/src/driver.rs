//! What every browser driver offers, and the processes and files a run owns.

use crate::ceremony::PageOutcome;
use crate::plan::Plan;
use crate::server::Server;
use std::fmt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command};
use std::time::{Duration, Instant};

/// Why a case produced no page outcome.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// The browser will not load the caller's page at all (a restricted port, a URL its
    /// own parser refuses): the case is skipped with this reason.
    NotNavigable(String),
    /// The oracle failed (timeout, crash, unreadable answer): an error.
    Broken(String),
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Failure::NotNavigable(why) | Failure::Broken(why) => f.write_str(why),
        }
    }
}

/// A running browser the oracle drives.
pub trait BrowserDriver {
    /// Which browser this is: its profile and its measurement file follow from it.
    fn browser(&self) -> rpscope_model::Browser;
    /// The browser's version, e.g. `156.0.8078.79`.
    fn version(&self) -> &str;
    /// Loads the plan's page and runs the ceremony there.
    fn run(&mut self, plan: &Plan, server: &mut Server) -> Result<PageOutcome, Failure>;
}

/// A started process, ended by its own id when dropped (after the driver's graceful
/// shutdown had its chance).
#[derive(Debug)]
pub struct OwnedChild {
    what: &'static str,
    child: Child,
}

impl OwnedChild {
    /// Starts `command`.
    pub fn spawn(what: &'static str, command: &mut Command) -> Result<OwnedChild, String> {
        let child = command
            .spawn()
            .map_err(|e| format!("cannot start {what} ({:?}): {e}", command.get_program()))?;
        Ok(OwnedChild { what, child })
    }

    /// The process id.
    pub fn id(&self) -> u32 {
        self.child.id()
    }

    /// Whether it has exited (and how), without waiting.
    pub fn exited(&mut self) -> Option<String> {
        match self.child.try_wait() {
            Ok(Some(status)) => Some(format!("{} exited: {status}", self.what)),
            Ok(None) => None,
            Err(e) => Some(format!("{}: {e}", self.what)),
        }
    }

    /// Waits up to `grace` for it to exit, then kills it (this process only, by its id)
    /// and reaps it.
    pub fn end(&mut self, grace: Duration) {
        let deadline = Instant::now() + grace;
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for OwnedChild {
    fn drop(&mut self) {
        self.end(Duration::ZERO);
    }
}

/// Finds a program: the environment variable when set, else the first candidate that
/// exists (absolute paths as given, bare names on `PATH`).
pub fn find_program(env_var: &str, candidates: &[&str]) -> Option<PathBuf> {
    if let Some(path) = std::env::var_os(env_var).filter(|p| !p.is_empty()) {
        return Some(PathBuf::from(path));
    }
    let path_dirs: Vec<PathBuf> = std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).collect())
        .unwrap_or_default();
    for candidate in candidates {
        let c = Path::new(candidate);
        if c.is_absolute() {
            if c.is_file() {
                return Some(c.to_path_buf());
            }
            continue;
        }
        for dir in &path_dirs {
            let full = dir.join(c);
            if full.is_file() {
                return Some(full);
            }
        }
    }
    None
}

/// Runs `program args…` to completion and returns its stdout, for version probes and
/// `certutil`.
pub fn run_tool(program: &Path, args: &[&str], env: &[(&str, &Path)]) -> Result<String, String> {
    let mut command = Command::new(program);
    command.args(args);
    for (k, v) in env {
        command.env(k, v);
    }
    let output = command
        .output()
        .map_err(|e| format!("cannot run {}: {e}", program.display()))?;
    if !output.status.success() {
        return Err(format!(
            "{} {} failed ({}): {}",
            program.display(),
            args.join(" "),
            output.status,
            String::from_utf8_lossy(&output.stderr).trim()
        ));
    }
    Ok(String::from_utf8_lossy(&output.stdout).into_owned())
}

/// Imports the run's CA into an NSS database (`certutil` from Debian's `libnss3-tools`),
/// creating the database when `create` is set.
pub fn trust_in_nss_db(
    certutil: &Path,
    db_dir: &Path,
    ca_pem_file: &Path,
    create: bool,
) -> Result<(), String> {
    std::fs::create_dir_all(db_dir)
        .map_err(|e| format!("cannot create {}: {e}", db_dir.display()))?;
    let db = format!("sql:{}", db_dir.display());
    if create {
        run_tool(certutil, &["-N", "-d", &db, "--empty-password"], &[])?;
    }
    let ca = ca_pem_file.display().to_string();
    run_tool(
        certutil,
        &[
            "-A",
            "-d",
            &db,
            "-n",
            "rpscope-oracle-ca",
            "-t",
            "C,,",
            "-a",
            "-i",
            &ca,
        ],
        &[],
    )?;
    Ok(())
}

/// The directory a browser run owns: everything the browser writes goes below it
/// (its `HOME`, profile and `TMPDIR`), with the run's CA certificate beside them.
/// Removed when dropped.
pub struct RunDir {
    dir: tempfile::TempDir,
    /// `HOME` for the browser and its helpers.
    pub home: PathBuf,
    /// The browser profile (`--user-data-dir`, `-profile`).
    pub profile: PathBuf,
    /// `TMPDIR`.
    pub tmp: PathBuf,
    /// The run's CA certificate (PEM), for the NSS database.
    pub ca_file: PathBuf,
}

impl RunDir {
    /// Creates the directory (named `prefix…`) and writes `server`'s CA into it.
    pub fn create(prefix: &str, server: &Server) -> Result<RunDir, String> {
        let dir = tempfile::Builder::new()
            .prefix(prefix)
            .tempdir()
            .map_err(|e| format!("cannot create the run directory: {e}"))?;
        let home = dir.path().join("home");
        let profile = dir.path().join("profile");
        let tmp = dir.path().join("tmp");
        for d in [&home, &profile, &tmp] {
            std::fs::create_dir_all(d)
                .map_err(|e| format!("cannot create {}: {e}", d.display()))?;
        }
        let ca_file = dir.path().join("ca.pem");
        std::fs::write(&ca_file, server.ca_pem())
            .map_err(|e| format!("cannot write {}: {e}", ca_file.display()))?;
        Ok(RunDir {
            dir,
            home,
            profile,
            tmp,
            ca_file,
        })
    }

    /// The directory itself.
    pub fn path(&self) -> &Path {
        self.dir.path()
    }
}

impl fmt::Debug for RunDir {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RunDir")
            .field("path", &self.path())
            .finish()
    }
}
