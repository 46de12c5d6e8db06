//! Exports for papers: the codebook as an appendix, and the Word writer every Word export
//! shares. Text is escaped by [`thematic_codebook::xml_escape`], the project's one escaper.

mod codebook;
pub mod docx;
pub(crate) mod latex;

pub use codebook::{codebook_csv, codebook_docx, codebook_markdown};
