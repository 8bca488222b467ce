//! Reading the files users name, never more than a documented cap.
//!
//! Every file input of the command line goes through [`read_bytes`] or
//! [`read_text`] with its [`Cap`], or through [`read_prefix`] where a client
//! itself stops reading (a related-origins body under a profile with a size cap).
//! `-` is standard input. A regular file over its cap is refused before it is
//! read; anything else (a pipe, `/dev/zero`) is read up to the cap and no
//! further, so memory stays bounded whatever the input.

use crate::CliError;
use std::fmt;
use std::io::{self, BufRead, Read};
use std::path::Path;

/// What a file is for, and the most rpscope reads of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cap {
    /// What the file is, for messages (`a --psl file`).
    pub what: &'static str,
    /// The most bytes read.
    pub max_bytes: u64,
}

const MIB: u64 = 1 << 20;

/// `--psl FILE`: 16 MiB (the list is about 250 KB).
pub const PSL: Cap = Cap {
    what: "a --psl file",
    max_bytes: 16 * MIB,
};

/// `--well-known FILE` (check, lint) under a profile without a body cap: 16 MiB.
/// Under a profile with one (Chromium: 256 KiB) only that cap and one byte are
/// read, as the browser stops reading there ([`read_prefix`]).
pub const WELL_KNOWN: Cap = Cap {
    what: "a --well-known file",
    max_bytes: 16 * MIB,
};

/// `--policy FILE` and `lint FILE`: 4 MiB (100,000 origin patterns fit).
pub const POLICY: Cap = Cap {
    what: "a policy or lint configuration file",
    max_bytes: 4 * MIB,
};

/// `--known-divergences FILE`: 4 MiB.
pub const KNOWN_DIVERGENCES: Cap = Cap {
    what: "a --known-divergences file",
    max_bytes: 4 * MIB,
};

/// `corpus import-psl-tests FILE`: 4 MiB (test_psl.txt is about 8 KB).
pub const PSL_TESTS: Cap = Cap {
    what: "a test_psl.txt file",
    max_bytes: 4 * MIB,
};

/// `matrix --adapters FILE` and `browser --annotations FILE`: 4 MiB.
pub const MANIFEST: Cap = Cap {
    what: "an adapter manifest or annotations file",
    max_bytes: 4 * MIB,
};

/// A byte count as people read it: `16 MiB`, `256 KiB`, `1000 bytes`.
pub struct Size(pub u64);

impl fmt::Display for Size {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            n if n >= MIB && n % MIB == 0 => write!(f, "{} MiB", n / MIB),
            n if n >= 1024 && n % 1024 == 0 => write!(f, "{} KiB", n / 1024),
            n => write!(f, "{n} bytes"),
        }
    }
}

/// Opens a file, or standard input for `-`, with the file name in the error.
pub fn open(path: &Path) -> Result<Box<dyn BufRead>, CliError> {
    if path == Path::new("-") {
        return Ok(Box::new(io::stdin().lock()));
    }
    let file = std::fs::File::open(path)
        .map_err(|e| CliError::new(format!("cannot open {}: {e}", path.display())))?;
    Ok(Box::new(io::BufReader::with_capacity(1 << 16, file)))
}

/// What [`read_prefix`] read.
#[derive(Debug)]
pub struct Prefix {
    /// The bytes, at most the limit.
    pub bytes: Vec<u8>,
    /// The file has more bytes than were read.
    pub truncated: bool,
    /// The file's size when it is a regular file.
    pub size: Option<u64>,
}

/// Reads at most `limit` bytes of a file (`-`: standard input), and whether
/// there was more.
pub fn read_prefix(path: &Path, limit: u64) -> Result<Prefix, CliError> {
    let cannot = |e: io::Error| CliError::new(format!("cannot read {}: {e}", path.display()));
    let size = regular_file_size(path);
    let limit = usize::try_from(limit).unwrap_or(usize::MAX);
    let hint = size.map_or(0, |s| usize::try_from(s).unwrap_or(usize::MAX));
    let (bytes, truncated) = read_up_to(open(path)?, limit, hint).map_err(cannot)?;
    Ok(Prefix {
        bytes,
        truncated,
        size,
    })
}

/// Reads a whole file (`-`: standard input), refusing one over `cap` with a
/// message naming the file and the cap.
pub fn read_bytes(path: &Path, cap: &Cap) -> Result<Vec<u8>, CliError> {
    if regular_file_size(path).is_some_and(|size| size > cap.max_bytes) {
        return Err(over(path, cap));
    }
    let prefix = read_prefix(path, cap.max_bytes)?;
    if prefix.truncated {
        return Err(over(path, cap));
    }
    Ok(prefix.bytes)
}

/// [`read_bytes`], as UTF-8 text.
pub fn read_text(path: &Path, cap: &Cap) -> Result<String, CliError> {
    String::from_utf8(read_bytes(path, cap)?)
        .map_err(|e| CliError::new(format!("{} is not UTF-8 text: {e}", path.display())))
}

fn over(path: &Path, cap: &Cap) -> CliError {
    CliError::new(format!(
        "{} is larger than {} ({} bytes), the limit for {}",
        path.display(),
        Size(cap.max_bytes),
        cap.max_bytes,
        cap.what
    ))
}

fn regular_file_size(path: &Path) -> Option<u64> {
    if path == Path::new("-") {
        return None;
    }
    std::fs::metadata(path)
        .ok()
        .filter(|m| m.is_file())
        .map(|m| m.len())
}

/// Reads at most `limit` bytes, then one more to tell whether there was more.
/// The buffer never grows past `limit` (no doubling beyond it).
fn read_up_to(mut reader: impl Read, limit: usize, hint: usize) -> io::Result<(Vec<u8>, bool)> {
    let mut bytes = Vec::with_capacity(hint.min(limit));
    let mut chunk = vec![0; 1 << 16];
    loop {
        let room = limit - bytes.len();
        // With no room left, one byte says whether the input goes on.
        let want = chunk.len().min(room.max(1));
        let n = match reader.read(&mut chunk[..want]) {
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if n == 0 {
            return Ok((bytes, false));
        }
        if room == 0 {
            return Ok((bytes, true));
        }
        if bytes.capacity() - bytes.len() < n {
            bytes.reserve_exact(bytes.capacity().max(n).min(room));
        }
        bytes.extend_from_slice(&chunk[..n]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Endless zeros, as from `/dev/zero`.
    struct Zeros;
    impl Read for Zeros {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            buf.fill(0);
            Ok(buf.len())
        }
    }

    #[test]
    fn reads_up_to_the_limit_and_says_whether_there_was_more() {
        let (bytes, more) = read_up_to(&b"abcdef"[..], 6, 0).unwrap();
        assert_eq!((bytes.as_slice(), more), (&b"abcdef"[..], false));
        let (bytes, more) = read_up_to(&b"abcdefg"[..], 6, 0).unwrap();
        assert_eq!((bytes.as_slice(), more), (&b"abcdef"[..], true));
        let (bytes, more) = read_up_to(&b""[..], 0, 0).unwrap();
        assert_eq!((bytes.len(), more), (0, false));
        let (bytes, more) = read_up_to(&b"x"[..], 0, 0).unwrap();
        assert_eq!((bytes.len(), more), (0, true));
    }

    #[test]
    fn endless_input_stops_at_the_limit_without_growing_past_it() {
        let limit = 3 * (1 << 16) + 5;
        let (bytes, more) = read_up_to(Zeros, limit, 0).unwrap();
        assert!(more);
        assert_eq!(bytes.len(), limit);
        assert!(bytes.capacity() <= limit, "capacity {}", bytes.capacity());
    }

    fn temp(name: &str, bytes: &[u8]) -> std::path::PathBuf {
        let path =
            std::env::temp_dir().join(format!("rpscope-input-{}-{name}", std::process::id()));
        std::fs::write(&path, bytes).unwrap();
        path
    }

    #[test]
    fn a_file_over_its_cap_is_refused_naming_file_and_cap() {
        let cap = Cap {
            what: "a test file",
            max_bytes: 4,
        };
        let ok = temp("ok", b"abcd");
        assert_eq!(read_bytes(&ok, &cap).unwrap(), b"abcd");
        assert_eq!(read_text(&ok, &cap).unwrap(), "abcd");
        let big = temp("big", b"abcde");
        let err = read_bytes(&big, &cap).unwrap_err().to_string();
        assert!(
            err.contains(&big.display().to_string())
                && err.contains("larger than 4 bytes")
                && err.contains("a test file"),
            "{err}"
        );
        let not_utf8 = temp("latin1", b"\xe9t\xe9");
        assert!(read_text(&not_utf8, &cap)
            .unwrap_err()
            .to_string()
            .contains("is not UTF-8"));
        let prefix = read_prefix(&big, 2).unwrap();
        assert_eq!(
            (prefix.bytes.as_slice(), prefix.truncated, prefix.size),
            (&b"ab"[..], true, Some(5))
        );
        for p in [ok, big, not_utf8] {
            std::fs::remove_file(p).ok();
        }
        let missing = read_bytes(Path::new("/nonexistent/rpscope"), &cap).unwrap_err();
        assert!(missing
            .to_string()
            .starts_with("cannot open /nonexistent/rpscope"));
    }

    #[test]
    fn sizes_read_as_people_write_them() {
        assert_eq!(Size(16 << 20).to_string(), "16 MiB");
        assert_eq!(Size(256 << 10).to_string(), "256 KiB");
        assert_eq!(Size(1000).to_string(), "1000 bytes");
        assert_eq!(Size((1 << 20) + 1).to_string(), "1048577 bytes");
    }
}
