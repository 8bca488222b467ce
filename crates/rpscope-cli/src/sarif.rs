//! `rpscope lint --format sarif`: findings as SARIF 2.1.0, so code scanning shows them
//! on the line of the configuration they concern.
//!
//! A finding's location is the first configuration value its message names in
//! backticks (an RP ID, an origin, a `served_at` URL), else the first key it names
//! (`allow_cross_origin`, `top_origins`, …), else the first line of the file. Each rule
//! is a lint code, with its one-line meaning and a link to `docs/lint.md`.

use rpscope_core::server::lint::{Finding, LintCode, Severity};
use serde::Deserialize;
use serde_json::{json, Value};
use toml::Spanned;

/// Where the configuration's values and keys are, as byte offsets into its text.
#[derive(Debug, Default)]
pub struct Locations {
    values: Vec<(String, usize)>,
    keys: Vec<(&'static str, usize)>,
}

#[derive(Deserialize, Default)]
struct Spans {
    #[serde(default)]
    rp_ids: Option<Spanned<Vec<Spanned<String>>>>,
    #[serde(default)]
    origins: Option<Spanned<Vec<Spanned<String>>>>,
    #[serde(default)]
    top_origins: Option<Spanned<Vec<Spanned<String>>>>,
    #[serde(default)]
    allow_cross_origin: Option<Spanned<bool>>,
    #[serde(default)]
    deployment: Option<Spanned<DeploymentSpans>>,
}

#[derive(Deserialize, Default)]
struct DeploymentSpans {
    #[serde(default)]
    served_at: Option<Spanned<Vec<Spanned<String>>>>,
    #[serde(default)]
    well_known: Option<Spanned<String>>,
}

impl Locations {
    /// Reads where each value and key of a configuration file stands (nothing, for a
    /// text that does not parse: every finding then points at line 1).
    pub fn of(text: &str) -> Locations {
        let spans: Spans = toml::from_str(text).unwrap_or_default();
        let mut out = Locations::default();
        let mut list = |key: &'static str, list: Option<Spanned<Vec<Spanned<String>>>>| {
            if let Some(list) = list {
                out.keys.push((key, list.span().start));
                for v in list.into_inner() {
                    let start = v.span().start;
                    out.values.push((v.into_inner(), start));
                }
            }
        };
        list("rp_ids", spans.rp_ids);
        list("origins", spans.origins);
        list("top_origins", spans.top_origins);
        if let Some(d) = spans.deployment {
            let start = d.span().start;
            let d = d.into_inner();
            list("served_at", d.served_at);
            if let Some(w) = d.well_known {
                out.keys.push(("well_known", w.span().start));
            }
            out.keys.push(("deployment", start));
        }
        if let Some(a) = spans.allow_cross_origin {
            out.keys.push(("allow_cross_origin", a.span().start));
        }
        out
    }

    /// The byte offset a finding concerns.
    fn offset(&self, finding: &Finding) -> usize {
        let named: Vec<&str> = finding.message.split('`').skip(1).step_by(2).collect();
        let value = |matches: &dyn Fn(&str, &str) -> bool| {
            named.iter().find_map(|n| {
                self.values
                    .iter()
                    .find(|(v, _)| matches(v, n))
                    .map(|(_, o)| *o)
            })
        };
        // The value as written; else a value the message names without its path (a
        // `served_at` URL reduced to its origin).
        value(&|v, n| v == n)
            .or_else(|| value(&|v, n| n.contains("://") && v.starts_with(n)))
            .or_else(|| {
                named
                    .iter()
                    .find_map(|n| self.keys.iter().find(|(k, _)| k == n).map(|(_, o)| *o))
            })
            .unwrap_or(0)
    }
}

/// 1-based line and column of a byte offset.
fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let before = text.get(..offset).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

/// The SARIF log for one configuration file's findings; `uri` is the file as named.
pub fn log(findings: &[Finding], uri: &str, text: &str) -> Value {
    let located = Locations::of(text);
    let rules: Vec<Value> = LintCode::ALL
        .iter()
        .map(|code| {
            json!({
                "id": code.as_str(),
                "name": code.as_str(),
                "shortDescription": { "text": code.summary() },
                "helpUri": format!("https://github.com/rpscope/rpscope/blob/main/docs/lint.md#{}", code.as_str()),
                "help": { "text": format!("{} (docs/lint.md)", code.summary()) },
                "defaultConfiguration": { "level": level(code.severity()) },
            })
        })
        .collect();
    let results: Vec<Value> = findings
        .iter()
        .map(|f| {
            let (line, column) = line_column(text, located.offset(f));
            json!({
                "ruleId": f.code.as_str(),
                "ruleIndex": LintCode::ALL.iter().position(|c| *c == f.code),
                "level": level(f.severity),
                "message": { "text": format!("{} Fix: {}", f.message, f.fix) },
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": { "uri": uri },
                        "region": { "startLine": line, "startColumn": column },
                    }
                }],
            })
        })
        .collect();
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "rpscope",
                    "version": env!("CARGO_PKG_VERSION"),
                    "informationUri": "https://github.com/rpscope/rpscope",
                    "rules": rules,
                }
            },
            "results": results,
        }],
    })
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn findings_point_at_the_value_or_key_they_name() {
        let text = "rp_ids = [\"example.com\"]\norigins = [\n  \"https://a.example.com\",\n  \"http://b.example.com\",\n]\nallow_cross_origin = true\n";
        let located = Locations::of(text);
        let finding = |message: &str| Finding {
            severity: Severity::Error,
            code: LintCode::InsecureOrigin,
            message: message.into(),
            fix: "f".into(),
        };
        let at = |m: &str| line_column(text, located.offset(&finding(m)));
        assert_eq!(at("`http://b.example.com` is not https"), (4, 3));
        assert_eq!(at("`allow_cross_origin` is true but"), (6, 22));
        assert_eq!(at("`nothing` we know"), (1, 1));
        let served =
            "rp_ids = [\"a.example\"]\n[deployment]\nserved_at = [\"https://x.a.example:8006/\"]\n";
        let located = Locations::of(served);
        let f = finding("users reach the RP at `https://x.a.example:8006`, which");
        assert_eq!(line_column(served, located.offset(&f)), (3, 14));
        assert_eq!(Locations::of("not toml [").offset(&finding("`x`")), 0);
    }
}
