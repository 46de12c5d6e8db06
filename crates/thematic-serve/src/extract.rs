//! Axum's extractors with their rejections turned into [`ApiError`]s, so a malformed body,
//! query or path also gets `{"error": "…"}` back.

use std::sync::Arc;

use axum::extract::{FromRequest, FromRequestParts, Path, Query, Request};
use axum::http::StatusCode;
use axum::http::request::Parts;
use serde::de::DeserializeOwned;

use crate::error::ApiError;
use crate::state::AppState;

/// A JSON body, at most [`crate::MAX_BODY_BYTES`], arriving within the server's body
/// timeout. Nesting needs no bound: serde_json reads into the fixed shape of `T` and skips
/// unknown fields without recursing.
#[derive(Debug)]
pub(crate) struct Body<T>(pub T);

impl<T: DeserializeOwned> FromRequest<Arc<AppState>> for Body<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &Arc<AppState>) -> Result<Self, Self::Rejection> {
        let read = axum::Json::<T>::from_request(req, state);
        let Ok(read) = tokio::time::timeout(state.body_timeout, read).await else {
            return Err(ApiError::new(
                StatusCode::REQUEST_TIMEOUT,
                "the request body did not arrive in time",
            ));
        };
        match read {
            Ok(axum::Json(v)) => Ok(Body(v)),
            Err(r) if r.status() == StatusCode::PAYLOAD_TOO_LARGE => Err(ApiError::new(
                r.status(),
                format!(
                    "the request body is larger than this workspace takes ({} bytes)",
                    crate::MAX_BODY_BYTES
                ),
            )),
            Err(r) => Err(ApiError::new(
                r.status(),
                format!(
                    "the request body is not what this endpoint takes: {}",
                    r.body_text()
                ),
            )),
        }
    }
}

/// Query-string parameters.
#[derive(Debug)]
pub(crate) struct Params<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for Params<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match Query::<T>::from_request_parts(parts, state).await {
            Ok(Query(v)) => Ok(Params(v)),
            Err(r) => Err(ApiError::new(
                r.status(),
                format!(
                    "the query string is not what this endpoint takes (its parameters, with \
                     numbers and true/false where those are expected): {}",
                    r.body_text()
                ),
            )),
        }
    }
}

/// One path parameter.
#[derive(Debug)]
pub(crate) struct Id(pub String);

impl<S: Send + Sync> FromRequestParts<S> for Id {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match Path::<String>::from_request_parts(parts, state).await {
            Ok(Path(v)) => Ok(Id(v)),
            Err(r) => Err(ApiError::new(
                r.status(),
                format!(
                    "the address does not name an id as this endpoint expects (one \
                     percent-encoded id after the last /): {}",
                    r.body_text()
                ),
            )),
        }
    }
}
