//! (being written) the board view's routes.

use std::sync::Arc;

use axum::Router;

use crate::state::AppState;

/// The board view's routes.
pub(crate) fn routes() -> Router<Arc<AppState>> {
    Router::new()
}
