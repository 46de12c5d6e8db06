//! Results kept per transcript, so that after one coding changes, a study-wide answer
//! (Compare's agreement, the quote view) is computed again for that transcript only.
//!
//! Each part is kept with a fingerprint of what it was computed from (the transcript
//! file's stamp, the digests of the coders' rows in it); a part whose fingerprint changed
//! is computed again, the others are reused. Everything a part depends on beyond its
//! transcript (the codebook, the unit, the coders) is the slot's `scope`: when it changes,
//! every part is computed again.

use std::collections::HashMap;
use std::sync::Arc;

use thematic_study::content_hash;

use super::{Model, lock};
use crate::error::ApiError;

/// One slot's parts and the scope they were computed in.
pub(super) struct Kept<T> {
    scope: String,
    parts: HashMap<String, (u64, Arc<T>)>,
}

/// The fingerprint of what one part is computed from.
pub(crate) fn fingerprint(of: &[u64]) -> u64 {
    let bytes: Vec<u8> = of.iter().flat_map(|v| v.to_le_bytes()).collect();
    content_hash(&bytes)
}

impl Model {
    /// For each of `wanted` (transcript, fingerprint), in that order: the part kept in
    /// `slot` for that fingerprint and `scope`, else the one `compute` gives for it.
    /// `compute` is called once, with every transcript whose part is missing or stale, and
    /// answers one part per transcript, in order. Parts of transcripts no longer wanted are
    /// dropped. On an error the kept parts stay as they were.
    pub fn parts<T: Send + Sync + 'static>(
        &self,
        slot: &'static str,
        scope: &str,
        wanted: &[(String, u64)],
        compute: impl FnOnce(&[&str]) -> Result<Vec<T>, ApiError>,
    ) -> Result<Vec<(String, Arc<T>)>, ApiError> {
        let gate = self.gate(&format!("parts\u{0}{slot}"));
        let _one = lock(&gate);
        let kept: Kept<T> = lock(&self.parts)
            .remove(slot)
            .and_then(|b| b.downcast::<Kept<T>>().ok())
            .map(|b| *b)
            .filter(|k| k.scope == scope)
            .unwrap_or_else(|| Kept {
                scope: scope.to_string(),
                parts: HashMap::new(),
            });
        let missing: Vec<&str> = wanted
            .iter()
            .filter(|(t, f)| kept.parts.get(t).is_none_or(|(g, _)| g != f))
            .map(|(t, _)| t.as_str())
            .collect();
        let computed = match compute(&missing) {
            Ok(v) if v.len() == missing.len() => v,
            Ok(v) => {
                return Err(ApiError::internal(format!(
                    "{slot}: {} parts computed for {} transcripts",
                    v.len(),
                    missing.len()
                )));
            }
            Err(e) => {
                lock(&self.parts).insert(slot, Box::new(kept));
                return Err(e);
            }
        };
        let mut fresh: HashMap<&str, Arc<T>> = missing
            .into_iter()
            .zip(computed)
            .map(|(t, v)| (t, Arc::new(v)))
            .collect();
        let mut next = Kept {
            scope: scope.to_string(),
            parts: HashMap::with_capacity(wanted.len()),
        };
        let mut out = Vec::with_capacity(wanted.len());
        for (t, f) in wanted {
            let part = match fresh.remove(t.as_str()) {
                Some(p) => p,
                None => match kept.parts.get(t) {
                    Some((_, p)) => p.clone(),
                    None => continue,
                },
            };
            next.parts.insert(t.clone(), (*f, part.clone()));
            out.push((t.clone(), part));
        }
        lock(&self.parts).insert(slot, Box::new(next));
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wanted(v: &[(&str, u64)]) -> Vec<(String, u64)> {
        v.iter().map(|(t, f)| (t.to_string(), *f)).collect()
    }

    #[test]
    fn only_missing_or_changed_parts_are_computed() {
        let model = Model::default();
        let calls = std::sync::Mutex::new(Vec::<Vec<String>>::new());
        let run = |w: &[(&str, u64)], scope: &str| {
            model
                .parts("t", scope, &wanted(w), |ids| {
                    calls
                        .lock()
                        .unwrap()
                        .push(ids.iter().map(|s| s.to_string()).collect());
                    Ok(ids.iter().map(|id| format!("{id}@{scope}")).collect())
                })
                .unwrap()
                .into_iter()
                .map(|(t, v)| format!("{t}={v}"))
                .collect::<Vec<_>>()
        };
        assert_eq!(run(&[("P1", 1), ("P2", 1)], "s"), ["P1=P1@s", "P2=P2@s"]);
        // P2 changed, P3 is new, P1 is kept.
        assert_eq!(
            run(&[("P1", 1), ("P2", 2), ("P3", 1)], "s"),
            ["P1=P1@s", "P2=P2@s", "P3=P3@s"]
        );
        // A new scope computes everything again.
        assert_eq!(run(&[("P1", 1)], "u"), ["P1=P1@u"]);
        let calls = calls.into_inner().unwrap();
        assert_eq!(
            calls,
            vec![
                vec!["P1".to_string(), "P2".into()],
                vec!["P2".into(), "P3".into()],
                vec!["P1".into()],
            ]
        );
    }

    #[test]
    fn an_error_keeps_what_was_kept() {
        let model = Model::default();
        let w = wanted(&[("P1", 1)]);
        model
            .parts("t", "s", &w, |ids| Ok(vec![0u8; ids.len()]))
            .unwrap();
        let failed = model.parts::<u8>("t", "s", &wanted(&[("P1", 2)]), |_| {
            Err(ApiError::bad_request("no"))
        });
        assert!(failed.is_err());
        let mut computed = false;
        model
            .parts("t", "s", &w, |ids| {
                computed = !ids.is_empty();
                Ok(vec![1u8; ids.len()])
            })
            .unwrap();
        assert!(
            !computed,
            "P1's part for fingerprint 1 was kept through the error"
        );
    }
}
