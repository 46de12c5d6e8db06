//! The progress bar shown while the search index is built (indicatif, on stderr), and the
//! one way commands open the index.

use std::io::IsTerminal;

use indicatif::{ProgressBar, ProgressStyle};
use thematic_index::{Freshness, Progress, StudyIndex};
use thematic_study::Study;

use crate::error::Result;

/// More transcripts than this get a progress bar (when stderr is a terminal).
const HANDFUL: usize = 20;

/// Opens the study's index, updating it first (or rebuilding it when `rebuild`), with a
/// progress bar while many transcripts are indexed. Reports unreadable transcripts, and a
/// rebuild when `announce`, on stderr.
pub fn open_index(study: &Study, rebuild: bool, announce: bool) -> Result<(StudyIndex, Freshness)> {
    let terminal = std::io::stderr().is_terminal();
    let mut bar: Option<ProgressBar> = None;
    let mut report = |p: Progress| {
        if !terminal || p.total <= HANDFUL {
            return;
        }
        let b = bar.get_or_insert_with(|| {
            let b = ProgressBar::new(p.total as u64);
            if let Ok(style) = ProgressStyle::with_template(
                "indexing {bar:30} {pos}/{len} transcripts, {eta} left",
            ) {
                b.set_style(style);
            }
            b
        });
        b.set_position(p.done as u64);
    };
    let opened = if rebuild {
        StudyIndex::rebuild(study, &mut report)?
    } else {
        StudyIndex::open(study, &mut report)?
    };
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    let (_, fresh) = &opened;
    if let Some(why) = &fresh.rebuilt
        && announce
    {
        crate::cmd::status(&format!(
            "built the search index ({} transcripts) because {why}",
            fresh.indexed
        ));
    }
    for (id, why) in &fresh.unreadable {
        crate::cmd::status(&format!(
            "warning: transcript {id} could not be read and is not searched: {why}"
        ));
    }
    Ok(opened)
}
