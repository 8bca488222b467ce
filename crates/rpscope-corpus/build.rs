//! Embeds the corpus (`corpus/flags.toml`, `corpus/cases/*.toml`, `corpus/measured/*.toml`,
//! `corpus/mobile/*.toml`)
//! into the crate, so an installed `rpscope` carries the suite it was built with.
//! `--corpus DIR` reads another.

use std::path::{Path, PathBuf};
use std::{env, fs};

fn main() {
    let manifest =
        PathBuf::from(env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    // `corpus` is a link to the repository's top-level `corpus/` (the editable source of
    // truth), so the packaged crate carries exactly the cases it was built with.
    let corpus = manifest.join("corpus");
    let mut out = String::new();
    embed_dir(&corpus.join("cases"), "CASE_FILES", "topic file", &mut out);
    embed_dir(
        &corpus.join("measured"),
        "MEASURED_FILES",
        "measurement file",
        &mut out,
    );
    embed_dir(
        &corpus.join("mobile"),
        "MOBILE_FILES",
        "mobile association file topic",
        &mut out,
    );
    let flags = corpus.join("flags.toml");
    println!("cargo:rerun-if-changed={}", flags.display());
    out.push_str(&format!(
        "/// The embedded flag registry.\npub const FLAGS: &str = include_str!({:?});\n",
        flags.display().to_string()
    ));
    let dest = PathBuf::from(env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("embedded.rs");
    fs::write(dest, out).expect("OUT_DIR is writable");
}

/// Writes `pub const NAME: &[(&str, &str)]`, every `*.toml` of `dir` as `(file name,
/// contents)`, sorted by name.
fn embed_dir(dir: &Path, name: &str, what: &str, out: &mut String) {
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut files: Vec<PathBuf> = fs::read_dir(dir)
        .map(|dir| dir.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    files.retain(|p| p.extension().is_some_and(|e| e == "toml"));
    files.sort();
    out.push_str(&format!(
        "/// `(file name, contents)` of every embedded {what}, sorted by name.\npub const {name}: &[(&str, &str)] = &[\n"
    ));
    for path in &files {
        println!("cargo:rerun-if-changed={}", path.display());
        let file = path
            .file_name()
            .and_then(|n| n.to_str())
            .expect("corpus file names are UTF-8");
        out.push_str(&format!(
            "    ({file:?}, include_str!({:?})),\n",
            path.display().to_string()
        ));
    }
    out.push_str("];\n");
}
