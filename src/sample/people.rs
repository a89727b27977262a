//! Fake citizens (names, phones, e-mails, addresses) for the personal-data columns.
//!
//! Stored as small indices, not strings, so the benchmark can generate millions without
//! allocating; the ingest must drop these columns anyway.

use rand::Rng;
use rand::rngs::StdRng;

static FAMILY: [(&str, &str); 14] = [
    ("Nguyễn", "nguyen"),
    ("Trần", "tran"),
    ("Lê", "le"),
    ("Phạm", "pham"),
    ("Hoàng", "hoang"),
    ("Vũ", "vu"),
    ("Đặng", "dang"),
    ("Bùi", "bui"),
    ("Đỗ", "do"),
    ("Ngô", "ngo"),
    ("Dương", "duong"),
    ("Lý", "ly"),
    ("Phan", "phan"),
    ("Đinh", "dinh"),
];
static MIDDLE_M: [&str; 6] = ["Văn", "Đức", "Minh", "Quang", "Hữu", "Thành"];
static MIDDLE_F: [&str; 6] = ["Thị", "Ngọc", "Thu", "Thanh", "Hồng", "Minh"];
static GIVEN_M: [(&str, &str); 12] = [
    ("An", "an"),
    ("Bình", "binh"),
    ("Cường", "cuong"),
    ("Dũng", "dung"),
    ("Hùng", "hung"),
    ("Long", "long"),
    ("Nam", "nam"),
    ("Quân", "quan"),
    ("Sơn", "son"),
    ("Tuấn", "tuan"),
    ("Việt", "viet"),
    ("Khánh", "khanh"),
];
static GIVEN_F: [(&str, &str); 12] = [
    ("Hà", "ha"),
    ("Hạnh", "hanh"),
    ("Hương", "huong"),
    ("Lan", "lan"),
    ("Linh", "linh"),
    ("Mai", "mai"),
    ("Nga", "nga"),
    ("Phương", "phuong"),
    ("Thảo", "thao"),
    ("Trang", "trang"),
    ("Yến", "yen"),
    ("Ngân", "ngan"),
];
static MAIL_DOMAINS: [&str; 3] = ["gmail.com", "gmail.com", "yahoo.com.vn"];

#[derive(Clone, Copy, Debug)]
pub(crate) struct Citizen {
    female: bool,
    family: u8,
    middle: u8,
    given: u8,
    /// The eight digits after `09`.
    phone: u32,
    /// 0: no e-mail; otherwise a number appended to the mailbox name.
    mail: u8,
    group: u8,
    quarter: u8,
}

impl Citizen {
    pub(super) fn random(rng: &mut StdRng) -> Citizen {
        Citizen {
            female: rng.random_bool(0.55),
            family: rng.random_range(0..FAMILY.len() as u8),
            middle: rng.random_range(0..MIDDLE_M.len() as u8),
            given: rng.random_range(0..GIVEN_M.len() as u8),
            phone: rng.random_range(10_000_000..100_000_000),
            mail: if rng.random_bool(0.3) { rng.random_range(1..100) } else { 0 },
            group: rng.random_range(1..=12),
            quarter: rng.random_range(1..=9),
        }
    }

    fn given(&self) -> (&'static str, &'static str) {
        let list = if self.female { &GIVEN_F } else { &GIVEN_M };
        list[self.given as usize]
    }

    /// Family, middle and given name.
    pub(super) fn name_parts(&self) -> [&'static str; 3] {
        let middle = if self.female { MIDDLE_F } else { MIDDLE_M }[self.middle as usize];
        [FAMILY[self.family as usize].0, middle, self.given().0]
    }

    pub(super) fn name(&self) -> String {
        self.name_parts().join(" ")
    }

    pub(super) fn phone(&self) -> String {
        format!("09{:08}", self.phone)
    }

    pub(super) fn phone_digits(&self) -> u32 {
        self.phone
    }

    /// A 12-digit citizen identity number (CCCD): province 022, the century-and-sex digit,
    /// the year of birth and six digits, all derived from the stored fields.
    pub(super) fn identity(&self) -> String {
        let born = 1950 + self.phone % 56;
        let century_sex = u32::from(self.female) + if born >= 2000 { 2 } else { 0 };
        format!("022{century_sex}{:02}{:06}", born % 100, self.phone / 7 % 1_000_000)
    }

    /// Appends the e-mail address (nothing when the citizen gave none).
    pub(super) fn push_email(&self, out: &mut String) {
        if self.mail == 0 {
            return;
        }
        out.push_str(self.given().1);
        out.push_str(FAMILY[self.family as usize].1);
        let n = self.mail as u32;
        out.push(char::from(b'0' + (n / 10) as u8));
        out.push(char::from(b'0' + (n % 10) as u8));
        out.push('@');
        out.push_str(MAIL_DOMAINS[n as usize % MAIL_DOMAINS.len()]);
    }

    /// Residential group and quarter ("Tổ 5, Khu 3").
    pub(super) fn group_quarter(&self) -> (u8, u8) {
        (self.group, self.quarter)
    }

    pub(super) fn address(&self, ward: &str) -> String {
        format!("Tổ {}, Khu {}, phường {}", self.group, self.quarter, ward)
    }
}
