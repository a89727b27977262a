//! The delivery ledger (SQLite): every run and every send, so nothing is sent twice and
//! nothing silently goes missing.
//!
//! A send is keyed by (pipeline, period, kind, recipient) and holds the message itself, so a
//! later run or `thidua outbox --flush` retries exactly what was built. A send is marked
//! `sending` before the SMTP conversation and `delivered` right after the server accepts
//! it; a process killed in between leaves `sending`, which the next flush sends again with
//! the same Message-ID (so a receiving client collapses the rare duplicate).

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
    status TEXT NOT NULL CHECK (status IN ('queued', 'sending', 'delivered', 'failed')),
    attempts INTEGER NOT NULL DEFAULT 0,
    generation INTEGER NOT NULL DEFAULT 0,
    message_id TEXT NOT NULL,
    message BLOB NOT NULL,
    last_error TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (pipeline, period, kind, recipient)
);
";

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
        conn.execute_batch(SCHEMA)?;
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
            Some((_, status, _)) if status == "failed" && !resend => Ok(Enqueued::AlreadyDelivered),
            Some((id, status, generation)) => {
                // Waiting sends keep their Message-ID; a resend is a new generation.
                let generation =
                    if resend && (status == "delivered" || status == "failed") { generation + 1 } else { generation };
                self.conn.execute(
                    "UPDATE sends SET status = 'queued', message = ?2, message_id = ?3, generation = ?4, updated_at = ?5,
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

    /// Sends waiting to go: queued, or left `sending` by a process that died.
    pub fn pending(&self, pipeline: Option<&str>, period: Option<&str>) -> Result<Vec<Pending>> {
        let mut stmt = self.conn.prepare(
            "SELECT id, pipeline, period, kind, recipient, message_id, message, attempts FROM sends
             WHERE status IN ('queued', 'sending') AND (?1 IS NULL OR pipeline = ?1) AND (?2 IS NULL OR period = ?2)
             ORDER BY id",
        )?;
        let rows = stmt.query_map(params![pipeline, period], |r| {
            Ok(Pending {
                id: r.get(0)?,
                pipeline: r.get(1)?,
                period: r.get(2)?,
                kind: r.get(3)?,
                recipient: r.get(4)?,
                message_id: r.get(5)?,
                message: r.get(6)?,
                attempts: r.get(7)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    pub fn mark_sending(&self, id: i64) -> Result<()> {
        self.conn.execute(
            "UPDATE sends SET status = 'sending', attempts = attempts + 1, updated_at = ?2 WHERE id = ?1",
            params![id, now()],
        )?;
        Ok(())
    }

    pub fn mark_delivered(&self, id: i64) -> Result<()> {
        self.conn.execute(
            "UPDATE sends SET status = 'delivered', last_error = NULL, updated_at = ?2 WHERE id = ?1",
            params![id, now()],
        )?;
        Ok(())
    }

    /// A transient failure: back to the queue for the next run.
    pub fn mark_queued(&self, id: i64, error: &str) -> Result<()> {
        self.conn.execute(
            "UPDATE sends SET status = 'queued', last_error = ?2, updated_at = ?3 WHERE id = ?1",
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

    pub fn sends(&self, limit: usize) -> Result<Vec<SendRow>> {
        let mut stmt = self.conn.prepare(
            "SELECT pipeline, period, kind, recipient, status, attempts, message_id, last_error, updated_at FROM sends
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
        assert_eq!(l.pending(None, None).unwrap().len(), 1);
        l.mark_sending(id).unwrap();
        // Killed while sending: still pending, same Message-ID.
        assert_eq!(l.pending(None, None).unwrap()[0].message_id, "<1@t>");
        l.mark_delivered(id).unwrap();
        assert!(l.pending(None, None).unwrap().is_empty());
        assert_eq!(l.enqueue(&key, b"m2", "<1@t>", false).unwrap(), Enqueued::AlreadyDelivered);
        assert_eq!(l.generation(&key, true).unwrap(), 1);
        assert!(matches!(l.enqueue(&key, b"m2", "<2@t>", true).unwrap(), Enqueued::Queued(_)));
        assert_eq!(l.sends(10).unwrap()[0].attempts, 0);
    }
}
