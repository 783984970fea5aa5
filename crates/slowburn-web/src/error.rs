//! Errors as answers: a status and a message naming the value, as `{"error": "…"}` for the API
//! and for scripts, as an HTML page for a browser asking for a page. [`finish`] gives every
//! error the server sends that shape — ours, axum's rejections (a bad query, a body over its
//! limit, a wrong content type), an unknown route, a method not allowed — and adds the headers
//! every answer carries.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use slowburn_app::AppError;
use slowburn_store::StoreError;

use crate::{WebConfig, MAX_BODY_BYTES};

/// An error answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ApiError {
    pub(crate) status: StatusCode,
    pub(crate) message: String,
}

/// The message of an error answer, carried to [`finish`].
#[derive(Debug, Clone)]
struct Message(String);

impl ApiError {
    pub(crate) fn new(status: StatusCode, message: impl Into<String>) -> ApiError {
        ApiError { status, message: message.into() }
    }

    /// A value the request gave is not acceptable (400).
    pub(crate) fn bad(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, message)
    }

    /// The server failed (500).
    pub(crate) fn internal(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, message)
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.status, self.message)
    }
}

impl std::error::Error for ApiError {}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> ApiError {
        let status = match e {
            StoreError::NoActivity(_) | StoreError::NoPlan(_) => StatusCode::NOT_FOUND,
            // The server's database busy or unreachable: try again later.
            StoreError::Backend { environment: true, .. } => StatusCode::SERVICE_UNAVAILABLE,
            _ => StatusCode::INTERNAL_SERVER_ERROR,
        };
        ApiError::new(status, e.to_string())
    }
}

impl From<AppError> for ApiError {
    fn from(e: AppError) -> ApiError {
        match e {
            AppError::Store(s) | AppError::Import(slowburn_import::ImportError::Store(s)) => {
                s.into()
            }
            // The application names what is missing as "no plan …"; everything else the user
            // gave that it refuses is a bad request.
            AppError::Input(m) if m.starts_with("no plan") => {
                ApiError::new(StatusCode::NOT_FOUND, m)
            }
            AppError::Input(m) => ApiError::bad(m),
            e @ (AppError::Config { .. } | AppError::Corrupt(_)) => {
                ApiError::internal(e.to_string())
            }
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut r = json_error(self.status, &self.message);
        r.extensions_mut().insert(Message(self.message));
        r
    }
}

fn json_error(status: StatusCode, message: &str) -> Response {
    (status, axum::Json(serde_json::json!({ "error": message }))).into_response()
}

/// Any route that does not exist.
pub(crate) async fn not_found(method: Method, uri: axum::http::Uri) -> ApiError {
    ApiError::new(StatusCode::NOT_FOUND, format!("no page or API route {method} {}", uri.path()))
}

/// Does the request want an HTML page back (a browser on a page, not the API)?
fn wants_html(path: &str, headers: &HeaderMap) -> bool {
    // `/api/…`, and an athlete's `/athletes/{name}/api/…` in server mode.
    !path.split('/').any(|s| s == "api")
        && headers
            .get(header::ACCEPT)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|a| a.contains("text/html"))
}

/// The longest error body of axum's own read back into a message, bytes (its rejections are a
/// sentence).
const MAX_REJECTION_BYTES: usize = 16 * 1024;

/// Every answer: errors in their one shape, and the headers of a private, script-free site.
pub(crate) async fn finish(
    State(cfg): State<Arc<WebConfig>>,
    req: Request,
    next: Next,
) -> Response {
    let method = req.method().clone();
    let path = req.uri().path().to_owned();
    let html = wants_html(&path, req.headers());
    let mut response = next.run(req).await;
    let status = response.status();
    if status == StatusCode::PAYLOAD_TOO_LARGE && response.extensions().get::<Message>().is_none() {
        // axum's own words name no number: say which limit the body went over.
        let limit = if path.ends_with("/upload") { cfg.max_upload_bytes } else { MAX_BODY_BYTES };
        response = ApiError::new(
            status,
            format!("the request body is larger than this route's limit of {}", size(limit)),
        )
        .into_response();
    }
    if status.is_client_error() || status.is_server_error() {
        response = error_shape(response, &method, &path, html).await;
    }
    let h = response.headers_mut();
    // Every answer is the athlete's own data, fresh at each request.
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    // The one-time link carries the token: never send it on as a referrer.
    // Nothing leaves for another site; this site's own forms still carry their origin.
    h.insert(header::REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    // Pages are self-contained (inline styles and SVG), run no script and post only here.
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'self'; \
             frame-ancestors 'none'; base-uri 'none'",
        ),
    );
    response
}

/// `64 MB`, `1 MB`, `512 KB`, `100 bytes`.
pub(crate) fn size(bytes: usize) -> String {
    const MB: usize = 1024 * 1024;
    if bytes >= MB && bytes % MB == 0 {
        format!("{} MB", bytes / MB)
    } else if bytes >= MB {
        format!("{:.1} MB", bytes as f64 / MB as f64)
    } else if bytes >= 1024 {
        format!("{} KB", bytes / 1024)
    } else {
        format!("{bytes} bytes")
    }
}

async fn error_shape(response: Response, method: &Method, path: &str, html: bool) -> Response {
    let (mut parts, body) = response.into_parts();
    let message = if let Some(Message(m)) = parts.extensions.remove::<Message>() {
        m
    } else {
        let text = axum::body::to_bytes(body, MAX_REJECTION_BYTES)
            .await
            .map(|b| String::from_utf8_lossy(&b).trim().to_owned())
            .unwrap_or_default();
        if !text.is_empty() {
            text
        } else if parts.status == StatusCode::METHOD_NOT_ALLOWED {
            format!("{method} is not allowed on {path}")
        } else {
            parts.status.canonical_reason().unwrap_or("error").to_owned()
        }
    };
    let fresh = if html {
        crate::layout::error_page(parts.status, &message).into_response()
    } else {
        json_error(parts.status, &message)
    };
    let (fresh_parts, body) = fresh.into_parts();
    // Keep what the original said beyond its body (Allow, WWW-Authenticate), with the new
    // body's type and length.
    parts.headers.remove(header::CONTENT_LENGTH);
    for (name, value) in &fresh_parts.headers {
        parts.headers.insert(name.clone(), value.clone());
    }
    Response::from_parts(parts, body)
}
