//! The access token. The server makes a random one at start and prints it in its URL; a
//! request is answered only when it carries the token, as `?token=…`, as the cookie set on
//! the first visit, or in an `X-Thematic-Token` header. Tokens are compared in constant
//! time. The `Host` header must name 127.0.0.1 or localhost with the server's port, so a
//! web page on another name that resolves to this machine (DNS rebinding) is refused too.
//!
//! A page served by another program on 127.0.0.1 counts as the same *site* to a browser,
//! which then sends the cookie with its requests. So a write whose `Origin` is not this
//! server is refused, and so is any request that proves itself only by the cookie while
//! the browser says it comes from another page (`Sec-Fetch-Site: cross-site` or
//! `same-site`). [`security_headers`] puts the same headers on every answer, refusals
//! included.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use rand::Rng as _;

use crate::error::ApiError;
use crate::state::AppState;

/// The header a script may send the token in.
pub const TOKEN_HEADER: &str = "x-thematic-token";

/// A new random token: 32 bytes from the operating system's generator, as 64 hex digits.
pub fn new_token() -> String {
    let bytes: [u8; 32] = rand::rng().random();
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Whether `a` and `b` are equal, taking the same time wherever they differ.
pub(crate) fn same(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The cookie's name: one per port, so two servers on one machine do not overwrite each
/// other's cookie (cookies do not tell ports apart).
fn cookie_name(port: u16) -> String {
    format!("thematic_{port}")
}

/// The token in the query string, if any.
fn query_token(req: &Request) -> Option<String> {
    req.uri().query().and_then(|q| {
        q.split('&')
            .filter_map(|kv| kv.split_once('='))
            .find(|(k, _)| *k == "token")
            .map(|(_, v)| v.to_string())
    })
}

fn cookie_token(headers: &HeaderMap, port: u16) -> Option<String> {
    let name = cookie_name(port);
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
}

fn host_allowed(headers: &HeaderMap, port: u16) -> bool {
    let Some(host) = headers.get(header::HOST).and_then(|h| h.to_str().ok()) else {
        return false;
    };
    host == format!("127.0.0.1:{port}") || host == format!("localhost:{port}")
}

/// Whether a request that may change the study comes from this server's own page: no
/// `Origin` (a command-line client) or `http://127.0.0.1:PORT` or `http://localhost:PORT`.
/// GET and HEAD change nothing and are not checked.
fn origin_allowed(method: &Method, headers: &HeaderMap, port: u16) -> bool {
    if matches!(*method, Method::GET | Method::HEAD) {
        return true;
    }
    let mut origins = headers.get_all(header::ORIGIN).iter();
    let Some(origin) = origins.next() else {
        return true;
    };
    let Ok(origin) = origin.to_str() else {
        return false;
    };
    origins.next().is_none()
        && (origin == format!("http://127.0.0.1:{port}")
            || origin == format!("http://localhost:{port}"))
}

/// Whether the browser says the request was started by another page: any other site, or
/// another port or program on this machine (`same-site`).
fn from_another_page(headers: &HeaderMap) -> bool {
    headers
        .get_all("sec-fetch-site")
        .iter()
        .any(|v| v.as_bytes() == b"cross-site" || v.as_bytes() == b"same-site")
}

/// Refuses a request: JSON under `/api/`, a short page for a person elsewhere.
fn refuse(path: &str, status: StatusCode, message: &str) -> Response {
    if path.starts_with("/api/") {
        return ApiError::new(status, message).into_response();
    }
    let page = format!(
        "<!doctype html><html lang=\"en\"><meta charset=\"utf-8\"><title>thematic: not allowed</title>\
         <body style=\"font-family:sans-serif;max-width:40em;margin:4em auto\">\
         <h1>Not allowed</h1><p>{message}</p></body></html>"
    );
    (
        status,
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        page,
    )
        .into_response()
}

/// The middleware in front of every route.
pub(crate) async fn require_token(
    State(state): State<Arc<AppState>>,
    req: Request,
    next: Next,
) -> Response {
    let path = req.uri().path().to_string();
    if !host_allowed(req.headers(), state.port) {
        return refuse(
            &path,
            StatusCode::FORBIDDEN,
            "this workspace answers only at 127.0.0.1 or localhost",
        );
    }
    if !origin_allowed(req.method(), req.headers(), state.port) {
        return refuse(
            &path,
            StatusCode::FORBIDDEN,
            "this workspace takes changes only from its own page",
        );
    }
    let from_query = query_token(&req);
    let from_header = req
        .headers()
        .get(TOKEN_HEADER)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let only_cookie = from_query.is_none() && from_header.is_none();
    if only_cookie && from_another_page(req.headers()) {
        return refuse(
            &path,
            StatusCode::FORBIDDEN,
            "this workspace answers another page only with its token: open the link that \
             `thematic serve` printed",
        );
    }
    let given = from_query
        .clone()
        .or(from_header)
        .or_else(|| cookie_token(req.headers(), state.port));
    let Some(given) = given else {
        return refuse(
            &path,
            StatusCode::UNAUTHORIZED,
            "this workspace needs its token: open the link that `thematic serve` printed (http://127.0.0.1:…/?token=…)",
        );
    };
    if !same(given.as_bytes(), state.token.as_bytes()) {
        return refuse(
            &path,
            StatusCode::FORBIDDEN,
            "wrong token: open the link that `thematic serve` printed, from this run of the server",
        );
    }
    let mut response = next.run(req).await;
    if from_query.is_some()
        && let Ok(cookie) = HeaderValue::from_str(&format!(
            "{}={}; Path=/; HttpOnly; SameSite=Strict",
            cookie_name(state.port),
            state.token
        ))
    {
        response.headers_mut().append(header::SET_COOKIE, cookie);
    }
    response
}

/// The middleware around everything, refusals included: headers that keep the token and
/// the study's words from leaking out of the page (no referrer, no caching, no framing,
/// no sniffing, only the server's own scripts and styles).
pub(crate) async fn security_headers(req: Request, next: Next) -> Response {
    let mut response = next.run(req).await;
    let headers = response.headers_mut();
    for (name, value) in [
        (header::CACHE_CONTROL, "no-store"),
        (header::REFERRER_POLICY, "no-referrer"),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::X_FRAME_OPTIONS, "DENY"),
        (
            header::CONTENT_SECURITY_POLICY,
            "default-src 'self'; img-src 'self' data:; style-src 'self'; frame-ancestors 'none'",
        ),
    ] {
        headers.insert(name, HeaderValue::from_static(value));
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_long_random_and_hex() {
        let (a, b) = (new_token(), new_token());
        assert_eq!(a.len(), 64);
        assert!(a.bytes().all(|c| c.is_ascii_hexdigit()));
        assert_ne!(a, b);
    }

    #[test]
    fn same_compares_whole_values() {
        assert!(same(b"abc", b"abc"));
        assert!(!same(b"abc", b"abd"));
        assert!(!same(b"abc", b"ab"));
        assert!(!same(b"", b"a"));
    }

    #[test]
    fn the_cookie_is_found_among_others() {
        let mut h = HeaderMap::new();
        h.insert(
            header::COOKIE,
            HeaderValue::from_static("a=1; thematic_8080=tok; thematic_9=x"),
        );
        assert_eq!(cookie_token(&h, 8080).as_deref(), Some("tok"));
        assert_eq!(cookie_token(&h, 8081), None);
    }

    #[test]
    fn only_loopback_hosts_with_the_port_pass() {
        let mut h = HeaderMap::new();
        h.insert(header::HOST, HeaderValue::from_static("127.0.0.1:8080"));
        assert!(host_allowed(&h, 8080));
        assert!(!host_allowed(&h, 8081));
        h.insert(header::HOST, HeaderValue::from_static("evil.example:8080"));
        assert!(!host_allowed(&h, 8080));
    }

    #[test]
    fn writes_are_taken_only_from_this_servers_origin() {
        let mut h = HeaderMap::new();
        assert!(origin_allowed(&Method::POST, &h, 8080), "no Origin: curl");
        for (origin, ok) in [
            ("http://127.0.0.1:8080", true),
            ("http://localhost:8080", true),
            ("http://127.0.0.1:8081", false),
            ("http://localhost:8080.evil.example", false),
            ("https://127.0.0.1:8080", false),
            ("null", false),
        ] {
            h.insert(header::ORIGIN, HeaderValue::from_static(origin));
            assert_eq!(origin_allowed(&Method::DELETE, &h, 8080), ok, "{origin}");
            assert!(
                origin_allowed(&Method::GET, &h, 8080),
                "reads are not checked"
            );
        }
    }
}
