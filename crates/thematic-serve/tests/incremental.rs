//! The answers the server keeps current one transcript at a time (Compare's agreement, the
//! quote view, the map's counts) are, after every kind of change, exactly what a fresh
//! computation gives: a second server started on the same folder (nothing kept), the
//! quote table's download, and the map drawn from every coding.

#![allow(clippy::unwrap_used)]

mod common;

use common::{Fixture, code};
use serde_json::{Value, json};
use thematic_serve::{Limits, Running, ServeOptions};

/// Everything the kept answers show, from `server`, for one unit and one choice of coders
/// (a slot keeps its parts for one of each, so the kept server must see the same one
/// throughout for its parts to be reused).
fn answers(server: &Running, unit: &str, coders: &str) -> Vec<(String, Value)> {
    let get = |path: &str| {
        let r = common::send(
            server.addr(),
            "GET",
            path,
            &[("X-Thematic-Token", server.token())],
            None,
        );
        assert_eq!(r.status, 200, "{path}: {}", r.text());
        r
    };
    let mut out = Vec::new();
    for t in ["P1", "P2"] {
        let path = format!("/api/compare?a=KW&b=CG&unit={unit}&transcript={t}");
        out.push((path.clone(), get(&path).json()));
    }
    let path = format!("/api/quotes?format=json&inline=1&coder={coders}&limit=500");
    out.push((path.clone(), get(&path).json()));
    out.push((
        "/api/map.svg".into(),
        Value::String(get("/api/map.svg").text()),
    ));
    out
}

/// The kept answers of `f`'s server equal a fresh server's, and the quote view's pages
/// equal the downloaded table.
fn same_as_fresh(f: &Fixture, unit: &str, coders: &str, after: &str) {
    let kept = answers(&f.server, unit, coders);
    let fresh =
        Running::start_with(ServeOptions::new(f.study.root(), "KW"), Limits::default()).unwrap();
    let recomputed = answers(&fresh, unit, coders);
    for ((path, k), (_, r)) in kept.iter().zip(&recomputed) {
        assert_eq!(
            k, r,
            "after {after}: {path} differs from a fresh computation"
        );
    }
    let whole: Value = serde_json::from_str(
        &f.get(&format!("/api/quotes?format=json&coder={coders}"))
            .text(),
    )
    .unwrap();
    let view = f.json(&format!(
        "/api/quotes?format=json&inline=1&coder={coders}&limit=500"
    ));
    // The view's quotes are the download's, each with its turn's time besides.
    let mut quotes = view["quotes"].clone();
    for q in quotes.as_array_mut().unwrap() {
        q.as_object_mut().unwrap().remove("start_ms");
    }
    assert_eq!(quotes, whole, "after {after}: the view is the table");
    assert_eq!(view["total"], json!(whole.as_array().unwrap().len()));
}

#[test]
fn kept_answers_equal_fresh_ones_after_every_kind_of_change() {
    for (unit, coders) in [("turn", "KW"), ("sentence", "KW,CG"), ("char", "CG")] {
        changes(unit, coders);
    }
}

/// Every kind of change in turn, the kept answers checked after each.
fn changes(unit: &str, coders: &str) {
    let f = Fixture::new();
    let same_as_fresh = |f: &Fixture, after: &str| same_as_fresh(f, unit, coders, after);
    same_as_fresh(&f, "start");

    // An append by another coder (as `thematic code` does).
    code(&f.study, "CG", "P2", 2, "We set goals", "goal-orientation");
    same_as_fresh(&f, "an append by CG");

    // A coding posted in the page.
    let (start, end) = common::span(&f.study, "P2", 4, "what matters to them");
    let posted = f.with_body(
        "POST",
        "/api/codings",
        &json!({"transcript": "P2", "start": start, "end": end, "theme": "what-matters"}),
    );
    assert_eq!(posted.status, 201, "{}", posted.text());
    let id = posted.json()["coding"]["id"].as_str().unwrap().to_string();
    same_as_fresh(&f, "a coding posted");

    // Its theme changed (the file rewritten).
    let changed = f.with_body(
        "PATCH",
        &format!("/api/codings/{id}"),
        &json!({"theme": "empowerment"}),
    );
    assert_eq!(changed.status, 200, "{}", changed.text());
    same_as_fresh(&f, "a theme changed");

    // Removed in the page (its row cut from the file, the server following the cut).
    let removed = f.write("DELETE", &format!("/api/codings/{id}"), &[], "");
    assert_eq!(removed.status, 200, "{}", removed.text());
    same_as_fresh(&f, "a coding removed in the page");

    // Removed on the command line (rows after it moved).
    let cg = code(
        &f.study,
        "CG",
        "P1",
        6,
        "Walking groups",
        "active-engagement",
    );
    same_as_fresh(&f, "another append");
    f.study.uncode("CG", &cg).unwrap();
    same_as_fresh(&f, "an uncode");

    // A theme renamed in the codebook: labels change, parts need not.
    let book = f.study.codebook_path();
    let text = std::fs::read_to_string(&book).unwrap();
    std::fs::write(&book, text.replacen("label = \"", "label = \"Renamed: ", 1)).unwrap();
    same_as_fresh(&f, "a label changed");

    // A transcript edited (its file's stamp changes).
    let p2 = f.study.transcripts_dir().join("P2.txt");
    let mut words = std::fs::read_to_string(&p2).unwrap();
    words.push_str("Interviewer: Anything else?\n");
    std::fs::write(&p2, words).unwrap();
    same_as_fresh(&f, "a transcript edited");
}
