//! One running adapter process: JSON Lines on its stdin and stdout, a deadline on
//! every exchange, and a bounded tail of its stderr kept for messages.
//!
//! The adapter command runs under `sh`, inside a small wrapper script (see
//! [`wrapper`]), in a process group of its own:
//!
//! * the wrapper shell hands the command its stdin and stdout and keeps no copy of
//!   either, so an adapter that closes stdout or exits is seen at once as the end of
//!   the pipe;
//! * the wrapper lives exactly as long as the command, so its exit is the adapter's
//!   exit (even when something the adapter started still holds the pipe), and a
//!   SIGTERM sent to the group can be waited out;
//! * ending the group ends whatever the adapter started too (`npx`, a wrapper
//!   script). The group is signalled by its id, never by name, and only while the
//!   wrapper (its leader, our child) is not yet reaped, so the id cannot have passed
//!   to anyone else.
//!
//! Every read is bounded: an answer line may be [`MAX_LINE`] bytes, stderr is
//! drained continuously into its last [`STDERR_LINES`] lines, of which at most
//! [`STDERR_LINE`] bytes each are kept, and at most one unread answer waits in
//! memory.

use std::collections::VecDeque;
use std::io::{self, BufRead, BufReader, Read, Write};
use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, SyncSender};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

/// The longest answer line an adapter may print (16 MiB, the newline not counted).
/// A longer line is an error for the case and the adapter is restarted.
pub const MAX_LINE: usize = 16 << 20;
/// How many of the adapter's last stderr lines are kept for messages.
pub const STDERR_LINES: usize = 12;
/// How much of one stderr line is kept (4 KiB: its first and last 2 KiB); the
/// bytes between are counted, not kept.
pub const STDERR_LINE: usize = 4 << 10;
/// How often a wait looks at the interrupt flag and at whether the adapter exited.
pub const POLL: Duration = Duration::from_millis(100);
/// How long an answer written just before the adapter exited may take to arrive.
const DRAIN: Duration = Duration::from_millis(200);
/// The size of each read from the adapter's pipes.
const CHUNK: usize = 64 << 10;

/// Why an exchange with the adapter failed.
#[derive(Debug)]
pub enum Failure {
    /// No answer within the deadline.
    Timeout(Duration),
    /// The adapter closed stdout or exited (with its status, when it exited on its own).
    Closed(Option<ExitStatus>),
    /// A line longer than [`MAX_LINE`], or not UTF-8.
    Garbage(String),
    /// Writing to the adapter or reading from it failed.
    Io(io::Error),
    /// The interrupt flag was set while waiting.
    Interrupted,
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Failure::Timeout(d) => write!(f, "no answer within {} s", d.as_secs_f64()),
            Failure::Closed(Some(status)) => write!(f, "the adapter exited ({status})"),
            Failure::Closed(None) => f.write_str("the adapter closed its stdout"),
            Failure::Garbage(what) => write!(f, "the adapter printed {what}"),
            Failure::Io(e) => write!(f, "talking to the adapter failed: {e}"),
            Failure::Interrupted => f.write_str(&interrupt_reason()),
        }
    }
}

/// The script `sh -c` runs around the adapter command.
///
/// Line by line: SIGTERM only interrupts the wrapper's `wait` (the command gets the
/// default action back, as every subshell does); stdin is saved on fd 9, because an
/// asynchronous list would otherwise get `/dev/null`; the command runs as an
/// asynchronous list with that stdin and the wrapper's stdout; the wrapper then
/// closes its own stdin and stdout, and waits for the command, again after a
/// SIGTERM, exiting with the command's status. A simple command (the usual
/// `node adapter.mjs`) is executed directly in the subshell's process (dash and
/// bash both do), so no shell is left holding its stdout.
pub fn wrapper(command: &str) -> String {
    format!(
        "trap : TERM\n\
         exec 9<&0\n\
         ( {command}\n\
         ) <&9 9<&- &\n\
         exec 0<&- 1>&- 9<&-\n\
         while :; do wait $!; s=$?; [ $s -gt 128 ] && kill -0 $! 2>/dev/null || exit $s; done\n"
    )
}

/// A running adapter.
pub struct AdapterProcess {
    child: Child,
    stdin: Option<ChildStdin>,
    lines: Receiver<Result<String, String>>,
    stderr: Arc<Mutex<StderrTail>>,
    stderr_reader: Option<thread::JoinHandle<()>>,
    /// Tells the reader threads to stop once the pipes fall silent.
    closing: Arc<AtomicBool>,
    /// Set once the adapter is reaped.
    status: Option<ExitStatus>,
}

impl AdapterProcess {
    /// Starts `command` with `sh` (see [`wrapper`]) in a process group of its own.
    pub fn spawn(command: &str) -> io::Result<AdapterProcess> {
        let mut cmd = Command::new("sh");
        cmd.arg("-c")
            .arg(wrapper(command))
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
        let closing = Arc::new(AtomicBool::new(false));
        let stderr = Arc::new(Mutex::new(StderrTail::default()));
        let (tx, lines) = mpsc::sync_channel(1);
        // From here on, `process` ends the group if a reader cannot be started.
        let mut process = AdapterProcess {
            child,
            stdin,
            lines,
            stderr: Arc::clone(&stderr),
            stderr_reader: None,
            closing: Arc::clone(&closing),
            status: None,
        };
        #[cfg(unix)]
        if let Some(stdin) = &process.stdin {
            // Writes then never block for longer than a poll: an adapter that stops
            // reading cannot hold the runner past its deadline.
            set_nonblocking(stdin)?;
        }
        if let Some(stdout) = stdout {
            let pipe = Stoppable::new(stdout, Arc::clone(&closing));
            thread::Builder::new()
                .name("adapter-stdout".into())
                .spawn(move || read_lines(pipe, &tx))?;
        }
        if let Some(pipe) = stderr_pipe {
            let pipe = Stoppable::new(pipe, closing);
            process.stderr_reader = Some(
                thread::Builder::new()
                    .name("adapter-stderr".into())
                    .spawn(move || read_stderr(pipe, &stderr))?,
            );
        }
        Ok(process)
    }

    /// The process id of the wrapper shell, which is also the id of the adapter's
    /// process group.
    pub fn id(&self) -> u32 {
        self.child.id()
    }

    /// Writes one line (a newline is added), waiting at most `timeout` for the
    /// adapter to take it and returning early when `interrupt` is set.
    pub fn send(
        &mut self,
        line: &str,
        timeout: Duration,
        interrupt: Option<&AtomicBool>,
    ) -> Result<(), Failure> {
        let stdin = self
            .stdin
            .as_mut()
            .ok_or_else(|| Failure::Io(io::Error::other("stdin is closed")))?;
        let mut data = Vec::with_capacity(line.len() + 1);
        data.extend_from_slice(line.as_bytes());
        data.push(b'\n');
        match write_by(stdin, &data, Instant::now() + timeout, timeout, interrupt) {
            Err(Failure::Io(e)) if e.kind() == io::ErrorKind::BrokenPipe => {
                Err(Failure::Closed(self.exit_status()))
            }
            other => other,
        }
    }

    /// The next line, waiting at most `timeout` and returning early when
    /// `interrupt` is set, the adapter closes stdout, or the adapter exits.
    pub fn receive(
        &mut self,
        timeout: Duration,
        interrupt: Option<&AtomicBool>,
    ) -> Result<String, Failure> {
        let deadline = Instant::now() + timeout;
        // When the adapter exited: a line it wrote just before may still be on its way.
        let mut exited_at: Option<Instant> = None;
        loop {
            if is_set(interrupt) {
                return Err(Failure::Interrupted);
            }
            let until = exited_at.map_or(deadline, |at| deadline.min(at + DRAIN));
            let now = Instant::now();
            if now >= until {
                return Err(match exited_at {
                    Some(_) => Failure::Closed(self.exit_status()),
                    None => Failure::Timeout(timeout),
                });
            }
            match self.lines.recv_timeout((until - now).min(POLL)) {
                Ok(Ok(line)) => return Ok(line),
                Ok(Err(garbage)) => return Err(Failure::Garbage(garbage)),
                Err(RecvTimeoutError::Disconnected) => {
                    return Err(Failure::Closed(self.exit_status()))
                }
                Err(RecvTimeoutError::Timeout) => {
                    if exited_at.is_none() && self.exited() {
                        exited_at = Some(Instant::now());
                    }
                }
            }
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
        let status = self.end(Duration::ZERO);
        status.filter(|_| exited)
    }

    /// Whether the adapter has exited, without reaping it: until it is reaped its
    /// pid (which is also its group's id) cannot be reused, so signalling the group
    /// stays safe.
    fn exited(&mut self) -> bool {
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
            self.status = self.child.try_wait().ok().flatten();
            self.status.is_some()
        }
    }

    /// Signals the adapter's process group, while its leader is unreaped.
    #[cfg(unix)]
    fn signal_group(&self, signal: libc::c_int) {
        if self.status.is_some() {
            return;
        }
        if let Ok(pid) = libc::pid_t::try_from(self.child.id()) {
            // SAFETY: kill(2) with a negative pid signals the process group the
            // child leads (spawned with process_group(0)); the child is not yet
            // reaped, so no other process can hold that id. No memory is touched.
            unsafe {
                libc::kill(-pid, signal);
            }
        }
    }

    /// Ends the process group (the adapter and whatever it started), then reaps
    /// the adapter. With a `grace`, the group gets SIGTERM first and the adapter up
    /// to `grace` to exit; then SIGKILL. Signalling comes first, while the unreaped
    /// adapter still holds the group's id. Returns the exit status (kept for later
    /// calls).
    fn end(&mut self, grace: Duration) -> Option<ExitStatus> {
        if self.status.is_none() {
            self.stdin = None;
            #[cfg(unix)]
            {
                if !grace.is_zero() && !self.exited() {
                    self.signal_group(libc::SIGTERM);
                    let deadline = Instant::now() + grace;
                    while !self.exited() && Instant::now() < deadline {
                        thread::sleep(Duration::from_millis(10));
                    }
                }
                self.signal_group(libc::SIGKILL);
            }
            let _ = self.child.kill();
            self.status = self.child.wait().ok();
            self.closing.store(true, Ordering::SeqCst);
        }
        self.status
    }

    /// Ends the process group as [`AdapterProcess::end`] does with a grace: SIGTERM,
    /// up to `grace` for the adapter to exit, then SIGKILL.
    pub fn terminate(mut self, grace: Duration) {
        self.end(grace);
    }

    /// The last lines the adapter wrote to stderr, joined (a line still being
    /// written included). When the adapter has exited, its last words are waited
    /// for a moment.
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
            .map(|tail| tail.render())
            .unwrap_or_default()
    }

    /// Asks the adapter to stop (`line`), waits up to `grace`, then ends it.
    pub fn stop(mut self, line: &str, grace: Duration) {
        if self.send(line, grace, None).is_ok() {
            self.stdin = None; // EOF too, for adapters that stop at the end of input
            let deadline = Instant::now() + grace;
            while !self.exited() && Instant::now() < deadline {
                thread::sleep(Duration::from_millis(10));
            }
        }
        // Drop ends the group and reaps the child.
    }
}

impl Drop for AdapterProcess {
    fn drop(&mut self) {
        self.end(Duration::ZERO);
    }
}

fn is_set(flag: Option<&AtomicBool>) -> bool {
    flag.is_some_and(|f| f.load(Ordering::SeqCst))
}

/// Writes all of `data` by `deadline`, waiting for the pipe in slices of [`POLL`].
fn write_by(
    stdin: &mut ChildStdin,
    data: &[u8],
    deadline: Instant,
    timeout: Duration,
    interrupt: Option<&AtomicBool>,
) -> Result<(), Failure> {
    let mut rest = data;
    while !rest.is_empty() {
        match stdin.write(rest) {
            Ok(0) => return Err(Failure::Io(io::ErrorKind::WriteZero.into())),
            Ok(n) => rest = rest.get(n..).unwrap_or_default(),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                if is_set(interrupt) {
                    return Err(Failure::Interrupted);
                }
                let now = Instant::now();
                if now >= deadline {
                    return Err(Failure::Timeout(timeout));
                }
                #[cfg(unix)]
                {
                    use std::os::fd::AsRawFd as _;
                    // Ready or not, the loop writes again and looks at the clock.
                    let _ = wait_for(stdin.as_raw_fd(), libc::POLLOUT, (deadline - now).min(POLL));
                }
            }
            Err(e) => return Err(Failure::Io(e)),
        }
    }
    Ok(())
}

#[cfg(unix)]
fn set_nonblocking(stdin: &ChildStdin) -> io::Result<()> {
    use std::os::fd::AsRawFd as _;
    let fd = stdin.as_raw_fd();
    // SAFETY: fcntl(2) on a descriptor we own; F_GETFL and F_SETFL touch no memory.
    unsafe {
        let flags = libc::fcntl(fd, libc::F_GETFL);
        if flags < 0 || libc::fcntl(fd, libc::F_SETFL, flags | libc::O_NONBLOCK) < 0 {
            return Err(io::Error::last_os_error());
        }
    }
    Ok(())
}

/// Waits up to `timeout` for `events` on `fd`; true when something happened
/// (including the other end going away).
#[cfg(unix)]
fn wait_for(fd: std::os::fd::RawFd, events: libc::c_short, timeout: Duration) -> io::Result<bool> {
    let mut poll = libc::pollfd {
        fd,
        events,
        revents: 0,
    };
    let millis = libc::c_int::try_from(timeout.as_millis()).unwrap_or(libc::c_int::MAX);
    // SAFETY: poll(2) on one pollfd we own, for at most `millis`.
    let r = unsafe { libc::poll(&mut poll, 1, millis) };
    if r < 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(r > 0)
}

/// A pipe whose reads end (as end of file) once `closing` is set and the pipe
/// has been silent for [`POLL`] or `closing` was set [`POLL`] ago: a reader thread
/// then stops even when a process outside the group still holds the other end.
struct Stoppable<R> {
    pipe: R,
    closing: Arc<AtomicBool>,
    stop_at: Option<Instant>,
}

impl<R> Stoppable<R> {
    fn new(pipe: R, closing: Arc<AtomicBool>) -> Self {
        Stoppable {
            pipe,
            closing,
            stop_at: None,
        }
    }

    fn stopping(&mut self) -> bool {
        if self.stop_at.is_none() && self.closing.load(Ordering::SeqCst) {
            self.stop_at = Some(Instant::now() + POLL);
        }
        self.stop_at.is_some_and(|at| Instant::now() >= at)
    }
}

#[cfg(unix)]
impl<R: Read + std::os::fd::AsRawFd> Read for Stoppable<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        loop {
            if self.stopping() {
                return Ok(0);
            }
            match wait_for(self.pipe.as_raw_fd(), libc::POLLIN, POLL) {
                Ok(true) => return self.pipe.read(buf),
                Ok(false) if self.closing.load(Ordering::SeqCst) => return Ok(0),
                Ok(false) => {}
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
    }
}

#[cfg(not(unix))]
impl<R: Read> Read for Stoppable<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.stopping() {
            return Ok(0);
        }
        self.pipe.read(buf)
    }
}

/// Reads `\n`-terminated lines of at most [`MAX_LINE`] bytes into `tx` until end
/// of file, an error, or a line that is too long or not UTF-8 (sent as `Err`,
/// then stop). `tx` holds one line: a reader ahead of the runner waits, and the
/// adapter then waits on a full pipe, so memory stays bounded.
fn read_lines(stdout: impl Read, tx: &SyncSender<Result<String, String>>) {
    let mut reader = BufReader::with_capacity(CHUNK, stdout);
    loop {
        let mut line = Vec::new();
        let read = (&mut reader)
            .take(MAX_LINE as u64 + 1)
            .read_until(b'\n', &mut line);
        match read {
            Ok(0) | Err(_) => return,
            Ok(_) => {}
        }
        if line.last() == Some(&b'\n') {
            line.pop();
        } else if line.len() > MAX_LINE {
            let _ = tx.send(Err(format!("an answer line over {MAX_LINE} bytes")));
            return;
        }
        // (A last line without a newline, ended by end of file, is taken as it is.)
        if line.last() == Some(&b'\r') {
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

/// Drains stderr into `tail` until end of file, whatever the adapter writes.
fn read_stderr(mut stderr: impl Read, tail: &Mutex<StderrTail>) {
    let mut chunk = vec![0; CHUNK];
    loop {
        let n = match stderr.read(&mut chunk) {
            Ok(0) => return,
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(_) => return,
        };
        if let Ok(mut tail) = tail.lock() {
            tail.push(chunk.get(..n).unwrap_or_default());
        }
    }
}

/// The last [`STDERR_LINES`] lines of stderr, and the line being written. Of a
/// line over [`STDERR_LINE`] bytes, its first and last halves of that are kept and
/// the bytes between are counted.
#[derive(Debug, Default)]
struct StderrTail {
    lines: VecDeque<Vec<u8>>,
    /// The start of the line being written.
    head: Vec<u8>,
    /// Its end, once `head` is full.
    end: VecDeque<u8>,
    /// Bytes between `head` and `end` that were not kept.
    cut: usize,
}

impl StderrTail {
    const HALF: usize = STDERR_LINE / 2;

    fn push(&mut self, mut bytes: &[u8]) {
        while !bytes.is_empty() {
            // `skip_until` finds the newline as fast as `read_until`, without a copy.
            let mut scan = bytes;
            let len = scan.skip_until(b'\n').unwrap_or(bytes.len());
            let (piece, rest) = bytes.split_at(len.min(bytes.len()));
            bytes = rest;
            let (text, ended) = match piece.split_last() {
                Some((b'\n', text)) => (text, true),
                _ => (piece, false),
            };
            self.keep(text);
            if ended {
                let line = self.current();
                self.head.clear();
                self.end.clear();
                self.cut = 0;
                if self.lines.len() == STDERR_LINES {
                    self.lines.pop_front();
                }
                self.lines.push_back(line);
            }
        }
    }

    /// Adds text without a newline to the line being written.
    fn keep(&mut self, text: &[u8]) {
        let room = Self::HALF.saturating_sub(self.head.len());
        let (start, rest) = text.split_at(room.min(text.len()));
        self.head.extend_from_slice(start);
        if rest.len() >= Self::HALF {
            self.cut += self.end.len() + rest.len() - Self::HALF;
            self.end.clear();
            self.end
                .extend(rest.get(rest.len() - Self::HALF..).unwrap_or_default());
        } else {
            let over = (self.end.len() + rest.len()).saturating_sub(Self::HALF);
            self.end.drain(..over);
            self.cut += over;
            self.end.extend(rest);
        }
    }

    /// The line being written, as it would be kept.
    fn current(&self) -> Vec<u8> {
        let mut line = self.head.clone();
        if self.cut > 0 {
            line.extend_from_slice(format!(" [… {} bytes …] ", self.cut).as_bytes());
        }
        line.extend(self.end.iter());
        if line.last() == Some(&b'\r') {
            line.pop();
        }
        line
    }

    fn render(&self) -> String {
        let mut lines: Vec<String> = self
            .lines
            .iter()
            .map(|l| String::from_utf8_lossy(l).into_owned())
            .collect();
        if !self.head.is_empty() {
            lines.push(String::from_utf8_lossy(&self.current()).into_owned());
        }
        lines.join("\n")
    }
}

/// The flag SIGINT and SIGTERM set, and which of them did, once installed.
type Installed = (Arc<AtomicBool>, Arc<std::sync::atomic::AtomicUsize>);
static INSTALLED: Mutex<Option<Installed>> = Mutex::new(None);

/// A flag that SIGINT and SIGTERM set, for
/// [`Options::interrupt`](crate::Options::interrupt): the run then ends promptly,
/// the adapter's group is ended and the report says `interrupted (SIGINT)` or
/// `interrupted (SIGTERM)`.
///
/// The handlers (signal-hook) are installed once per process; later calls return the
/// same flag. A second signal, once the flag is set, ends the process the usual way.
pub fn interrupt_on_signals() -> io::Result<Arc<AtomicBool>> {
    let mut installed = INSTALLED
        .lock()
        .map_err(|_| io::Error::other("the interrupt flag's lock is poisoned"))?;
    if let Some((flag, _)) = installed.as_ref() {
        return Ok(Arc::clone(flag));
    }
    let flag = Arc::new(AtomicBool::new(false));
    let which = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    #[cfg(unix)]
    for signal in [signal_hook::consts::SIGINT, signal_hook::consts::SIGTERM] {
        // Actions run in the order registered: a signal that finds the flag already set
        // takes the default action (the process ends); otherwise it records itself and
        // sets the flag.
        signal_hook::flag::register_conditional_default(signal, Arc::clone(&flag))?;
        let number = usize::try_from(signal).unwrap_or_default();
        signal_hook::flag::register_usize(signal, Arc::clone(&which), number)?;
        signal_hook::flag::register(signal, Arc::clone(&flag))?;
    }
    *installed = Some((Arc::clone(&flag), which));
    Ok(flag)
}

/// What an interrupted run reports: `interrupted (SIGTERM)` or `interrupted
/// (SIGINT)` when a signal set the flag of [`interrupt_on_signals`], else
/// `interrupted`.
pub fn interrupt_reason() -> String {
    let which = INSTALLED
        .lock()
        .ok()
        .and_then(|i| i.as_ref().map(|(_, w)| w.load(Ordering::SeqCst)));
    #[cfg(unix)]
    {
        let is = |s: i32| usize::try_from(s).ok() == which;
        if is(signal_hook::consts::SIGINT) {
            return "interrupted (SIGINT)".into();
        }
        if is(signal_hook::consts::SIGTERM) {
            return "interrupted (SIGTERM)".into();
        }
    }
    let _ = which;
    "interrupted".into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_stderr_tail_keeps_the_last_lines_each_cut() {
        let mut tail = StderrTail::default();
        for i in 0..100 {
            tail.push(format!("line {i}\n").as_bytes());
        }
        tail.push(&vec![b'x'; 3 * STDERR_LINE]);
        tail.push(&vec![b'x'; 3 * STDERR_LINE]);
        tail.push(b"the end");
        let shown = tail.render();
        let lines: Vec<&str> = shown.lines().collect();
        assert_eq!(lines.len(), STDERR_LINES + 1);
        assert_eq!(lines[0], format!("line {}", 100 - STDERR_LINES));
        let cut = 5 * STDERR_LINE + "the end".len();
        assert!(lines[STDERR_LINES].contains(&format!(" [… {cut} bytes …] ")));
        assert!(lines[STDERR_LINES].ends_with("xxthe end"));
        tail.push(b"\r\nlast");
        let shown = tail.render();
        assert!(shown.ends_with("xxthe end\nlast"), "{shown}");
        assert_eq!(tail.lines.len(), STDERR_LINES);
        assert!(tail.lines.iter().all(|l| l.len() < STDERR_LINE + 64));
        // A line of up to the cap is kept whole.
        let mut tail = StderrTail::default();
        let line: Vec<u8> = (0..STDERR_LINE).map(|i| b'a' + (i % 26) as u8).collect();
        tail.push(&line[..100]);
        tail.push(&line[100..]);
        tail.push(b"\n");
        assert_eq!(tail.render().as_bytes(), &line[..]);
    }

    #[test]
    fn lines_over_the_cap_are_garbage_and_end_the_reader() {
        let (tx, rx) = mpsc::sync_channel(4);
        let mut input = b"{\"seq\":1}\r\n".to_vec();
        input.extend(std::iter::repeat_n(b'x', MAX_LINE + 1));
        input.extend_from_slice(b"\n{\"seq\":2}\n");
        read_lines(&input[..], &tx);
        drop(tx);
        let got: Vec<_> = rx.iter().collect();
        assert_eq!(
            got,
            vec![
                Ok("{\"seq\":1}".to_owned()),
                Err(format!("an answer line over {MAX_LINE} bytes"))
            ]
        );
        // A line of exactly the cap is an answer.
        let (tx, rx) = mpsc::sync_channel(4);
        let mut input = vec![b'y'; MAX_LINE];
        input.push(b'\n');
        read_lines(&input[..], &tx);
        drop(tx);
        assert!(matches!(rx.recv(), Ok(Ok(line)) if line.len() == MAX_LINE));
    }
}
