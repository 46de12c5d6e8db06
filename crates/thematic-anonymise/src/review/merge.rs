//! A re-scan merged into the review the researcher has been editing: nothing decided is
//! lost, nothing found is silently dropped.

use std::collections::HashMap;

use super::{Review, ReviewRow, name_number};

impl Review {
    /// Merges a `fresh` scan into the `previous` review:
    ///
    /// - a term in both keeps the previous decision, replacement, note and kind (the
    ///   researcher may have changed them) and takes the fresh count and example; its rule
    ///   is the fresh one unless the previous row was added by hand;
    /// - a term only in the fresh scan is added as the scan prefilled it, except that new
    ///   `[Name n]` numbers continue after the highest already in use, and a name sharing a
    ///   number with a term already reviewed ("Margaret" and "Margaret Hughes") takes that
    ///   term's replacement;
    /// - a term only in the previous review is kept with count 0, so a decision is never
    ///   silently dropped (a term that was replaced is no longer found, and that is the
    ///   point).
    ///
    /// ```
    /// use thematic_anonymise::{Decision, Kind, Review, ReviewRow};
    /// let mut amir = ReviewRow::manual("Amir", Kind::Name);
    /// amir.decision = Decision::Keep;
    /// amir.note = "the author of a cited book".to_owned();
    /// let previous = Review::from_rows(vec![amir, ReviewRow::manual("Leeds", Kind::Place)]);
    /// let mut fresh_amir = ReviewRow::manual("amir", Kind::Name);
    /// fresh_amir.count = 4;
    /// let merged = Review::merge(&previous, Review::from_rows(vec![fresh_amir]));
    /// let amir = merged.get("Amir").unwrap();
    /// assert_eq!((amir.decision, amir.count, amir.note.as_str()), (Decision::Keep, 4, "the author of a cited book"));
    /// assert_eq!(merged.get("Leeds").unwrap().count, 0);
    /// ```
    pub fn merge(previous: &Review, fresh: Review) -> Review {
        let old: HashMap<String, &ReviewRow> = previous.rows.iter().map(|r| (r.key(), r)).collect();
        // Fresh replacement → the replacement it becomes, decided by the rows already
        // reviewed first, then new numbers in the fresh numbering's order.
        let mut relabel: HashMap<String, String> = HashMap::new();
        for r in &fresh.rows {
            if let Some(o) = old.get(&r.key())
                && name_number(&r.replacement).is_some()
            {
                relabel
                    .entry(r.replacement.clone())
                    .or_insert_with(|| o.replacement.clone());
            }
        }
        let mut new_numbers: Vec<usize> = fresh
            .rows
            .iter()
            .filter(|r| !old.contains_key(&r.key()) && !relabel.contains_key(&r.replacement))
            .filter_map(|r| name_number(&r.replacement))
            .collect();
        new_numbers.sort_unstable();
        new_numbers.dedup();
        for (next, n) in (previous.next_name_number()..).zip(new_numbers) {
            relabel.insert(format!("[Name {n}]"), format!("[Name {next}]"));
        }

        let mut rows = Vec::with_capacity(previous.rows.len() + fresh.rows.len());
        let mut seen = std::collections::HashSet::new();
        for f in fresh.rows {
            let key = f.key();
            seen.insert(key.clone());
            match old.get(&key) {
                Some(o) => rows.push(ReviewRow {
                    term: o.term.clone(),
                    kind: o.kind,
                    rule: if o.rule == crate::Rule::Manual {
                        o.rule
                    } else {
                        f.rule
                    },
                    count: f.count,
                    example: if f.example.is_empty() {
                        o.example.clone()
                    } else {
                        f.example
                    },
                    decision: o.decision,
                    replacement: o.replacement.clone(),
                    note: o.note.clone(),
                }),
                None => {
                    let replacement = relabel
                        .get(&f.replacement)
                        .cloned()
                        .unwrap_or(f.replacement);
                    rows.push(ReviewRow { replacement, ..f });
                }
            }
        }
        for o in &previous.rows {
            if !seen.contains(&o.key()) {
                rows.push(ReviewRow {
                    count: 0,
                    ..o.clone()
                });
            }
        }
        Review::from_rows(rows)
    }
}

#[cfg(test)]
mod tests {
    use super::super::Decision;
    use super::*;
    use crate::{Kind, Rule};

    fn row(
        term: &str,
        kind: Kind,
        rule: Rule,
        decision: Decision,
        replacement: &str,
        count: usize,
    ) -> ReviewRow {
        ReviewRow {
            term: term.to_owned(),
            kind,
            rule,
            count,
            example: format!("P1: …{term}…"),
            decision,
            replacement: replacement.to_owned(),
            note: String::new(),
        }
    }

    #[test]
    fn a_rescan_keeps_decisions_adds_new_terms_and_keeps_vanished_ones() {
        let mut keep_leeds = row(
            "Leeds",
            Kind::Place,
            Rule::PlaceList,
            Decision::Keep,
            "[Place]",
            3,
        );
        keep_leeds.note = "the study's city, named in the paper".to_owned();
        let previous = Review::from_rows(vec![
            keep_leeds,
            row(
                "Margaret Hughes",
                Kind::Name,
                Rule::FirstNameList,
                Decision::Replace,
                "[Name 1]",
                2,
            ),
            row(
                "Okafor",
                Kind::Name,
                Rule::TitleBeforeName,
                Decision::Replace,
                "Dr Green",
                1,
            ),
            row(
                "Bob",
                Kind::Name,
                Rule::FirstNameList,
                Decision::Replace,
                "[Name 2]",
                1,
            ),
        ]);
        // The fresh scan numbers from 1 again: Margaret Hughes 1, Margaret 1 (shares),
        // Okafor 2, Tariq 3. Bob was replaced by hand and is gone.
        let fresh = Review::from_rows(vec![
            row(
                "Leeds",
                Kind::Place,
                Rule::PlaceList,
                Decision::Review,
                "[Place]",
                5,
            ),
            row(
                "Margaret Hughes",
                Kind::Name,
                Rule::FirstNameList,
                Decision::Review,
                "[Name 1]",
                2,
            ),
            row(
                "Margaret",
                Kind::Name,
                Rule::FirstNameList,
                Decision::Review,
                "[Name 1]",
                4,
            ),
            row(
                "okafor",
                Kind::Name,
                Rule::TitleBeforeName,
                Decision::Replace,
                "[Name 2]",
                1,
            ),
            row(
                "Tariq",
                Kind::Name,
                Rule::FirstNameList,
                Decision::Review,
                "[Name 3]",
                1,
            ),
        ]);
        let merged = Review::merge(&previous, fresh);
        let got: Vec<_> = merged
            .rows()
            .iter()
            .map(|r| (r.term.as_str(), r.decision, r.replacement.as_str(), r.count))
            .collect();
        // Margaret takes Margaret Hughes's [Name 1]; Tariq's fresh 3 becomes 3 (the highest
        // in use before was 2); Okafor keeps "Dr Green"; Bob stays with count 0.
        assert_eq!(
            got,
            [
                ("Bob", Decision::Replace, "[Name 2]", 0),
                ("Margaret", Decision::Review, "[Name 1]", 4),
                ("Margaret Hughes", Decision::Replace, "[Name 1]", 2),
                ("Okafor", Decision::Replace, "Dr Green", 1),
                ("Tariq", Decision::Review, "[Name 3]", 1),
                ("Leeds", Decision::Keep, "[Place]", 5),
            ]
        );
        assert_eq!(
            merged.get("leeds").map(|r| r.note.as_str()),
            Some("the study's city, named in the paper")
        );
    }

    #[test]
    fn merging_into_nothing_is_the_fresh_scan() {
        let fresh = Review::from_rows(vec![row(
            "Tariq",
            Kind::Name,
            Rule::FirstNameList,
            Decision::Review,
            "[Name 1]",
            1,
        )]);
        assert_eq!(Review::merge(&Review::new(), fresh.clone()), fresh);
    }
}
