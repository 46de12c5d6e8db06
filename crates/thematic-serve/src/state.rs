//! What every request shares: where the study is, who is coding and the token. (The search
//! index needs no lock here: `StudyIndex::open` takes the index's file lock while it brings
//! the index up to date, which serialises threads as it does processes.) The study itself
//! is opened per request, and the [`Model`] checks what it keeps against the files' stamps,
//! so a change made meanwhile on the command line (to `thematic.toml`, the codebook,
//! codings or memos) is seen by the next request.

use std::path::PathBuf;
use std::time::Duration;

use thematic_study::Study;

use crate::error::{ApiError, ApiResult};
use crate::model::Model;

/// The shared state, behind an `Arc`.
#[derive(Debug)]
pub(crate) struct AppState {
    root: PathBuf,
    /// The acting coder.
    pub coder: String,
    /// The access token.
    pub token: String,
    /// The port, which names the cookie and is checked in the `Host` header.
    pub port: u16,
    /// What the server keeps of the study between requests.
    pub model: Model,
    /// How long a write's body may take to arrive.
    pub body_timeout: Duration,
}

impl AppState {
    pub fn new(
        root: PathBuf,
        coder: String,
        token: String,
        port: u16,
        body_timeout: Duration,
    ) -> AppState {
        AppState {
            root,
            coder,
            token,
            port,
            model: Model::default(),
            body_timeout,
        }
    }

    /// Opens the study as it is on disk now.
    pub fn study(&self) -> ApiResult<Study> {
        Ok(Study::open(&self.root)?)
    }
}

/// Runs blocking study work off the async threads. A panic becomes a readable 500, never a
/// stack trace in the page.
pub(crate) async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> ApiResult<T> + Send + 'static,
) -> ApiResult<T> {
    tokio::task::spawn_blocking(f).await.map_err(|_| {
        ApiError::internal(
            "the server failed while handling this request (see its terminal); nothing more was written",
        )
    })?
}
