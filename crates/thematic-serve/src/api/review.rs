//! (being written) the review view's routes.

use std::sync::Arc;

use axum::Router;

use crate::state::AppState;

/// The review view's routes.
pub(crate) fn routes() -> Router<Arc<AppState>> {
    Router::new()
}
