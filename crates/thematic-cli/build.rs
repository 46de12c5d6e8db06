//! Embeds the shipped codebooks and the sample study into the binary, so `thematic demo` and
//! `thematic init --codebook NAME` work from any folder, offline.
//!
//! Hand-written rather than `include_dir`: on stable Rust that crate cannot tell cargo to
//! rebuild when a file is added, and this is twenty lines.

#![allow(clippy::unwrap_used)] // a build script fails loudly by design

use std::fmt::Write as _;
use std::path::Path;

fn main() {
    let manifest = std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let root = Path::new(&manifest).join("../..");
    let mut out = String::new();
    for (name, dir) in [
        ("CODEBOOKS", "codebooks"),
        ("SAMPLE_STUDY", "sample-transcripts"),
    ] {
        let dir = root.join(dir);
        println!("cargo:rerun-if-changed={}", dir.display());
        let mut files: Vec<_> = std::fs::read_dir(&dir)
            .expect("the shipped folder exists")
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.is_file())
            .collect();
        files.sort();
        writeln!(out, "pub static {name}: &[(&str, &[u8])] = &[").unwrap();
        for f in files {
            let file_name = f.file_name().unwrap().to_string_lossy().into_owned();
            let abs = f.canonicalize().unwrap();
            writeln!(
                out,
                "    ({file_name:?}, include_bytes!({:?})),",
                abs.display().to_string()
            )
            .unwrap();
        }
        writeln!(out, "];").unwrap();
    }
    let dest = Path::new(&std::env::var("OUT_DIR").unwrap()).join("assets.rs");
    std::fs::write(dest, out).unwrap();
}
