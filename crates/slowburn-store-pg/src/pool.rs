//! A bounded pool of connections for the server (`slowburn serve --db postgres://…`): a
//! request borrows one, opens an athlete's store or the access checks on it, and gives it back
//! when the store is dropped.
//!
//! The store is synchronous (the `Store` trait is), so the pool is too: a `Mutex` over the idle
//! connections and a `Condvar` that a borrower waits on, for at most [`Pool::wait`], when all
//! `max` are out. A connection is given back only when it is healthy and not inside a
//! transaction (a transaction dropped unfinished is rolled back by the driver before that); a
//! broken one is dropped and its place freed, so the pool heals after a server restart.

use std::ops::{Deref, DerefMut};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use postgres::Client;
use slowburn_store::{Result, StoreError};

use crate::{connect_client, redact, schema};

/// How long a borrower waits for a connection by default.
pub const POOL_WAIT: Duration = Duration::from_secs(10);

/// A connection idle longer than this is checked with a round trip before it is lent again
/// (the server may have closed it meanwhile: a restart, an idle timeout).
const CHECK_AFTER: Duration = Duration::from_secs(1);

struct State {
    /// Idle connections, with when each was given back.
    idle: Vec<(Client, Instant)>,
    /// Connections open (idle or lent).
    open: usize,
}

struct Inner {
    url: String,
    max: usize,
    wait: Duration,
    state: Mutex<State>,
    freed: Condvar,
}

/// Close connections off the caller's thread: the driver's blocking client runs a runtime of
/// its own to close, which must not happen on a thread that drives asynchronous tasks (the
/// server drops its pool when it stops, inside its runtime).
fn discard(clients: Vec<Client>) {
    if clients.is_empty() {
        return;
    }
    let closing =
        std::thread::Builder::new().name("slowburn-pg-close".into()).spawn(move || drop(clients));
    // Without a thread the connections are left to the server, which closes them itself.
    if let Err(e) = closing {
        drop(e);
    }
}

impl Drop for Inner {
    fn drop(&mut self) {
        if let Ok(st) = self.state.get_mut() {
            discard(std::mem::take(&mut st.idle).into_iter().map(|(c, _)| c).collect());
        }
    }
}

/// A bounded pool of connections to one database. Cloning it shares the pool.
#[derive(Clone)]
pub struct Pool {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for Pool {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pool")
            .field("url", &redact(&self.inner.url))
            .field("max", &self.inner.max)
            .finish_non_exhaustive()
    }
}

fn busy(what: String) -> StoreError {
    StoreError::Backend { what, environment: true }
}

impl Pool {
    /// A pool of at most `max` connections to `url` (at least 1). One connection is made now,
    /// bringing the schema up to date (or refusing a newer one), and kept idle.
    pub fn new(url: &str, max: usize) -> Result<Pool> {
        let mut first = connect_client(url)?;
        schema::migrate(&mut first)?;
        Ok(Pool {
            inner: Arc::new(Inner {
                url: url.to_owned(),
                max: max.max(1),
                wait: POOL_WAIT,
                state: Mutex::new(State { idle: vec![(first, Instant::now())], open: 1 }),
                freed: Condvar::new(),
            }),
        })
    }

    /// The same pool, whose borrowers wait at most `wait` for a connection.
    #[must_use]
    pub fn with_wait(self, wait: Duration) -> Pool {
        match Arc::try_unwrap(self.inner) {
            Ok(mut inner) => {
                inner.wait = wait;
                Pool { inner: Arc::new(inner) }
            }
            Err(inner) => Pool { inner },
        }
    }

    /// The most connections it opens.
    #[must_use]
    pub fn max(&self) -> usize {
        self.inner.max
    }

    /// The address, without its password.
    #[must_use]
    pub fn shown(&self) -> String {
        redact(&self.inner.url)
    }

    /// Borrow a connection: an idle one, else a new one while fewer than `max` are open, else
    /// the first one given back within the wait.
    pub(crate) fn get(&self) -> Result<Pooled> {
        let deadline = Instant::now() + self.inner.wait;
        let lock_failed = || busy("the connection pool's lock was poisoned".into());
        let mut st = self.inner.state.lock().map_err(|_| lock_failed())?;
        loop {
            while let Some((mut c, since)) = st.idle.pop() {
                let alive = !c.is_closed()
                    && (since.elapsed() < CHECK_AFTER
                        || c.is_valid(Duration::from_secs(2)).is_ok());
                if !alive {
                    st.open -= 1;
                    discard(vec![c]);
                    continue;
                }
                return Ok(Pooled { client: Some(c), pool: Arc::clone(&self.inner) });
            }
            if st.open < self.inner.max {
                st.open += 1;
                drop(st);
                return match connect_client(&self.inner.url) {
                    Ok(c) => Ok(Pooled { client: Some(c), pool: Arc::clone(&self.inner) }),
                    Err(e) => {
                        if let Ok(mut st) = self.inner.state.lock() {
                            st.open -= 1;
                        }
                        self.inner.freed.notify_one();
                        // The server's own log has the address and the reason; its callers
                        // (maybe not signed in) learn neither.
                        eprintln!("slowburn: {e}");
                        Err(busy("the server cannot reach its database just now".into()))
                    }
                };
            }
            let now = Instant::now();
            if now >= deadline {
                // Said without the database's address: a caller who is not signed in may read it.
                return Err(busy(format!(
                    "all {} connections to the database stayed busy for {:.0} s: the server is \
                     overloaded, try again",
                    self.inner.max,
                    self.inner.wait.as_secs_f64()
                )));
            }
            st = self.inner.freed.wait_timeout(st, deadline - now).map_err(|_| lock_failed())?.0;
        }
    }
}

/// A borrowed connection, given back when dropped.
pub(crate) struct Pooled {
    client: Option<Client>,
    pool: Arc<Inner>,
}

impl Drop for Pooled {
    fn drop(&mut self) {
        let Some(c) = self.client.take() else { return };
        // A connection the server closed is not given to the next borrower. (A transaction
        // left unfinished was rolled back by the driver when it was dropped.)
        let healthy = !c.is_closed();
        if let Ok(mut st) = self.pool.state.lock() {
            if healthy {
                st.idle.push((c, Instant::now()));
            } else {
                st.open -= 1;
                discard(vec![c]);
            }
        } else {
            discard(vec![c]);
        }
        self.pool.freed.notify_one();
    }
}

/// A store's connection: its own, or one borrowed from a [`Pool`].
pub(crate) enum Conn {
    Own(Client),
    Pooled(Pooled),
}

impl Deref for Conn {
    type Target = Client;
    fn deref(&self) -> &Client {
        match self {
            Conn::Own(c) => c,
            // Only `drop` takes the client out.
            Conn::Pooled(p) => p.client.as_ref().unwrap_or_else(|| unreachable!()),
        }
    }
}

impl DerefMut for Conn {
    fn deref_mut(&mut self) -> &mut Client {
        match self {
            Conn::Own(c) => c,
            Conn::Pooled(p) => p.client.as_mut().unwrap_or_else(|| unreachable!()),
        }
    }
}
