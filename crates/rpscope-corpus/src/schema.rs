//! The JSON Schemas of the case file, the mobile topic file and the run report,
//! generated from the types.
//!
//! `corpus/schema/*.schema.json` are checked in; `rpscope corpus schema --write`
//! regenerates them, and a test fails when they drift from the types.

use crate::case::TopicFile;
use crate::run::Report;

/// `(file name, schema text)` for every schema rpscope publishes.
pub fn all() -> Vec<(&'static str, String)> {
    vec![
        (
            "case-file.schema.json",
            render::<TopicFile>("rpscope corpus topic file"),
        ),
        (
            "mobile-file.schema.json",
            render::<crate::mobile::MobileTopic>("rpscope mobile association file topic"),
        ),
        (
            "report.schema.json",
            render::<Report>("rpscope conformance report"),
        ),
    ]
}

fn render<T: schemars::JsonSchema>(title: &str) -> String {
    let mut schema = schemars::schema_for!(T);
    schema.insert("title".into(), title.into());
    let mut text = serde_json::to_string_pretty(&schema).unwrap_or_default();
    text.push('\n');
    text
}
