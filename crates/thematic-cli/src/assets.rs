//! The shipped codebooks and the sample study, embedded at build time (see `build.rs`).

include!(concat!(env!("OUT_DIR"), "/assets.rs"));

/// A shipped codebook by name (`blank`, `social-prescribing-mechanisms`), with or without
/// `.toml`.
pub fn codebook(name: &str) -> Option<(&'static str, &'static str)> {
    let file = if name.ends_with(".toml") {
        name.to_string()
    } else {
        format!("{name}.toml")
    };
    CODEBOOKS
        .iter()
        .find(|(n, _)| *n == file)
        .and_then(|(n, bytes)| std::str::from_utf8(bytes).ok().map(|text| (*n, text)))
}

/// The names of the shipped codebooks, without `.toml`.
pub fn codebook_names() -> Vec<&'static str> {
    CODEBOOKS
        .iter()
        .filter_map(|(n, _)| n.strip_suffix(".toml"))
        .collect()
}
