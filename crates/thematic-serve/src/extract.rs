//! Axum's extractors with their rejections turned into [`ApiError`]s, so a malformed body,
//! query or path also gets `{"error": "…"}` back.

use axum::extract::{FromRequest, FromRequestParts, Path, Query, Request};
use axum::http::request::Parts;
use serde::de::DeserializeOwned;

use crate::error::ApiError;

/// A JSON body.
#[derive(Debug)]
pub(crate) struct Body<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for Body<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(v)) => Ok(Body(v)),
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
