//! `PostgreSQL` errors in words a user can act on, and connection strings without passwords.

use postgres::error::SqlState;

use crate::StoreError;

/// What a failed write left behind: every write is one transaction.
const UNDONE: &str = "what was being written was not stored; the store is as it was before it";

/// A `PostgreSQL` error as a [`StoreError::Backend`]: the server's message (with its detail
/// and the SQLSTATE), or for the ones the machine or the network causes, what happened and
/// what to do. (By value: it is what `map_err` passes.)
#[allow(clippy::needless_pass_by_value)]
pub(crate) fn pg(e: postgres::Error) -> StoreError {
    let Some(db) = e.as_db_error() else {
        // Not the server's answer: the connection broke, or a value did not convert.
        let closed = e.is_closed()
            || std::error::Error::source(&e)
                .is_some_and(<dyn std::error::Error>::is::<std::io::Error>);
        return if closed {
            StoreError::Backend {
                what: format!(
                    "the connection to the PostgreSQL server failed ({}): a write not yet \
                     committed was not stored (run it again when the server is reachable)",
                    chain(&e)
                ),
                environment: true,
            }
        } else {
            StoreError::Backend { what: format!("PostgreSQL: {}", chain(&e)), environment: false }
        };
    };
    let code = db.code();
    let said = match db.detail() {
        Some(d) => format!("{} ({d})", db.message()),
        None => db.message().to_owned(),
    };
    let class = &code.code()[..2.min(code.code().len())];
    let (what, environment) = if *code == SqlState::DISK_FULL {
        (
            format!(
                "the disk holding the PostgreSQL database is full: {UNDONE} (free some space \
                 and run it again)"
            ),
            true,
        )
    } else if *code == SqlState::READ_ONLY_SQL_TRANSACTION {
        (
            format!("the PostgreSQL server accepts no writes (a standby, or read-only): {UNDONE}"),
            true,
        )
    } else if *code == SqlState::LOCK_NOT_AVAILABLE {
        (
            format!(
                "another slowburn has held this athlete's write lock for over {} minutes: \
                 {UNDONE} (run it again when that one has finished)",
                slowburn_store::BUSY_TIMEOUT_S / 60
            ),
            true,
        )
    } else if *code == SqlState::T_R_SERIALIZATION_FAILURE
        || *code == SqlState::T_R_DEADLOCK_DETECTED
    {
        (
            format!("a write met another one at the same time ({said}): {UNDONE} (run it again)"),
            true,
        )
    } else if matches!(class, "08" | "57" | "53" | "58" | "28" | "3D") {
        // Connection, operator intervention (shutdown), resources, system, authorization,
        // no such database.
        (format!("the PostgreSQL server: {said} [{}]: {UNDONE}", code.code()), true)
    } else {
        (format!("PostgreSQL: {said} [{}]", code.code()), false)
    };
    StoreError::Backend { what, environment }
}

/// An error with its causes ("error connecting to server: Connection refused (os error 111)").
pub(crate) fn chain(e: &dyn std::error::Error) -> String {
    let mut out = e.to_string();
    let mut next = e.source();
    while let Some(s) = next {
        let s_text = s.to_string();
        if !out.ends_with(&s_text) {
            out.push_str(": ");
            out.push_str(&s_text);
        }
        next = s.source();
    }
    out
}

/// A connection string (URL or `key=value` form) with its password replaced by `***`, to be
/// named in messages.
#[must_use]
pub fn redact(conn: &str) -> String {
    let t = conn.trim();
    if let Some(rest) = t.strip_prefix("postgres://").or_else(|| t.strip_prefix("postgresql://")) {
        let scheme = &t[..t.len() - rest.len()];
        let end = rest.find(['/', '?']).unwrap_or(rest.len());
        let (authority, tail) = rest.split_at(end);
        let authority = match authority.rfind('@') {
            Some(at) => {
                let (user, host) = authority.split_at(at);
                match user.find(':') {
                    Some(c) => format!("{}:***{host}", &user[..c]),
                    None => authority.to_owned(),
                }
            }
            None => authority.to_owned(),
        };
        let tail = match tail.find('?') {
            Some(q) => {
                let (path, query) = tail.split_at(q + 1);
                let query: Vec<String> = query
                    .split('&')
                    .map(|kv| match kv.split_once('=') {
                        Some((k, _)) if k.eq_ignore_ascii_case("password") => format!("{k}=***"),
                        _ => kv.to_owned(),
                    })
                    .collect();
                format!("{path}{}", query.join("&"))
            }
            None => tail.to_owned(),
        };
        return format!("{scheme}{authority}{tail}");
    }
    redact_key_values(t)
}

/// `host=h password='x y' user=u` with the password's value replaced.
fn redact_key_values(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    loop {
        while chars.peek().is_some_and(|c| c.is_whitespace()) {
            chars.next();
        }
        if chars.peek().is_none() {
            break;
        }
        let mut key = String::new();
        while let Some(&c) = chars.peek() {
            if c == '=' || c.is_whitespace() {
                break;
            }
            key.push(c);
            chars.next();
        }
        while chars.peek().is_some_and(|c| c.is_whitespace()) {
            chars.next();
        }
        let mut value = String::new();
        if chars.peek() == Some(&'=') {
            chars.next();
            while chars.peek().is_some_and(|c| c.is_whitespace()) {
                chars.next();
            }
            if chars.peek() == Some(&'\'') {
                value.push('\'');
                chars.next();
                while let Some(c) = chars.next() {
                    value.push(c);
                    if c == '\\' {
                        if let Some(n) = chars.next() {
                            value.push(n);
                        }
                    } else if c == '\'' {
                        break;
                    }
                }
            } else {
                while let Some(&c) = chars.peek() {
                    if c.is_whitespace() {
                        break;
                    }
                    value.push(c);
                    chars.next();
                }
            }
        }
        if !out.is_empty() {
            out.push(' ');
        }
        if key.eq_ignore_ascii_case("password") {
            out.push_str(&key);
            out.push_str("=***");
        } else {
            out.push_str(&key);
            out.push('=');
            out.push_str(&value);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::redact;

    #[test]
    fn passwords_are_never_named() {
        for (given, shown) in [
            (
                "postgres://coach:s3cret@db.example:5432/club",
                "postgres://coach:***@db.example:5432/club",
            ),
            ("postgresql://coach:s3cret@db.example", "postgresql://coach:***@db.example"),
            ("postgres://coach@db.example/club", "postgres://coach@db.example/club"),
            (
                "postgres://db.example/club?user=c&password=s3cret&x=1",
                "postgres://db.example/club?user=c&password=***&x=1",
            ),
            ("postgres://u:p%40ss@h/d?password=s3cret", "postgres://u:***@h/d?password=***"),
            ("host=h password=s3cret user=u", "host=h password=*** user=u"),
            ("host=h password = 's3 \\' cret' user=u", "host=h password=*** user=u"),
        ] {
            let r = redact(given);
            assert_eq!(r, shown);
            assert!(!r.contains("s3"), "{r}");
        }
    }
}
