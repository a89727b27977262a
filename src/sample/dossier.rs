//! One simulated dossier: its whole life is drawn up front, and each export shows it as of
//! the export's download moment, so overlapping downloads agree with each other.

use rand::Rng;
use rand::rngs::StdRng;

use super::calendar::{Calendar, Ts, hms};
use super::catalog::{CATALOG, Entry, Profile};
use super::people::Citizen;

const OPEN: u32 = hms(7, 30, 0);
const CLOSE: u32 = hms(17, 0, 0);

/// How a dossier's life ends.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Outcome {
    Done,
    /// Not accepted at reception (online submissions only): the dossier is never received.
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

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Supplement {
    pub asked: Ts,
    pub resumed: Ts,
    /// Working days the citizen took: `resumed` is this many working days after `asked`.
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
    /// NgayNopHoSo: before `received` for online submissions, the same moment otherwise.
    pub submitted: Ts,
    /// When the one-stop officer accepted the dossier (with `Outcome::Refused`: refused it).
    pub received: Ts,
    /// Before this day nobody has opened the dossier (status 2, "Được tiếp nhận").
    pub opened_day: u32,
    pub due: Ts,
    pub due_missing: bool,
    /// The end of processing; with `Outcome::Refused` the refusal, equal to `received`.
    pub finished: Ts,
    pub returned: Option<Ts>,
    pub outcome: Outcome,
    pub supplements: [Option<Supplement>; 2],
    /// A short wait for the citizen's payment (asked, paid) before the finish (status 6).
    pub payment: Option<(Ts, Ts)>,
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

/// TrangThaiHoSo: the national status codes, set by the national portal.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
pub(crate) enum Status {
    Registered = 1,
    Received = 2,
    Refused = 3,
    Processing = 4,
    Supplement = 5,
    Payment = 6,
    Withdrawn = 7,
    Stopped = 8,
    Processed = 9,
    Returned = 10,
}

impl Status {
    #[cfg(test)]
    pub(super) const ALL: [Status; 10] = [
        Status::Registered,
        Status::Received,
        Status::Refused,
        Status::Processing,
        Status::Supplement,
        Status::Payment,
        Status::Withdrawn,
        Status::Stopped,
        Status::Processed,
        Status::Returned,
    ];

    pub(super) fn code(self) -> u8 {
        self as u8
    }

    /// The national word, as Excel downloads show it.
    pub(super) fn word(self) -> &'static str {
        match self {
            Status::Registered => "Mới đăng ký",
            Status::Received => "Được tiếp nhận",
            Status::Refused => "Không được tiếp nhận",
            Status::Processing => "Đang xử lý",
            Status::Supplement => "Yêu cầu bổ sung giấy tờ",
            Status::Payment => "Yêu cầu thực hiện nghĩa vụ tài chính",
            Status::Withdrawn => "Công dân yêu cầu rút hồ sơ",
            Status::Stopped => "Dừng xử lý",
            Status::Processed => "Đã xử lý xong",
            Status::Returned => "Đã trả kết quả",
        }
    }
}

/// A dossier as one download shows it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct View {
    pub status: Status,
    /// NgayTiepNhan: none while the dossier waits for reception (1) or when it was refused (3).
    pub received: Option<Ts>,
    /// NgayHenTra as first set at reception (supplements move it, see [`Dossier::due_moves`]).
    pub due: Option<Ts>,
    pub refused: Option<Ts>,
    pub finished: Option<Ts>,
    pub returned: Option<Ts>,
    pub supplement_requests: u8,
    /// Working days of the supplements the citizen has answered.
    pub supplement_days: u32,
    pub result_e: bool,
    pub signed: bool,
    pub rating: Option<i8>,
}

impl Dossier {
    pub(super) fn view(&self, at: Ts) -> View {
        let mut v = View {
            status: Status::Registered,
            received: None,
            due: None,
            refused: None,
            finished: None,
            returned: None,
            supplement_requests: 0,
            supplement_days: 0,
            result_e: false,
            signed: false,
            rating: None,
        };
        if at < self.received {
            return v;
        }
        if self.outcome == Outcome::Refused {
            v.status = Status::Refused;
            v.refused = Some(self.received);
            return v;
        }
        v.received = Some(self.received);
        v.due = (!self.due_missing).then_some(self.due);
        let asked = self.supplements.iter().flatten().filter(|s| s.asked <= at);
        v.supplement_requests = asked.clone().count() as u8;
        v.supplement_days = asked.clone().filter(|s| s.resumed <= at).map(|s| s.days).sum();
        let waiting = asked.clone().any(|s| s.resumed > at);
        if at < self.finished {
            v.status = if waiting {
                Status::Supplement
            } else if self.payment.is_some_and(|(asked, paid)| asked <= at && at < paid) {
                Status::Payment
            } else if at.day < self.opened_day {
                Status::Received
            } else {
                Status::Processing
            };
            return v;
        }
        v.finished = Some(self.finished);
        v.status = match self.outcome {
            Outcome::Withdrawn => Status::Withdrawn,
            Outcome::Stopped => Status::Stopped,
            Outcome::Done | Outcome::Refused => {
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

    /// Every supplement requested by `at`, with the due date before it and, once the citizen
    /// has supplied the papers, the due date it moved to: the one before, moved forward by the
    /// supplement's working days (DanhSachHoSoBoSung: NgayHenTraTruoc, NgayHenTraMoi).
    pub(super) fn due_moves(&self, cal: &Calendar, at: Ts) -> Vec<(Supplement, Option<Ts>, Option<Ts>)> {
        let mut due = self.first_due(at);
        let mut out = Vec::new();
        for s in self.supplements.iter().flatten().filter(|s| s.asked <= at) {
            let moved = due.filter(|_| s.resumed <= at).map(|d| Ts::new(cal.add_working(d.day, s.days), d.sec));
            out.push((*s, due, moved));
            due = moved.or(due);
        }
        out
    }

    /// The due date as of `at`, after the supplements answered by then.
    pub(super) fn moved_due(&self, cal: &Calendar, at: Ts) -> Option<Ts> {
        let moves = self.due_moves(cal, at);
        moves.iter().rev().find_map(|m| m.2).or(self.first_due(at))
    }

    /// Turns the dossier into one refused at reception: it ends there, never received.
    pub(super) fn refuse(&mut self) {
        self.outcome = Outcome::Refused;
        self.finished = self.received;
        self.returned = None;
        self.supplements = [None, None];
        self.payment = None;
        self.paid_online = 0;
    }

    /// The due date set at reception, once the dossier has been received.
    fn first_due(&self, at: Ts) -> Option<Ts> {
        (at >= self.received && self.outcome != Outcome::Refused && !self.due_missing).then_some(self.due)
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
///
/// The draws keep their order (channel, filing, finish, supplements, outcome, return, payment,
/// rating, then the flags): reordering them would change every generated file.
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
    let channel = draw_channel(rng, p, saturday, progress);
    let channel_blank = channel == 1 && rng.random_bool(0.04);
    let submitted = if channel == 2 { online_submission(rng, received) } else { received };
    let due = due_date(cal, proc_, received, saturday);
    let opened_day = cal.add_working(received.day, (proc_.max_days / 3).min(2));
    let late = rng.random_bool(p.late);
    let mut finished = processing_end(rng, cal, proc_, received, due, late);
    let (mut supplements, after) = draw_supplements(rng, cal, p, proc_, received, &mut finished);
    let outcome = draw_outcome(rng, channel);
    if outcome == Outcome::Refused {
        finished = received;
        supplements = [None, None];
    }
    let result_e = rng.random_bool(p.result_e);
    let returned = return_time(rng, cal, outcome, channel == 2 && result_e, finished);
    let paid_online = online_payment(rng, proc_, outcome, channel, progress);
    let payment = if proc_.has_fee && outcome == Outcome::Done && rng.random_bool(0.25) {
        payment_wait(rng, cal, proc_.max_days, after, finished)
    } else {
        None
    };
    let rating = draw_rating(rng, p, late);
    Dossier {
        agency: 0,
        unit: 0,
        officer: rng.random_range(0..officers.max(1)) as u16,
        procedure: procedure as u16,
        seq: 0,
        channel,
        channel_blank,
        submitted,
        received,
        opened_day,
        due,
        due_missing: false,
        finished,
        returned,
        outcome,
        supplements,
        payment,
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

/// KenhThucHien: 1 at the counter, 2 online, 3 by post. Online use is the unit's share for
/// the time of year; Saturday dossiers are all filed at the counter.
fn draw_channel(rng: &mut StdRng, p: &Profile, saturday: bool, progress: f64) -> u8 {
    let online_share = p.online_start + (p.online_end - p.online_start) * progress;
    let r: f64 = rng.random();
    if saturday || r >= online_share + 0.01 {
        1
    } else if r < online_share {
        2
    } else {
        3
    }
}

/// The due date set at reception: the procedure's working days later, or for same-day
/// procedures the close of the day (the next morning when received late or on a Saturday).
fn due_date(cal: &Calendar, proc_: &Entry, received: Ts, saturday: bool) -> Ts {
    if proc_.max_days > 0 {
        Ts::new(cal.add_working(received.day, proc_.max_days), received.sec)
    } else if !saturday && received.sec < hms(15, 0, 0) {
        Ts::new(received.day, CLOSE)
    } else {
        Ts::new(cal.add_working(received.day, 1), hms(11, 0, 0))
    }
}

/// The end of processing before any supplement: a few working days (rarely weeks) after the
/// due date when `late`, otherwise before it, early in the allowed time more often than not.
fn processing_end(rng: &mut StdRng, cal: &Calendar, proc_: &Entry, received: Ts, due: Ts, late: bool) -> Ts {
    let finished = if late {
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
    finished.max(Ts::new(received.day, received.sec + 300))
}

/// None, one or (rarely) two requests for more papers; each moves `finished` on by the
/// working days the citizen took. Also returns when the last one was answered (`received`
/// when there was none).
fn draw_supplements(
    rng: &mut StdRng,
    cal: &Calendar,
    p: &Profile,
    proc_: &Entry,
    received: Ts,
    finished: &mut Ts,
) -> ([Option<Supplement>; 2], Ts) {
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
        *finished =
            Ts::new(cal.add_working(finished.day, days), finished.sec).max(Ts::new(resumed.day, resumed.sec + 900));
        *slot = Some(Supplement { asked, resumed, days });
        after = resumed;
    }
    (supplements, after)
}

fn draw_outcome(rng: &mut StdRng, channel: u8) -> Outcome {
    let r: f64 = rng.random();
    match r {
        _ if r < 0.004 => Outcome::Withdrawn,
        _ if r < 0.006 => Outcome::Stopped,
        // Refused at reception: a small share of what citizens file online.
        _ if channel == 2 && r < 0.031 => Outcome::Refused,
        _ => Outcome::Done,
    }
}

/// When the result reached the citizen: at the finish for an online filing with an
/// electronic result (`e_result_online`), otherwise the same day or up to three working
/// days later, and for a few dossiers not yet.
fn return_time(rng: &mut StdRng, cal: &Calendar, outcome: Outcome, e_result_online: bool, finished: Ts) -> Option<Ts> {
    if outcome == Outcome::Refused {
        None
    } else if e_result_online {
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
    }
}

/// DuocThanhToanTrucTuyen: 0 when the fee (if any) was not paid online, else the online
/// payment code, 1 or 2; paying online grows over the year and is rarer at the counter.
fn online_payment(rng: &mut StdRng, proc_: &Entry, outcome: Outcome, channel: u8, progress: f64) -> u8 {
    let pay_share = 0.3 + 0.65 * progress;
    if proc_.has_fee
        && outcome != Outcome::Refused
        && rng.random_bool(if channel == 2 { pay_share } else { pay_share * 0.7 })
    {
        if rng.random_bool(0.7) { 1 } else { 2 }
    } else {
        0
    }
}

/// DanhGia: most citizens do not rate; late dossiers are rated unhappy more often.
fn draw_rating(rng: &mut StdRng, p: &Profile, late: bool) -> Option<i8> {
    match rng.random::<f64>() {
        r if r < 0.58 => None,
        r if r < 0.58 + p.unhappy + if late { 0.1 } else { 0.0 } => Some(-1),
        r if r < 0.6 + p.unhappy => Some(0),
        _ => Some(1),
    }
}

/// When an online dossier was filed: most are filed outside office hours, up to three days
/// before an officer accepts them, the rest earlier the same day.
fn online_submission(rng: &mut StdRng, received: Ts) -> Ts {
    if received.sec > hms(8, 0, 0) && rng.random_bool(0.4) {
        let before = rng.random_range(600..(received.sec - hms(7, 0, 0)).min(4 * 3600));
        Ts::new(received.day, received.sec - before)
    } else {
        Ts::new(received.day.saturating_sub(rng.random_range(1..=3)), rng.random_range(hms(6, 0, 0)..hms(23, 59, 0)))
    }
}

/// The citizen is asked to pay (status 6) shortly before the finish: the same day for quick
/// procedures, sometimes the working day before for longer ones. None when no wait fits
/// between `after` (reception or the last supplement) and the finish.
fn payment_wait(rng: &mut StdRng, cal: &Calendar, max_days: u32, after: Ts, finished: Ts) -> Option<(Ts, Ts)> {
    let paid = Ts::new(finished.day, finished.sec.saturating_sub(rng.random_range(300..1800)));
    let asked = if max_days > 0 && rng.random_bool(0.5) {
        office_time(rng, cal, cal.prev_working(finished.day))
    } else {
        Ts::new(paid.day, paid.sec.saturating_sub(rng.random_range(600..5400)))
    };
    let asked = asked.max(Ts::new(after.day, after.sec + 300));
    (asked < paid).then_some((asked, paid))
}

/// Picks a procedure index from a unit's cumulative-weight list.
pub(crate) fn pick_procedure(rng: &mut StdRng, procs: &[(usize, u32)]) -> usize {
    let total = procs.last().map_or(1, |p| p.1);
    let x = rng.random_range(0..total);
    procs.iter().find(|p| x < p.1).map_or(0, |p| p.0)
}
