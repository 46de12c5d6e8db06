//! Inter-coder agreement statistics over units × coders data, with missing ratings allowed:
//! percent agreement, Cohen's κ and Krippendorff's α, each checked against values printed
//! in the papers that introduced them.
//!
//! ```
//! use thematic_agreement::Ratings;
//!
//! // Two coders, four units, category indices; `None` is a missing rating.
//! let r = Ratings::new(2, vec![
//!     vec![Some(0), Some(0)],
//!     vec![Some(1), Some(1)],
//!     vec![Some(1), Some(0)],
//!     vec![Some(0), Some(0)],
//! ]);
//! assert_eq!(r.percent_agreement(), Some(0.75));
//! assert!((r.cohen_kappa().unwrap() - 0.5).abs() < 1e-12);
//! ```
//!
//! Conventions:
//! - a statistic whose chance-agreement term makes it 0/0 (for example two coders who never
//!   apply a theme: perfect agreement on a single category) is `None`, never NaN, and the
//!   CLI prints it as `n/a` with the reason;
//! - Cohen's κ uses only units both coders rated;
//! - Krippendorff's α drops units with fewer than two ratings (they cannot be paired).

mod ratings;

pub use ratings::Ratings;
