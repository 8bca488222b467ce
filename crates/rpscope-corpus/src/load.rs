//! Loading the corpus: the embedded copy, or a directory laid out like `corpus/`.

use crate::case::{AnyCase, ClientCase, ServerCase, TopicFile};
use rpscope_model::{Browser, Measurement, MeasurementFile};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

mod embedded {
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

/// A file that could not be read or parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadError {
    /// The file.
    pub file: String,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.file, self.message)
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

fn read_text(path: &Path) -> Result<String, String> {
    std::fs::read_to_string(path).map_err(|e| e.to_string())
}

/// Every `*.toml` of `dir`, sorted; a missing directory is an error only when `required`.
fn toml_files(dir: &Path, required: bool) -> Result<Vec<NamedText>, Vec<LoadError>> {
    let mut paths: Vec<PathBuf> = match std::fs::read_dir(dir) {
        Ok(entries) => entries.filter_map(|e| e.ok().map(|e| e.path())).collect(),
        Err(e) if !required && e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
        Err(e) => {
            return Err(vec![LoadError {
                file: dir.display().to_string(),
                message: e.to_string(),
            }]);
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
            (p.display().to_string(), name, read_text(&p))
        })
        .collect())
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
    /// `DIR/measured/*.toml` (browser measurements) is read when it exists.
    pub fn from_dir(dir: &Path) -> Result<Corpus, Vec<LoadError>> {
        let flags_path = dir.join("flags.toml");
        let cases = toml_files(&dir.join("cases"), true)?;
        let measured = toml_files(&dir.join("measured"), false)?;
        Corpus::assemble(
            (flags_path.display().to_string(), read_text(&flags_path)),
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
            .and_then(|t| toml::from_str::<FlagsFile>(&t).map_err(|e| e.to_string()))
        {
            Ok(f) => f
                .flags
                .into_iter()
                .map(|(k, v)| (k, v.description))
                .collect(),
            Err(message) => {
                errors.push(LoadError {
                    file: flags.0,
                    message,
                });
                BTreeMap::new()
            }
        };
        let mut topics = Vec::new();
        for (origin, file_name, text) in files {
            let name = file_name.trim_end_matches(".toml").to_string();
            match text.and_then(|t| toml::from_str::<TopicFile>(&t).map_err(|e| e.to_string())) {
                Ok(file) => topics.push(Topic { name, origin, file }),
                Err(message) => errors.push(LoadError {
                    file: origin,
                    message,
                }),
            }
        }
        let client_ids: std::collections::BTreeSet<String> = topics
            .iter()
            .flat_map(|t| match &t.file {
                TopicFile::Client(c) => c.cases.iter().map(|c| c.id.clone()).collect(),
                TopicFile::Server(_) => Vec::new(),
            })
            .collect();
        let mut measured = BTreeMap::new();
        for (origin, _, text) in measured_files {
            match text
                .and_then(|t| toml::from_str::<MeasurementFile>(&t).map_err(|e| e.to_string()))
            {
                Ok(file) => {
                    for id in file.cases.keys().filter(|id| !client_ids.contains(*id)) {
                        errors.push(LoadError {
                            file: origin.clone(),
                            message: format!(
                                "a measurement for `{id}`, which is no client-side case"
                            ),
                        });
                    }
                    if measured.insert(file.browser, file).is_some() {
                        errors.push(LoadError {
                            file: origin,
                            message: "a second measurement file for the same browser".into(),
                        });
                    }
                }
                Err(message) => errors.push(LoadError {
                    file: origin,
                    message,
                }),
            }
        }
        let corpus = Corpus {
            flags,
            topics,
            measured,
        };
        errors.extend(corpus.coverage_errors());
        if errors.is_empty() {
            Ok(corpus)
        } else {
            Err(errors)
        }
    }

    /// Cases that leave a profile without an expected outcome: they would pass under
    /// it silently.
    fn coverage_errors(&self) -> Vec<LoadError> {
        let mut errors = Vec::new();
        for (topic, case) in self.client_cases() {
            let missing: Vec<&str> = case.expected.missing().map(|p| p.as_str()).collect();
            if !missing.is_empty() {
                errors.push(LoadError {
                    file: topic.origin.clone(),
                    message: format!(
                        "case `{}` gives no expected outcome for profile(s) {} (name them, or give a `default`)",
                        case.id,
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
