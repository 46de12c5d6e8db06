//! Errors: [`ServeError`] when the server cannot start or stops, and [`ApiError`], what a
//! request gets back when it fails: a status and `{"error": "readable message"}`.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use thematic_study::StudyError;

/// The server could not start, or stopped with an error.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ServeError {
    /// The study could not be opened, or the coder's name is not allowed.
    #[error(transparent)]
    Study(#[from] StudyError),
    /// 127.0.0.1 and the port could not be bound.
    #[error("cannot listen on 127.0.0.1:{port}: {source}")]
    Bind {
        /// The port asked for (0: any).
        port: u16,
        /// The operating-system error.
        source: std::io::Error,
    },
    /// The async runtime could not be started.
    #[error("cannot start the server's threads: {0}")]
    Runtime(std::io::Error),
    /// Accepting connections failed.
    #[error("the server stopped: {0}")]
    Serve(std::io::Error),
    /// The server's thread panicked.
    #[error("the server's thread stopped unexpectedly")]
    Crashed,
}

/// A failed request: an HTTP status and a message for people, sent as JSON
/// `{"error": "…"}` and shown in the page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    /// The HTTP status.
    pub status: StatusCode,
    /// What went wrong and, where it helps, what to do.
    pub message: String,
}

impl ApiError {
    /// An error with `status`.
    pub fn new(status: StatusCode, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            message: message.into(),
        }
    }

    /// 400: the request asks for something that cannot be done.
    pub fn bad_request(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, message)
    }

    /// 404: no such transcript, coding or page.
    pub fn not_found(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::NOT_FOUND, message)
    }

    /// 500: something failed on the server's side.
    pub fn internal(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, message)
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({})", self.message, self.status)
    }
}

impl std::error::Error for ApiError {}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (
            self.status,
            axum::Json(serde_json::json!({ "error": self.message })),
        )
            .into_response()
    }
}

/// `; did you mean "c"?` when there is a closest id, else nothing.
fn did_you_mean(closest: &Option<String>) -> String {
    closest
        .as_ref()
        .map(|c| format!("; did you mean \"{c}\"?"))
        .unwrap_or_default()
}

impl From<StudyError> for ApiError {
    fn from(e: StudyError) -> ApiError {
        match &e {
            StudyError::UnknownTheme { closest, .. } => {
                ApiError::bad_request(format!("{e}{}", did_you_mean(closest)))
            }
            StudyError::RetiredTheme { .. } => {
                ApiError::bad_request(format!("{e}; code one of the current themes"))
            }
            StudyError::GroupTheme {
                label, children, ..
            } => ApiError::bad_request(if children.is_empty() {
                format!("\"{label}\" is a group and cannot be coded, and no theme under it can be")
            } else {
                format!(
                    "\"{label}\" is a group and cannot be coded; code one of the themes under it: {}",
                    children.join(", ")
                )
            }),
            StudyError::UnknownTranscript { closest, .. } => {
                ApiError::not_found(format!("{e}{}", did_you_mean(closest)))
            }
            StudyError::UnknownCoder {
                closest, coders, ..
            } => ApiError::bad_request(format!(
                "{e}{}{}",
                did_you_mean(closest),
                if coders.is_empty() {
                    String::new()
                } else {
                    format!("; coders with codings: {}", coders.join(", "))
                }
            )),
            StudyError::UnknownCoding { .. } => ApiError::not_found(e.to_string()),
            // Nothing to undo, or what it would change has changed since: say so, as the
            // command line does; nothing was written.
            StudyError::NothingToUndo { .. } | StudyError::UndoRefused { .. } => {
                ApiError::new(StatusCode::CONFLICT, e.to_string())
            }
            // The words selected are gone from a transcript corrected since the page read
            // it: nothing was written; reloading shows the text as it is.
            StudyError::TranscriptChanged { .. } => ApiError::new(
                StatusCode::CONFLICT,
                format!("{e}; reload the page to see the transcript as it is now"),
            ),
            StudyError::Codebook(_) => ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                format!(
                    "{e}; `thematic codebook lint` lists every problem; fix the codebook and reload"
                ),
            ),
            StudyError::Invalid { .. } | StudyError::Export(_) | StudyError::Unparsable { .. } => {
                ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, e.to_string())
            }
            // `anonymisation/review.csv` edited into a shape it cannot be read in (each
            // problem with its line and column): nothing was written; fix it and reload.
            StudyError::Review(_) => ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                format!("{e}; correct the file (in a spreadsheet or an editor) and reload"),
            ),
            // A refused codebook edit (an unknown id, a bad colour, a cycle): the request's
            // fault, and the file is unchanged.
            StudyError::Edit { source, .. } => match source {
                thematic_codebook::EditError::UnknownTheme { .. } => {
                    ApiError::not_found(e.to_string())
                }
                _ => ApiError::bad_request(e.to_string()),
            },
            _ => ApiError::internal(e.to_string()),
        }
    }
}

impl From<thematic_index::IndexError> for ApiError {
    fn from(e: thematic_index::IndexError) -> ApiError {
        match e {
            thematic_index::IndexError::Query { .. } => ApiError::bad_request(e.to_string()),
            thematic_index::IndexError::Study(e) => ApiError::from(e),
            _ => ApiError::internal(format!("{e}; run `thematic index --rebuild`")),
        }
    }
}

/// What a handler returns.
pub type ApiResult<T> = Result<T, ApiError>;
