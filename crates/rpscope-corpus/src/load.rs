//! Loading the corpus: the embedded copy, or a directory laid out like `corpus/`.
//!
//! A corpus loads only when every file parses, every case id is unique and starts
//! with its file's topic (`dots.toml` holds `dots::…`), and every client-side case
//! gives an outcome for every profile. Errors name the file, the line and the case.
//! A directory is read within bounds: [`MAX_FILE_BYTES`] per file,
//! [`MAX_TOTAL_BYTES`] in all.

use crate::case::{AnyCase, ClientCase, ServerCase, TopicFile};
use rpscope_model::{Browser, Measurement, MeasurementFile};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::fmt;
use std::io::Read;
use std::path::{Path, PathBuf};

/// The largest file of a corpus directory that is read: 4 MiB (the largest topic
/// file is under 100 KB).
pub const MAX_FILE_BYTES: u64 = 4 << 20;

/// The most a corpus directory is read in all: 32 MiB.
pub const MAX_TOTAL_BYTES: u64 = 32 << 20;

pub(crate) mod embedded {
    include!(concat!(env!("OUT_DIR"), "/embedded.rs"));
}

/// A loaded corpus: the flag registry and every topic, sorted by name.
#[derive(Debug, Clone)]
pub struct Corpus {
    /// Flag name → description, from `flags.toml`.
    pub flags: BTreeMap<String, String>,
    /// The topics, sorted by name.
    pub topics: Vec<Topic>,
    /// What real browsers decided, per browser (`measured/<browser>.toml`).
    pub measured: BTreeMap<Browser, MeasurementFile>,
}

/// One topic file.
#[derive(Debug, Clone)]
pub struct Topic {
    /// The file stem, which every case id starts with.
    pub name: String,
    /// Where it was read from, for messages.
    pub origin: String,
    /// The parsed file.
    pub file: TopicFile,
}

/// A file that could not be read or parsed, or a case the corpus cannot hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadError {
    /// The file.
    pub file: String,
    /// The line, from 1, where the file has one to point at.
    pub line: Option<usize>,
    /// The case id, when the problem is in a case that has one.
    pub case: Option<String>,
    /// What is wrong.
    pub message: String,
}

impl LoadError {
    fn file(file: impl Into<String>, message: impl Into<String>) -> LoadError {
        LoadError {
            file: file.into(),
            line: None,
            case: None,
            message: message.into(),
        }
    }
}

impl fmt::Display for LoadError {
    /// `corpus/cases/dots.toml:12: case `dots::x`: what is wrong`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.file)?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        if let Some(case) = &self.case {
            write!(f, ": case `{case}`")?;
        }
        write!(f, ": {}", self.message)
    }
}

/// Where the cases of a topic file are, for messages: each `[[case]]` header's
/// offset and the case's id with the offset of its value. Empty when the text is
/// not TOML.
fn case_spans(text: &str) -> Vec<(usize, Option<(usize, String)>)> {
    #[derive(Deserialize)]
    struct Ids {
        #[serde(default)]
        case: Vec<toml::Spanned<IdOnly>>,
    }
    #[derive(Deserialize)]
    struct IdOnly {
        id: Option<toml::Spanned<String>>,
    }
    toml::from_str::<Ids>(text)
        .map(|ids| {
            ids.case
                .into_iter()
                .map(|c| {
                    let start = c.span().start;
                    let id = c
                        .into_inner()
                        .id
                        .map(|id| (id.span().start, id.into_inner()));
                    (start, id)
                })
                .collect()
        })
        .unwrap_or_default()
}

/// The error of a topic file read without its `kind` tag, when it has a place.
fn direct_error(text: &str) -> Option<toml::de::Error> {
    use serde::de::IgnoredAny;
    #[derive(Deserialize)]
    struct KindOnly {
        kind: String,
    }
    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)] // read only for its errors
    struct Direct<C> {
        kind: IgnoredAny,
        description: IgnoredAny,
        #[serde(default = "Vec::new")]
        case: Vec<C>,
    }
    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)] // read only for its errors
    struct DirectClient {
        kind: IgnoredAny,
        description: IgnoredAny,
        #[serde(default)]
        profile_default: Option<BTreeMap<String, crate::case::ProfileDefault>>,
        #[serde(default = "Vec::new")]
        case: Vec<ClientCase>,
    }
    let e = match toml::from_str::<KindOnly>(text).ok()?.kind.as_str() {
        "client" => toml::from_str::<DirectClient>(text).err()?,
        "server" => toml::from_str::<Direct<ServerCase>>(text).err()?,
        _ => return None,
    };
    e.span().is_some().then_some(e)
}

/// The line (from 1) of a byte offset.
fn line_of(text: &str, offset: usize) -> usize {
    let end = offset.min(text.len());
    text.as_bytes()[..end]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

/// A TOML error in `file`, with its line and the case it is in.
fn toml_error(file: &str, text: &str, e: &toml::de::Error) -> LoadError {
    // A topic file's `kind` tag makes serde buffer the cases, and the buffered
    // errors lose their place: read the cases again without the tag.
    let direct = e.span().is_none().then(|| direct_error(text)).flatten();
    let e = direct.as_ref().unwrap_or(e);
    let Some(span) = e.span() else {
        return LoadError::file(file, e.message());
    };
    let case = case_spans(text)
        .into_iter()
        .take_while(|(header, _)| *header <= span.start)
        .last()
        .and_then(|(_, id)| id.map(|(_, id)| id));
    LoadError {
        file: file.to_owned(),
        line: Some(line_of(text, span.start)),
        case,
        message: e.message().to_owned(),
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FlagsFile {
    flags: BTreeMap<String, FlagEntry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FlagEntry {
    description: String,
}

/// `(where it was read, file name, text or the error)`.
type NamedText = (String, String, Result<String, String>);

/// Reads a file of a corpus directory: at most [`MAX_FILE_BYTES`], and no more
/// than what is left of the directory's `budget` (taken from it).
fn read_text(path: &Path, budget: &mut u64) -> Result<String, String> {
    let limit = MAX_FILE_BYTES.min(*budget);
    let over = || {
        if limit < MAX_FILE_BYTES {
            format!(
                "the corpus directory is larger than {} MiB ({MAX_TOTAL_BYTES} bytes) in all, the limit for a corpus",
                MAX_TOTAL_BYTES >> 20
            )
        } else {
            format!(
                "larger than {} MiB ({MAX_FILE_BYTES} bytes), the limit for a corpus file",
                MAX_FILE_BYTES >> 20
            )
        }
    };
    let file = std::fs::File::open(path).map_err(|e| e.to_string())?;
    if file
        .metadata()
        .is_ok_and(|m| m.is_file() && m.len() > limit)
    {
        return Err(over());
    }
    let mut bytes = Vec::new();
    file.take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|e| e.to_string())?;
    let read = u64::try_from(bytes.len()).unwrap_or(u64::MAX);
    if read > limit {
        return Err(over());
    }
    *budget -= read;
    String::from_utf8(bytes).map_err(|e| format!("not UTF-8 text: {e}"))
}

/// Every `*.toml` of `dir`, sorted; a missing directory is an error only when `required`.
fn toml_files(
    dir: &Path,
    required: bool,
    budget: &mut u64,
) -> Result<Vec<NamedText>, Vec<LoadError>> {
    let mut paths: Vec<PathBuf> = match std::fs::read_dir(dir) {
        Ok(entries) => entries.filter_map(|e| e.ok().map(|e| e.path())).collect(),
        Err(e) if !required && e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
        Err(e) => {
            return Err(vec![LoadError::file(
                dir.display().to_string(),
                e.to_string(),
            )]);
        }
    };
    paths.retain(|p| p.extension().is_some_and(|e| e == "toml"));
    paths.sort();
    Ok(paths
        .into_iter()
        .map(|p| {
            let name = p
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            (p.display().to_string(), name, read_text(&p, budget))
        })
        .collect())
}

/// The line of each case's id in a topic file's text, by case index.
struct CaseLines(Vec<Option<usize>>);

impl CaseLines {
    fn new(text: &str) -> CaseLines {
        CaseLines(
            case_spans(text)
                .into_iter()
                .map(|(header, id)| Some(line_of(text, id.map_or(header, |(at, _)| at))))
                .collect(),
        )
    }

    fn of(&self, case: usize) -> Option<usize> {
        self.0.get(case).copied().flatten()
    }
}

/// Case ids the corpus cannot hold: one outside its file's topic (`dots.toml`
/// holds `dots::…`), or one already used.
fn id_errors(topics: &[Topic], texts: &[String]) -> Vec<LoadError> {
    enum Problem {
        OutsideTopic,
        /// Already used by this case (topic, case index).
        Duplicate(usize, usize),
    }
    fn ids_of(topic: &Topic) -> Vec<&str> {
        match &topic.file {
            TopicFile::Client(c) => c.cases.iter().map(|c| c.id.as_str()).collect(),
            TopicFile::Server(c) => c.cases.iter().map(|c| c.id.as_str()).collect(),
        }
    }
    let mut problems: Vec<(usize, usize, &str, Problem)> = Vec::new();
    let mut first: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    for (t, topic) in topics.iter().enumerate() {
        for (n, id) in ids_of(topic).into_iter().enumerate() {
            if id
                .split_once("::")
                .is_none_or(|(prefix, _)| prefix != topic.name)
            {
                problems.push((t, n, id, Problem::OutsideTopic));
            }
            match first.get(id) {
                Some(&(ft, fnum)) => problems.push((t, n, id, Problem::Duplicate(ft, fnum))),
                None => {
                    first.insert(id, (t, n));
                }
            }
        }
    }
    // Lines only for the files with a problem: finding them parses the file again.
    let mut lines: BTreeMap<usize, CaseLines> = BTreeMap::new();
    let mut line = |t: usize, n: usize| {
        lines
            .entry(t)
            .or_insert_with(|| CaseLines::new(texts.get(t).map_or("", String::as_str)))
            .of(n)
    };
    let origin = |t: usize| topics.get(t).map_or("", |topic| topic.origin.as_str());
    problems
        .into_iter()
        .map(|(t, n, id, problem)| {
            let message = match problem {
                Problem::OutsideTopic => format!(
                    "the id must start with `{}::`, the topic of its file",
                    topics.get(t).map_or("", |topic| topic.name.as_str())
                ),
                Problem::Duplicate(ft, fnum) => {
                    let at = line(ft, fnum).map(|l| format!(":{l}")).unwrap_or_default();
                    format!(
                        "the id is already used ({}{at}); every case id is unique",
                        origin(ft)
                    )
                }
            };
            LoadError {
                file: origin(t).to_owned(),
                line: line(t, n),
                case: Some(id.to_owned()),
                message,
            }
        })
        .collect()
}

impl Corpus {
    /// The corpus this crate was built with.
    pub fn embedded() -> Result<Corpus, Vec<LoadError>> {
        let embedded = |dir: &'static str, files: &'static [(&str, &str)]| {
            files.iter().map(move |(name, text)| {
                (
                    format!("corpus/{dir}/{name}"),
                    name.to_string(),
                    Ok(text.to_string()),
                )
            })
        };
        Corpus::assemble(
            ("corpus/flags.toml".into(), Ok(embedded::FLAGS.to_string())),
            embedded("cases", embedded::CASE_FILES),
            embedded("measured", embedded::MEASURED_FILES),
        )
    }

    /// A corpus directory: `DIR/flags.toml` and `DIR/cases/*.toml`.
    ///
    /// `DIR/measured/*.toml` (browser measurements) is read when it exists. Each
    /// file may be at most [`MAX_FILE_BYTES`], all of them [`MAX_TOTAL_BYTES`].
    pub fn from_dir(dir: &Path) -> Result<Corpus, Vec<LoadError>> {
        let mut budget = MAX_TOTAL_BYTES;
        let flags_path = dir.join("flags.toml");
        let flags = read_text(&flags_path, &mut budget);
        let cases = toml_files(&dir.join("cases"), true, &mut budget)?;
        let measured = toml_files(&dir.join("measured"), false, &mut budget)?;
        Corpus::assemble(
            (flags_path.display().to_string(), flags),
            cases.into_iter(),
            measured.into_iter(),
        )
    }

    fn assemble(
        flags: (String, Result<String, String>),
        files: impl Iterator<Item = NamedText>,
        measured_files: impl Iterator<Item = NamedText>,
    ) -> Result<Corpus, Vec<LoadError>> {
        let mut errors = Vec::new();
        let flags = match flags
            .1
            .map_err(|m| LoadError::file(&flags.0, m))
            .and_then(|t| toml::from_str::<FlagsFile>(&t).map_err(|e| toml_error(&flags.0, &t, &e)))
        {
            Ok(f) => f
                .flags
                .into_iter()
                .map(|(k, v)| (k, v.description))
                .collect(),
            Err(e) => {
                errors.push(e);
                BTreeMap::new()
            }
        };
        let mut topics = Vec::new();
        // Each topic's text, for the lines of its cases in messages.
        let mut texts = Vec::new();
        for (origin, file_name, text) in files {
            let name = file_name.trim_end_matches(".toml").to_string();
            let text = match text {
                Ok(text) => text,
                Err(message) => {
                    errors.push(LoadError::file(origin, message));
                    continue;
                }
            };
            match toml::from_str::<TopicFile>(&text) {
                Ok(mut file) => {
                    if let TopicFile::Client(topic) = &mut file {
                        topic.apply_profile_defaults();
                    }
                    topics.push(Topic { name, origin, file });
                    texts.push(text);
                }
                Err(e) => errors.push(toml_error(&origin, &text, &e)),
            }
        }
        errors.extend(id_errors(&topics, &texts));
        let client_ids: std::collections::BTreeSet<String> = topics
            .iter()
            .flat_map(|t| match &t.file {
                TopicFile::Client(c) => c.cases.iter().map(|c| c.id.clone()).collect(),
                TopicFile::Server(_) => Vec::new(),
            })
            .collect();
        let mut measured = BTreeMap::new();
        for (origin, _, text) in measured_files {
            match text.map_err(|m| LoadError::file(&origin, m)).and_then(|t| {
                toml::from_str::<MeasurementFile>(&t).map_err(|e| toml_error(&origin, &t, &e))
            }) {
                Ok(file) => {
                    for id in file.cases.keys().filter(|id| !client_ids.contains(*id)) {
                        errors.push(LoadError {
                            case: Some(id.clone()),
                            ..LoadError::file(
                                &origin,
                                "a measurement for a case that is no client-side case",
                            )
                        });
                    }
                    if measured.insert(file.browser, file).is_some() {
                        errors.push(LoadError::file(
                            origin,
                            "a second measurement file for the same browser",
                        ));
                    }
                }
                Err(e) => errors.push(e),
            }
        }
        let corpus = Corpus {
            flags,
            topics,
            measured,
        };
        errors.extend(corpus.coverage_errors(&texts));
        if errors.is_empty() {
            Ok(corpus)
        } else {
            Err(errors)
        }
    }

    /// Cases that leave a profile without an expected outcome: they would pass under
    /// it silently. `texts` are the topics' texts, in order, for lines.
    fn coverage_errors(&self, texts: &[String]) -> Vec<LoadError> {
        let mut errors = Vec::new();
        for (topic, text) in self.topics.iter().zip(texts) {
            let TopicFile::Client(file) = &topic.file else {
                continue;
            };
            let mut lines = None;
            for (n, case) in file.cases.iter().enumerate() {
                let missing: Vec<&str> = case.expected.missing().map(|p| p.as_str()).collect();
                if missing.is_empty() {
                    continue;
                }
                let lines = lines.get_or_insert_with(|| CaseLines::new(text));
                errors.push(LoadError {
                    file: topic.origin.clone(),
                    line: lines.of(n),
                    case: Some(case.id.clone()),
                    message: format!(
                        "no expected outcome for profile(s) {} (name them, or give a `default`)",
                        missing.join(", ")
                    ),
                });
            }
        }
        errors
    }

    /// What `browser` was measured to decide on case `id`, if recorded.
    pub fn measurement(&self, browser: Browser, id: &str) -> Option<&Measurement> {
        self.measured.get(&browser)?.cases.get(id)
    }

    /// Every client-side case, topic by topic, in file order.
    pub fn client_cases(&self) -> impl Iterator<Item = (&Topic, &ClientCase)> {
        self.topics.iter().flat_map(|t| {
            let cases: &[ClientCase] = match &t.file {
                TopicFile::Client(c) => &c.cases,
                TopicFile::Server(_) => &[],
            };
            cases.iter().map(move |case| (t, case))
        })
    }

    /// Every server-side case, topic by topic, in file order.
    pub fn server_cases(&self) -> impl Iterator<Item = (&Topic, &ServerCase)> {
        self.topics.iter().flat_map(|t| {
            let cases: &[ServerCase] = match &t.file {
                TopicFile::Server(c) => &c.cases,
                TopicFile::Client(_) => &[],
            };
            cases.iter().map(move |case| (t, case))
        })
    }

    /// Every case of a topic, in file order.
    pub fn cases_of<'a>(&'a self, topic: &'a Topic) -> Vec<AnyCase<'a>> {
        match &topic.file {
            TopicFile::Client(c) => c.cases.iter().map(AnyCase::Client).collect(),
            TopicFile::Server(c) => c.cases.iter().map(AnyCase::Server).collect(),
        }
    }

    /// How many cases the corpus holds (client and server).
    pub fn len(&self) -> usize {
        self.client_cases().count() + self.server_cases().count()
    }

    /// Whether the corpus holds no case.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp_dir(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("rpscope-load-{}-{name}", std::process::id()));
        std::fs::create_dir_all(dir.join("cases")).unwrap();
        std::fs::write(dir.join("flags.toml"), "[flags.x]\ndescription = \"x\"\n").unwrap();
        dir
    }

    #[test]
    fn a_file_over_the_cap_is_refused_without_being_read() {
        let dir = temp_dir("big");
        // 100 MB, sparse: refused from its size alone.
        let big = std::fs::File::create(dir.join("cases/big.toml")).unwrap();
        big.set_len(100_000_000).unwrap();
        // Endless: read up to the cap and no further.
        std::os::unix::fs::symlink("/dev/zero", dir.join("cases/zero.toml")).unwrap();
        let errors = Corpus::from_dir(&dir).unwrap_err();
        std::fs::remove_dir_all(&dir).ok();
        let shown: Vec<String> = errors.iter().map(|e| e.to_string()).collect();
        for name in ["big.toml", "zero.toml"] {
            assert!(
                shown.iter().any(|e| e.contains(name)
                    && e.ends_with(
                        "larger than 4 MiB (4194304 bytes), the limit for a corpus file"
                    )),
                "{shown:#?}"
            );
        }
    }

    #[test]
    fn the_directory_budget_is_shared_by_its_files() {
        let dir = temp_dir("budget");
        let path = dir.join("cases/a.toml");
        std::fs::write(&path, "kind = \"client\"\n").unwrap();
        let mut budget = 100;
        assert_eq!(
            read_text(&path, &mut budget).unwrap(),
            "kind = \"client\"\n"
        );
        assert_eq!(budget, 100 - 16);
        let mut budget = 15;
        let err = read_text(&path, &mut budget).unwrap_err();
        std::fs::remove_dir_all(&dir).ok();
        assert_eq!(
            err,
            "the corpus directory is larger than 32 MiB (33554432 bytes) in all, the limit for a corpus"
        );
        assert_eq!(budget, 15);
    }

    #[test]
    fn lines_count_from_one() {
        let text = "a\nb\n\nc";
        assert_eq!(line_of(text, 0), 1);
        assert_eq!(line_of(text, 2), 2);
        assert_eq!(line_of(text, 5), 4);
        assert_eq!(line_of(text, 99), 4);
    }
}
