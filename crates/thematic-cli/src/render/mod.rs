//! Rendering transcripts for people: coding markers in turn text.

pub mod marked;
