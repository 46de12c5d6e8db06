//! `thematic-bench search`: the search index on a copy of a generated study — a full build,
//! incremental updates after one transcript or one coding changes, in-process query
//! latency (term and phrase queries with 20 keyword-in-context hits, "more like these"
//! suggestions), and the whole `thematic search` process.

use std::path::Path;
use std::time::{Duration, Instant};

use thematic_index::{Scope, SearchQuery, SimilarQuery, SimilarTurns, StudyIndex};
use thematic_study::{Coding, Study};

use crate::{median, release_thematic};

/// Copies the folder `from` to `to`, without the index (`.thematic/`).
pub(crate) fn copy_dir(from: &Path, to: &Path) -> Result<(), String> {
    std::fs::create_dir_all(to).map_err(|e| e.to_string())?;
    for entry in std::fs::read_dir(from).map_err(|e| e.to_string())? {
        let entry = entry.map_err(|e| e.to_string())?;
        let target = to.join(entry.file_name());
        if entry.file_type().map_err(|e| e.to_string())?.is_dir() {
            if entry.file_name() != ".thematic" {
                copy_dir(&entry.path(), &target)?;
            }
        } else {
            std::fs::copy(entry.path(), &target).map_err(|e| e.to_string())?;
        }
    }
    Ok(())
}

pub fn run(corpus: &Path, runs: usize) -> Result<(), String> {
    let dir = std::env::temp_dir().join(format!("thematic-bench-search-{}", std::process::id()));
    copy_dir(corpus, &dir)?;
    let result = measure(&dir, runs);
    let _ = std::fs::remove_dir_all(&dir);
    result
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn measure(dir: &Path, runs: usize) -> Result<(), String> {
    let e = |e: thematic_index::IndexError| e.to_string();
    let study = Study::open(dir).map_err(|e| e.to_string())?;
    let mut builds = Vec::new();
    let mut turns = 0;
    for _ in 0..runs.min(3) {
        let t = Instant::now();
        let (index, _) = StudyIndex::rebuild(&study, &mut |_| {}).map_err(e)?;
        builds.push(t.elapsed());
        turns = index.turns();
    }
    let words: usize = study
        .transcript_files()
        .map_err(|e| e.to_string())?
        .iter()
        .map(|(_, p)| std::fs::read_to_string(p).map_or(0, |s| s.split_whitespace().count()))
        .sum();
    println!(
        "full index build: {:.2} s, median of {} ({turns} turns, {:.1} M words)",
        median(builds).as_secs_f64(),
        runs.min(3),
        words as f64 / 1e6
    );

    // One transcript edited: a turn appended.
    let files = study.transcript_files().map_err(|e| e.to_string())?;
    let (_, path) = &files[files.len() / 2];
    let original = std::fs::read_to_string(path).map_err(|e| e.to_string())?;
    let mut edits = Vec::new();
    for k in 0..runs {
        let id = &files[files.len() / 2].0;
        std::fs::write(
            path,
            format!("{original}\n{id}: An added turn about gardening, edit {k}.\n"),
        )
        .map_err(|e| e.to_string())?;
        let t = Instant::now();
        let (_, fresh) = StudyIndex::open(&study, &mut |_| {}).map_err(e)?;
        edits.push(t.elapsed());
        assert_eq!(fresh.indexed, 1, "one transcript re-indexed");
    }
    println!(
        "incremental update after one transcript changed: {:.0} ms, median of {runs}",
        ms(median(edits))
    );

    // One coding added the way `thematic code` adds it (appended to A's file).
    let transcripts = study.transcripts().map_err(|e| e.to_string())?;
    let mut codings = Vec::new();
    for k in 0..runs {
        let t0 = &transcripts[k % transcripts.len()];
        let turn = &t0.transcript.turns[1];
        let c = Coding {
            id: thematic_study::new_coding_id(),
            coder: "A".into(),
            transcript: t0.id.clone(),
            turn: 2,
            start: turn.start,
            end: turn.end,
            theme: "what-matters".into(),
            text: turn.text(&t0.transcript.text).into(),
            created: thematic_study::now_rfc3339(),
            ..Coding::default()
        };
        study.add_coding(&c).map_err(|e| e.to_string())?;
        let t = Instant::now();
        let (_, fresh) = StudyIndex::open(&study, &mut |_| {}).map_err(e)?;
        codings.push(t.elapsed());
        assert!(fresh.rebuilt.is_none() && fresh.indexed <= 1, "{fresh:?}");
    }
    println!(
        "incremental update after one coding added: {:.0} ms, median of {runs}",
        ms(median(codings))
    );

    let (index, _) = StudyIndex::open(&study, &mut |_| {}).map_err(e)?;
    let book = study.codebook().map_err(|e| e.to_string())?;
    for query in [
        "funding",
        "\"what matters\"",
        "motivat* theme:goal-orientation",
    ] {
        let q = SearchQuery {
            query: query.into(),
            scope: Scope::default(),
            limit: 20,
            context: 50,
        };
        let mut times = Vec::new();
        let mut total = 0;
        for _ in 0..50 {
            let t = Instant::now();
            let r = index.search(&book, &q).map_err(e)?;
            times.push(t.elapsed());
            total = r.total;
            assert_eq!(r.hits.len(), 20.min(r.total));
        }
        println!(
            "query {query}: {:.2} ms in process with 20 keyword-in-context hits ({total} matching turns), median of 50",
            ms(median(times))
        );
    }

    // "More like these": coder A's extracts of a code (36,000 codings), of a group of three
    // codes and of the whole tree, 20 suggestions.
    for theme in [
        "what-matters",
        "the-approach",
        "solution-focused-strengths-based",
    ] {
        let q = SimilarQuery {
            coder: "A".into(),
            theme: theme.into(),
            limit: 20,
            context: 60,
            ..SimilarQuery::default()
        };
        let mut times = Vec::new();
        let mut found = SimilarTurns::default();
        for _ in 0..20 {
            let t = Instant::now();
            found = index.similar(&book, &q).map_err(e)?;
            times.push(t.elapsed());
        }
        assert_eq!(found.suggestions.len(), 20);
        println!(
            "more like these, {theme}: {:.1} ms in process, 20 suggestions from {} of {} coded turns, median of 20",
            ms(median(times)),
            found.examples,
            found.coded_turns
        );
    }

    let exe = release_thematic()?;
    let mut whole = Vec::new();
    for _ in 0..runs.max(5) {
        let t = Instant::now();
        let out = std::process::Command::new(&exe)
            .arg("--study")
            .arg(dir)
            .args(["search", "\"what matters\"", "--format", "csv"])
            .output()
            .map_err(|e| e.to_string())?;
        whole.push(t.elapsed());
        if !out.status.success() {
            return Err(String::from_utf8_lossy(&out.stderr).into_owned());
        }
    }
    println!(
        "whole `thematic search \"what matters\"` process: {:.0} ms wall, median of {}",
        ms(median(whole)),
        runs.max(5)
    );
    Ok(())
}
