//! The national dossier model's closed sets: the status codes (TrangThaiHoSo) set by the
//! national public-service portal, with the words exports show for them.
//!
//! Every export is read onto these codes (a format profile maps a system's own values onto
//! them), so the scoring core reasons about one model. What a code means for counting lives
//! here too, next to the code, rather than as numbers scattered through expressions.

/// TrangThaiHoSo, the national status codes (DATA-SOURCES.md, S1a).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Status {
    /// 1: submitted online, not yet accepted.
    Submitted = 1,
    /// 2: accepted (received), not yet being processed.
    Received = 2,
    /// 3: not accepted.
    Denied = 3,
    /// 4: being processed.
    Processing = 4,
    /// 5: waiting for the citizen's supplement (the clock is paused).
    AwaitingSupplement = 5,
    /// 6: waiting for the citizen to pay (the clock is paused).
    AwaitingPayment = 6,
    /// 7: withdrawn at the citizen's request.
    Withdrawn = 7,
    /// 8: processing stopped.
    Stopped = 8,
    /// 9: processed, result ready.
    Processed = 9,
    /// 10: result returned to the citizen.
    Returned = 10,
}

impl Status {
    pub const ALL: [Status; 10] = [
        Status::Submitted,
        Status::Received,
        Status::Denied,
        Status::Processing,
        Status::AwaitingSupplement,
        Status::AwaitingPayment,
        Status::Withdrawn,
        Status::Stopped,
        Status::Processed,
        Status::Returned,
    ];

    pub fn code(self) -> i64 {
        self as i64
    }

    pub fn from_code(code: i64) -> Option<Status> {
        Status::ALL.into_iter().find(|s| s.code() == code)
    }

    /// The national portal's Vietnamese words for the status.
    pub fn label(self) -> &'static str {
        match self {
            Status::Submitted => "Mới đăng ký",
            Status::Received => "Được tiếp nhận",
            Status::Denied => "Không được tiếp nhận",
            Status::Processing => "Đang xử lý",
            Status::AwaitingSupplement => "Yêu cầu bổ sung giấy tờ",
            Status::AwaitingPayment => "Yêu cầu thực hiện nghĩa vụ tài chính",
            Status::Withdrawn => "Công dân yêu cầu rút hồ sơ",
            Status::Stopped => "Dừng xử lý",
            Status::Processed => "Đã xử lý xong",
            Status::Returned => "Đã trả kết quả",
        }
    }

    /// What the status means for counting, in Vietnamese (for `inspect` and the notes).
    pub fn meaning(self) -> &'static str {
        match self {
            Status::Submitted | Status::Denied => "chưa/không được tiếp nhận: không tính",
            Status::Received | Status::Processing => "đã tiếp nhận, đang giải quyết",
            Status::AwaitingSupplement | Status::AwaitingPayment => "đã tiếp nhận, tạm dừng tính thời gian",
            Status::Withdrawn => "kết thúc: công dân rút hồ sơ",
            Status::Stopped => "kết thúc: dừng xử lý",
            Status::Processed | Status::Returned => "kết thúc: đã giải quyết",
        }
    }

    /// Received by the ward: counted at all (1 and 3 are not).
    pub fn is_received(self) -> bool {
        !matches!(self, Status::Submitted | Status::Denied)
    }

    /// Still open as of the export: its end dates, if any, are not an end.
    pub fn is_open(self) -> bool {
        matches!(self, Status::Received | Status::Processing | Status::AwaitingSupplement | Status::AwaitingPayment)
    }
}

/// The codes of the statuses that satisfy `pred`, for `is_in` expressions.
pub fn codes(pred: impl Fn(Status) -> bool) -> Vec<i64> {
    Status::ALL.into_iter().filter(|s| pred(*s)).map(Status::code).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_the_national_ones() {
        assert_eq!(Status::from_code(4), Some(Status::Processing));
        assert_eq!(Status::from_code(11), None);
        assert_eq!(codes(|s| !s.is_received()), [1, 3]);
        assert_eq!(codes(Status::is_open), [2, 4, 5, 6]);
        assert_eq!(Status::Returned.label(), "Đã trả kết quả");
    }
}
