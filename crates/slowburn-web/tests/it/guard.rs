//! Who may ask: loopback without a token, the token everywhere else, the one-time link, and
//! other sites kept out.

use std::io::{Read as _, Write as _};
use std::net::SocketAddr;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};

use crate::util::{config, fixture, get, send};

const TOKEN: &str = "correct-horse-battery";

fn addr(s: &str) -> SocketAddr {
    s.parse().expect("an address")
}

#[tokio::test]
async fn no_token_no_network() {
    let mut cfg = config(&fixture().db);
    let e = slowburn_web::check(addr("0.0.0.0:8080"), &cfg).expect_err("refused");
    assert!(e.to_string().contains("0.0.0.0:8080") && e.to_string().contains("token"), "{e}");
    assert!(slowburn_web::serve(addr("192.168.1.20:0"), cfg.clone()).await.is_err());
    slowburn_web::check(addr("127.0.0.1:8080"), &cfg).expect("loopback");
    slowburn_web::check(addr("[::1]:8080"), &cfg).expect("loopback");
    cfg.token = Some("short".into());
    let e = slowburn_web::check(addr("127.0.0.1:8080"), &cfg).expect_err("short");
    assert!(e.to_string().contains("5 characters"), "{e}");
    cfg.token = Some("has space in it".into());
    assert!(slowburn_web::check(addr("127.0.0.1:8080"), &cfg).is_err());
    cfg.token = Some(TOKEN.into());
    slowburn_web::check(addr("0.0.0.0:8080"), &cfg).expect("with a token");
}

#[tokio::test]
async fn with_a_token_every_request_needs_it() {
    let mut cfg = config(&fixture().db);
    cfg.token = Some(TOKEN.into());
    let e = get(&cfg, "/api/runs").await.expect(StatusCode::UNAUTHORIZED, "application/json");
    assert!(e.error().contains("token"), "{}", e.error());
    assert!(e.headers.contains_key(header::WWW_AUTHENTICATE));
    get(&cfg, "/").await.expect(StatusCode::UNAUTHORIZED, "application/json");
    let bearer = |uri: &str, token: &str| {
        Request::get(uri)
            .header(header::AUTHORIZATION, format!("Bearer {token}"))
            .body(Body::empty())
            .expect("request")
    };
    send(&cfg, bearer("/api/runs", TOKEN)).await.expect(StatusCode::OK, "application/json");
    send(&cfg, bearer("/api/runs", "correct-horse-battere"))
        .await
        .expect(StatusCode::UNAUTHORIZED, "application/json");
    // The one-time link: a cookie, then the page without the token in its address.
    let a = get(&cfg, &format!("/?token={TOKEN}")).await;
    assert_eq!(a.status, StatusCode::SEE_OTHER);
    assert_eq!(a.headers[header::LOCATION], "/");
    let cookie = a.headers[header::SET_COOKIE].to_str().expect("cookie").to_owned();
    for part in [&*format!("slowburn_token={TOKEN}"), "HttpOnly", "SameSite=Strict", "Path=/"] {
        assert!(cookie.contains(part), "{cookie}");
    }
    let pair = cookie.split(';').next().expect("name=value");
    let with_cookie = Request::get("/")
        .header(header::COOKIE, format!("theme=dark; {pair}"))
        .body(Body::empty())
        .expect("request");
    send(&cfg, with_cookie).await.expect(StatusCode::OK, "text/html");
    let a = get(&cfg, &format!("/runs?limit=2&token={TOKEN}&sport=running")).await;
    assert_eq!(a.status, StatusCode::SEE_OTHER);
    assert_eq!(a.headers[header::LOCATION], "/runs?limit=2&sport=running");
    get(&cfg, "/?token=guess-guess-guess")
        .await
        .expect(StatusCode::UNAUTHORIZED, "application/json");
}

#[tokio::test]
async fn other_sites_are_kept_out() {
    let cfg = config(&fixture().db);
    // DNS rebinding: another name for 127.0.0.1.
    let req = Request::get("/api/runs")
        .header(header::HOST, "evil.example:8080")
        .body(Body::empty())
        .expect("request");
    let e = send(&cfg, req).await.expect(StatusCode::FORBIDDEN, "application/json");
    assert!(e.error().contains("evil.example"), "{}", e.error());
    let req = Request::get("/api/runs")
        .header(header::HOST, "localhost:8080")
        .body(Body::empty())
        .expect("request");
    send(&cfg, req).await.expect(StatusCode::OK, "application/json");
    // A form posted from another site.
    let req = Request::post("/log/note")
        .header(header::HOST, "127.0.0.1:8080")
        .header(header::ORIGIN, "http://evil.example")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from("text=hello"))
        .expect("request");
    let e = send(&cfg, req).await.expect(StatusCode::FORBIDDEN, "application/json");
    assert!(e.error().contains("evil.example"), "{}", e.error());
}

/// Over a real socket: the server binds, answers HTTP/1.1 and carries the headers.
#[tokio::test]
async fn a_real_socket() {
    let cfg = config(&fixture().db);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let at = listener.local_addr().expect("address");
    let server =
        tokio::spawn(async move { axum::serve(listener, slowburn_web::router(cfg)).await });
    let answer = tokio::task::spawn_blocking(move || {
        let mut s = std::net::TcpStream::connect(at).expect("connect");
        write!(s, "GET /api/today HTTP/1.1\r\nHost: {at}\r\nConnection: close\r\n\r\n")
            .expect("write");
        let mut out = String::new();
        s.read_to_string(&mut out).expect("read");
        out
    })
    .await
    .expect("client");
    server.abort();
    assert!(answer.starts_with("HTTP/1.1 200 OK"), "{answer}");
    let lower = answer.to_ascii_lowercase();
    for h in [
        "content-type: application/json",
        "cache-control: no-store",
        "x-content-type-options: nosniff",
        "content-security-policy: default-src 'none'",
    ] {
        assert!(lower.contains(h), "{h}: {answer}");
    }
}
