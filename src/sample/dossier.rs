//! One simulated dossier: its whole life is drawn up front, and each export shows it as of
//! the export's download moment, so overlapping downloads agree with each other.

use rand::Rng;
use rand::rngs::StdRng;

use super::calendar::{Calendar, Ts, hms};
use super::catalog::{CATALOG, Profile};
use super::people::Citizen;

const OPEN: u32 = hms(7, 30, 0);
const CLOSE: u32 = hms(17, 0, 0);

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Outcome {
    Done,
    Refused,
    Withdrawn,
    Stopped,
}

/// How the export writes the handling unit (messy cases of the real systems).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Label {
    Clean,
    /// An index into the unknown-unit names.
    Unknown(u8),
    /// An index into the unit's spelling variants.
    Variant(u8),
}

#[derive(Clone, Copy, Debug)]
pub(crate) struct Supplement {
    pub asked: Ts,
    pub resumed: Ts,
    pub days: u32,
}

#[derive(Clone, Debug)]
pub(crate) struct Dossier {
    pub agency: u16,
    pub unit: u32,
    pub officer: u16,
    pub procedure: u16,
    pub seq: u32,
    pub channel: u8,
    pub channel_blank: bool,
    pub received: Ts,
    /// Before this day nobody has opened the dossier ("Đã tiếp nhận").
    pub opened_day: u32,
    pub due: Ts,
    pub due_missing: bool,
    pub finished: Ts,
    pub returned: Option<Ts>,
    pub outcome: Outcome,
    pub supplements: [Option<Supplement>; 2],
    pub paid_online: u8,
    pub digitised: bool,
    pub result_e: bool,
    pub signed: bool,
    pub reused: bool,
    pub rating: Option<i8>,
    pub citizen: Citizen,
    pub label: Label,
    pub malformed_received: bool,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Status {
    Received,
    Processing,
    Supplement,
    Processed,
    Returned,
    Refused,
    Withdrawn,
    Stopped,
}

impl Status {
    pub fn label(self) -> &'static str {
        match self {
            Status::Received => "Đã tiếp nhận",
            Status::Processing => "Đang xử lý",
            Status::Supplement => "Chờ bổ sung",
            Status::Processed => "Đã xử lý xong",
            Status::Returned => "Đã trả kết quả",
            Status::Refused => "Từ chối",
            Status::Withdrawn => "Công dân rút hồ sơ",
            Status::Stopped => "Dừng xử lý",
        }
    }
}

/// A dossier as one download shows it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct View {
    pub status: Status,
    pub finished: Option<Ts>,
    pub returned: Option<Ts>,
    pub supplement_requests: u8,
    pub supplement_days: u32,
    pub result_e: bool,
    pub signed: bool,
    pub rating: Option<i8>,
}

impl Dossier {
    pub fn view(&self, at: Ts) -> View {
        let asked = self.supplements.iter().flatten().filter(|s| s.asked <= at);
        let supplement_requests = asked.clone().count() as u8;
        let supplement_days = asked.clone().filter(|s| s.resumed <= at).map(|s| s.days).sum();
        let waiting = asked.clone().any(|s| s.resumed > at);
        let mut v = View {
            status: Status::Processing,
            finished: None,
            returned: None,
            supplement_requests,
            supplement_days,
            result_e: false,
            signed: false,
            rating: None,
        };
        if at < self.finished {
            if waiting {
                v.status = Status::Supplement;
            } else if at.day < self.opened_day {
                v.status = Status::Received;
            }
            return v;
        }
        v.finished = Some(self.finished);
        v.status = match self.outcome {
            Outcome::Refused => {
                v.returned = Some(self.finished);
                Status::Refused
            }
            Outcome::Withdrawn => Status::Withdrawn,
            Outcome::Stopped => Status::Stopped,
            Outcome::Done => {
                v.result_e = self.result_e;
                v.signed = self.signed;
                match self.returned {
                    Some(r) if r <= at => {
                        v.returned = Some(r);
                        v.rating = self.rating;
                        Status::Returned
                    }
                    _ => Status::Processed,
                }
            }
        };
        v
    }
}

/// A random moment during office hours of `day` (Saturdays: morning only).
pub(crate) fn office_time(rng: &mut StdRng, cal: &Calendar, day: u32) -> Ts {
    let sec = if cal.is_saturday(day) || rng.random_bool(0.55) {
        rng.random_range(OPEN..hms(11, 30, 0))
    } else {
        rng.random_range(hms(13, 30, 0)..CLOSE)
    };
    Ts::new(day, sec)
}

/// Draws a whole dossier of `procedure` handled by a unit with profile `p`, received at
/// `received`; `progress` is 0.0 in January to 1.0 in December (online use grows over the year).
pub(crate) fn simulate(
    rng: &mut StdRng,
    cal: &Calendar,
    p: &Profile,
    procedure: usize,
    officers: usize,
    received: Ts,
    progress: f64,
) -> Dossier {
    let proc_ = &CATALOG[procedure];
    let saturday = !cal.is_working(received.day);
    let online_share = p.online_start + (p.online_end - p.online_start) * progress;
    let r: f64 = rng.random();
    let channel = if saturday || r >= online_share + 0.01 {
        1
    } else if r < online_share {
        2
    } else {
        3
    };
    let channel_blank = channel == 1 && rng.random_bool(0.04);

    let due = if proc_.max_days > 0 {
        Ts::new(cal.add_working(received.day, proc_.max_days), received.sec)
    } else if !saturday && received.sec < hms(15, 0, 0) {
        Ts::new(received.day, CLOSE)
    } else {
        Ts::new(cal.add_working(received.day, 1), hms(11, 0, 0))
    };
    let opened_day = cal.add_working(received.day, (proc_.max_days / 3).min(2));

    let late = rng.random_bool(p.late);
    let mut finished = if late {
        let extra = if rng.random_bool(0.08) { rng.random_range(15..=40) } else { rng.random_range(1..=5) };
        office_time(rng, cal, cal.add_working(due.day, extra))
    } else if proc_.max_days == 0 {
        let sec = received.sec + rng.random_range(300..5400);
        // Received late in the afternoon: finished the next morning rather than after hours.
        let t = if sec > hms(17, 20, 0) {
            Ts::new(cal.add_working(received.day, 1), sec - hms(9, 30, 0))
        } else {
            Ts::new(cal.next_working(received.day), sec)
        };
        t.min(Ts::new(due.day, due.sec - 120))
    } else {
        let u: f64 = rng.random();
        let k = (proc_.max_days as f64 * u * u).floor() as u32;
        office_time(rng, cal, cal.add_working(received.day, k)).min(Ts::new(due.day, due.sec - 120))
    };
    finished = finished.max(Ts::new(received.day, received.sec + 300));

    let mut supplements = [None, None];
    let r: f64 = rng.random();
    let asks = if r < 0.01 {
        2
    } else if r < 0.01 + p.supplement {
        1
    } else {
        0
    };
    let mut after = received;
    for slot in supplements.iter_mut().take(asks) {
        let day = cal.add_working(after.day, rng.random_range(0..=proc_.max_days / 2 + 1));
        let asked = office_time(rng, cal, day).max(Ts::new(after.day, after.sec + 600));
        let days = rng.random_range(1..=5);
        let resumed = office_time(rng, cal, cal.add_working(asked.day, days));
        finished =
            Ts::new(cal.add_working(finished.day, days), finished.sec).max(Ts::new(resumed.day, resumed.sec + 900));
        *slot = Some(Supplement { asked, resumed, days });
        after = resumed;
    }

    let r: f64 = rng.random();
    let outcome = match r {
        _ if r < 0.008 => Outcome::Refused,
        _ if r < 0.012 => Outcome::Withdrawn,
        _ if r < 0.014 => Outcome::Stopped,
        _ => Outcome::Done,
    };
    let result_e = rng.random_bool(p.result_e);
    let returned = if channel == 2 && result_e {
        Some(finished)
    } else if rng.random_bool(0.03) {
        None
    } else {
        let k = rng.random_range(0..=3);
        let t = if k == 0 {
            Ts::new(finished.day, finished.sec + 1800)
        } else {
            office_time(rng, cal, cal.add_working(finished.day, k))
        };
        Some(t)
    };
    let pay_share = 0.3 + 0.65 * progress;
    let paid_online = if proc_.has_fee && rng.random_bool(if channel == 2 { pay_share } else { pay_share * 0.7 }) {
        if rng.random_bool(0.7) { 1 } else { 2 }
    } else {
        0
    };
    let rating = match rng.random::<f64>() {
        r if r < 0.58 => None,
        r if r < 0.58 + p.unhappy + if late { 0.1 } else { 0.0 } => Some(-1),
        r if r < 0.6 + p.unhappy => Some(0),
        _ => Some(1),
    };
    Dossier {
        agency: 0,
        unit: 0,
        officer: rng.random_range(0..officers.max(1)) as u16,
        procedure: procedure as u16,
        seq: 0,
        channel,
        channel_blank,
        received,
        opened_day,
        due,
        due_missing: false,
        finished,
        returned,
        outcome,
        supplements,
        paid_online,
        digitised: channel == 2 && rng.random_bool(0.99) || rng.random_bool(p.digitised),
        result_e,
        signed: rng.random_bool(p.signed),
        reused: rng.random_bool(p.reused),
        rating,
        citizen: Citizen::random(rng),
        label: Label::Clean,
        malformed_received: false,
    }
}

/// Picks a procedure index from a unit's cumulative-weight list.
pub(crate) fn pick_procedure(rng: &mut StdRng, procs: &[(usize, u32)]) -> usize {
    let total = procs.last().map_or(1, |p| p.1);
    let x = rng.random_range(0..total);
    procs.iter().find(|p| x < p.1).map_or(0, |p| p.0)
}
