//! (being written) the status view's routes.

use std::sync::Arc;

use axum::Router;

use crate::state::AppState;

/// The status view's routes.
pub(crate) fn routes() -> Router<Arc<AppState>> {
    Router::new()
}
