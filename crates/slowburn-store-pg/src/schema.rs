//! The `PostgreSQL` schema and its migrations, versioned in the `schema_version` table (what
//! `PRAGMA user_version` is to the `SQLite` store). Each migration runs once, in its own
//! transaction, under an advisory lock, after re-reading the version inside it: two stores
//! connecting to a new database at once never both run one. A database whose version is newer
//! than this build's is refused before anything is written.
//!
//! Tenancy: every table but `schema_version` (one row about the schema) and `athletes` (the
//! tenants themselves) holds athletes' rows, and has `athlete_id` as the first column of its
//! primary key and of every index and foreign key. `athlete_id` is the distribution column when
//! the tables are distributed with Citus (`athletes` is then a reference table). Text columns
//! compare bytewise (`COLLATE "C"`), as `SQLite` does, so sorting and date comparisons (dates
//! are `YYYY-MM-DD` text, as in `SQLite`) do not depend on the database's locale.

use postgres::Client;

use crate::{pg, Result, StoreError};

/// The schema version this build writes.
pub const SCHEMA_VERSION: i64 = 3;

/// Key of the advisory lock held while migrating ("slowburn" in ASCII).
const MIGRATION_LOCK: i64 = 0x736c_6f77_6275_726e;

const MIGRATIONS: &[&str] = &[
    // 1: everything the SQLite store holds at its version 6, per athlete.
    r#"
    CREATE TABLE athletes (
        athlete_id bigserial PRIMARY KEY,
        name       text COLLATE "C" NOT NULL UNIQUE
    );
    CREATE TABLE generations (
        athlete_id bigint PRIMARY KEY REFERENCES athletes (athlete_id),
        inputs     bigint NOT NULL,
        derived    bigint NOT NULL
    );
    CREATE TABLE originals (
        athlete_id bigint NOT NULL REFERENCES athletes (athlete_id),
        sha256     bytea NOT NULL CHECK (length(sha256) = 32),
        name       text COLLATE "C" NOT NULL,
        size       bigint NOT NULL,
        data       bytea NOT NULL,
        PRIMARY KEY (athlete_id, sha256)
    );
    -- Already zstd-compressed: stored out of line without a second compression.
    ALTER TABLE originals ALTER COLUMN data SET STORAGE EXTERNAL;
    CREATE TABLE activities (
        athlete_id        bigint NOT NULL REFERENCES athletes (athlete_id),
        id                bigserial NOT NULL,
        sha256            bytea NOT NULL,
        part              bigint NOT NULL DEFAULT 0,
        parts             bigint NOT NULL DEFAULT 1,
        source_name       text COLLATE "C" NOT NULL,
        format            text COLLATE "C" NOT NULL,
        start_ms          bigint,
        utc_offset_s      bigint,
        sport             bigint,
        sub_sport         bigint,
        name              text COLLATE "C",
        description       text COLLATE "C",
        gear              text COLLATE "C",
        device            text COLLATE "C",
        duration_s        double precision,
        moving_s          double precision,
        distance_m        double precision,
        ascent_m          double precision,
        avg_hr            double precision,
        max_hr            bigint,
        samples           bigint NOT NULL,
        richness          double precision NOT NULL,
        summary           text COLLATE "C" NOT NULL,
        hr_hist           bytea,
        pace_hist         bytea,
        label             text COLLATE "C",
        summary_version   bigint NOT NULL DEFAULT 0,
        base_type         text COLLATE "C",
        base_reason       text COLLATE "C",
        confidence        double precision,
        settled_hr        double precision,
        hr_coverage       double precision,
        best_30s_hr       double precision,
        best_30min_lthr   double precision,
        gap_pace_s_per_km double precision,
        efficiency_factor double precision,
        decoupling_pct    double precision,
        best_efforts      bytea,
        hr_pace           bytea,
        settled_hr_pace   bytea,
        run_type          text COLLATE "C",
        reason            text COLLATE "C",
        end_ms            bigint,
        span_start_ms     bigint,
        span_end_ms       bigint,
        channels          bigint NOT NULL DEFAULT 0,
        evidence          text COLLATE "C",
        derived_confidence double precision,
        why               text COLLATE "C",
        PRIMARY KEY (athlete_id, id),
        UNIQUE (athlete_id, sha256, part),
        FOREIGN KEY (athlete_id, sha256) REFERENCES originals (athlete_id, sha256)
    );
    CREATE INDEX activities_start ON activities (athlete_id, start_ms);
    CREATE INDEX activities_summary_version ON activities (athlete_id, summary_version);
    CREATE INDEX activities_span ON activities (athlete_id, span_start_ms);
    CREATE TABLE duplicates (
        athlete_id  bigint NOT NULL REFERENCES athletes (athlete_id),
        sha256      bytea NOT NULL,
        activity_id bigint NOT NULL,
        source_name text COLLATE "C" NOT NULL,
        reason      text COLLATE "C" NOT NULL,
        start_ms    bigint,
        end_ms      bigint,
        sport       bigint,
        PRIMARY KEY (athlete_id, sha256),
        FOREIGN KEY (athlete_id, sha256) REFERENCES originals (athlete_id, sha256),
        FOREIGN KEY (athlete_id, activity_id) REFERENCES activities (athlete_id, id)
            ON DELETE CASCADE
    );
    CREATE INDEX duplicates_activity ON duplicates (athlete_id, activity_id);
    CREATE TABLE athlete_entries (
        athlete_id bigint NOT NULL REFERENCES athletes (athlete_id),
        id         bigserial NOT NULL,
        from_date  text COLLATE "C" NOT NULL,
        entry      text COLLATE "C" NOT NULL,
        PRIMARY KEY (athlete_id, id)
    );
    CREATE INDEX athlete_entries_date ON athlete_entries (athlete_id, from_date);
    CREATE TABLE daily_log (
        athlete_id bigint NOT NULL REFERENCES athletes (athlete_id),
        id         bigserial NOT NULL,
        date       text COLLATE "C" NOT NULL,
        kind       text COLLATE "C" NOT NULL,
        value      double precision,
        text       text COLLATE "C",
        PRIMARY KEY (athlete_id, id)
    );
    CREATE INDEX daily_log_date ON daily_log (athlete_id, date);
    CREATE TABLE activity_rpe (
        athlete_id  bigint NOT NULL REFERENCES athletes (athlete_id),
        activity_id bigint NOT NULL,
        rpe         double precision NOT NULL,
        PRIMARY KEY (athlete_id, activity_id),
        FOREIGN KEY (athlete_id, activity_id) REFERENCES activities (athlete_id, id)
            ON DELETE CASCADE
    );
    CREATE TABLE profile_periods (
        athlete_id bigint NOT NULL REFERENCES athletes (athlete_id),
        from_date  text COLLATE "C" NOT NULL,
        profile    text COLLATE "C" NOT NULL,
        PRIMARY KEY (athlete_id, from_date)
    );
    CREATE TABLE plans (
        athlete_id bigint NOT NULL REFERENCES athletes (athlete_id),
        id         bigserial NOT NULL,
        created    text COLLATE "C" NOT NULL,
        PRIMARY KEY (athlete_id, id)
    );
    CREATE TABLE plan_revisions (
        athlete_id bigint NOT NULL REFERENCES athletes (athlete_id),
        plan_id    bigint NOT NULL,
        revision   bigint NOT NULL,
        created    text COLLATE "C" NOT NULL,
        reason     text COLLATE "C" NOT NULL,
        plan       text COLLATE "C" NOT NULL,
        PRIMARY KEY (athlete_id, plan_id, revision),
        FOREIGN KEY (athlete_id, plan_id) REFERENCES plans (athlete_id, id) ON DELETE CASCADE
    );
    "#,
    // 2: who sees what (issue 17): accounts, sessions, coaches' grants, clubs. Not athletes'
    // rows: no `athlete_id` first (with Citus these are reference tables, `grants` and
    // `club_members` could be distributed by `athlete_id`).
    r#"
    CREATE TABLE accounts (
        account_id  bigserial PRIMARY KEY,
        login       text COLLATE "C" NOT NULL UNIQUE,
        -- argon2id in the PHC string format; the secret itself is never stored.
        secret_hash text NOT NULL CHECK (secret_hash LIKE '$argon2id$%'),
        -- The athlete this account is, if it is one (a coach or a club admin may be none).
        athlete_id  bigint UNIQUE REFERENCES athletes (athlete_id)
    );
    CREATE TABLE sessions (
        -- SHA-256 of the bearer token; the token itself is never stored.
        token_sha256 bytea PRIMARY KEY CHECK (length(token_sha256) = 32),
        account_id   bigint NOT NULL REFERENCES accounts (account_id) ON DELETE CASCADE,
        created_at   timestamptz NOT NULL DEFAULT now(),
        expires_at   timestamptz NOT NULL
    );
    CREATE INDEX sessions_account ON sessions (account_id);
    CREATE TABLE grants (
        athlete_id bigint NOT NULL REFERENCES athletes (athlete_id),
        coach_id   bigint NOT NULL REFERENCES accounts (account_id) ON DELETE CASCADE,
        level      text COLLATE "C" NOT NULL CHECK (level IN ('view', 'edit')),
        PRIMARY KEY (athlete_id, coach_id)
    );
    CREATE INDEX grants_coach ON grants (coach_id);
    CREATE TABLE clubs (
        club_id bigserial PRIMARY KEY,
        name    text COLLATE "C" NOT NULL UNIQUE
    );
    CREATE TABLE club_admins (
        club_id    bigint NOT NULL REFERENCES clubs (club_id) ON DELETE CASCADE,
        account_id bigint NOT NULL REFERENCES accounts (account_id) ON DELETE CASCADE,
        PRIMARY KEY (club_id, account_id)
    );
    CREATE INDEX club_admins_account ON club_admins (account_id);
    CREATE TABLE club_members (
        club_id    bigint NOT NULL REFERENCES clubs (club_id) ON DELETE CASCADE,
        athlete_id bigint NOT NULL REFERENCES athletes (athlete_id),
        -- What the member lets the club see: nothing, summaries, or the whole history.
        sharing    text COLLATE "C" NOT NULL CHECK (sharing IN ('none', 'summary', 'view')),
        PRIMARY KEY (club_id, athlete_id)
    );
    CREATE INDEX club_members_athlete ON club_members (athlete_id);
    "#,
    // 3: the server (issue 17): every write advances an athlete's change counter, which the
    // server's kept answers and kept overview lines are checked against.
    r#"
    ALTER TABLE generations ADD COLUMN changes bigint NOT NULL DEFAULT 0;
    -- A history is read in this order (`ORDER BY start_ms NULLS FIRST, id`): served by the index
    -- rather than a sort of every row.
    CREATE INDEX activities_history ON activities (athlete_id, start_ms NULLS FIRST, id);
    -- A club's admin invites an athlete; only an invited athlete may join, choosing what the
    -- club sees (else anyone could join a club and read its members' summaries).
    CREATE TABLE club_invites (
        club_id    bigint NOT NULL REFERENCES clubs (club_id) ON DELETE CASCADE,
        athlete_id bigint NOT NULL REFERENCES athletes (athlete_id),
        PRIMARY KEY (club_id, athlete_id)
    );
    CREATE TABLE standings (
        athlete_id bigint PRIMARY KEY REFERENCES athletes (athlete_id),
        day        text COLLATE "C" NOT NULL,
        changes    bigint NOT NULL,
        body       text NOT NULL
    );
    "#,
];

/// The schema version of the database (`None` when it has no `schema_version` table yet).
/// Reads only.
pub(crate) fn version(client: &mut impl postgres::GenericClient) -> Result<Option<i64>> {
    let exists: bool = client
        .query_one("SELECT to_regclass('schema_version') IS NOT NULL", &[])
        .and_then(|r| r.try_get(0))
        .map_err(pg)?;
    if !exists {
        return Ok(None);
    }
    let row =
        client.query_opt("SELECT version FROM schema_version WHERE id = 1", &[]).map_err(pg)?;
    row.map(|r| r.try_get(0).map_err(pg)).transpose()
}

/// Bring the schema up to [`SCHEMA_VERSION`]; refuse a newer one untouched.
pub(crate) fn migrate(client: &mut Client) -> Result<()> {
    let found = version(client)?.unwrap_or(0);
    if found > SCHEMA_VERSION {
        return Err(StoreError::TooNew { found, supported: SCHEMA_VERSION });
    }
    for v in (found + 1)..=SCHEMA_VERSION {
        apply(client, v)?;
    }
    Ok(())
}

/// Run migration `v` in one transaction if the version, re-read under the migration lock, is
/// still below it. The lock is the session's, taken before the transaction begins: a
/// transaction that waited for it inside would go on with the catalog as it was before the
/// wait, and not see the tables the other one made.
fn apply(client: &mut Client, v: i64) -> Result<()> {
    client.execute("SELECT pg_advisory_lock($1)", &[&MIGRATION_LOCK]).map_err(pg)?;
    let r = apply_locked(client, v);
    let unlocked = client.execute("SELECT pg_advisory_unlock($1)", &[&MIGRATION_LOCK]).map_err(pg);
    r.and(unlocked.map(|_| ()))
}

fn apply_locked(client: &mut Client, v: i64) -> Result<()> {
    let mut tx = client.transaction().map_err(pg)?;
    let found = version(&mut tx)?;
    match found {
        Some(f) if f > SCHEMA_VERSION => {
            return Err(StoreError::TooNew { found: f, supported: SCHEMA_VERSION });
        }
        Some(f) if f >= v => return Ok(()),
        _ => {}
    }
    let sql = usize::try_from(v - 1)
        .ok()
        .and_then(|i| MIGRATIONS.get(i))
        .ok_or_else(|| StoreError::Migration { version: v, why: "no such migration".into() })?;
    let migration = |e: postgres::Error| StoreError::Migration {
        version: v,
        why: match crate::pg(e) {
            StoreError::Backend { what, .. } => what,
            other => other.to_string(),
        },
    };
    if found.is_none() {
        tx.batch_execute(
            "CREATE TABLE schema_version (
                id      integer PRIMARY KEY CHECK (id = 1),
                version bigint NOT NULL
             );
             INSERT INTO schema_version (id, version) VALUES (1, 0);",
        )
        .map_err(migration)?;
    }
    tx.batch_execute(sql).map_err(migration)?;
    tx.execute("UPDATE schema_version SET version = $1 WHERE id = 1", &[&v]).map_err(migration)?;
    tx.commit().map_err(migration)
}
