//! Who sees what: every action tried by every kind of caller, sessions and secrets.
//! Needs `SLOWBURN_PG_URL` (see `tests/pg.rs`).

mod common;

use std::time::Duration;

use common::{server, TestDb};
use slowburn_store::{DailyLog, Store};
use slowburn_store_pg::{Access, Action, Caller, Level, PgStore, Sharing};

const SECRET: &str = "correct horse battery staple";

/// Accounts: athletes anna (a club member sharing nothing), bea (sharing summaries) and cai
/// (sharing her history); coaches viewer (view on anna) and editor (edit on anna); admin (the
/// club's admin, no history); stranger (nobody's anything).
fn world(url: &str) -> (Access, Vec<(&'static str, Caller)>) {
    let mut acc = Access::connect(url).expect("access");
    for (login, athlete) in [
        ("anna", Some("anna")),
        ("bea", Some("bea")),
        ("cai", Some("cai")),
        ("viewer", None),
        ("editor", None),
        ("admin", None),
        ("stranger", None),
    ] {
        acc.create_account(login, SECRET, athlete).expect("account");
    }
    let mut callers = Vec::new();
    for login in ["stranger", "anna", "bea", "cai", "viewer", "editor", "admin"] {
        callers.push((login, acc.authenticate(login, SECRET).expect("sign in").caller));
    }
    let who =
        |n: &str| callers.iter().find(|(l, _)| *l == n).map(|(_, c)| c.clone()).expect("caller");
    acc.grant(&who("anna"), "anna", "viewer", Level::View).expect("grant");
    acc.grant(&who("anna"), "anna", "editor", Level::Edit).expect("grant");
    acc.create_club(&who("admin"), "harriers").expect("club");
    // Nobody joins uninvited (they would read the members' summaries), and only an admin
    // invites.
    assert!(acc.join_club(&who("anna"), "anna", "harriers", Sharing::Summary).is_err());
    assert!(acc.invite(&who("anna"), "harriers", "bea").is_err());
    for (m, sharing) in [("anna", Sharing::None), ("bea", Sharing::Summary), ("cai", Sharing::View)]
    {
        acc.invite(&who("admin"), "harriers", m).expect("invite");
        acc.join_club(&who(m), m, "harriers", sharing).expect("join");
    }
    (acc, callers)
}

use Action::{Admin, Label, Note, Plan, Read, ReadSummary};

/// (caller, athlete, exactly what the caller may do).
const TABLE: &[(&str, &str, &[Action])] = &[
    ("stranger", "anna", &[]),
    ("stranger", "bea", &[]),
    ("stranger", "cai", &[]),
    ("anna", "anna", &[ReadSummary, Read, Label, Plan, Note, Admin]),
    ("bea", "bea", &[ReadSummary, Read, Label, Plan, Note, Admin]),
    ("viewer", "anna", &[ReadSummary, Read]),
    ("editor", "anna", &[ReadSummary, Read, Label, Plan, Note]),
    ("viewer", "bea", &[]),
    ("editor", "cai", &[]),
    // The club's admin sees what each member shares.
    ("admin", "anna", &[]),
    ("admin", "bea", &[ReadSummary]),
    ("admin", "cai", &[ReadSummary, Read]),
    // Fellow members see summaries of those who share, never more.
    ("bea", "cai", &[ReadSummary]),
    ("cai", "bea", &[ReadSummary]),
    ("bea", "anna", &[]),
    ("anna", "bea", &[ReadSummary]),
    // A name nobody has.
    ("anna", "nobody", &[]),
    ("admin", "nobody", &[]),
];

#[test]
fn every_caller_gets_exactly_what_it_may() {
    let Some(server) = server() else { return };
    let db = TestDb::new(&server, "access");
    let (mut acc, callers) = world(&db.url);
    let who =
        |n: &str| callers.iter().find(|(l, _)| *l == n).map(|(_, c)| c.clone()).expect("caller");
    for (caller, athlete, allowed) in TABLE {
        let c = who(caller);
        for action in Action::ALL {
            let want = allowed.contains(&action);
            assert_eq!(
                acc.can(&c, athlete, action).expect("can"),
                want,
                "{caller} {action:?} {athlete}"
            );
            // Opening a store goes through the same check (summaries are not a store).
            if action != ReadSummary {
                let opened = PgStore::open_as(&db.url, &c, athlete, action);
                assert_eq!(opened.is_ok(), want, "{caller} opens {athlete} for {action:?}");
                if let Err(e) = opened {
                    let e = e.to_string();
                    assert!(
                        e.contains("may not") && e.contains("or there is no such athlete"),
                        "{e}"
                    );
                }
            }
        }
        let summaries = acc.summaries(&c, athlete, 0, i64::MAX);
        assert_eq!(
            summaries.is_ok(),
            allowed.contains(&ReadSummary),
            "{caller} summaries {athlete}"
        );
    }
    // What each sees listed.
    let names = |acc: &mut Access, c: &Caller| -> Vec<String> {
        acc.athletes_visible_to(c).expect("visible").into_iter().map(|(n, _)| n).collect()
    };
    assert_eq!(names(&mut acc, &who("stranger")), Vec::<String>::new());
    assert_eq!(names(&mut acc, &who("viewer")), ["anna"]);
    assert_eq!(names(&mut acc, &who("admin")), ["bea", "cai"]);
    assert_eq!(names(&mut acc, &who("anna")), ["anna", "bea", "cai"]);
    assert_eq!(names(&mut acc, &who("bea")), ["bea", "cai"]);

    // Only the athlete grants, revokes and changes sharing.
    assert!(acc.grant(&who("editor"), "anna", "stranger", Level::Edit).is_err());
    assert!(acc.grant(&who("admin"), "cai", "stranger", Level::View).is_err());
    assert!(acc.join_club(&who("admin"), "anna", "harriers", Sharing::View).is_err());
    assert!(!acc.can(&who("stranger"), "anna", Read).expect("can"));
    // Revoked: gone at once for new stores.
    acc.revoke(&who("anna"), "anna", "editor").expect("revoke");
    assert!(!acc.can(&who("editor"), "anna", Read).expect("can"));
    assert!(PgStore::open_as(&db.url, &who("editor"), "anna", Read).is_err());
    // Sharing changed: the admin now sees nothing of cai.
    acc.join_club(&who("cai"), "cai", "harriers", Sharing::None).expect("share");
    assert!(!acc.can(&who("admin"), "cai", ReadSummary).expect("can"));
    acc.leave_club(&who("bea"), "bea", "harriers").expect("leave");
    assert!(!acc.can(&who("admin"), "bea", ReadSummary).expect("can"));
}

#[test]
fn a_store_opened_for_a_caller_refuses_what_the_caller_may_not_do() {
    let Some(server) = server() else { return };
    let db = TestDb::new(&server, "access_store");
    let (mut acc, callers) = world(&db.url);
    let who =
        |n: &str| callers.iter().find(|(l, _)| *l == n).map(|(_, c)| c.clone()).expect("caller");
    let log = DailyLog {
        date: "2026-01-02".parse().expect("date"),
        kind: "note".into(),
        value: None,
        text: Some("coach says: rest".into()),
    };
    let mut viewer = PgStore::open_as(&db.url, &who("viewer"), "anna", Read).expect("open");
    assert_eq!(viewer.counts().expect("read"), (0, 0, 0));
    assert!(viewer.add_daily_log(&log).is_err());
    assert!(viewer.add_plan("2026-01-01", "{}").is_err());
    assert!(viewer.batch().is_err(), "a viewer imports nothing");
    assert!(viewer.set_label(1, Some("easy")).expect_err("label").to_string().contains("may not"));
    let mut editor = PgStore::open_as(&db.url, &who("editor"), "anna", Note).expect("open");
    editor.add_daily_log(&log).expect("an editor logs a note");
    editor.add_plan("2026-01-01", "{}").expect("an editor plans");
    assert!(editor.batch().is_err(), "an editor imports nothing");
    let mut own = PgStore::open_as(&db.url, &who("anna"), "anna", Admin).expect("open");
    own.batch().expect("the athlete imports");
    // A club admin reads cai's history but writes nothing.
    let mut admin = PgStore::open_as(&db.url, &who("admin"), "cai", Read).expect("open");
    assert!(admin.add_daily_log(&log).is_err());
    assert!(PgStore::open_as(&db.url, &who("admin"), "cai", Label).is_err());
    assert!(PgStore::open_as(&db.url, &who("admin"), "cai", ReadSummary).is_err());
    drop(acc.summaries(&who("admin"), "bea", 0, i64::MAX).expect("summaries"));
}

#[test]
fn wrong_secrets_and_bad_tokens_are_refused() {
    let Some(server) = server() else { return };
    let db = TestDb::new(&server, "access_auth");
    let mut acc = Access::connect(&db.url).expect("access");
    acc.create_account("anna", SECRET, Some("anna")).expect("account");
    assert!(acc.create_account("anna", "other", None).is_err(), "a login is unique");
    let wrong = acc.authenticate("anna", "correct horse battery stapler").expect_err("wrong");
    let unknown = acc.authenticate("nobody", SECRET).expect_err("unknown");
    assert_eq!(wrong.to_string(), unknown.to_string(), "the same answer for both");
    assert!(!wrong.to_string().contains("stapler"));
    let s = acc.authenticate("anna", SECRET).expect("sign in");
    assert_eq!(s.token().len(), 64);
    assert!(!format!("{s:?}").contains(s.token()), "Debug leaves the token out");
    assert_eq!(acc.session(s.token()).expect("session").login(), "anna");
    // Forged: well-formed but never issued; malformed; another's token one digit off.
    let forged = "0".repeat(64);
    assert!(acc.session(&forged).is_err());
    assert!(acc.session("not a token").is_err());
    let mut off = s.token().to_owned();
    let last = if off.ends_with('0') { "1" } else { "0" };
    off.replace_range(63.., last);
    assert!(acc.session(&off).is_err());
    // Expired.
    let short = acc.authenticate_for("anna", SECRET, Duration::ZERO).expect("sign in");
    assert!(acc.session(short.token()).expect_err("expired").to_string().contains("expired"));
    // Signed out.
    acc.sign_out(s.token()).expect("sign out");
    assert!(acc.session(s.token()).is_err());
    // Nothing secret is stored: the secret only as argon2id, the token only as its hash.
    let mut c = db.client();
    let hash: String = c
        .query_one("SELECT secret_hash FROM accounts WHERE login = 'anna'", &[])
        .expect("row")
        .get(0);
    assert!(hash.starts_with("$argon2id$") && !hash.contains(SECRET), "{hash}");
    let t = acc.authenticate("anna", SECRET).expect("sign in");
    let stored: i64 = c
        .query_one(
            "SELECT count(*) FROM sessions WHERE encode(token_sha256, 'hex') = $1",
            &[&t.token()],
        )
        .expect("row")
        .get(0);
    assert_eq!(stored, 0, "the token itself is not a key");
}
