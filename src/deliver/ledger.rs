//! The delivery ledger (SQLite): every run and every send, so nothing is sent twice and
//! nothing silently goes missing.
//!
//! A send is keyed by (pipeline, period, kind, recipient) and holds the message itself, so a
//! later run or `thidua outbox --flush` retries exactly what was built. Its life:
//!
//! - `queued` → `sending` (phase `envelope`) before the SMTP conversation; a failure before
//!   the message body was handed over (refused connection, 4xx, a wrong password) puts it back
//!   to `queued`: nothing can have been delivered, so it is sent again.
//! - Just before the body goes, the phase becomes `data`. After it, only the server's reply
//!   tells whether the message was stored: `delivered` on 250, `failed` on 5xx, `queued` on
//!   4xx. With no reply (a timeout, a cut connection, the process killed) the send is
//!   `uncertain`: the server may hold it. An uncertain send is **never retried blindly**: it
//!   is sent again once, with the same Message-ID (so a mail client shows one message), only
//!   after `uncertain_resend_after` has passed — by then a slow server has long finished, and
//!   a message that never arrived still arrives. `thidua history` says which sends wait, and
//!   until when; `--resend` sends at once.

use std::path::Path;

use anyhow::{Context, Result};
use rusqlite::{Connection, OptionalExtension, params};

pub struct Ledger {
    conn: Connection,
}

/// A send waiting to go (or to go again).
#[derive(Debug, Clone)]
pub struct Pending {
    pub id: i64,
    pub pipeline: String,
    pub period: String,
    pub kind: String,
    pub recipient: String,
    pub message_id: String,
    pub message: Vec<u8>,
    pub attempts: i64,
    /// An uncertain send going again (once).
    pub resending_uncertain: bool,
}

/// What identifies a send: one message kind of a pipeline's period, to one recipient.
#[derive(Debug, Clone, Copy)]
pub struct SendKey<'a> {
    pub pipeline: &'a str,
    pub period: &'a str,
    pub kind: &'a str,
    pub recipient: &'a str,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Enqueued {
    Queued(i64),
    AlreadyDelivered,
    /// Failed permanently before (a 5xx): not sent again until `--resend`.
    Failed,
    /// Uncertain (or left mid-send by a process that died): its rule decides.
    Waiting(i64),
}

#[derive(Debug, Clone)]
pub struct RunRow {
    pub id: i64,
    pub pipeline: String,
    pub period: String,
    pub started_at: String,
    pub finished_at: Option<String>,
    pub outcome: Option<String>,
    pub message: Option<String>,
}

#[derive(Debug, Clone)]
pub struct SendRow {
    pub pipeline: String,
    pub period: String,
    pub kind: String,
    pub recipient: String,
    pub status: String,
    pub attempts: i64,
    pub message_id: String,
    pub last_error: Option<String>,
    pub updated_at: String,
    /// Uncertain sends: when the one resend becomes due (RFC 3339), or None when it was done.
    pub resend_due: Option<String>,
}

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY,
    pipeline TEXT NOT NULL,
    period TEXT NOT NULL,
    started_at TEXT NOT NULL,
    finished_at TEXT,
    outcome TEXT,
    message TEXT,
    inputs TEXT NOT NULL DEFAULT '[]',
    outputs TEXT NOT NULL DEFAULT '[]'
);
CREATE TABLE IF NOT EXISTS sends (
    id INTEGER PRIMARY KEY,
    pipeline TEXT NOT NULL,
    period TEXT NOT NULL,
    kind TEXT NOT NULL,
    recipient TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('queued', 'sending', 'uncertain', 'delivered', 'failed')),
    phase TEXT NOT NULL DEFAULT 'envelope' CHECK (phase IN ('envelope', 'data')),
    attempts INTEGER NOT NULL DEFAULT 0,
    generation INTEGER NOT NULL DEFAULT 0,
    message_id TEXT NOT NULL,
    message BLOB NOT NULL,
    last_error TEXT,
    uncertain_since TEXT,
    uncertain_resent INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (pipeline, period, kind, recipient)
);
";

/// The ledger's schema version (`PRAGMA user_version`): 2 added the uncertain state.
const VERSION: i64 = 2;

/// Version 1's sends table had no uncertain state: rebuilt with the rows kept (a `sending`
/// row of version 1 is treated as a crash before the body, as version 1 did).
const MIGRATE_1: &str = "
ALTER TABLE sends RENAME TO sends_v1;
CREATE TABLE sends (
    id INTEGER PRIMARY KEY,
    pipeline TEXT NOT NULL,
    period TEXT NOT NULL,
    kind TEXT NOT NULL,
    recipient TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('queued', 'sending', 'uncertain', 'delivered', 'failed')),
    phase TEXT NOT NULL DEFAULT 'envelope' CHECK (phase IN ('envelope', 'data')),
    attempts INTEGER NOT NULL DEFAULT 0,
    generation INTEGER NOT NULL DEFAULT 0,
    message_id TEXT NOT NULL,
    message BLOB NOT NULL,
    last_error TEXT,
    uncertain_since TEXT,
    uncertain_resent INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (pipeline, period, kind, recipient)
);
INSERT INTO sends (id, pipeline, period, kind, recipient, status, attempts, generation, message_id, message,
                   last_error, created_at, updated_at)
    SELECT id, pipeline, period, kind, recipient, status, attempts, generation, message_id, message,
           last_error, created_at, updated_at FROM sends_v1;
DROP TABLE sends_v1;
";

/// The ledger holds every message sent, with its recipients: readable by its owner only,
/// like the .eml files and the archive (SQLite creates its files with the umask's mode).
fn owner_only(path: &Path) -> Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        for suffix in ["", "-wal", "-shm"] {
            let file = std::path::PathBuf::from(format!("{}{suffix}", path.display()));
            if file.exists() {
                std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600))
                    .with_context(|| format!("không đặt được quyền 600 cho {}", file.display()))?;
            }
        }
    }
    Ok(())
}

fn now() -> String {
    chrono::Utc::now().to_rfc3339()
}

impl Ledger {
    pub fn open(path: &Path) -> Result<Ledger> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let conn = Connection::open(path).with_context(|| format!("không mở được sổ gửi thư {}", path.display()))?;
        conn.busy_timeout(std::time::Duration::from_secs(10))?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        let has_sends: bool = conn.query_row(
            "SELECT COUNT(*) > 0 FROM sqlite_master WHERE type = 'table' AND name = 'sends'",
            [],
            |r| r.get(0),
        )?;
        if has_sends && version < 2 {
            conn.execute_batch(&format!("BEGIN; {MIGRATE_1} COMMIT;"))?;
        }
        conn.execute_batch(SCHEMA)?;
        conn.pragma_update(None, "user_version", VERSION)?;
        owner_only(path)?;
        Ok(Ledger { conn })
    }

    pub fn start_run(&self, pipeline: &str, period: &str, inputs: &[String]) -> Result<i64> {
        self.conn.execute(
            "INSERT INTO runs (pipeline, period, started_at, inputs) VALUES (?1, ?2, ?3, ?4)",
            params![pipeline, period, now(), serde_json::to_string(inputs)?],
        )?;
        Ok(self.conn.last_insert_rowid())
    }

    pub fn finish_run(
        &self,
        id: i64,
        outcome: &str,
        message: &str,
        inputs: &[String],
        outputs: &[String],
    ) -> Result<()> {
        self.conn.execute(
            "UPDATE runs SET finished_at = ?2, outcome = ?3, message = ?4, inputs = ?5, outputs = ?6 WHERE id = ?1",
            params![id, now(), outcome, message, serde_json::to_string(inputs)?, serde_json::to_string(outputs)?],
        )?;
        Ok(())
    }

    /// Queues a message for one recipient, unless it was delivered already (or `resend`).
    /// The Message-ID stays the same across retries of one generation.
    pub fn enqueue(&self, key: &SendKey<'_>, message: &[u8], message_id: &str, resend: bool) -> Result<Enqueued> {
        let SendKey { pipeline, period, kind, recipient } = *key;
        let existing: Option<(i64, String, i64)> = self
            .conn
            .query_row(
                "SELECT id, status, generation FROM sends WHERE pipeline = ?1 AND period = ?2 AND kind = ?3 AND recipient = ?4",
                params![pipeline, period, kind, recipient],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?;
        match existing {
            None => {
                self.conn.execute(
                    "INSERT INTO sends (pipeline, period, kind, recipient, status, message_id, message, created_at, updated_at)
                     VALUES (?1, ?2, ?3, ?4, 'queued', ?5, ?6, ?7, ?7)",
                    params![pipeline, period, kind, recipient, message_id, message, now()],
                )?;
                Ok(Enqueued::Queued(self.conn.last_insert_rowid()))
            }
            Some((_, status, _)) if status == "delivered" && !resend => Ok(Enqueued::AlreadyDelivered),
            // A permanent failure stays failed until someone asks again (--resend).
            Some((_, status, _)) if status == "failed" && !resend => Ok(Enqueued::Failed),
            // An uncertain send waits for its rule (see the module's doc), unless asked.
            Some((id, status, _)) if (status == "uncertain" || status == "sending") && !resend => {
                Ok(Enqueued::Waiting(id))
            }
            Some((id, status, generation)) => {
                // Waiting sends keep their Message-ID; a resend is a new generation.
                let generation =
                    if resend && (status == "delivered" || status == "failed") { generation + 1 } else { generation };
                self.conn.execute(
                    "UPDATE sends SET status = 'queued', phase = 'envelope', message = ?2, message_id = ?3,
                     generation = ?4, updated_at = ?5, uncertain_since = NULL, uncertain_resent = 0,
                     attempts = CASE WHEN ?6 THEN 0 ELSE attempts END WHERE id = ?1",
                    params![id, message, message_id, generation, now(), resend],
                )?;
                Ok(Enqueued::Queued(id))
            }
        }
    }

    /// The generation a send of this key will have (for building its Message-ID).
    pub fn generation(&self, key: &SendKey<'_>, resend: bool) -> Result<i64> {
        let SendKey { pipeline, period, kind, recipient } = *key;
        let g: Option<(i64, String)> = self
            .conn
            .query_row(
                "SELECT generation, status FROM sends WHERE pipeline = ?1 AND period = ?2 AND kind = ?3 AND recipient = ?4",
                params![pipeline, period, kind, recipient],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        Ok(match g {
            Some((g, s)) if resend && (s == "delivered" || s == "failed") => g + 1,
            Some((g, _)) => g,
            None => 0,
        })
    }

    /// Sends left mid-conversation by a process that died: before the body they are queued
    /// again (nothing can have arrived); after it, uncertain.
    pub fn recover_interrupted(&self) -> Result<usize> {
        let t = now();
        let n = self.conn.execute(
            "UPDATE sends SET status = 'uncertain', uncertain_since = ?1, updated_at = ?1,
             last_error = 'tiến trình dừng khi máy chủ đang nhận nội dung thư: chưa biết thư đã tới chưa'
             WHERE status = 'sending' AND phase = 'data'",
            params![t],
        )?;
        self.conn.execute(
            "UPDATE sends SET status = 'queued', updated_at = ?1 WHERE status = 'sending' AND phase = 'envelope'",
            params![t],
        )?;
        Ok(n)
    }

    /// Sends to go now (of one pipeline and period, or all): queued ones, and uncertain ones
    /// whose one resend is due (`uncertain_since` at least `resend_after` ago).
    pub fn pending(
        &self,
        pipeline: Option<&str>,
        period: Option<&str>,
        resend_after: chrono::Duration,
    ) -> Result<Vec<Pending>> {
        self.recover_interrupted()?;
        let due = (chrono::Utc::now() - resend_after).to_rfc3339();
        let mut stmt = self.conn.prepare(
            "SELECT id, pipeline, period, kind, recipient, message_id, message, attempts, status FROM sends
             WHERE (status = 'queued'
                    OR (status = 'uncertain' AND uncertain_resent = 0 AND uncertain_since <= ?3))
               AND (?1 IS NULL OR pipeline = ?1) AND (?2 IS NULL OR period = ?2)
             ORDER BY id",
        )?;
        let rows = stmt.query_map(params![pipeline, period, due], |r| {
            Ok(Pending {
                id: r.get(0)?,
                pipeline: r.get(1)?,
                period: r.get(2)?,
                kind: r.get(3)?,
                recipient: r.get(4)?,
                message_id: r.get(5)?,
                message: r.get(6)?,
                attempts: r.get(7)?,
                resending_uncertain: r.get::<_, String>(8)? == "uncertain",
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// Uncertain sends not yet due for their resend (of one pipeline and period, or all).
    pub fn uncertain(&self, pipeline: Option<&str>, period: Option<&str>) -> Result<Vec<(String, String)>> {
        let mut stmt = self.conn.prepare(
            "SELECT recipient, COALESCE(last_error, '') FROM sends WHERE status = 'uncertain'
             AND (?1 IS NULL OR pipeline = ?1) AND (?2 IS NULL OR period = ?2) ORDER BY id",
        )?;
        let rows = stmt.query_map(params![pipeline, period], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// Before the SMTP conversation; `resending_uncertain` spends the one resend.
    pub fn mark_sending(&self, id: i64, resending_uncertain: bool) -> Result<()> {
        self.conn.execute(
            "UPDATE sends SET status = 'sending', phase = 'envelope', attempts = attempts + 1, updated_at = ?2,
             uncertain_resent = CASE WHEN ?3 THEN 1 ELSE uncertain_resent END WHERE id = ?1",
            params![id, now(), resending_uncertain],
        )?;
        Ok(())
    }

    /// Just before the message body goes: from here on only the server's reply can tell.
    ///
    /// Written without waiting for the disk (WAL, `synchronous = NORMAL`: safe against the
    /// process being killed, not against a power cut): the time between this mark and the body
    /// leaving is the one window where a kill loses a message until its resend, so it is kept
    /// to microseconds rather than an fsync.
    pub fn mark_data(&self, id: i64) -> Result<()> {
        self.conn.pragma_update(None, "synchronous", "NORMAL")?;
        let done =
            self.conn.execute("UPDATE sends SET phase = 'data', updated_at = ?2 WHERE id = ?1", params![id, now()]);
        self.conn.pragma_update(None, "synchronous", "FULL")?;
        done?;
        Ok(())
    }

    /// No reply after the body: the server may hold the message.
    pub fn mark_uncertain(&self, id: i64, error: &str) -> Result<()> {
        let t = now();
        self.conn.execute(
            "UPDATE sends SET status = 'uncertain', last_error = ?2, uncertain_since = ?3, updated_at = ?3 WHERE id = ?1",
            params![id, error, t],
        )?;
        Ok(())
    }

    pub fn mark_delivered(&self, id: i64) -> Result<()> {
        self.conn.execute(
            "UPDATE sends SET status = 'delivered', last_error = NULL, uncertain_since = NULL, updated_at = ?2 WHERE id = ?1",
            params![id, now()],
        )?;
        Ok(())
    }

    /// A transient failure: back to the queue for the next run.
    pub fn mark_queued(&self, id: i64, error: &str) -> Result<()> {
        self.conn.execute(
            "UPDATE sends SET status = 'queued', phase = 'envelope', last_error = ?2, updated_at = ?3 WHERE id = ?1",
            params![id, error, now()],
        )?;
        Ok(())
    }

    pub fn mark_failed(&self, id: i64, error: &str) -> Result<()> {
        self.conn.execute(
            "UPDATE sends SET status = 'failed', last_error = ?2, updated_at = ?3 WHERE id = ?1",
            params![id, error, now()],
        )?;
        Ok(())
    }

    /// Whether a run of this pipeline and period ended well.
    pub fn succeeded(&self, pipeline: &str, period: &str) -> Result<bool> {
        let n: i64 = self.conn.query_row(
            "SELECT COUNT(*) FROM runs WHERE pipeline = ?1 AND period = ?2 AND outcome = 'ok'",
            params![pipeline, period],
            |r| r.get(0),
        )?;
        Ok(n > 0)
    }

    pub fn runs(&self, limit: usize) -> Result<Vec<RunRow>> {
        let mut stmt = self.conn.prepare(
            "SELECT id, pipeline, period, started_at, finished_at, outcome, message FROM runs ORDER BY id DESC LIMIT ?1",
        )?;
        let rows = stmt.query_map(params![limit as i64], |r| {
            Ok(RunRow {
                id: r.get(0)?,
                pipeline: r.get(1)?,
                period: r.get(2)?,
                started_at: r.get(3)?,
                finished_at: r.get(4)?,
                outcome: r.get(5)?,
                message: r.get(6)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// The latest sends; `resend_after` dates the one resend of uncertain ones.
    pub fn sends(&self, limit: usize) -> Result<Vec<SendRow>> {
        self.sends_with(limit, chrono::Duration::zero())
    }

    pub fn sends_with(&self, limit: usize, resend_after: chrono::Duration) -> Result<Vec<SendRow>> {
        let mut stmt = self.conn.prepare(
            "SELECT pipeline, period, kind, recipient, status, attempts, message_id, last_error, updated_at,
                    CASE WHEN status = 'uncertain' AND uncertain_resent = 0 THEN uncertain_since END FROM sends
             ORDER BY id DESC LIMIT ?1",
        )?;
        let rows = stmt.query_map(params![limit as i64], |r| {
            Ok(SendRow {
                pipeline: r.get(0)?,
                period: r.get(1)?,
                kind: r.get(2)?,
                recipient: r.get(3)?,
                status: r.get(4)?,
                attempts: r.get(5)?,
                message_id: r.get(6)?,
                last_error: r.get(7)?,
                updated_at: r.get(8)?,
                resend_due: r.get::<_, Option<String>>(9)?.and_then(|since| {
                    let t = chrono::DateTime::parse_from_rfc3339(&since).ok()?;
                    Some((t + resend_after).to_rfc3339())
                }),
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_delivered_send_is_not_queued_again_unless_resent() {
        let dir = tempfile::tempdir().unwrap();
        let l = Ledger::open(&dir.path().join("l.sqlite")).unwrap();
        let key = SendKey { pipeline: "monthly", period: "2024-10", kind: "summary", recipient: "a@x.vn" };
        let q = l.enqueue(&key, b"m1", "<1@t>", false).unwrap();
        let Enqueued::Queued(id) = q else { panic!() };
        let now = chrono::Duration::zero;
        assert_eq!(l.pending(None, None, now()).unwrap().len(), 1);
        l.mark_sending(id, false).unwrap();
        // Killed before the body went: queued again, same Message-ID.
        assert_eq!(l.pending(None, None, now()).unwrap()[0].message_id, "<1@t>");
        l.mark_sending(id, false).unwrap();
        l.mark_delivered(id).unwrap();
        assert!(l.pending(None, None, now()).unwrap().is_empty());
        assert_eq!(l.enqueue(&key, b"m2", "<1@t>", false).unwrap(), Enqueued::AlreadyDelivered);
        assert_eq!(l.generation(&key, true).unwrap(), 1);
        assert!(matches!(l.enqueue(&key, b"m2", "<2@t>", true).unwrap(), Enqueued::Queued(_)));
        assert_eq!(l.sends(10).unwrap()[0].attempts, 0);
    }

    #[test]
    fn an_uncertain_send_goes_again_once_only_after_its_delay() {
        let dir = tempfile::tempdir().unwrap();
        let l = Ledger::open(&dir.path().join("l.sqlite")).unwrap();
        let key = SendKey { pipeline: "monthly", period: "2024-10", kind: "summary", recipient: "a@x.vn" };
        let Enqueued::Queued(id) = l.enqueue(&key, b"m1", "<1@t>", false).unwrap() else { panic!() };
        let day = chrono::Duration::hours(24);
        l.mark_sending(id, false).unwrap();
        l.mark_data(id).unwrap();
        // Killed while the server had the body: uncertain, not sent again within the day.
        assert!(l.pending(None, None, day).unwrap().is_empty());
        assert_eq!(l.enqueue(&key, b"m1", "<1@t>", false).unwrap(), Enqueued::Waiting(id));
        assert_eq!(l.sends(1).unwrap()[0].status, "uncertain");
        // Once the delay has passed: one resend, with the same Message-ID.
        let due = l.pending(None, None, chrono::Duration::zero()).unwrap();
        assert_eq!((due.len(), due[0].message_id.as_str(), due[0].resending_uncertain), (1, "<1@t>", true));
        l.mark_sending(id, true).unwrap();
        l.mark_data(id).unwrap();
        l.mark_uncertain(id, "hết thời gian chờ").unwrap();
        assert!(l.pending(None, None, chrono::Duration::zero()).unwrap().is_empty(), "at most once");
        assert!(l.sends_with(1, day).unwrap()[0].resend_due.is_none(), "nothing more will happen by itself");
    }

    #[cfg(unix)]
    #[test]
    fn the_ledger_is_readable_by_its_owner_only() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("l.sqlite");
        let _l = Ledger::open(&path).unwrap();
        assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
    }

    #[test]
    fn a_version_1_ledger_is_migrated_with_its_rows() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("l.sqlite");
        let c = Connection::open(&path).unwrap();
        c.execute_batch(
            "CREATE TABLE sends (id INTEGER PRIMARY KEY, pipeline TEXT NOT NULL, period TEXT NOT NULL,
             kind TEXT NOT NULL, recipient TEXT NOT NULL,
             status TEXT NOT NULL CHECK (status IN ('queued', 'sending', 'delivered', 'failed')),
             attempts INTEGER NOT NULL DEFAULT 0, generation INTEGER NOT NULL DEFAULT 0, message_id TEXT NOT NULL,
             message BLOB NOT NULL, last_error TEXT, created_at TEXT NOT NULL, updated_at TEXT NOT NULL,
             UNIQUE (pipeline, period, kind, recipient));
             INSERT INTO sends (pipeline, period, kind, recipient, status, message_id, message, created_at, updated_at)
             VALUES ('monthly', '2024-10', 'summary', 'a@x.vn', 'delivered', '<1@t>', x'00', 't', 't');",
        )
        .unwrap();
        drop(c);
        let l = Ledger::open(&path).unwrap();
        assert_eq!(l.sends(10).unwrap()[0].status, "delivered");
        let key = SendKey { pipeline: "monthly", period: "2024-10", kind: "summary", recipient: "a@x.vn" };
        assert_eq!(l.enqueue(&key, b"m", "<1@t>", false).unwrap(), Enqueued::AlreadyDelivered);
    }
}
