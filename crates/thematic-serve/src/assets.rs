//! The page: hand-written HTML, CSS and JavaScript, embedded in the binary so nothing is
//! fetched from the internet.

use axum::http::header;
use axum::response::{IntoResponse, Response};

const INDEX_HTML: &str = include_str!("../assets/index.html");
const APP_CSS: &str = include_str!("../assets/app.css");
const APP_JS: &str = include_str!("../assets/app.js");

fn asset(content_type: &'static str, body: &'static str) -> Response {
    ([(header::CONTENT_TYPE, content_type)], body).into_response()
}

/// `GET /`
pub(crate) async fn index() -> Response {
    asset("text/html; charset=utf-8", INDEX_HTML)
}

/// `GET /app.css`
pub(crate) async fn css() -> Response {
    asset("text/css; charset=utf-8", APP_CSS)
}

/// `GET /app.js`
pub(crate) async fn js() -> Response {
    asset("text/javascript; charset=utf-8", APP_JS)
}
