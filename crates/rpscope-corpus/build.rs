//! Embeds the corpus (`corpus/flags.toml`, `corpus/cases/*.toml`) into the crate, so an
//! installed `rpscope` carries the suite it was built with. `--corpus DIR` reads another.

use std::path::PathBuf;
use std::{env, fs};

fn main() {
    let manifest =
        PathBuf::from(env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let corpus = manifest.join("../../corpus");
    let cases = corpus.join("cases");
    println!(
        "cargo:rerun-if-changed={}",
        corpus.join("flags.toml").display()
    );
    println!("cargo:rerun-if-changed={}", cases.display());
    let mut files: Vec<PathBuf> = fs::read_dir(&cases)
        .map(|dir| dir.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    files.retain(|p| p.extension().is_some_and(|e| e == "toml"));
    files.sort();
    let mut out = String::from("/// `(file name, contents)` of every embedded topic file, sorted by name.\npub const CASE_FILES: &[(&str, &str)] = &[\n");
    for path in &files {
        println!("cargo:rerun-if-changed={}", path.display());
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .expect("corpus file names are UTF-8");
        out.push_str(&format!(
            "    ({name:?}, include_str!({:?})),\n",
            path.display().to_string()
        ));
    }
    out.push_str("];\n");
    out.push_str(&format!(
        "/// The embedded flag registry.\npub const FLAGS: &str = include_str!({:?});\n",
        corpus.join("flags.toml").display().to_string()
    ));
    let dest = PathBuf::from(env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("embedded.rs");
    fs::write(dest, out).expect("OUT_DIR is writable");
}
