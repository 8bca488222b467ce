//! One running adapter process: JSON Lines on its stdin and stdout, a deadline on
//! every answer, and its stderr kept for messages.
//!
//! The adapter runs under `sh -c` in a process group of its own, so ending it ends
//! whatever it started too (`npx`, a wrapper script). It is ended by its own
//! group id, never by name.

use std::collections::VecDeque;
use std::io::{self, BufRead, BufReader, Read, Write};
use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

/// The longest line an adapter may print; anything longer is garbage.
const MAX_LINE: usize = 1 << 20;
/// How many stderr lines are kept for messages.
const STDERR_LINES: usize = 12;

/// Why an exchange with the adapter failed.
#[derive(Debug)]
pub enum Failure {
    /// No answer within the deadline.
    Timeout(Duration),
    /// The adapter closed stdout (usually: it exited).
    Closed(Option<ExitStatus>),
    /// A line longer than the limit, or not UTF-8.
    Garbage(String),
    /// Writing to the adapter or reading from it failed.
    Io(io::Error),
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Failure::Timeout(d) => write!(f, "no answer within {} s", d.as_secs_f64()),
            Failure::Closed(Some(status)) => write!(f, "the adapter exited ({status})"),
            Failure::Closed(None) => f.write_str("the adapter closed its stdout"),
            Failure::Garbage(what) => write!(f, "the adapter printed {what}"),
            Failure::Io(e) => write!(f, "talking to the adapter failed: {e}"),
        }
    }
}

/// A running adapter.
pub struct AdapterProcess {
    child: Child,
    stdin: Option<ChildStdin>,
    lines: Receiver<Result<String, String>>,
    stderr: Arc<Mutex<VecDeque<String>>>,
    stderr_reader: Option<thread::JoinHandle<()>>,
    /// Set once the adapter is reaped.
    status: Option<ExitStatus>,
}

impl AdapterProcess {
    /// Starts `command` with `sh -c`.
    pub fn spawn(command: &str) -> io::Result<AdapterProcess> {
        let mut cmd = Command::new("sh");
        cmd.arg("-c")
            .arg(command)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        #[cfg(unix)]
        {
            use std::os::unix::process::CommandExt as _;
            cmd.process_group(0);
        }
        let mut child = cmd.spawn()?;
        let stdin = child.stdin.take();
        let stdout = child.stdout.take();
        let stderr_pipe = child.stderr.take();
        let (tx, lines) = mpsc::channel();
        if let Some(stdout) = stdout {
            thread::spawn(move || read_lines(stdout, &tx));
        }
        let stderr = Arc::new(Mutex::new(VecDeque::new()));
        let stderr_reader = stderr_pipe.map(|pipe| {
            let keep = Arc::clone(&stderr);
            thread::spawn(move || {
                for line in BufReader::new(pipe).lines() {
                    let Ok(line) = line else { break };
                    if let Ok(mut kept) = keep.lock() {
                        if kept.len() == STDERR_LINES {
                            kept.pop_front();
                        }
                        kept.push_back(line);
                    }
                }
            })
        });
        Ok(AdapterProcess {
            child,
            stdin,
            lines,
            stderr,
            stderr_reader,
            status: None,
        })
    }

    /// Writes one line (a newline is added) and flushes.
    pub fn send(&mut self, line: &str) -> Result<(), Failure> {
        let stdin = self
            .stdin
            .as_mut()
            .ok_or_else(|| Failure::Io(io::Error::other("stdin is closed")))?;
        stdin
            .write_all(line.as_bytes())
            .and_then(|()| stdin.write_all(b"\n"))
            .and_then(|()| stdin.flush())
            .map_err(|e| match e.kind() {
                io::ErrorKind::BrokenPipe => Failure::Closed(self.exit_status()),
                _ => Failure::Io(e),
            })
    }

    /// The next line, waiting at most `timeout`.
    pub fn receive(&mut self, timeout: Duration) -> Result<String, Failure> {
        match self.lines.recv_timeout(timeout) {
            Ok(Ok(line)) => Ok(line),
            Ok(Err(garbage)) => Err(Failure::Garbage(garbage)),
            Err(RecvTimeoutError::Timeout) => Err(Failure::Timeout(timeout)),
            Err(RecvTimeoutError::Disconnected) => Err(Failure::Closed(self.exit_status())),
        }
    }

    /// The exit status of a process that is going away, waiting a moment for it.
    ///
    /// The process is ended (its group too) and reaped; the status is returned only
    /// when it exited on its own within the moment.
    fn exit_status(&mut self) -> Option<ExitStatus> {
        let exited = (0..20).any(|_| {
            let gone = self.exited();
            if !gone {
                thread::sleep(Duration::from_millis(10));
            }
            gone
        });
        let status = self.end();
        status.filter(|_| exited)
    }

    /// Whether the adapter has exited, without reaping it: until it is reaped its
    /// pid (which is also its group's id) cannot be reused, so signalling the group
    /// stays safe.
    fn exited(&self) -> bool {
        if self.status.is_some() {
            return true;
        }
        #[cfg(unix)]
        {
            let pid: libc::id_t = self.child.id();
            // SAFETY: waitid(2) writes into the zeroed siginfo_t we own; WNOWAIT
            // leaves the child waitable, WNOHANG returns at once.
            unsafe {
                let mut info: libc::siginfo_t = std::mem::zeroed();
                let r = libc::waitid(
                    libc::P_PID,
                    pid,
                    &mut info,
                    libc::WEXITED | libc::WNOHANG | libc::WNOWAIT,
                );
                r == 0 && info.si_pid() != 0
            }
        }
        #[cfg(not(unix))]
        {
            false
        }
    }

    /// Ends the process group (the adapter and whatever it started), then reaps
    /// the adapter. Signalling comes first, while the unreaped adapter still holds
    /// the group's id. Returns the exit status (kept for later calls).
    fn end(&mut self) -> Option<ExitStatus> {
        if self.status.is_none() {
            #[cfg(unix)]
            if let Ok(pid) = libc::pid_t::try_from(self.child.id()) {
                // SAFETY: kill(2) with a negative pid signals the process group the
                // child leads (spawned with process_group(0)); the child is not yet
                // reaped, so no other process can hold that id. No memory is touched.
                unsafe {
                    libc::kill(-pid, libc::SIGKILL);
                }
            }
            let _ = self.child.kill();
            self.status = self.child.wait().ok();
        }
        self.status
    }

    /// The last lines the adapter wrote to stderr, joined. When the adapter has
    /// exited, its last words are waited for a moment.
    pub fn stderr_tail(&mut self) -> String {
        if self.exited() {
            for _ in 0..20 {
                if self.stderr_reader.as_ref().is_none_or(|t| t.is_finished()) {
                    break;
                }
                thread::sleep(Duration::from_millis(5));
            }
        }
        self.stderr
            .lock()
            .map(|kept| kept.iter().cloned().collect::<Vec<_>>().join("\n"))
            .unwrap_or_default()
    }

    /// Asks the adapter to stop (`line`), waits up to `grace`, then ends it.
    pub fn stop(mut self, line: &str, grace: Duration) {
        if self.send(line).is_ok() {
            self.stdin = None; // EOF too, for adapters that stop at the end of input
            let step = Duration::from_millis(10);
            let mut waited = Duration::ZERO;
            while waited < grace {
                if self.exited() {
                    break;
                }
                thread::sleep(step);
                waited += step;
            }
        }
        // Drop ends the group and reaps the child.
    }
}

impl Drop for AdapterProcess {
    fn drop(&mut self) {
        self.stdin = None;
        self.end();
    }
}

/// Reads `\n`-terminated lines of at most [`MAX_LINE`] bytes into `tx` until EOF,
/// an error, or a line that is too long or not UTF-8 (sent as `Err`, then stop).
fn read_lines(stdout: impl Read, tx: &mpsc::Sender<Result<String, String>>) {
    let mut reader = BufReader::new(stdout);
    loop {
        let mut line = Vec::new();
        let read = (&mut reader)
            .take(MAX_LINE as u64 + 1)
            .read_until(b'\n', &mut line);
        match read {
            Ok(0) | Err(_) => return,
            Ok(_) => {}
        }
        if line.last() != Some(&b'\n') && line.len() > MAX_LINE {
            let _ = tx.send(Err(format!("a line longer than {MAX_LINE} bytes")));
            return;
        }
        while matches!(line.last(), Some(b'\n' | b'\r')) {
            line.pop();
        }
        let sent = match String::from_utf8(line) {
            Ok(text) => tx.send(Ok(text)),
            Err(_) => {
                let _ = tx.send(Err("a line that is not UTF-8".into()));
                return;
            }
        };
        if sent.is_err() {
            return;
        }
    }
}
