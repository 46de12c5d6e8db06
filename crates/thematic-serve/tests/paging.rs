//! Answers paged and filtered on the server, and the server's model kept current: pages
//! cover a table exactly once, totals count what the filters keep, limits are clamped, a
//! change made on the command line while the server runs appears on the next request, and
//! blind coding still holds.

#![allow(clippy::unwrap_used)]

mod common;

use common::{Fixture, code};
use serde_json::Value;

/// The quotes of the view, every page of `limit` fetched in turn.
fn all_pages(f: &Fixture, query: &str, limit: usize) -> (u64, Vec<Value>) {
    let mut got = Vec::new();
    let mut total = 0;
    for page in 0.. {
        let body = f.json(&format!(
            "/api/quotes?format=json&inline=1&{query}&offset={}&limit={limit}",
            page * limit
        ));
        total = body["total"].as_u64().unwrap();
        let mut quotes = body["quotes"].as_array().unwrap().clone();
        // Each quote of the view carries its turn's time, which the download has not.
        for q in &mut quotes {
            assert!(q.as_object_mut().unwrap().remove("start_ms").is_some());
        }
        assert!(quotes.len() <= limit);
        if quotes.is_empty() {
            break;
        }
        got.extend(quotes);
    }
    (total, got)
}

#[test]
fn quote_pages_cover_the_table_once_and_filters_narrow_it() {
    let f = Fixture::new();
    // The whole table, as the JSON download gives it.
    let whole: Vec<Value> =
        serde_json::from_str(&f.get("/api/quotes?format=json&coder=KW").text()).unwrap();
    assert!(whole.len() >= 3, "the test study has quotes: {whole:?}");
    for limit in [1, 2, 500] {
        let (total, paged) = all_pages(&f, "coder=KW", limit);
        assert_eq!(total, whole.len() as u64);
        assert_eq!(
            paged, whole,
            "pages of {limit} are the table, in order, once"
        );
    }
    // A theme filter keeps that theme's quotes (and its subtree's), and counts them.
    let theme = whole[0]["theme"].as_str().unwrap().to_string();
    let (total, kept) = all_pages(&f, &format!("coder=KW&theme={theme}"), 1);
    let expected: Vec<&Value> = whole.iter().filter(|q| q["theme"] == theme).collect();
    assert_eq!(total, expected.len() as u64);
    assert_eq!(kept.iter().collect::<Vec<_>>(), expected);
    // A group keeps every theme under it; the overarching theme keeps everything.
    let root = "solution-focused-strengths-based";
    let (total, _) = all_pages(&f, &format!("coder=KW&theme={root}"), 500);
    assert_eq!(total, whole.len() as u64);
    // A participant filter.
    let who = whole[0]["participant"].as_str().unwrap().to_string();
    let (total, kept) = all_pages(&f, &format!("coder=KW&participant={who}"), 2);
    assert!(kept.iter().all(|q| q["participant"] == who));
    assert_eq!(
        total,
        whole.iter().filter(|q| q["participant"] == who).count() as u64
    );
    // A huge limit is clamped, not obeyed.
    let body = f.json("/api/quotes?format=json&inline=1&coder=KW&limit=18446744073709551615");
    assert_eq!(body["limit"], 500);
}

#[test]
fn search_pages_and_clamps_its_limit() {
    let f = Fixture::new();
    let first = f.json("/api/search?q=goals&limit=1");
    assert_eq!(first["total"], 2);
    assert_eq!(first["hits"].as_array().unwrap().len(), 1);
    let second = f.json("/api/search?q=goals&limit=1&offset=1");
    assert_eq!(second["hits"].as_array().unwrap().len(), 1);
    assert_ne!(first["hits"][0], second["hits"][0], "pages do not repeat");
    let past = f.json("/api/search?q=goals&limit=1&offset=2");
    assert!(past["hits"].as_array().unwrap().is_empty());
    // The request that once aborted the server on a 160 GB allocation.
    let huge = f.json("/api/search?q=goals&limit=10000000000");
    assert_eq!(huge["limit"], 200);
    assert_eq!(huge["hits"].as_array().unwrap().len(), 2);
    let far = f.get("/api/search?q=goals&offset=99999999");
    assert_eq!(far.status, 400);
}

#[test]
fn changes_made_on_the_command_line_appear_on_the_next_request() {
    let f = Fixture::new();
    let count = |f: &Fixture, coder: &str| -> u64 {
        let rows = f.json("/api/transcripts");
        rows.as_array()
            .unwrap()
            .iter()
            .find(|r| r["id"] == "P2")
            .and_then(|r| {
                r["progress"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .find(|p| p["coder"] == coder)
                    .map(|p| p["codings"].as_u64().unwrap())
            })
            .unwrap_or(0)
    };
    let before = count(&f, "KW");
    let reader = f.json("/api/transcripts/P2");
    let quotes = f.json("/api/quotes?format=json&inline=1&coder=KW")["total"]
        .as_u64()
        .unwrap();
    let compare = f.json("/api/compare?a=KW&b=CG&unit=turn&transcript=P2");
    // Coded through the store, as `thematic code` does, while the server runs.
    let id = code(&f.study, "KW", "P2", 4, "fortnight", "goal-orientation");
    assert_eq!(count(&f, "KW"), before + 1, "the list sees the append");
    let ids = |v: &Value| -> Vec<String> {
        v["codings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["id"].as_str().unwrap().to_string())
            .collect()
    };
    let after = f.json("/api/transcripts/P2");
    assert_eq!(ids(&after).len(), ids(&reader).len() + 1);
    assert!(ids(&after).contains(&id));
    assert_eq!(
        f.json("/api/quotes?format=json&inline=1&coder=KW")["total"],
        quotes + 1,
        "the kept quote table is rebuilt"
    );
    let again = f.json("/api/compare?a=KW&b=CG&unit=turn&transcript=P2");
    assert_ne!(
        again["disagreements_total"], compare["disagreements_total"],
        "the kept agreement data is recomputed"
    );
    // A rewrite (uncode) is seen too.
    f.study.uncode("KW", &id).unwrap();
    assert_eq!(count(&f, "KW"), before);
    assert!(!ids(&f.json("/api/transcripts/P2")).contains(&id));
}

#[test]
fn blind_coding_holds_in_the_paged_answers() {
    let f = Fixture::new();
    let cg = code(
        &f.study,
        "CG",
        "P1",
        6,
        "Walking groups",
        "active-engagement",
    );
    // KW's reader and KW's quote view never carry CG's coding.
    let reader = f.json("/api/transcripts/P1");
    assert!(
        reader["codings"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["coder"] == "KW" && c["id"] != cg.as_str())
    );
    let quotes = f.json("/api/quotes?format=json&inline=1&limit=500");
    assert!(
        quotes["quotes"]
            .as_array()
            .unwrap()
            .iter()
            .all(|q| q["coders"] == serde_json::json!(["KW"]))
    );
}
