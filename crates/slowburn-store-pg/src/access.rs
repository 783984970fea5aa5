//! Who sees what (issue 17): accounts, bearer sessions, coaches' grants and clubs, and the one
//! check every access goes through, [`can`](Access::can).
//!
//! - An account has a login and an argon2id hash of its secret (the secret is never stored,
//!   logged or put in an error). It may be an athlete (then it may do everything with that
//!   athlete's store), or a coach or club admin with no history of its own.
//! - [`Access::authenticate`] verifies the secret (argon2's constant-time comparison; an unknown
//!   login costs the same verification against a decoy hash and gets the same answer) and
//!   returns a [`Session`]: a random 256-bit bearer token, kept only as its SHA-256 with an
//!   expiry. [`Access::session`] turns a token back into its [`Caller`].
//! - An athlete grants a coach `view` (read) or `edit` (read, and label runs, change plans, log
//!   notes, RPEs and profile entries). Only the athlete grants, revokes and imports.
//! - A club has admins and members; each member chooses what the club sees: `none`, `summary`
//!   (dates, types, durations and distances of runs, [`Access::summaries`]) or `view` (the whole
//!   history, read only). The club's admins see what each member shares; fellow members see
//!   summaries of those who share at least `summary`, never more.
//!
//! A [`PgStore`] for a caller is opened with [`PgStore::open_as`]: the check runs there, and the
//! store refuses every write its caller may not make. An athlete the caller may not see and an
//! athlete that does not exist get the same refusal, so nothing is learnt by guessing names.
//! The rights are those at opening: a grant revoked later applies to the next store opened.

use std::sync::OnceLock;
use std::time::Duration;

use argon2::password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher, SaltString};
use argon2::{Argon2, PasswordVerifier};
use postgres::{Client, GenericClient};
use sha2::{Digest, Sha256};
use slowburn_store::{Result, StoreError};

use crate::{connect_client, get, pg, schema, Cache, PgStore, Pool};

/// What a caller may do with an athlete's data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    /// Summaries of runs: date, type, duration, distance ([`Access::summaries`]).
    ReadSummary,
    /// The whole history, read only.
    Read,
    /// Say what a run was (`set_label`).
    Label,
    /// Create, revise and delete plans.
    Plan,
    /// Daily logs and notes, RPEs, profile entries.
    Note,
    /// The athlete's own: import files, grant and revoke, club sharing.
    Admin,
}

impl Action {
    pub const ALL: [Action; 6] = [
        Action::ReadSummary,
        Action::Read,
        Action::Label,
        Action::Plan,
        Action::Note,
        Action::Admin,
    ];

    fn bit(self) -> u8 {
        1 << (self as u8)
    }

    fn words(self) -> &'static str {
        match self {
            Action::ReadSummary => "read the run summaries of",
            Action::Read => "read the history of",
            Action::Label => "label the runs of",
            Action::Plan => "change the plans of",
            Action::Note => "log notes for",
            Action::Admin => "administer",
        }
    }
}

/// A set of [`Action`]s.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Rights(u8);

impl Rights {
    pub const NONE: Rights = Rights(0);
    pub const ALL: Rights = Rights(0b11_1111);
    const SUMMARY: Rights = Rights(0b1);
    const VIEW: Rights = Rights(0b11);
    const EDIT: Rights = Rights(0b1_1111);

    #[must_use]
    pub fn allows(self, a: Action) -> bool {
        self.0 & a.bit() != 0
    }

    #[must_use]
    pub fn actions(self) -> Vec<Action> {
        Action::ALL.into_iter().filter(|a| self.allows(*a)).collect()
    }

    fn or(self, other: Rights) -> Rights {
        Rights(self.0 | other.0)
    }
}

/// What a coach is granted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    View,
    Edit,
}

impl Level {
    fn text(self) -> &'static str {
        match self {
            Level::View => "view",
            Level::Edit => "edit",
        }
    }
}

/// What a club member lets the club see.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sharing {
    None,
    Summary,
    View,
}

impl Sharing {
    fn text(self) -> &'static str {
        match self {
            Sharing::None => "none",
            Sharing::Summary => "summary",
            Sharing::View => "view",
        }
    }
}

/// Who is asking: an authenticated account. Only [`Access::session`] and
/// [`Access::authenticate`] make one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller {
    account: i64,
    login: String,
    athlete: Option<i64>,
}

impl Caller {
    #[must_use]
    pub fn login(&self) -> &str {
        &self.login
    }

    #[must_use]
    pub fn account_id(&self) -> i64 {
        self.account
    }

    /// The athlete this account is, if it is one.
    #[must_use]
    pub fn athlete_id(&self) -> Option<i64> {
        self.athlete
    }
}

/// A signed-in session: the bearer token (shown once, to be given back with each request) and
/// its caller. Its `Debug` leaves the token out.
pub struct Session {
    token: String,
    pub caller: Caller,
    /// Seconds since 1970 when the token stops working.
    pub expires_unix_s: i64,
}

impl Session {
    /// The bearer token (64 hex digits).
    #[must_use]
    pub fn token(&self) -> &str {
        &self.token
    }
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session")
            .field("token", &"<secret>")
            .field("caller", &self.caller)
            .field("expires_unix_s", &self.expires_unix_s)
            .finish()
    }
}

/// One run as a summary shows it (what `summary` sharing shows a club).
#[derive(Debug, Clone, PartialEq)]
pub struct RunSummary {
    pub athlete: String,
    pub start_ms: Option<i64>,
    pub utc_offset_s: Option<i32>,
    pub sport: Option<u8>,
    /// The athlete's label, else the derived type.
    pub run_type: Option<String>,
    pub duration_s: Option<f64>,
    pub distance_m: Option<f64>,
}

/// How long a session lasts unless told otherwise.
pub const SESSION_TTL: Duration = Duration::from_secs(30 * 24 * 3600);

fn denied(what: String) -> StoreError {
    StoreError::Backend { what, environment: false }
}

/// The one answer to a wrong secret or an unknown login.
fn bad_login() -> StoreError {
    denied("the login or the secret is wrong".into())
}

fn bad_token() -> StoreError {
    denied("the session token is not valid (unknown, expired or signed out): sign in again".into())
}

fn hash_secret(secret: &str) -> Result<String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(secret.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| denied(format!("the secret could not be hashed: {e}")))
}

/// A hash of no one's secret, verified against for an unknown login so that it takes as long
/// as a known one.
fn decoy_hash() -> &'static str {
    static DECOY: OnceLock<String> = OnceLock::new();
    DECOY.get_or_init(|| {
        let mut random = [0u8; 32];
        let _ = getrandom::getrandom(&mut random);
        hash_secret(&crate::hex(&random)).unwrap_or_default()
    })
}

fn verify(secret: &str, phc: &str) -> bool {
    PasswordHash::new(phc)
        .is_ok_and(|h| Argon2::default().verify_password(secret.as_bytes(), &h).is_ok())
}

/// The caller, when `secret` is the account's; an unknown login is checked against a decoy hash,
/// so that it takes as long and gets the same answer as a wrong secret.
fn checked(login: &str, secret: &str, found: Option<(i64, String, Option<i64>)>) -> Result<Caller> {
    let Some((account, phc, athlete)) = found else {
        let _ = verify(secret, decoy_hash());
        return Err(bad_login());
    };
    if !verify(secret, &phc) {
        return Err(bad_login());
    }
    Ok(Caller { account, login: login.to_owned(), athlete })
}

/// The token's 32 bytes, if it is 64 hex digits.
fn token_bytes(token: &str) -> Option<[u8; 32]> {
    let t = token.as_bytes();
    if t.len() != 64 {
        return None;
    }
    let mut out = [0u8; 32];
    for (i, pair) in t.chunks_exact(2).enumerate() {
        let s = std::str::from_utf8(pair).ok()?;
        out[i] = u8::from_str_radix(s, 16).ok()?;
    }
    Some(out)
}

/// What `caller` may do with athlete `athlete` (by id), from the database as it is now.
pub(crate) fn rights<C: GenericClient>(c: &mut C, caller: &Caller, athlete: i64) -> Result<Rights> {
    let r = c
        .query_one(
            "SELECT
               EXISTS (SELECT 1 FROM accounts WHERE account_id = $1 AND athlete_id = $2),
               (SELECT level::text FROM grants g JOIN accounts a ON a.account_id = g.coach_id
                WHERE g.athlete_id = $2 AND g.coach_id = $1),
               (SELECT max(CASE m.sharing WHEN 'view' THEN 2 WHEN 'summary' THEN 1 ELSE 0 END)
                FROM club_members m JOIN club_admins ad ON ad.club_id = m.club_id
                WHERE m.athlete_id = $2 AND ad.account_id = $1)::int8,
               EXISTS (SELECT 1 FROM club_members m
                       JOIN club_members me ON me.club_id = m.club_id
                       JOIN accounts ac ON ac.athlete_id = me.athlete_id
                       WHERE m.athlete_id = $2 AND ac.account_id = $1
                       AND m.sharing IN ('summary', 'view'))",
            &[&caller.account, &athlete],
        )
        .map_err(pg)?;
    combine(get(&r, 0)?, get::<Option<String>>(&r, 1)?.as_deref(), get(&r, 2)?, get(&r, 3)?)
}

/// The rights from each way of seeing an athlete: being them (`own`), a coach's grant
/// (`view`/`edit`), the best sharing with a club the caller administers (2 view, 1 summary),
/// and sharing summaries with a club the caller is a member of (`fellow`).
#[allow(clippy::unnecessary_wraps)] // one signature for both callers' `?`
fn combine(
    own: bool,
    grant: Option<&str>,
    club_admin: Option<i64>,
    fellow: bool,
) -> Result<Rights> {
    if own {
        return Ok(Rights::ALL);
    }
    let mut rights = match grant {
        Some("edit") => Rights::EDIT,
        Some("view") => Rights::VIEW,
        _ => Rights::NONE,
    };
    rights = rights.or(match club_admin {
        Some(2) => Rights::VIEW,
        Some(1) => Rights::SUMMARY,
        _ => Rights::NONE,
    });
    if fellow {
        rights = rights.or(Rights::SUMMARY);
    }
    Ok(rights)
}

fn athlete_id<C: GenericClient>(c: &mut C, name: &str) -> Result<Option<i64>> {
    c.query_opt("SELECT athlete_id FROM athletes WHERE name = $1", &[&name])
        .map_err(pg)?
        .map(|r| get(&r, 0))
        .transpose()
}

fn refusal(caller: &Caller, athlete: &str, a: Action) -> StoreError {
    denied(format!(
        "{} may not {} athlete {athlete:?} (or there is no such athlete)",
        caller.login,
        a.words()
    ))
}

/// An athlete a caller may see: id, name, and what the caller may do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Visible {
    pub id: i64,
    pub name: String,
    pub rights: Rights,
}

/// A kept coach's-overview line of an athlete ([`Access::standings`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeptStanding {
    pub athlete_id: i64,
    /// The day it was computed for, `YYYY-MM-DD`.
    pub day: String,
    /// The athlete's change counter it was computed at.
    pub changes: i64,
    /// The athlete's change counter now: it is current when the two are equal.
    pub current_changes: i64,
    pub body: String,
}

/// Accounts, sessions, grants and clubs on a `PostgreSQL` database (the one holding the
/// athletes' stores).
pub struct Access {
    client: crate::pool::Conn,
}

impl Access {
    /// Connect, bringing the schema up to date (as [`PgStore::connect`]).
    pub fn connect(url: &str) -> Result<Access> {
        let mut client = connect_client(url)?;
        schema::migrate(&mut client)?;
        Ok(Access { client: crate::pool::Conn::Own(client) })
    }

    /// Make an account (the operator's act: nothing checks who calls it). With `athlete`, the
    /// account is that athlete (created if new); the secret is kept as its argon2id hash only.
    pub fn create_account(
        &mut self,
        login: &str,
        secret: &str,
        athlete: Option<&str>,
    ) -> Result<i64> {
        if login.is_empty() || secret.is_empty() {
            return Err(denied("an account needs a login and a secret".into()));
        }
        let phc = hash_secret(secret)?;
        let mut tx = self.client.transaction().map_err(pg)?;
        let athlete_id = match athlete {
            Some(name) => {
                tx.execute(
                    "INSERT INTO athletes (name) VALUES ($1) ON CONFLICT (name) DO NOTHING",
                    &[&name],
                )
                .map_err(pg)?;
                let id = athlete_id(&mut tx, name)?
                    .ok_or_else(|| denied(format!("athlete {name:?} could not be created")))?;
                tx.execute(
                    "INSERT INTO generations (athlete_id, inputs, derived) VALUES ($1, 1, 0) \
                     ON CONFLICT (athlete_id) DO NOTHING",
                    &[&id],
                )
                .map_err(pg)?;
                Some(id)
            }
            None => None,
        };
        let r = tx
            .query_opt(
                "INSERT INTO accounts (login, secret_hash, athlete_id) VALUES ($1, $2, $3) \
                 ON CONFLICT DO NOTHING RETURNING account_id",
                &[&login, &phc, &athlete_id],
            )
            .map_err(pg)?
            .ok_or_else(|| {
                denied(format!("login {login:?} (or its athlete's account) already exists"))
            })?;
        let id = get(&r, 0)?;
        tx.commit().map_err(pg)?;
        Ok(id)
    }

    /// Sign in for [`SESSION_TTL`].
    pub fn authenticate(&mut self, login: &str, secret: &str) -> Result<Session> {
        self.authenticate_for(login, secret, SESSION_TTL)
    }

    /// Sign in: a new session lasting `ttl` when the secret is the account's. A wrong secret and
    /// an unknown login get the same answer after the same work.
    pub fn authenticate_for(
        &mut self,
        login: &str,
        secret: &str,
        ttl: Duration,
    ) -> Result<Session> {
        let found = self.account_hash(login)?;
        let caller = checked(login, secret, found)?;
        self.new_session(caller, ttl)
    }

    /// Sign in on connections of `pool`, holding none while the secret is checked (argon2id
    /// is tens of milliseconds of CPU: a server signing many callers in at once must not hold
    /// its connections through it).
    pub fn sign_in_pooled(
        pool: &Pool,
        login: &str,
        secret: &str,
        ttl: Duration,
    ) -> Result<Session> {
        let found = Access::from_pool(pool)?.account_hash(login)?;
        let caller = checked(login, secret, found)?;
        Access::from_pool(pool)?.new_session(caller, ttl)
    }

    /// The account of `login`: its id, its secret's hash, its athlete.
    fn account_hash(&mut self, login: &str) -> Result<Option<(i64, String, Option<i64>)>> {
        self.client
            .query_opt(
                "SELECT account_id, secret_hash, athlete_id FROM accounts WHERE login = $1",
                &[&login],
            )
            .map_err(pg)?
            .map(|r| Ok((get(&r, 0)?, get(&r, 1)?, get(&r, 2)?)))
            .transpose()
    }

    /// A new session of `caller` lasting `ttl`.
    fn new_session(&mut self, caller: Caller, ttl: Duration) -> Result<Session> {
        let mut raw = [0u8; 32];
        getrandom::getrandom(&mut raw)
            .map_err(|e| denied(format!("no random numbers for a session token: {e}")))?;
        let digest: [u8; 32] = Sha256::digest(raw).into();
        let seconds = i64::try_from(ttl.as_secs()).unwrap_or(i64::MAX / 2).min(100 * 365 * 86_400);
        let r = self
            .client
            .query_one(
                "INSERT INTO sessions (token_sha256, account_id, expires_at) \
                 VALUES ($1, $2, now() + make_interval(secs => $3::int8::float8)) \
                 RETURNING extract(epoch FROM expires_at)::int8",
                &[&&digest[..], &caller.account, &seconds],
            )
            .map_err(pg)?;
        Ok(Session { token: crate::hex(&raw), caller, expires_unix_s: get(&r, 0)? })
    }

    /// The caller of a bearer token, if it is a live session's.
    pub fn session(&mut self, token: &str) -> Result<Caller> {
        let raw = token_bytes(token.trim()).ok_or_else(bad_token)?;
        let digest: [u8; 32] = Sha256::digest(raw).into();
        let row = self
            .client
            .query_opt(
                "SELECT a.account_id, a.login, a.athlete_id FROM sessions s \
                 JOIN accounts a ON a.account_id = s.account_id \
                 WHERE s.token_sha256 = $1 AND s.expires_at > clock_timestamp()",
                &[&&digest[..]],
            )
            .map_err(pg)?
            .ok_or_else(bad_token)?;
        Ok(Caller { account: get(&row, 0)?, login: get(&row, 1)?, athlete: get(&row, 2)? })
    }

    /// End a session (its token stops working); also drops every expired session.
    pub fn sign_out(&mut self, token: &str) -> Result<()> {
        let digest: Option<[u8; 32]> = token_bytes(token.trim()).map(|r| Sha256::digest(r).into());
        let digest = digest.map(|d| d.to_vec());
        self.client
            .execute(
                "DELETE FROM sessions WHERE token_sha256 = $1 OR expires_at <= clock_timestamp()",
                &[&digest],
            )
            .map_err(pg)?;
        Ok(())
    }

    /// What `caller` may do with athlete `athlete` (by name): the check every access goes
    /// through. An unknown athlete: nothing.
    pub fn rights(&mut self, caller: &Caller, athlete: &str) -> Result<Rights> {
        match athlete_id(&mut *self.client, athlete)? {
            Some(id) => rights(&mut *self.client, caller, id),
            None => Ok(Rights::NONE),
        }
    }

    /// May `caller` do `action` with athlete `athlete`?
    pub fn can(&mut self, caller: &Caller, athlete: &str, action: Action) -> Result<bool> {
        Ok(self.rights(caller, athlete)?.allows(action))
    }

    fn need(&mut self, caller: &Caller, athlete: &str, action: Action) -> Result<i64> {
        match athlete_id(&mut *self.client, athlete)? {
            Some(id) if rights(&mut *self.client, caller, id)?.allows(action) => Ok(id),
            _ => Err(refusal(caller, athlete, action)),
        }
    }

    fn account_of(&mut self, login: &str) -> Result<i64> {
        self.client
            .query_opt("SELECT account_id FROM accounts WHERE login = $1", &[&login])
            .map_err(pg)?
            .map(|r| get(&r, 0))
            .transpose()?
            .ok_or_else(|| denied(format!("there is no account {login:?}")))
    }

    /// Athlete `athlete` (the caller, or whoever may administer it) grants `coach` a level,
    /// replacing an earlier grant.
    pub fn grant(&mut self, by: &Caller, athlete: &str, coach: &str, level: Level) -> Result<()> {
        let id = self.need(by, athlete, Action::Admin)?;
        let coach = self.account_of(coach)?;
        self.client
            .execute(
                "INSERT INTO grants (athlete_id, coach_id, level) VALUES ($1, $2, $3) \
                 ON CONFLICT (athlete_id, coach_id) DO UPDATE SET level = excluded.level",
                &[&id, &coach, &level.text()],
            )
            .map_err(pg)?;
        Ok(())
    }

    /// Take a coach's grant back (nothing when there was none).
    pub fn revoke(&mut self, by: &Caller, athlete: &str, coach: &str) -> Result<()> {
        let id = self.need(by, athlete, Action::Admin)?;
        let coach = self.account_of(coach)?;
        self.client
            .execute("DELETE FROM grants WHERE athlete_id = $1 AND coach_id = $2", &[&id, &coach])
            .map_err(pg)?;
        Ok(())
    }

    /// A new club, with `by` its first admin.
    pub fn create_club(&mut self, by: &Caller, name: &str) -> Result<i64> {
        let mut tx = self.client.transaction().map_err(pg)?;
        let r = tx
            .query_opt(
                "INSERT INTO clubs (name) VALUES ($1) ON CONFLICT DO NOTHING RETURNING club_id",
                &[&name],
            )
            .map_err(pg)?
            .ok_or_else(|| denied(format!("a club {name:?} already exists")))?;
        let id: i64 = get(&r, 0)?;
        tx.execute(
            "INSERT INTO club_admins (club_id, account_id) VALUES ($1, $2)",
            &[&id, &by.account],
        )
        .map_err(pg)?;
        tx.commit().map_err(pg)?;
        Ok(id)
    }

    fn club_admin(&mut self, by: &Caller, club: &str) -> Result<i64> {
        self.client
            .query_opt(
                "SELECT c.club_id FROM clubs c JOIN club_admins a ON a.club_id = c.club_id \
                 WHERE c.name = $1 AND a.account_id = $2",
                &[&club, &by.account],
            )
            .map_err(pg)?
            .map(|r| get(&r, 0))
            .transpose()?
            .ok_or_else(|| denied(format!("{} is not an admin of club {club:?}", by.login)))
    }

    /// An admin of `club` makes `login` an admin too.
    pub fn add_club_admin(&mut self, by: &Caller, club: &str, login: &str) -> Result<()> {
        let club = self.club_admin(by, club)?;
        let account = self.account_of(login)?;
        self.client
            .execute(
                "INSERT INTO club_admins (club_id, account_id) VALUES ($1, $2) \
                 ON CONFLICT DO NOTHING",
                &[&club, &account],
            )
            .map_err(pg)?;
        Ok(())
    }

    /// An admin of `club` invites athlete `athlete` to join it (nothing is shared until the
    /// athlete joins, choosing what).
    pub fn invite(&mut self, by: &Caller, club: &str, athlete: &str) -> Result<()> {
        let club = self.club_admin(by, club)?;
        let id = athlete_id(&mut *self.client, athlete)?
            .ok_or_else(|| denied(format!("there is no athlete {athlete:?}")))?;
        self.client
            .execute(
                "INSERT INTO club_invites (club_id, athlete_id) VALUES ($1, $2) \
                 ON CONFLICT DO NOTHING",
                &[&club, &id],
            )
            .map_err(pg)?;
        Ok(())
    }

    /// Athlete `athlete` (its own account) joins `club`, which invited it, choosing what it
    /// shares; or, a member already, changes what it shares. Refused alike for a club that
    /// does not exist and one that did not invite the athlete.
    pub fn join_club(
        &mut self,
        by: &Caller,
        athlete: &str,
        club: &str,
        sharing: Sharing,
    ) -> Result<()> {
        let id = self.need(by, athlete, Action::Admin)?;
        let mut tx = self.client.transaction().map_err(pg)?;
        let n = tx
            .execute(
                "INSERT INTO club_members (club_id, athlete_id, sharing) \
                 SELECT c.club_id, $2, $3 FROM clubs c WHERE c.name = $1 AND ( \
                   EXISTS (SELECT 1 FROM club_invites i \
                           WHERE i.club_id = c.club_id AND i.athlete_id = $2) \
                   OR EXISTS (SELECT 1 FROM club_members m \
                              WHERE m.club_id = c.club_id AND m.athlete_id = $2)) \
                 ON CONFLICT (club_id, athlete_id) DO UPDATE SET sharing = excluded.sharing",
                &[&club, &id, &sharing.text()],
            )
            .map_err(pg)?;
        if n == 0 {
            return Err(denied(format!(
                "athlete {athlete:?} has no invitation to club {club:?} (or there is no such \
                 club): its admin invites first"
            )));
        }
        tx.execute(
            "DELETE FROM club_invites WHERE athlete_id = $2 \
             AND club_id = (SELECT club_id FROM clubs WHERE name = $1)",
            &[&club, &id],
        )
        .map_err(pg)?;
        tx.commit().map_err(pg)
    }

    /// Athlete `athlete` leaves `club`.
    pub fn leave_club(&mut self, by: &Caller, athlete: &str, club: &str) -> Result<()> {
        let id = self.need(by, athlete, Action::Admin)?;
        self.client
            .execute(
                "DELETE FROM club_members WHERE athlete_id = $2 \
                 AND club_id = (SELECT club_id FROM clubs WHERE name = $1)",
                &[&club, &id],
            )
            .map_err(pg)?;
        Ok(())
    }

    /// Every athlete `caller` may see anything of, by name, with what it may do.
    pub fn athletes_visible_to(&mut self, caller: &Caller) -> Result<Vec<(String, Rights)>> {
        Ok(self.visible(caller)?.into_iter().map(|v| (v.name, v.rights)).collect())
    }

    /// Every athlete `caller` may see anything of, by name, with their id and what the caller
    /// may do: one query, whatever the number of athletes (a coach's overview).
    pub fn visible(&mut self, caller: &Caller) -> Result<Vec<Visible>> {
        let rows = self
            .client
            .query(
                "SELECT t.athlete_id, t.name,
                   EXISTS (SELECT 1 FROM accounts WHERE account_id = $1
                           AND athlete_id = t.athlete_id),
                   (SELECT level::text FROM grants g
                    WHERE g.athlete_id = t.athlete_id AND g.coach_id = $1),
                   (SELECT max(CASE m.sharing WHEN 'view' THEN 2 WHEN 'summary' THEN 1
                                              ELSE 0 END)
                    FROM club_members m JOIN club_admins ad ON ad.club_id = m.club_id
                    WHERE m.athlete_id = t.athlete_id AND ad.account_id = $1)::int8,
                   EXISTS (SELECT 1 FROM club_members m
                           JOIN club_members me ON me.club_id = m.club_id
                           JOIN accounts ac ON ac.athlete_id = me.athlete_id
                           WHERE m.athlete_id = t.athlete_id AND ac.account_id = $1
                           AND m.sharing IN ('summary', 'view'))
                 FROM athletes t WHERE t.athlete_id IN (
                   SELECT athlete_id FROM accounts WHERE account_id = $1
                   UNION SELECT athlete_id FROM grants WHERE coach_id = $1
                   UNION SELECT m.athlete_id FROM club_members m
                         JOIN club_admins a ON a.club_id = m.club_id
                         WHERE a.account_id = $1 AND m.sharing <> 'none'
                   UNION SELECT m.athlete_id FROM club_members m
                         JOIN club_members me ON me.club_id = m.club_id
                         JOIN accounts ac ON ac.athlete_id = me.athlete_id
                         WHERE ac.account_id = $1 AND m.sharing <> 'none')
                 ORDER BY t.name",
                &[&caller.account],
            )
            .map_err(pg)?;
        let mut out = Vec::with_capacity(rows.len());
        for r in rows {
            let grant: Option<String> = get(&r, 3)?;
            let rights = combine(get(&r, 2)?, grant.as_deref(), get(&r, 4)?, get(&r, 5)?)?;
            if rights != Rights::NONE {
                out.push(Visible { id: get(&r, 0)?, name: get(&r, 1)?, rights });
            }
        }
        Ok(out)
    }

    /// Borrow a connection from `pool` for the access checks (given back when dropped).
    pub fn from_pool(pool: &Pool) -> Result<Access> {
        Ok(Access { client: crate::pool::Conn::Pooled(pool.get()?) })
    }

    /// The caller of account `login`, without its secret: the operator's act (whoever holds
    /// the database's own credentials, as the command line does, can read every row anyway).
    /// Never reachable from the server's routes.
    pub fn act_as(&mut self, login: &str) -> Result<Caller> {
        let row = self
            .client
            .query_opt(
                "SELECT account_id, login, athlete_id FROM accounts WHERE login = $1",
                &[&login],
            )
            .map_err(pg)?
            .ok_or_else(|| denied(format!("there is no account {login:?}")))?;
        Ok(Caller { account: get(&row, 0)?, login: get(&row, 1)?, athlete: get(&row, 2)? })
    }

    /// The login of the account that is athlete `name`, if it has one.
    pub fn login_of_athlete(&mut self, name: &str) -> Result<Option<String>> {
        self.client
            .query_opt(
                "SELECT c.login FROM accounts c JOIN athletes a USING (athlete_id) \
                 WHERE a.name = $1",
                &[&name],
            )
            .map_err(pg)?
            .map(|r| get(&r, 0))
            .transpose()
    }

    /// The kept standings of athletes `ids` (by id): each with the day and the athlete's
    /// change counter it was computed at, and its body. An athlete whose standing was never
    /// kept is missing.
    pub fn standings(&mut self, ids: &[i64]) -> Result<Vec<KeptStanding>> {
        self.client
            .query(
                "SELECT s.athlete_id, s.day, s.changes, g.changes, s.body FROM standings s \
                 JOIN generations g USING (athlete_id) WHERE s.athlete_id = ANY($1)",
                &[&ids],
            )
            .map_err(pg)?
            .iter()
            .map(|r| {
                Ok(KeptStanding {
                    athlete_id: get(r, 0)?,
                    day: get(r, 1)?,
                    changes: get(r, 2)?,
                    current_changes: get(r, 3)?,
                    body: get(r, 4)?,
                })
            })
            .collect()
    }

    /// The athlete's change counter now (every write to their store advances it).
    pub fn changes(&mut self, athlete_id: i64) -> Result<i64> {
        let r = self
            .client
            .query_opt("SELECT changes FROM generations WHERE athlete_id = $1", &[&athlete_id])
            .map_err(pg)?
            .ok_or_else(|| denied(format!("there is no athlete {athlete_id}")))?;
        get(&r, 0)
    }

    /// The change counter of athlete `name` (by name; as [`Access::changes`]).
    pub fn changes_of(&mut self, name: &str) -> Result<i64> {
        let r = self
            .client
            .query_opt(
                "SELECT g.changes FROM generations g JOIN athletes a USING (athlete_id) \
                 WHERE a.name = $1",
                &[&name],
            )
            .map_err(pg)?
            .ok_or_else(|| denied(format!("there is no athlete {name:?}")))?;
        get(&r, 0)
    }

    /// Keep athlete `athlete_id`'s standing for `day`, computed when their change counter was
    /// `changes`; kept only if the counter is still that (a write since then makes it stale,
    /// and it is not kept). Returns whether it was kept.
    pub fn keep_standing(
        &mut self,
        athlete_id: i64,
        day: &str,
        changes: i64,
        body: &str,
    ) -> Result<bool> {
        let n = self
            .client
            .execute(
                "INSERT INTO standings (athlete_id, day, changes, body) \
                 SELECT $1, $2, $3, $4 FROM generations WHERE athlete_id = $1 AND changes = $3 \
                 ON CONFLICT (athlete_id) DO UPDATE \
                 SET day = excluded.day, changes = excluded.changes, body = excluded.body",
                &[&athlete_id, &day, &changes, &body],
            )
            .map_err(pg)?;
        Ok(n == 1)
    }

    /// Run summaries of athlete `athlete` starting in `since_ms..until_ms`, by start, if
    /// `caller` may read them ([`Action::ReadSummary`]).
    pub fn summaries(
        &mut self,
        caller: &Caller,
        athlete: &str,
        since_ms: i64,
        until_ms: i64,
    ) -> Result<Vec<RunSummary>> {
        let id = self.need(caller, athlete, Action::ReadSummary)?;
        summaries_of(&mut self.client, &[id], since_ms, until_ms)
    }

    /// A coach's overview: the summaries of every athlete in `athletes` starting in
    /// `since_ms..until_ms`, in one query, by athlete and start. Refused whole if `caller` may
    /// not read one of them.
    pub fn overview(
        &mut self,
        caller: &Caller,
        athletes: &[&str],
        since_ms: i64,
        until_ms: i64,
    ) -> Result<Vec<RunSummary>> {
        let mut ids = Vec::with_capacity(athletes.len());
        for a in athletes {
            ids.push(self.need(caller, a, Action::ReadSummary)?);
        }
        summaries_of(&mut self.client, &ids, since_ms, until_ms)
    }
}

fn summaries_of(
    c: &mut Client,
    ids: &[i64],
    since_ms: i64,
    until_ms: i64,
) -> Result<Vec<RunSummary>> {
    c.query(
        "SELECT t.name, a.start_ms, a.utc_offset_s, a.sport, coalesce(a.label, a.run_type), \
                a.duration_s, a.distance_m \
         FROM activities a JOIN athletes t ON t.athlete_id = a.athlete_id \
         WHERE a.athlete_id = ANY($1) AND a.start_ms >= $2 AND a.start_ms < $3 \
         ORDER BY t.name, a.start_ms, a.id",
        &[&ids, &since_ms, &until_ms],
    )
    .map_err(pg)?
    .iter()
    .map(|r| {
        let off: Option<i64> = get(r, 2)?;
        let sport: Option<i64> = get(r, 3)?;
        Ok(RunSummary {
            athlete: get(r, 0)?,
            start_ms: get(r, 1)?,
            utc_offset_s: off.and_then(|v| i32::try_from(v).ok()),
            sport: sport.and_then(|v| u8::try_from(v).ok()),
            run_type: get(r, 4)?,
            duration_s: get(r, 5)?,
            distance_m: get(r, 6)?,
        })
    })
    .collect()
}

impl PgStore {
    /// Open athlete `athlete`'s store on behalf of `caller`, who must be allowed `action`
    /// (at least [`Action::Read`]: summaries are read with [`Access::summaries`]). The store
    /// refuses every write the caller may not make. Refused alike when the athlete does not
    /// exist; an athlete is never created here.
    pub fn open_as(url: &str, caller: &Caller, athlete: &str, action: Action) -> Result<PgStore> {
        if action == Action::ReadSummary {
            return Err(denied(
                "a store is opened to read a history (Action::Read or more); summaries are read \
                 with Access::summaries"
                    .into(),
            ));
        }
        let mut client = connect_client(url)?;
        schema::migrate(&mut client)?;
        let id = athlete_id(&mut client, athlete)?;
        let granted = match id {
            Some(id) => rights(&mut client, caller, id)?,
            None => Rights::NONE,
        };
        let Some(id) = id.filter(|_| granted.allows(action) && granted.allows(Action::Read)) else {
            return Err(refusal(caller, athlete, action));
        };
        Ok(PgStore {
            client: std::cell::RefCell::new(crate::pool::Conn::Own(client)),
            cache: std::cell::RefCell::new(Cache::new()),
            athlete: id,
            name: athlete.to_owned(),
            rights: granted,
            caller: Some(caller.login.clone()),
        })
    }

    /// As [`PgStore::open_as`], on a connection borrowed from `pool` (given back when the store
    /// is dropped); the pool brought the schema up to date when it was made.
    pub fn open_pooled(
        pool: &Pool,
        caller: &Caller,
        athlete: &str,
        action: Action,
    ) -> Result<PgStore> {
        if action == Action::ReadSummary {
            return Err(denied(
                "a store is opened to read a history (Action::Read or more); summaries are read \
                 with Access::summaries"
                    .into(),
            ));
        }
        let mut conn = crate::pool::Conn::Pooled(pool.get()?);
        let id = athlete_id(&mut *conn, athlete)?;
        let granted = match id {
            Some(id) => rights(&mut *conn, caller, id)?,
            None => Rights::NONE,
        };
        let Some(id) = id.filter(|_| granted.allows(action) && granted.allows(Action::Read)) else {
            return Err(refusal(caller, athlete, action));
        };
        Ok(PgStore {
            client: std::cell::RefCell::new(conn),
            cache: std::cell::RefCell::new(Cache::new()),
            athlete: id,
            name: athlete.to_owned(),
            rights: granted,
            caller: Some(caller.login.clone()),
        })
    }

    /// What this store's caller may do ([`Rights::ALL`] for a store opened with
    /// [`PgStore::connect`]).
    #[must_use]
    pub fn rights(&self) -> Rights {
        self.rights
    }

    pub(crate) fn need(&self, a: Action) -> Result<()> {
        if self.rights.allows(a) {
            return Ok(());
        }
        Err(denied(format!(
            "{} may not {} athlete {:?}",
            self.caller.as_deref().unwrap_or("this caller"),
            a.words(),
            self.name
        )))
    }
}
