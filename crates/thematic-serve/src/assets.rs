//! The page: hand-written HTML, CSS and JavaScript modules, embedded in the binary so
//! nothing is fetched from the internet. The modules (`assets/js/`, one per view plus the
//! shared state and helpers) are loaded by the browser itself (`<script type="module">`),
//! so there is no build step.

use axum::extract::Path;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

const INDEX_HTML: &str = include_str!("../assets/index.html");
const APP_CSS: &str = include_str!("../assets/app.css");

/// The page's JavaScript modules by file name; `app.js` is the entry point.
const MODULES: &[(&str, &str)] = &[
    ("app.js", include_str!("../assets/js/app.js")),
    ("state.js", include_str!("../assets/js/state.js")),
    ("util.js", include_str!("../assets/js/util.js")),
    ("list.js", include_str!("../assets/js/list.js")),
    ("reader.js", include_str!("../assets/js/reader.js")),
    ("compare.js", include_str!("../assets/js/compare.js")),
    ("paged.js", include_str!("../assets/js/paged.js")),
    ("search.js", include_str!("../assets/js/search.js")),
    ("quotes.js", include_str!("../assets/js/quotes.js")),
    ("code.js", include_str!("../assets/js/code.js")),
    ("undo.js", include_str!("../assets/js/undo.js")),
    ("similar.js", include_str!("../assets/js/similar.js")),
    ("board.js", include_str!("../assets/js/board.js")),
    ("board-ask.js", include_str!("../assets/js/board-ask.js")),
    ("board-draw.js", include_str!("../assets/js/board-draw.js")),
    (
        "board-pointer.js",
        include_str!("../assets/js/board-pointer.js"),
    ),
    (
        "board-versions.js",
        include_str!("../assets/js/board-versions.js"),
    ),
    ("review.js", include_str!("../assets/js/review.js")),
    (
        "review-define.js",
        include_str!("../assets/js/review-define.js"),
    ),
    (
        "review-discuss.js",
        include_str!("../assets/js/review-discuss.js"),
    ),
    ("status.js", include_str!("../assets/js/status.js")),
    ("player.js", include_str!("../assets/js/player.js")),
    ("turn-edit.js", include_str!("../assets/js/turn-edit.js")),
    ("anonymise.js", include_str!("../assets/js/anonymise.js")),
];

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

/// `GET /app.js`, the entry module.
pub(crate) async fn js() -> Response {
    module(Path("app.js".to_string())).await
}

/// `GET /js/{name}`: one of the page's modules.
pub(crate) async fn module(Path(name): Path<String>) -> Response {
    match MODULES.iter().find(|(n, _)| *n == name) {
        Some((_, body)) => asset("text/javascript; charset=utf-8", body),
        None => (StatusCode::NOT_FOUND, "no such module").into_response(),
    }
}
