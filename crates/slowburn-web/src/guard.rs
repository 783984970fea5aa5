//! Who may ask: the token, the one-time link that turns it into a cookie, and the checks that
//! keep other web sites out of a dashboard on loopback.
//!
//! # Design
//! - With a token, a request carries it as `Authorization: Bearer T` (scripts) or as the
//!   `slowburn_token` cookie (`HttpOnly`, `SameSite=Strict`, 30 days) that `/?token=T` sets
//!   before redirecting to the same page without the token in its address. Tokens are compared
//!   in constant time.
//! - Without a token (loopback only, [`crate::check`]), a request must name a loopback host:
//!   a page of another site that resolves its own name to 127.0.0.1 (DNS rebinding) gets 403.
//! - A change (any method but GET and HEAD) sent by a browser from another origin is refused,
//!   token or not: a page elsewhere cannot post a form or an upload to the dashboard.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::error::ApiError;
use crate::WebConfig;

/// The cookie that carries the token.
pub(crate) const COOKIE: &str = "slowburn_token";

/// How long the cookie lasts, seconds (30 days).
const COOKIE_MAX_AGE_S: u32 = 30 * 24 * 3600;

/// Characters a token may hold: the URL-safe ones, which no cookie, header or query mangles.
pub(crate) fn token_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_' | '~')
}

/// Equal, in time that depends only on the lengths.
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Is `host` (a `Host` header: name or address, maybe with a port) this machine's loopback?
fn loopback_host(host: &str) -> bool {
    let name = if let Some(rest) = host.strip_prefix('[') {
        // [::1]:8080
        rest.split(']').next().unwrap_or_default()
    } else {
        host.rsplit_once(':').map_or(host, |(n, port)| {
            if port.bytes().all(|b| b.is_ascii_digit()) {
                n
            } else {
                host
            }
        })
    };
    name.eq_ignore_ascii_case("localhost")
        || name.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

fn header_str(h: &HeaderMap, name: header::HeaderName) -> Option<&str> {
    h.get(name).and_then(|v| v.to_str().ok())
}

/// A change sent from a page of another origin?
fn cross_site(h: &HeaderMap) -> Option<String> {
    if header_str(h, header::HeaderName::from_static("sec-fetch-site"))
        .is_some_and(|s| s == "cross-site")
    {
        return Some("a page of another site".into());
    }
    let origin = header_str(h, header::ORIGIN)?;
    // A browser sends `Origin: null` for a form of a page served with a strict referrer
    // policy; its own `Sec-Fetch-Site` then says whether the form was this site's.
    if origin == "null"
        && header_str(h, header::HeaderName::from_static("sec-fetch-site"))
            .is_some_and(|s| s == "same-origin")
    {
        return None;
    }
    let host = header_str(h, header::HOST);
    let from = origin.split_once("://").map(|(_, rest)| rest);
    (from.is_none() || from != host).then(|| format!("origin {origin}"))
}

/// The token of the request: the bearer header, else the cookie named `cookie` (the local
/// dashboard's token, or a server's session).
pub(crate) fn presented<'h>(h: &'h HeaderMap, cookie: &str) -> Option<&'h str> {
    if let Some(t) = header_str(h, header::AUTHORIZATION).and_then(|v| v.strip_prefix("Bearer ")) {
        return Some(t.trim());
    }
    h.get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .find_map(|c| c.trim().strip_prefix(cookie)?.strip_prefix('='))
}

/// `token=…` among the query's pairs, and the query without it.
fn query_token(query: &str) -> (Option<&str>, String) {
    let mut token = None;
    let rest: Vec<&str> = query
        .split('&')
        .filter(|pair| match pair.strip_prefix("token=") {
            Some(t) => {
                token = Some(t);
                false
            }
            None => !pair.is_empty(),
        })
        .collect();
    (token, rest.join("&"))
}

fn refuse(status: StatusCode, message: String) -> Response {
    ApiError::new(status, message).into_response()
}

/// The guard in front of every route.
pub(crate) async fn guard(State(cfg): State<Arc<WebConfig>>, req: Request, next: Next) -> Response {
    let h = req.headers();
    if !matches!(*req.method(), Method::GET | Method::HEAD) {
        if let Some(from) = cross_site(h) {
            return refuse(
                StatusCode::FORBIDDEN,
                format!(
                    "{} {} sent by {from} is refused: changes come from this dashboard's own pages",
                    req.method(),
                    req.uri().path()
                ),
            );
        }
    }
    if cfg.server.is_some() {
        // A server of many athletes signs each caller in (`server::signed_in`); its session
        // cookie is `SameSite=Strict`, so another site's page never carries it.
        return next.run(req).await;
    }
    let Some(token) = cfg.token.as_deref() else {
        return match header_str(h, header::HOST) {
            Some(host) if !loopback_host(host) => refuse(
                StatusCode::FORBIDDEN,
                format!(
                    "host {host:?} is not this machine's loopback: without a token the dashboard \
                     answers only http://127.0.0.1 or http://localhost"
                ),
            ),
            _ => next.run(req).await,
        };
    };
    let query = req.uri().query().unwrap_or_default();
    if let (Some(given), rest) = query_token(query) {
        if !same(given.as_bytes(), token.as_bytes()) {
            return refuse(
                StatusCode::UNAUTHORIZED,
                "the link's token is not this server's".into(),
            );
        }
        // The one-time link: the cookie, then the same page without the token in its address.
        let path = req.uri().path();
        let location = if rest.is_empty() { path.to_owned() } else { format!("{path}?{rest}") };
        let cookie = format!(
            "{COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict; Max-Age={COOKIE_MAX_AGE_S}"
        );
        let (Ok(location), Ok(cookie)) =
            (HeaderValue::from_str(&location), HeaderValue::from_str(&cookie))
        else {
            return refuse(
                StatusCode::BAD_REQUEST,
                format!("the address {location:?} cannot be redirected to"),
            );
        };
        return (
            StatusCode::SEE_OTHER,
            [(header::LOCATION, location), (header::SET_COOKIE, cookie)],
        )
            .into_response();
    }
    match presented(h, COOKIE) {
        Some(given) if same(given.as_bytes(), token.as_bytes()) => next.run(req).await,
        Some(_) => refuse(StatusCode::UNAUTHORIZED, "the token given is not this server's".into()),
        None => {
            let mut r = refuse(
                StatusCode::UNAUTHORIZED,
                "this dashboard needs its token: open the link `slowburn serve` printed \
                 (/?token=…) once, or send Authorization: Bearer …"
                    .into(),
            );
            r.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"slowburn\""),
            );
            r
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_hosts() {
        for h in
            ["127.0.0.1", "127.0.0.1:8080", "localhost:80", "LOCALHOST", "[::1]:8080", "127.1.2.3"]
        {
            assert!(loopback_host(h), "{h}");
        }
        for h in
            ["example.com", "10.0.0.1:8080", "evil.localhost.example:80", "[::2]:1", "192.168.1.2"]
        {
            assert!(!loopback_host(h), "{h}");
        }
    }

    #[test]
    fn the_token_leaves_the_query() {
        assert_eq!(query_token("token=abc"), (Some("abc"), String::new()));
        assert_eq!(
            query_token("limit=5&token=abc&sport=running"),
            (Some("abc"), "limit=5&sport=running".into())
        );
        assert_eq!(query_token("limit=5"), (None, "limit=5".into()));
    }

    #[test]
    fn tokens_compare_whole() {
        assert!(same(b"abcdefghijkl", b"abcdefghijkl"));
        assert!(!same(b"abcdefghijkl", b"abcdefghijkm"));
        assert!(!same(b"abc", b"abcdefghijkl"));
    }

    #[test]
    fn cookie_and_bearer() {
        let mut h = HeaderMap::new();
        h.insert(header::COOKIE, HeaderValue::from_static("a=1; slowburn_token=xyz; b=2"));
        assert_eq!(presented(&h, COOKIE), Some("xyz"));
        h.insert(header::AUTHORIZATION, HeaderValue::from_static("Bearer qrs"));
        assert_eq!(presented(&h, COOKIE), Some("qrs"));
    }

    #[test]
    fn other_origins_are_cross_site() {
        let mut h = HeaderMap::new();
        h.insert(header::HOST, HeaderValue::from_static("127.0.0.1:8080"));
        assert_eq!(cross_site(&h), None);
        h.insert(header::ORIGIN, HeaderValue::from_static("http://127.0.0.1:8080"));
        assert_eq!(cross_site(&h), None);
        h.insert(header::ORIGIN, HeaderValue::from_static("http://evil.example"));
        assert!(cross_site(&h).is_some());
        h.insert(header::ORIGIN, HeaderValue::from_static("null"));
        assert!(cross_site(&h).is_some());
        // What Chromium sends for this dashboard's own form (found by the browser test).
        let fetch_site = header::HeaderName::from_static("sec-fetch-site");
        h.insert(fetch_site.clone(), HeaderValue::from_static("same-origin"));
        assert_eq!(cross_site(&h), None);
        h.insert(fetch_site, HeaderValue::from_static("cross-site"));
        assert!(cross_site(&h).is_some());
    }
}
