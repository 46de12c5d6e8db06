//! Exports for papers: the codebook as an appendix, and the Word writer they share.

mod codebook;
pub mod docx;

pub use codebook::{codebook_csv, codebook_docx, codebook_markdown, neutralize};
