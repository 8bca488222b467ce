//! `rpscope site`: the corpus, the browser measurements and the results matrix as a
//! static site.
//!
//! Reads the corpus (embedded, or `--corpus DIR`) with its `measured/` browser
//! verdicts, and the matrix `rpscope matrix --json` writes (`docs/results.json`), and
//! writes plain HTML and one stylesheet:
//!
//! ```text
//! DIR/index.html                  the matrix (library × topic), findings by case, browsers, every case
//! DIR/style.css
//! DIR/cases/<topic>.<name>.html   one case: inputs, sources, expectations, browsers, libraries
//! DIR/libraries/<adapter>.html    one library: counts, topics, findings by class, skips
//! DIR/badges/<adapter>.json       a shields.io endpoint badge
//! ```
//!
//! Every link between pages is relative, so the site reads the same from `file://` as
//! from GitHub Pages, and no page runs a script. Every string from the corpus or the
//! results is HTML-escaped ([`Esc`]); file names come from [`slug`], which keeps
//! `[a-z0-9-]` and encodes everything else, so no name can leave its directory.

use crate::conformance::load_corpus;
use crate::input::{self, Cap};
use crate::{CliError, Exit};
use rpscope_adapter::matrix::Counts;
use rpscope_adapter::protocol::Implementation;
use rpscope_corpus::{AnyCase, CaseResult, Class, Corpus, Status, Topic, TopicFile};
use rpscope_model::{Browser, Outcome, ProfileId, Reason};
use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt::{self, Write as _};
use std::path::Path;

/// `--results FILE`: 64 MiB (`docs/results.json` is about 4 MB for nine libraries).
pub const RESULTS: Cap = Cap {
    what: "a results matrix (--results)",
    max_bytes: 64 << 20,
};

/// The most of a well-known body a case page shows (the whole body's size is given).
const BODY_SHOWN: usize = 4096;

/// The most of a library's message a page shows.
const MESSAGE_SHOWN: usize = 2000;

/// One adapter of the matrix document (`rpscope matrix --json`): what it ran and its
/// report, or why it did not start.
#[derive(Debug, Clone, Deserialize)]
pub struct MatrixEntry {
    /// The adapter's name in `adapters/adapters.toml`.
    pub adapter: String,
    /// The implementation behind it, as its adapter reported it.
    #[serde(default)]
    pub implementation: Option<Implementation>,
    /// The run's report.
    #[serde(default)]
    pub report: Option<MatrixReport>,
    /// Why the adapter could not be installed or started.
    #[serde(default)]
    pub error: Option<String>,
}

/// The part of a run report the site reads (`rpscope_corpus::Report` as JSON).
#[derive(Debug, Clone, Deserialize)]
pub struct MatrixReport {
    /// The target's name.
    #[serde(default)]
    pub target: String,
    /// Every result.
    #[serde(default)]
    pub results: Vec<CaseResult>,
    /// Why the run ended early, if it did.
    #[serde(default)]
    pub stopped: Option<String>,
}

/// Reads a matrix document.
pub fn read_matrix(text: &str) -> Result<Vec<MatrixEntry>, serde_json::Error> {
    serde_json::from_str(text)
}

/// What `rpscope site` was asked for.
pub struct Args<'a> {
    /// The directory to write (created when missing; files in it are overwritten).
    pub out: &'a Path,
    /// The matrix document.
    pub results: &'a Path,
    /// A corpus directory instead of the embedded corpus.
    pub corpus: Option<&'a Path>,
}

/// Writes the site. Exit 0, or 2 when an input cannot be read or the site written.
pub fn run(args: Args<'_>) -> Result<Exit, CliError> {
    let corpus = load_corpus(args.corpus)?;
    let text = input::read_text(args.results, &RESULTS)?;
    let matrix = read_matrix(&text).map_err(|e| {
        CliError::new(format!(
            "{} is not a results matrix (as `rpscope matrix --json` writes): {e}",
            args.results.display()
        ))
    })?;
    let site = render(&corpus, &matrix);
    site.write(args.out)?;
    eprintln!(
        "rpscope: site: wrote {} files to {}",
        site.files.len(),
        args.out.display()
    );
    Ok(Exit::Success)
}

/// A rendered site: file path relative to the site's root → content.
#[derive(Debug, Clone, Default)]
pub struct Site {
    /// Every file, by relative path (`index.html`, `cases/dots.x.html`, …).
    pub files: BTreeMap<String, String>,
}

impl Site {
    /// Writes every file under `dir`, creating directories as needed.
    pub fn write(&self, dir: &Path) -> Result<(), CliError> {
        for (name, content) in &self.files {
            let path = dir.join(name);
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent).map_err(|e| {
                    CliError::io(&format!("create the directory {}", parent.display()), e)
                })?;
            }
            std::fs::write(&path, content)
                .map_err(|e| CliError::io(&format!("write {}", path.display()), e))?;
        }
        Ok(())
    }
}

/// Text made safe for HTML content and double- or single-quoted attribute values.
pub struct Esc<'a>(pub &'a str);

impl fmt::Display for Esc<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for c in self.0.chars() {
            match c {
                '&' => f.write_str("&amp;")?,
                '<' => f.write_str("&lt;")?,
                '>' => f.write_str("&gt;")?,
                '"' => f.write_str("&quot;")?,
                '\'' => f.write_str("&#39;")?,
                '\0' => f.write_str("&#xFFFD;")?,
                c => f.write_char(c)?,
            }
        }
        Ok(())
    }
}

/// `text` HTML-escaped: `&`, `<`, `>`, `"` and `'` as character references (NUL as U+FFFD).
///
/// ```
/// use rpscope_cli::site::escape;
/// assert_eq!(escape("<a href='x'>\"&\"</a>"), "&lt;a href=&#39;x&#39;&gt;&quot;&amp;&quot;&lt;/a&gt;");
/// ```
pub fn escape(text: &str) -> String {
    Esc(text).to_string()
}

/// A file name stem for `text`: `::` becomes `.`, `[a-z0-9_-]` is kept, every other
/// byte is written `~xx` (hex), so distinct texts get distinct names and none holds a
/// `/` or starts a hidden file. A stem over 120 bytes is cut to 100 and ends with `~~`
/// and a 64-bit hash of the whole text.
///
/// ```
/// use rpscope_cli::site::slug;
/// assert_eq!(slug("dots::rp-id-single-dot"), "dots.rp-id-single-dot");
/// assert_eq!(slug("../Evil"), "~2e~2e~2f~45vil");
/// assert_eq!(slug("py_webauthn"), "py_webauthn");
/// ```
pub fn slug(text: &str) -> String {
    const MAX: usize = 120;
    let mut out = String::new();
    let mut rest = text;
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix("::") {
            out.push('.');
            rest = after;
            continue;
        }
        let mut chars = rest.chars();
        if let Some(c) = chars.next() {
            match c {
                'a'..='z' | '0'..='9' | '-' | '_' => out.push(c),
                c => {
                    let mut buf = [0u8; 4];
                    for b in c.encode_utf8(&mut buf).bytes() {
                        let _ = write!(out, "~{b:02x}");
                    }
                }
            }
        }
        rest = chars.as_str();
    }
    if out.is_empty() {
        out.push('~');
    }
    if out.len() > MAX {
        // ASCII only, so any length is a character boundary.
        out.truncate(100);
        let _ = write!(out, "~~{:016x}", fnv1a(text.as_bytes()));
    }
    out
}

/// FNV-1a, 64 bits: a stable hash for cut file names.
fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// The page of a case, relative to the site's root.
pub fn case_path(id: &str) -> String {
    format!("cases/{}.html", slug(id))
}

/// A result's class when it fails the run (the matrix lists no known divergences).
fn finding(r: &CaseResult) -> Option<Class> {
    r.class.filter(|_| r.status.fails_run())
}

/// The cases (ids, in order of first result) whose results have `class`, each with its results.
fn cases_with<'r>(
    results: impl IntoIterator<Item = &'r CaseResult>,
    class: Class,
) -> Vec<(&'r str, Vec<&'r CaseResult>)> {
    let mut rows: Vec<(&str, Vec<&CaseResult>)> = Vec::new();
    for r in results.into_iter().filter(|r| finding(r) == Some(class)) {
        match rows.iter_mut().find(|(id, _)| *id == r.id) {
            Some((_, list)) => list.push(r),
            None => rows.push((&r.id, vec![r])),
        }
    }
    rows
}

/// How many distinct cases have a finding of each class, most serious first.
fn class_counts<'r>(
    results: impl IntoIterator<Item = &'r CaseResult> + Clone,
) -> Vec<(Class, usize)> {
    Class::ALL
        .iter()
        .map(|c| (*c, cases_with(results.clone(), *c).len()))
        .filter(|(_, n)| *n > 0)
        .collect()
}

/// The topic part of a case id.
fn topic_of(id: &str) -> &str {
    id.split_once("::").map_or(id, |(t, _)| t)
}

/// One library of the matrix.
struct Lib<'a> {
    entry: &'a MatrixEntry,
    /// Its file stem (unique among libraries).
    file: String,
    results: &'a [CaseResult],
}

impl<'a> Lib<'a> {
    fn name(&self) -> &'a str {
        &self.entry.adapter
    }

    fn implementation(&self) -> String {
        match &self.entry.implementation {
            Some(i) => {
                let mut s = i.name.clone();
                if !i.version.is_empty() {
                    s.push(' ');
                    s.push_str(&i.version);
                }
                if !i.language.is_empty() {
                    let _ = write!(s, " ({})", i.language);
                }
                s
            }
            None => self
                .entry
                .report
                .as_ref()
                .map(|r| r.target.clone())
                .unwrap_or_default(),
        }
    }

    fn ran(&self) -> bool {
        self.entry.report.is_some()
    }

    fn security(&self) -> usize {
        cases_with(self.results, Class::Security).len()
    }

    /// Distinct cases with a finding that is not a security one.
    fn other_findings(&self) -> usize {
        self.results
            .iter()
            .filter(|r| finding(r).is_some_and(|c| c != Class::Security))
            .map(|r| r.id.as_str())
            .collect::<BTreeSet<_>>()
            .len()
    }
}

/// A case of the corpus, with its page.
struct CaseRef<'a> {
    case: AnyCase<'a>,
    path: String,
}

struct Model<'a> {
    corpus: &'a Corpus,
    cases: HashMap<&'a str, CaseRef<'a>>,
    /// Libraries, security findings first.
    libs: Vec<Lib<'a>>,
    /// Case id → (library index, result).
    by_case: HashMap<&'a str, Vec<(usize, &'a CaseResult)>>,
}

impl<'a> Model<'a> {
    fn new(corpus: &'a Corpus, matrix: &'a [MatrixEntry]) -> Model<'a> {
        let mut cases = HashMap::new();
        for topic in &corpus.topics {
            for case in corpus.cases_of(topic) {
                cases.insert(
                    case.id(),
                    CaseRef {
                        case,
                        path: case_path(case.id()),
                    },
                );
            }
        }
        let mut used = BTreeSet::new();
        let mut libs: Vec<Lib<'a>> = matrix
            .iter()
            .map(|entry| {
                let stem = slug(&entry.adapter);
                let mut file = stem.clone();
                let mut n = 2;
                while used.contains(&file) {
                    file = format!("{stem}-{n}");
                    n += 1;
                }
                used.insert(file.clone());
                Lib {
                    entry,
                    file,
                    results: entry.report.as_ref().map_or(&[], |r| &r.results),
                }
            })
            .collect();
        // Most security findings first; a stable sort keeps the manifest's order otherwise.
        libs.sort_by_key(|l| std::cmp::Reverse((l.security(), l.other_findings())));
        let mut by_case: HashMap<&str, Vec<(usize, &CaseResult)>> = HashMap::new();
        for (i, lib) in libs.iter().enumerate() {
            for r in lib.results {
                by_case.entry(r.id.as_str()).or_default().push((i, r));
            }
        }
        Model {
            corpus,
            cases,
            libs,
            by_case,
        }
    }

    /// A link to a case's page from a page `root` deep, or the id alone when the
    /// corpus has no such case.
    fn case_link(&self, root: &str, id: &str) -> String {
        match self.cases.get(id) {
            Some(c) => format!(
                "<a href=\"{root}{}\"><code>{}</code></a>",
                Esc(&c.path),
                Esc(id)
            ),
            None => format!(
                "<code>{}</code> <span class=\"muted\">(not in this corpus)</span>",
                Esc(id)
            ),
        }
    }

    fn lib_link(&self, root: &str, lib: &Lib<'_>) -> String {
        format!(
            "<a href=\"{root}libraries/{}.html\">{}</a>",
            Esc(&lib.file),
            Esc(lib.name())
        )
    }
}

/// Renders the whole site.
pub fn render(corpus: &Corpus, matrix: &[MatrixEntry]) -> Site {
    let model = Model::new(corpus, matrix);
    let mut site = Site::default();
    site.files.insert("style.css".into(), STYLE.into());
    site.files.insert("index.html".into(), index(&model));
    for topic in &corpus.topics {
        for case in corpus.cases_of(topic) {
            site.files
                .insert(case_path(case.id()), case_page(&model, topic, case));
        }
    }
    for lib in &model.libs {
        site.files.insert(
            format!("libraries/{}.html", lib.file),
            library_page(&model, lib),
        );
        site.files
            .insert(format!("badges/{}.json", lib.file), badge(lib));
    }
    site
}

/// A whole page; `root` is the way back to the site's root (`""` or `"../"`).
fn page(title: &str, root: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
<title>{}</title>\n<link rel=\"stylesheet\" href=\"{root}style.css\">\n</head>\n<body>\n\
<header><a href=\"{root}index.html\">rpscope</a> · WebAuthn RP ID and origin scoping: \
the corpus, real browsers and real libraries</header>\n<main>\n{body}</main>\n\
<footer>Generated by <code>rpscope site</code> from the conformance corpus and the results \
matrix (<code>rpscope matrix --json</code>).</footer>\n</body>\n</html>\n",
        Esc(title)
    )
}

fn outcome(o: Option<Outcome>) -> String {
    match o {
        Some(o) => format!("<span class=\"v v-{0}\">{0}</span>", o.as_str()),
        None => "<span class=\"muted\">none</span>".into(),
    }
}

fn reason(r: Option<Reason>) -> String {
    match r {
        Some(r) => format!("<code>{}</code>", Esc(&r.to_string())),
        None => "<span class=\"muted\">not fixed</span>".into(),
    }
}

/// Text cut to `max` characters, with `…` when cut.
fn cut(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((at, _)) => format!("{}…", text.get(..at).unwrap_or(text)),
        None => text.to_owned(),
    }
}

/// A source: a link when the whole source is an http(s) URL, text otherwise.
fn source(text: &str) -> String {
    let url = (text.starts_with("https://") || text.starts_with("http://"))
        && !text.chars().any(|c| c.is_whitespace() || c.is_control());
    if url {
        format!("<a href=\"{0}\">{0}</a>", Esc(text))
    } else {
        Esc(text).to_string()
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// The legend of the cell colours.
const LEGEND: &str = "<p class=\"legend\">\
<span><span class=\"cell c-security\">security</span> accepted what must be rejected</span> \
<span><span class=\"cell c-configuration\">config</span> accepted under a policy that must be refused</span> \
<span><span class=\"cell c-interoperability\">interop</span> rejected what must be accepted</span> \
<span><span class=\"cell c-error\">error</span> no verdict</span> \
<span><span class=\"cell c-pass\">✓</span> conforms</span> \
<span><span class=\"cell c-skip\">skip</span> cannot express</span> \
<span><span class=\"cell c-na\">–</span> not run</span><br>\
A topic cell counts the topic's cases with findings, coloured by the most serious; \
hover for the breakdown, follow it for the library's page.</p>\n";

/// The classes the matrix counts, with their column headings.
const MATRIX_CLASSES: [(Class, &str); 4] = [
    (Class::Security, "security"),
    (Class::Configuration, "config"),
    (Class::Interoperability, "interop"),
    (Class::Error, "error"),
];

fn index(m: &Model<'_>) -> String {
    let mut b = String::new();
    let client = m.corpus.client_cases().count();
    let server = m.corpus.server_cases().count();
    let _ = write!(
        b,
        "<h1>WebAuthn libraries on the rpscope corpus</h1>\n<p>{} ({} client-side, {} server-side) \
in {}, run against {}. A server-side case runs as a registration and as an authentication, each \
a real, correctly signed response in which only the thing under test is wrong; client-side cases \
are held to the <code>spec</code> profile. Counts below are <em>cases</em>: a case counts once \
however many of its ceremonies fail.</p>\n",
        plural(client + server, "case", "cases"),
        client,
        server,
        plural(m.corpus.topics.len(), "topic", "topics"),
        plural(m.libs.len(), "library", "libraries"),
    );

    // The matrix: server topics first (most libraries are server-side), then client topics.
    let mut topics: Vec<&Topic> = m.corpus.topics.iter().collect();
    topics.sort_by_key(|t| matches!(t.file, TopicFile::Client(_)));
    let servers = topics
        .iter()
        .filter(|t| matches!(t.file, TopicFile::Server(_)))
        .count();
    b.push_str("<h2 id=\"matrix\">The matrix</h2>\n");
    b.push_str(LEGEND);
    b.push_str("<div class=\"scroll\"><table class=\"matrix\">\n<thead>\n<tr><th rowspan=\"2\">library</th><th colspan=\"4\">cases with findings</th>");
    if servers > 0 {
        let _ = write!(b, "<th colspan=\"{servers}\">server-side topics</th>");
    }
    if topics.len() > servers {
        let _ = write!(
            b,
            "<th colspan=\"{}\">client-side topics</th>",
            topics.len() - servers
        );
    }
    b.push_str("</tr>\n<tr>");
    for (class, heading) in MATRIX_CLASSES {
        let _ = write!(
            b,
            "<th class=\"n c-{}\" title=\"{}\">{heading}</th>",
            class.as_str(),
            Esc(class.title())
        );
    }
    for t in &topics {
        let _ = write!(
            b,
            "<th class=\"topic\"><a href=\"#topic-{}\">{}</a></th>",
            Esc(&slug(&t.name)),
            Esc(&t.name)
        );
    }
    b.push_str("</tr>\n</thead>\n<tbody>\n");
    for lib in &m.libs {
        let _ = write!(
            b,
            "<tr><th class=\"lib\">{}<br><span class=\"impl\">{}</span></th>",
            m.lib_link("", lib),
            Esc(&lib.implementation())
        );
        if !lib.ran() {
            let _ = writeln!(
                b,
                "<td colspan=\"{}\" class=\"c-error\">did not run: {}</td></tr>",
                4 + topics.len(),
                Esc(&cut(lib.entry.error.as_deref().unwrap_or("no report"), 200))
            );
            continue;
        }
        for (class, _) in MATRIX_CLASSES {
            let n = cases_with(lib.results, class).len();
            let style = if n > 0 { class.as_str() } else { "zero" };
            let _ = write!(b, "<td class=\"n c-{style}\">{n}</td>");
        }
        for t in &topics {
            b.push_str(&matrix_cell(lib, t));
        }
        b.push_str("</tr>\n");
    }
    b.push_str("</tbody>\n</table></div>\n");

    // Findings, case by case, most serious first.
    b.push_str("<h2 id=\"findings\">Findings by case</h2>\n");
    let all: Vec<&CaseResult> = m.libs.iter().flat_map(|l| l.results.iter()).collect();
    let mut any = false;
    for class in Class::ALL {
        let rows = cases_with(all.iter().copied(), *class);
        if rows.is_empty() {
            continue;
        }
        any = true;
        let _ = write!(
            b,
            "<h3 class=\"h-{}\">{} ({})</h3>\n<table>\n<tr><th>case</th><th>expected</th><th>libraries</th></tr>\n",
            class.as_str(),
            Esc(class.title()),
            plural(rows.len(), "case", "cases")
        );
        for (id, results) in rows {
            let mut libs: Vec<String> = Vec::new();
            for lib in &m.libs {
                let runs: Vec<&str> = lib
                    .results
                    .iter()
                    .filter(|r| r.id == id && finding(r) == Some(*class))
                    .map(|r| r.profile.as_str())
                    .collect();
                if !runs.is_empty() {
                    libs.push(format!(
                        "{} <span class=\"muted\">({})</span>",
                        m.lib_link("", lib),
                        Esc(&runs.join(", "))
                    ));
                }
            }
            let expected = results.first().map(|r| r.expected);
            let _ = writeln!(
                b,
                "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
                m.case_link("", id),
                outcome(expected),
                libs.join(", ")
            );
        }
        b.push_str("</table>\n");
    }
    if !any {
        b.push_str("<p>No findings: every library conforms on every case it ran.</p>\n");
    }

    // Browsers.
    b.push_str("<h2 id=\"browsers\">Real browsers</h2>\n");
    if m.corpus.measured.is_empty() {
        b.push_str("<p>No browser measurements are recorded in this corpus.</p>\n");
    } else {
        b.push_str("<p>Client-side cases replayed in headless browsers by <code>rpscope browser</code>; each measured verdict is recorded in <code>corpus/measured/</code> and shown on the case's page.</p>\n<table>\n<tr><th>browser</th><th>versions</th><th>cases measured</th><th>accept</th><th>reject</th><th>agrees with its profile</th></tr>\n");
        for (browser, file) in &m.corpus.measured {
            let versions: BTreeSet<&str> =
                file.cases.values().map(|x| x.version.as_str()).collect();
            let accepts = file
                .cases
                .values()
                .filter(|x| x.outcome == rpscope_model::Verdict::Accept)
                .count();
            let agree = file
                .cases
                .iter()
                .filter(|(id, x)| {
                    m.cases.get(id.as_str()).is_some_and(|c| match c.case {
                        AnyCase::Client(c) => c
                            .expected
                            .get(browser.profile())
                            .is_some_and(|o| o.admits(x.outcome)),
                        AnyCase::Server(_) => false,
                    })
                })
                .count();
            let _ = writeln!(
                b,
                "<tr><td>{}</td><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{} of {} (<code>{}</code>)</td></tr>",
                Esc(browser.display_name()),
                Esc(&versions.into_iter().collect::<Vec<_>>().join(", ")),
                file.cases.len(),
                accepts,
                file.cases.len() - accepts,
                agree,
                file.cases.len(),
                browser.profile().as_str()
            );
        }
        b.push_str("</table>\n");
    }

    // Every case.
    b.push_str("<h2 id=\"cases\">Every case</h2>\n");
    for topic in &m.corpus.topics {
        let (kind, description) = match &topic.file {
            TopicFile::Client(t) => ("client-side", t.description.as_str()),
            TopicFile::Server(t) => ("server-side", t.description.as_str()),
        };
        let cases = m.corpus.cases_of(topic);
        let _ = write!(
            b,
            "<h3 id=\"topic-{}\">{} <span class=\"muted\">({}, {})</span></h3>\n<p>{}</p>\n<ul class=\"cases\">\n",
            Esc(&slug(&topic.name)),
            Esc(&topic.name),
            kind,
            plural(cases.len(), "case", "cases"),
            Esc(description)
        );
        for case in cases {
            let _ = writeln!(b, "<li>{}</li>", m.case_link("", case.id()));
        }
        b.push_str("</ul>\n");
    }

    // Libraries.
    b.push_str("<h2 id=\"libraries\">Libraries</h2>\n<ul>\n");
    for lib in &m.libs {
        let _ = writeln!(
            b,
            "<li>{} — {} (<a href=\"badges/{}.json\">badge</a>)</li>",
            m.lib_link("", lib),
            Esc(&lib.implementation()),
            Esc(&lib.file)
        );
    }
    b.push_str("</ul>\n");
    page("rpscope: results", "", &b)
}

/// One library × topic cell: the number of cases with findings, coloured by the most
/// serious class; a tick when every case it ran conforms.
fn matrix_cell(lib: &Lib<'_>, topic: &Topic) -> String {
    let results: Vec<&CaseResult> = lib
        .results
        .iter()
        .filter(|r| topic_of(&r.id) == topic.name)
        .collect();
    let link = format!(
        "libraries/{}.html#topic-{}",
        Esc(&lib.file),
        Esc(&slug(&topic.name))
    );
    if results.is_empty() {
        return format!(
            "<td class=\"cell c-na\" title=\"{} ran no case of {}\">–</td>",
            Esc(lib.name()),
            Esc(&topic.name)
        );
    }
    let counts = Counts::of_results(results.iter().copied());
    let classes = class_counts(results.iter().copied());
    let mut title = format!("{} on {}: ", lib.name(), topic.name);
    for (class, n) in &classes {
        let _ = write!(
            title,
            "{} {}, ",
            plural(*n, "case", "cases"),
            class.as_str()
        );
    }
    let _ = write!(
        title,
        "{} results pass, {} skipped",
        counts.passed, counts.skipped
    );
    let (style, text) = match classes.first() {
        Some((worst, _)) => {
            let total = results
                .iter()
                .filter(|r| finding(r).is_some())
                .map(|r| r.id.as_str())
                .collect::<BTreeSet<_>>()
                .len();
            (worst.as_str(), total.to_string())
        }
        None if counts.passed == 0 => ("skip", "skip".to_owned()),
        None => ("pass", "✓".to_owned()),
    };
    format!(
        "<td class=\"cell c-{style}\" title=\"{}\"><a href=\"{link}\">{text}</a></td>",
        Esc(&title)
    )
}

fn case_page(m: &Model<'_>, topic: &Topic, case: AnyCase<'_>) -> String {
    let root = "../";
    let mut b = String::new();
    let _ = write!(
        b,
        "<p class=\"crumbs\"><a href=\"../index.html#topic-{}\">{}</a></p>\n<h1><code>{}</code></h1>\n<p class=\"description\">{}</p>\n",
        Esc(&slug(&topic.name)),
        Esc(&topic.name),
        Esc(case.id()),
        Esc(case.description())
    );
    if let Some(note) = case.note() {
        let _ = writeln!(
            b,
            "<p class=\"note\"><strong>Note:</strong> {}</p>",
            Esc(note)
        );
    }

    b.push_str("<h2>Inputs</h2>\n<table class=\"kv\">\n");
    match case {
        AnyCase::Client(c) => {
            let _ = writeln!(
                b,
                "<tr><th>side</th><td>client: what a browser decides</td></tr>\n<tr><th>caller origin</th><td><code>{}</code></td></tr>",
                Esc(&c.origin)
            );
            let _ = writeln!(
                b,
                "<tr><th>RP ID</th><td>{}</td></tr>",
                match &c.rp_id {
                    Some(r) => format!("<code>{}</code>", Esc(r)),
                    None =>
                        "<span class=\"muted\">absent: the caller's effective domain</span>".into(),
                }
            );
            match &c.well_known {
                None => b.push_str("<tr><th>/.well-known/webauthn</th><td><span class=\"muted\">no response: the fetch fails</span></td></tr>\n"),
                Some(w) => {
                    let _ = writeln!(
                        b,
                        "<tr><th>well-known status</th><td>{}</td></tr>\n<tr><th>well-known Content-Type</th><td>{}</td></tr>",
                        w.status,
                        if w.content_type.is_empty() {
                            "<span class=\"muted\">none sent</span>".to_owned()
                        } else {
                            format!("<code>{}</code>", Esc(&w.content_type))
                        }
                    );
                    if !w.redirects.is_empty() {
                        let list: Vec<String> = w
                            .redirects
                            .iter()
                            .map(|r| format!("<code>{}</code>", Esc(r)))
                            .collect();
                        let _ = writeln!(
                            b,
                            "<tr><th>redirected through</th><td>{}</td></tr>",
                            list.join(" → ")
                        );
                    }
                    let shown = cut(&w.body, BODY_SHOWN);
                    let _ = writeln!(
                        b,
                        "<tr><th>well-known body</th><td>{}<pre>{}</pre></td></tr>",
                        if shown.len() < w.body.len() {
                            format!(
                                "<span class=\"muted\">the first {BODY_SHOWN} characters of {} bytes</span>",
                                w.body.len()
                            )
                        } else {
                            String::new()
                        },
                        Esc(&shown)
                    );
                }
            }
        }
        AnyCase::Server(s) => {
            b.push_str("<tr><th>side</th><td>server: what an RP's policy decides after a ceremony</td></tr>\n");
            let list = |items: &[String]| {
                if items.is_empty() {
                    "<span class=\"muted\">none</span>".to_owned()
                } else {
                    items
                        .iter()
                        .map(|i| format!("<code>{}</code>", Esc(i)))
                        .collect::<Vec<_>>()
                        .join("<br>")
                }
            };
            let _ = writeln!(
                b,
                "<tr><th>policy rp_ids</th><td>{}</td></tr>\n<tr><th>policy origins</th><td>{}</td></tr>\n<tr><th>policy allow_cross_origin</th><td>{}</td></tr>\n<tr><th>policy top_origins</th><td>{}</td></tr>",
                list(&s.policy.rp_ids),
                list(&s.policy.origins),
                s.policy.allow_cross_origin,
                list(&s.policy.top_origins)
            );
            let _ = writeln!(
                b,
                "<tr><th>clientDataJSON.origin</th><td><code>{}</code></td></tr>",
                Esc(&s.origin)
            );
            let _ = writeln!(
                b,
                "<tr><th>clientDataJSON.crossOrigin</th><td>{}</td></tr>",
                match s.cross_origin {
                    Some(v) => format!("<code>{v}</code>"),
                    None => "<span class=\"muted\">not sent</span>".into(),
                }
            );
            let _ = writeln!(
                b,
                "<tr><th>clientDataJSON.topOrigin</th><td>{}</td></tr>",
                match &s.top_origin {
                    Some(v) => format!("<code>{}</code>", Esc(v)),
                    None => "<span class=\"muted\">not sent</span>".into(),
                }
            );
            let hash = match (&s.rp_id_hash_of, &s.rp_id_hash) {
                (Some(of), _) => format!("SHA-256 of <code>{}</code>", Esc(of)),
                (None, Some(hex)) => format!("<code>{}</code> (hex)", Esc(hex)),
                (None, None) => "<span class=\"muted\">that of the policy's RP ID</span>".into(),
            };
            let _ = writeln!(
                b,
                "<tr><th>authenticatorData.rpIdHash</th><td>{hash}</td></tr>"
            );
        }
    }
    if !case.flags().is_empty() {
        let flags: Vec<String> = case
            .flags()
            .iter()
            .map(|f| match m.corpus.flags.get(f) {
                Some(d) => format!(
                    "<span class=\"flag\" title=\"{}\">{}</span>",
                    Esc(d),
                    Esc(f)
                ),
                None => format!("<span class=\"flag\">{}</span>", Esc(f)),
            })
            .collect();
        let _ = writeln!(b, "<tr><th>flags</th><td>{}</td></tr>", flags.join(" "));
    }
    b.push_str("</table>\n");

    b.push_str("<h2>Sources</h2>\n<ul>\n");
    for s in case.source() {
        let _ = writeln!(b, "<li>{}</li>", source(s));
    }
    b.push_str("</ul>\n");

    b.push_str(
        "<h2>Expected</h2>\n<table>\n<tr><th>profile</th><th>verdict</th><th>reason</th></tr>\n",
    );
    match case {
        AnyCase::Client(c) => {
            for p in ProfileId::ALL {
                let _ = writeln!(
                    b,
                    "<tr><td><code>{}</code> <span class=\"muted\">{}</span></td><td>{}</td><td>{}</td></tr>",
                    p.as_str(),
                    Esc(p.description()),
                    outcome(c.expected.get(*p)),
                    reason(c.reason.as_ref().and_then(|r| r.get(*p)))
                );
            }
        }
        AnyCase::Server(s) => {
            let _ = writeln!(
                b,
                "<tr><td>registration and authentication</td><td>{}</td><td>{}</td></tr>",
                outcome(Some(s.expected)),
                reason(s.reason)
            );
        }
    }
    b.push_str("</table>\n");

    b.push_str("<h2>Real browsers</h2>\n");
    match case {
        AnyCase::Client(c) => {
            b.push_str("<table>\n<tr><th>browser</th><th>version</th><th>measured</th><th>error</th><th>its profile expects</th></tr>\n");
            for browser in Browser::ALL {
                let expects = outcome(c.expected.get(browser.profile()));
                match m.corpus.measurement(*browser, case.id()) {
                    Some(x) => {
                        let measured = match x.outcome {
                            rpscope_model::Verdict::Accept => Outcome::Accept,
                            rpscope_model::Verdict::Reject => Outcome::Reject,
                        };
                        let _ = writeln!(
                            b,
                            "<tr><td>{}</td><td>{} <span class=\"muted\">(PSL {})</span></td><td>{}</td><td>{}</td><td>{}</td></tr>",
                            Esc(browser.display_name()),
                            Esc(&x.version),
                            Esc(x.psl.as_str()),
                            outcome(Some(measured)),
                            x.error.as_deref().map(|e| format!("<code>{}</code>", Esc(e))).unwrap_or_default(),
                            expects
                        );
                    }
                    None => {
                        let _ = writeln!(
                            b,
                            "<tr><td>{}</td><td colspan=\"3\" class=\"muted\">not measured</td><td>{}</td></tr>",
                            Esc(browser.display_name()),
                            expects
                        );
                    }
                }
            }
            b.push_str("</table>\n");
        }
        AnyCase::Server(_) => {
            b.push_str("<p class=\"muted\">A server-side case: what the RP decides, no browser is involved.</p>\n");
        }
    }

    b.push_str("<h2>Libraries</h2>\n");
    match m.by_case.get(case.id()) {
        None => b.push_str("<p class=\"muted\">No library of the matrix ran this case.</p>\n"),
        Some(results) => {
            // Findings first, the most serious first; then the libraries in the index's order.
            let mut results = results.clone();
            results.sort_by_key(|(_, r)| finding(r).map_or(usize::MAX, Class::rank));
            b.push_str("<table>\n<tr><th>library</th><th>as</th><th>decided</th><th>status</th><th>class</th><th>its message</th></tr>\n");
            for (i, r) in &results {
                let Some(lib) = m.libs.get(*i) else { continue };
                let row = match finding(r) {
                    Some(c) => format!(" class=\"r-{}\"", c.as_str()),
                    None => String::new(),
                };
                let actual = r.actual.as_str();
                let mut message = String::new();
                if let Some(code) = r.reason {
                    let _ = write!(message, "<code>{}</code> ", Esc(&code.to_string()));
                }
                for text in [&r.explanation, &r.message].into_iter().flatten() {
                    let _ = write!(message, "{} ", Esc(&cut(text, MESSAGE_SHOWN)));
                }
                let _ = writeln!(
                    b,
                    "<tr{row}><td>{}</td><td>{}</td><td><span class=\"v v-{actual}\">{actual}</span></td><td>{}</td><td>{}</td><td class=\"msg\">{}</td></tr>",
                    m.lib_link(root, lib),
                    Esc(r.profile.as_str()),
                    status_name(r.status),
                    r.class.map_or("", |c| c.as_str()),
                    message.trim_end()
                );
            }
            b.push_str("</table>\n");
        }
    }
    page(case.id(), root, &b)
}

fn status_name(s: Status) -> &'static str {
    match s {
        Status::Pass => "pass",
        Status::Fail => "fail",
        Status::Skip => "skip",
        Status::KnownDivergence => "known divergence",
        Status::UnexpectedPass => "unexpected pass",
        Status::Error => "error",
    }
}

fn counts_row(label: &str, c: &Counts, total: usize) -> String {
    format!(
        "<tr><td>{}</td><td class=\"num\">{total}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>\n",
        Esc(label),
        c.passed,
        c.false_accepts,
        c.invalid_policy_accepted,
        c.false_rejects,
        c.errors,
        c.skipped
    )
}

fn library_page(m: &Model<'_>, lib: &Lib<'_>) -> String {
    let root = "../";
    let mut b = String::new();
    let _ = write!(
        b,
        "<p class=\"crumbs\"><a href=\"../index.html#matrix\">the matrix</a></p>\n<h1>{}</h1>\n<p>{}",
        Esc(lib.name()),
        Esc(&lib.implementation())
    );
    if let Some(home) = lib
        .entry
        .implementation
        .as_ref()
        .and_then(|i| i.homepage.as_deref())
    {
        let _ = write!(b, ", {}", source(home));
    }
    let _ = writeln!(
        b,
        ". Badge: <a href=\"../badges/{}.json\">shields.io endpoint</a>.</p>",
        Esc(&lib.file)
    );
    if let Some(why) = &lib.entry.error {
        let _ = writeln!(
            b,
            "<p class=\"r-error\">The adapter did not run:</p>\n<pre>{}</pre>",
            Esc(why)
        );
    }
    if let Some(why) = lib.entry.report.as_ref().and_then(|r| r.stopped.as_deref()) {
        let _ = writeln!(
            b,
            "<p class=\"r-error\">The run stopped early: {}</p>",
            Esc(why)
        );
    }
    if lib.ran() {
        b.push_str("<h2>Results</h2>\n<table>\n<tr><th>ceremony or profile</th><th>results</th><th>pass</th><th>false accepts (security)</th><th>invalid policy accepted</th><th>false rejects (interop)</th><th>errors</th><th>skipped</th></tr>\n");
        let mut profiles = Vec::new();
        for r in lib.results {
            if !profiles.contains(&r.profile) {
                profiles.push(r.profile);
            }
        }
        for p in &profiles {
            let of: Vec<&CaseResult> = lib.results.iter().filter(|r| r.profile == *p).collect();
            b.push_str(&counts_row(
                p.as_str(),
                &Counts::of_results(of.iter().copied()),
                of.len(),
            ));
        }
        if profiles.len() > 1 {
            b.push_str(&counts_row(
                "all",
                &Counts::of_results(lib.results),
                lib.results.len(),
            ));
        }
        b.push_str("</table>\n");

        b.push_str("<h2>By topic</h2>\n<table>\n<tr><th>topic</th><th>results</th><th>pass</th><th>findings (cases)</th><th>skipped</th></tr>\n");
        let mut topics: Vec<&str> = Vec::new();
        for r in lib.results {
            let t = topic_of(&r.id);
            if !topics.contains(&t) {
                topics.push(t);
            }
        }
        for t in topics {
            let of: Vec<&CaseResult> = lib
                .results
                .iter()
                .filter(|r| topic_of(&r.id) == t)
                .collect();
            let c = Counts::of_results(of.iter().copied());
            let classes: Vec<String> = class_counts(of.iter().copied())
                .into_iter()
                .map(|(class, n)| {
                    format!("<span class=\"cell c-{0}\">{n} {0}</span>", class.as_str())
                })
                .collect();
            let _ = writeln!(
                b,
                "<tr id=\"topic-{}\"><td><a href=\"../index.html#topic-{0}\">{}</a></td><td class=\"num\">{}</td><td class=\"num\">{}</td><td>{}</td><td class=\"num\">{}</td></tr>",
                Esc(&slug(t)),
                Esc(t),
                of.len(),
                c.passed,
                if classes.is_empty() { "none".to_owned() } else { classes.join(" ") },
                c.skipped
            );
        }
        b.push_str("</table>\n");

        let mut any = false;
        for class in Class::ALL {
            let rows = cases_with(lib.results, *class);
            if rows.is_empty() {
                continue;
            }
            any = true;
            let _ = write!(
                b,
                "<h2 class=\"h-{}\">{} ({})</h2>\n<table>\n<tr><th>case</th><th>as</th><th>expected</th><th>the library</th><th>what the case tests</th></tr>\n",
                class.as_str(),
                Esc(class.title()),
                plural(rows.len(), "case", "cases")
            );
            for (id, results) in rows {
                let Some(first) = results.first() else {
                    continue;
                };
                let runs: Vec<&str> = results.iter().map(|r| r.profile.as_str()).collect();
                let said = match first.explanation.as_deref() {
                    Some(e) if !e.is_empty() => format!(
                        "<span class=\"v v-{0}\">{0}</span>: {1}",
                        first.actual.as_str(),
                        Esc(&cut(e, MESSAGE_SHOWN))
                    ),
                    _ => format!("<span class=\"v v-{0}\">{0}</span>", first.actual.as_str()),
                };
                let _ = writeln!(
                    b,
                    "<tr class=\"r-{}\"><td>{}</td><td>{}</td><td>{}</td><td class=\"msg\">{}</td><td>{}</td></tr>",
                    class.as_str(),
                    m.case_link(root, id),
                    Esc(&runs.join(", ")),
                    outcome(Some(first.expected)),
                    said,
                    Esc(&first.description)
                );
            }
            b.push_str("</table>\n");
        }
        if !any {
            b.push_str("<p>No findings: every case it ran conforms.</p>\n");
        }

        let mut skips: BTreeMap<&str, usize> = BTreeMap::new();
        for r in lib.results.iter().filter(|r| r.status == Status::Skip) {
            *skips
                .entry(r.explanation.as_deref().unwrap_or(""))
                .or_default() += 1;
        }
        if !skips.is_empty() {
            let mut list: Vec<(&str, usize)> = skips.into_iter().collect();
            list.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(b.0)));
            let total: usize = list.iter().map(|(_, n)| n).sum();
            let _ = write!(
                b,
                "<h2>Skipped ({})</h2>\n<p>Policies or inputs the library cannot express, as its adapter says; not counted against it.</p>\n<table>\n<tr><th>results</th><th>reason</th></tr>\n",
                plural(total, "result", "results")
            );
            for (why, n) in list {
                let _ = writeln!(
                    b,
                    "<tr><td class=\"num\">{n}</td><td>{}</td></tr>",
                    Esc(why)
                );
            }
            b.push_str("</table>\n");
        }
    }
    page(&format!("rpscope: {}", lib.name()), root, &b)
}

/// A shields.io endpoint badge: `{"schemaVersion": 1, "label", "message", "color"}`.
fn badge(lib: &Lib<'_>) -> String {
    let security = lib.security();
    let other = lib.other_findings();
    let ran = lib.results.iter().any(|r| r.status != Status::Skip);
    let (message, color) = if !lib.ran() {
        ("did not run".to_owned(), "lightgrey")
    } else if security > 0 {
        (
            plural(security, "security finding", "security findings"),
            "red",
        )
    } else if other > 0 {
        (
            format!("{}, none security", plural(other, "finding", "findings")),
            "orange",
        )
    } else if !ran {
        ("nothing ran".to_owned(), "lightgrey")
    } else {
        ("conforms".to_owned(), "brightgreen")
    };
    let value = serde_json::json!({
        "schemaVersion": 1,
        "label": "rpscope",
        "message": message,
        "color": color,
    });
    serde_json::to_string_pretty(&value).unwrap_or_default() + "\n"
}

const STYLE: &str = r#":root {
  --security: #d73a49; --configuration: #e36209; --interoperability: #dbab09;
  --error: #8250df; --reason: #6e7781; --pass: #2da44e; --skip: #d0d7de; --na: #f6f8fa;
  --border: #d0d7de; --muted: #57606a;
}
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif;
  margin: 0; color: #1f2328; background: #fff; }
header { background: #24292f; color: #fff; padding: .6em 1.2em; }
header a { color: #fff; font-weight: bold; text-decoration: none; }
main { padding: .5em 1.2em 2em; max-width: 1500px; }
footer { color: var(--muted); font-size: 13px; padding: 1em 1.2em; border-top: 1px solid var(--border); }
h1 { font-size: 1.6em; margin: .4em 0; }
h1 code { font-size: .9em; }
h2 { font-size: 1.3em; margin-top: 1.4em; border-bottom: 1px solid var(--border); }
h3 { font-size: 1.1em; margin-top: 1.2em; }
a { color: #0969da; }
code, pre { font: 13px/1.4 ui-monospace, "DejaVu Sans Mono", monospace; }
pre { background: #f6f8fa; padding: .5em; overflow-x: auto; white-space: pre-wrap; word-break: break-all; }
table { border-collapse: collapse; margin: .5em 0; }
th, td { border: 1px solid var(--border); padding: .25em .5em; vertical-align: top; text-align: left; }
th { background: #f6f8fa; }
td.num, td.n { text-align: right; }
table.kv th { width: 16em; }
.muted { color: var(--muted); }
.note { background: #fff8c5; padding: .4em .6em; }
.scroll { overflow-x: auto; }
table.matrix th.topic { writing-mode: vertical-rl; transform: rotate(180deg); white-space: nowrap;
  font-weight: normal; font-size: 13px; padding: .4em .2em; }
table.matrix th.topic a { color: inherit; text-decoration: none; }
table.matrix th.lib { white-space: nowrap; }
table.matrix .impl { font-size: 12px; font-weight: normal; color: var(--muted); }
table.matrix td.n { min-width: 2.5em; }
.legend > span { white-space: nowrap; margin-right: .8em; }
table.matrix td.cell { text-align: center; min-width: 1.6em; padding: .25em .3em; font-weight: bold; }
.cell a { color: inherit; text-decoration: none; display: block; }
span.cell { display: inline-block; padding: 0 .4em; border-radius: 3px; font-weight: bold; }
.c-security { background: var(--security); color: #fff; }
.c-configuration { background: var(--configuration); color: #fff; }
.c-interoperability { background: var(--interoperability); color: #1f2328; }
.c-error { background: var(--error); color: #fff; }
.c-reason, .c-stale-divergence { background: var(--reason); color: #fff; }
.c-pass { background: var(--pass); color: #fff; }
.c-skip { background: var(--skip); color: #1f2328; font-weight: normal; }
.c-na { background: var(--na); color: #8c959f; font-weight: normal; }
.c-zero { color: #8c959f; }
th.c-security, th.c-configuration, th.c-interoperability, th.c-error { font-size: 12px; }
tr.r-security td:first-child { border-left: 4px solid var(--security); }
tr.r-configuration td:first-child { border-left: 4px solid var(--configuration); }
tr.r-interoperability td:first-child { border-left: 4px solid var(--interoperability); }
tr.r-error td:first-child { border-left: 4px solid var(--error); }
p.r-error { color: var(--error); font-weight: bold; }
h2.h-security, h3.h-security { color: var(--security); }
h2.h-configuration, h3.h-configuration { color: var(--configuration); }
h2.h-interoperability, h3.h-interoperability { color: #9a6700; }
h2.h-error, h3.h-error { color: var(--error); }
.v { font-weight: bold; }
.v-accept { color: #1a7f37; } .v-reject { color: #cf222e; }
.v-acceptable { color: #9a6700; } .v-skipped, .v-error { color: var(--muted); }
td.msg { max-width: 40em; overflow-wrap: anywhere; font-size: 13px; }
.flag { display: inline-block; background: #ddf4ff; border-radius: 3px; padding: 0 .4em; margin: 0 .2em .2em 0; font-size: 13px; }
ul.cases { columns: 2 32em; font-size: 13px; padding-left: 1.2em; }
.crumbs { margin: .5em 0 0; font-size: 13px; }
.description { font-size: 1.05em; }
"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_covers_every_special_character() {
        assert_eq!(
            escape("<script>alert('x')</script> & \"q\"\0"),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;&#xFFFD;"
        );
        assert_eq!(escape("plain é ✓"), "plain é ✓");
    }

    #[test]
    fn slugs_are_injective_and_stay_in_their_directory() {
        let names = [
            "dots::a", "dots.a", "dots~2ea", "dots_a", "a/b", "a\\b", "..", ".", "", "~", "A", "a",
        ];
        let slugs: BTreeSet<String> = names.iter().map(|n| slug(n)).collect();
        assert_eq!(slugs.len(), names.len(), "{slugs:?}");
        for s in &slugs {
            assert!(
                !s.is_empty() && !s.starts_with('.') && !s.contains('/') && !s.contains('\\'),
                "{s}"
            );
            assert!(
                s.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"-._~".contains(&b)),
                "{s}"
            );
        }
        let long = "x".repeat(500);
        let cut_a = slug(&long);
        let cut_b = slug(&format!("{long}y"));
        assert!(cut_a.len() <= 120 && cut_b.len() <= 120);
        assert_ne!(cut_a, cut_b);
        assert_eq!(slug("ü"), "~c3~bc");
    }

    #[test]
    fn only_whole_urls_become_links() {
        assert_eq!(
            source("https://example.com/?a=1&b=\"x\""),
            "<a href=\"https://example.com/?a=1&amp;b=&quot;x&quot;\">https://example.com/?a=1&amp;b=&quot;x&quot;</a>"
        );
        assert_eq!(source("javascript:alert(1)"), "javascript:alert(1)");
        assert_eq!(
            source("Chromium unit test: `https://127.0.0.1` → kInvalidDomain"),
            "Chromium unit test: `https://127.0.0.1` → kInvalidDomain"
        );
        assert_eq!(source("https://a b"), "https://a b");
    }

    #[test]
    fn cut_keeps_characters_whole() {
        assert_eq!(cut("ééé", 2), "éé…");
        assert_eq!(cut("ab", 2), "ab");
        assert_eq!(cut("", 0), "");
    }
}
