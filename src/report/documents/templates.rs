//! The wording of the award documents: `config/templates/awards/*.toml`, which the ward edits.
//!
//! Every text that is not a figure lives in these files; code only fills placeholders such as
//! `{ward}` or `{count}`. Each field accepts a known set of placeholders, and a name outside
//! that set is a problem reported at its `file:line` when the templates load (like every other
//! configuration file, see [`crate::config::diag`]), so a misspelt `{cout}` is caught by
//! `thidua check` instead of reaching a signed document.

use std::collections::BTreeMap;
use std::path::Path;

use chrono::NaiveDate;
use serde::Deserialize;
use toml::Spanned;
use toml::value::Datetime;

use crate::config::{Diagnostics, SourceText, diag};

/// The file names in the templates folder.
pub(super) const COMMON_FILE: &str = "chung.toml";
pub(super) const PROPOSAL_FILE: &str = "to-trinh.toml";
pub(super) const MINUTES_FILE: &str = "bien-ban.toml";
pub(super) const REPORT_FILE: &str = "bao-cao-thanh-tich.toml";

/// Placeholders every text may use.
const COMMON: &[&str] = &["ward", "ward_short", "city", "province", "year", "movement", "date"];
const PROPOSAL: &[&str] =
    &["agency", "recipient", "symbol", "count", "collectives", "individuals", "prize", "candidates"];
const PROPOSAL_LEVEL: &[&str] = &["no", "level"];
const MINUTES: &[&str] = &["candidates", "count", "collectives", "individuals", "members"];
const MINUTES_MEMBER: &[&str] = &["name", "position", "role"];
const MINUTES_LEVEL: &[&str] = &["level"];
const REPORT: &[&str] = &["name", "level", "unit", "position", "head", "gender"];
const FIGURE: &[&str] = &["value", "of", "note"];

/// A text with placeholders, checked against the names its field accepts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Text(String);

/// Values for the placeholders of a text.
pub(super) type Vars = BTreeMap<&'static str, String>;

impl Text {
    /// The text with every placeholder replaced (names without a value stay blank).
    pub fn fill(&self, vars: &Vars) -> String {
        let mut out = String::with_capacity(self.0.len() + 32);
        let mut rest = self.0.as_str();
        while let Some(open) = rest.find('{') {
            out.push_str(&rest[..open]);
            let close = rest[open..].find('}').map_or(rest.len(), |c| open + c);
            let name = &rest[open + 1..close.min(rest.len())];
            out.push_str(vars.get(name).map_or("", String::as_str));
            rest = rest.get(close + 1..).unwrap_or("");
        }
        out.push_str(rest);
        out
    }

    pub fn is_empty(&self) -> bool {
        self.0.trim().is_empty()
    }
}

/// A legal basis printed when the round's day falls in its validity.
#[derive(Debug, Clone)]
pub struct LegalBasis {
    pub text: Text,
    pub valid_from: Option<NaiveDate>,
    pub valid_to: Option<NaiveDate>,
}

impl LegalBasis {
    pub fn valid_on(&self, day: NaiveDate) -> bool {
        self.valid_from.is_none_or(|f| f <= day) && self.valid_to.is_none_or(|t| day <= t)
    }
}

#[derive(Debug, Clone)]
pub struct Common {
    pub national_name: Text,
    pub motto: Text,
    pub place: Text,
    pub movement: Text,
    pub number_label: Text,
    pub copies_label: Text,
    pub blank: String,
    pub legal_bases: Vec<LegalBasis>,
    /// Annual title code → its Vietnamese name.
    pub titles: BTreeMap<String, String>,
    /// Advising role code → its Vietnamese wording.
    pub advising_roles: BTreeMap<String, String>,
}

/// The agency block and signature of one issued document.
#[derive(Debug, Clone)]
pub struct Issuer {
    pub parent_agency: Text,
    pub agency: Vec<Text>,
    pub symbol: String,
}

#[derive(Debug, Clone)]
pub struct ProposalDoc {
    pub file: Text,
    pub levels: Vec<String>,
    pub issuer: Issuer,
    pub to: Vec<Text>,
    pub recipient: Text,
    pub authority: Text,
    pub signer_title: Text,
    pub signer_name: Text,
    pub copies: Vec<Text>,
    /// Where the entry is, for problems found when the round is known.
    pub place: String,
}

#[derive(Debug, Clone)]
pub struct ProposalList {
    pub title: Text,
    pub subject: Text,
    pub attached: Text,
    pub columns: Vec<Text>,
    pub collectives: Text,
    pub individuals: Text,
    pub total: Text,
}

#[derive(Debug, Clone)]
pub struct Proposal {
    pub kind: Text,
    pub to_label: Text,
    pub subject: Text,
    pub opening: Vec<Text>,
    pub level_line: Text,
    pub total: Text,
    pub closing: Vec<Text>,
    pub list: ProposalList,
    pub documents: Vec<ProposalDoc>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Chair,
    ViceChair,
    Member,
    Secretary,
}

#[derive(Debug, Clone)]
pub struct CouncilMember {
    pub role: Role,
    /// An officer id of `config/officers.toml`: name and position come from there.
    pub officer: Option<String>,
    pub name: String,
    pub position: String,
    pub place: String,
}

#[derive(Debug, Clone)]
pub struct Minutes {
    pub file: Text,
    pub issuer: Issuer,
    pub kind: Text,
    pub subject: Text,
    pub opening: Vec<Text>,
    pub attendance_heading: Text,
    pub chair: Text,
    pub secretary: Text,
    pub members_intro: Text,
    pub member_line: Text,
    pub absent: Text,
    pub content_heading: Text,
    pub content: Vec<Text>,
    pub votes_heading: Text,
    pub columns: Vec<Text>,
    pub collectives: Text,
    pub individuals: Text,
    pub conclusion_heading: Text,
    pub conclusion: Vec<Text>,
    pub conclusion_level: Text,
    pub closing: Vec<Text>,
    pub left_sign: Text,
    pub right_sign: Text,
    pub sign_note: Text,
    pub roles: BTreeMap<&'static str, String>,
    pub council: Vec<CouncilMember>,
}

impl Minutes {
    pub fn role_name(&self, role: Role) -> &str {
        let key = match role {
            Role::Chair => "chair",
            Role::ViceChair => "vice_chair",
            Role::Member => "member",
            Role::Secretary => "secretary",
        };
        self.roles.get(key).map_or("", String::as_str)
    }
}

/// The parts of an achievement report that differ between a collective and an individual.
#[derive(Debug, Clone)]
pub struct ReportSide {
    pub parent_agency: Text,
    pub agency: Vec<Text>,
    pub nominee: Text,
    pub profile_heading: Text,
    pub profile: Vec<Text>,
    pub left_sign: Text,
    pub left_note: Text,
    pub right_sign: Text,
    pub right_note: Text,
    pub right_name: Text,
}

/// One line of figures: a fact of the round shown with its value.
#[derive(Debug, Clone)]
pub struct Figure {
    pub fact: FactKind,
    pub applies_if: Option<FactKind>,
    pub text: Text,
}

#[derive(Debug, Clone)]
pub struct Report {
    pub file: Text,
    pub kind: Text,
    pub subject: Text,
    pub context: Text,
    pub achievements_heading: Text,
    pub achievements_intro: Text,
    pub criteria_intro: Text,
    pub narrative: Text,
    pub titles_heading: Text,
    pub titles_columns: Vec<Text>,
    pub collective: ReportSide,
    pub individual: ReportSide,
    pub female: Text,
    pub male: Text,
    pub figures: Vec<Figure>,
}

/// The facts a report can show, each with the way its value is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FactKind {
    /// A score, two decimals: `par_total`.
    Score(&'static str),
    /// A ratio shown as a percentage: `on_time_rate`, `women_share`.
    Rate(&'static str),
    /// A count: `dossiers`, `complaints`, `initiatives_authored`.
    Count(&'static str),
    /// A rank among the ranked candidates: `par_rank`.
    Rank(&'static str),
    /// A label shown as it is: `par_band`.
    Label(&'static str),
    /// A yes/no fact, shown only when true.
    Flag(&'static str),
    /// An annual title code, shown by its name.
    Title(&'static str),
    /// Advising role codes, shown by their wording.
    Roles(&'static str),
}

impl FactKind {
    pub const ALL: [FactKind; 16] = [
        FactKind::Score("par_total"),
        FactKind::Label("par_band"),
        FactKind::Rank("par_rank"),
        FactKind::Rate("on_time_rate"),
        FactKind::Rate("women_share"),
        FactKind::Count("dossiers"),
        FactKind::Count("complaints"),
        FactKind::Count("initiatives_authored"),
        FactKind::Flag("targets_met"),
        FactKind::Flag("tasks_completed_well"),
        FactKind::Flag("dti_ward_top15"),
        FactKind::Flag("handles_dossiers"),
        FactKind::Flag("par_rated"),
        FactKind::Flag("female"),
        FactKind::Title("annual_title"),
        FactKind::Roles("advising_roles"),
    ];

    pub fn key(self) -> &'static str {
        match self {
            FactKind::Score(k)
            | FactKind::Rate(k)
            | FactKind::Count(k)
            | FactKind::Rank(k)
            | FactKind::Label(k)
            | FactKind::Flag(k)
            | FactKind::Title(k)
            | FactKind::Roles(k) => k,
        }
    }

    fn of(key: &str) -> Option<FactKind> {
        FactKind::ALL.into_iter().find(|f| f.key() == key)
    }

    /// Facts whose round note is prose fit for a document (others name target codes).
    fn has_prose_note(self) -> bool {
        matches!(self.key(), "tasks_completed_well" | "dti_ward_top15")
    }
}

/// Everything the award documents say that is not a figure.
#[derive(Debug, Clone)]
pub struct Templates {
    pub common: Common,
    pub proposal: Proposal,
    pub minutes: Minutes,
    pub report: Report,
}

// ---------------------------------------------------------------------------------------------
// Spec types: the TOML as written.

type S = Spanned<String>;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CommonSpec {
    national_name: S,
    motto: S,
    place: S,
    movement: S,
    number_label: S,
    copies_label: S,
    blank: S,
    #[serde(default)]
    legal_basis: Vec<Spanned<LegalBasisSpec>>,
    #[serde(default)]
    titles: BTreeMap<String, String>,
    #[serde(default)]
    advising_roles: BTreeMap<String, String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LegalBasisSpec {
    text: S,
    valid_from: Option<Datetime>,
    valid_to: Option<Datetime>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ProposalSpec {
    kind: S,
    to_label: S,
    subject: S,
    opening: Vec<S>,
    level_line: S,
    total: S,
    closing: Vec<S>,
    list: ListSpec,
    #[serde(rename = "document")]
    documents: Vec<Spanned<ProposalDocSpec>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ListSpec {
    title: S,
    subject: S,
    attached: S,
    columns: Vec<S>,
    collectives: S,
    individuals: S,
    total: S,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ProposalDocSpec {
    file: S,
    levels: Vec<String>,
    parent_agency: S,
    agency: Vec<S>,
    symbol: S,
    to: Vec<S>,
    recipient: S,
    authority: S,
    signer_title: S,
    signer_name: S,
    copies: Vec<S>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct MinutesSpec {
    file: S,
    parent_agency: S,
    agency: Vec<S>,
    symbol: S,
    kind: S,
    subject: S,
    opening: Vec<S>,
    attendance_heading: S,
    chair: S,
    secretary: S,
    members_intro: S,
    member_line: S,
    absent: S,
    content_heading: S,
    content: Vec<S>,
    votes_heading: S,
    columns: Vec<S>,
    collectives: S,
    individuals: S,
    conclusion_heading: S,
    conclusion: Vec<S>,
    conclusion_level: S,
    closing: Vec<S>,
    left_sign: S,
    right_sign: S,
    sign_note: S,
    roles: RolesSpec,
    #[serde(default)]
    council: Vec<Spanned<CouncilSpec>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RolesSpec {
    chair: String,
    vice_chair: String,
    member: String,
    secretary: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CouncilSpec {
    role: Role,
    officer: Option<String>,
    name: Option<String>,
    position: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ReportSpec {
    file: S,
    kind: S,
    subject: S,
    context: S,
    achievements_heading: S,
    achievements_intro: S,
    criteria_intro: S,
    narrative: S,
    titles_heading: S,
    titles_columns: Vec<S>,
    collective: SideSpec,
    individual: SideSpec,
    #[serde(rename = "figure", default)]
    figures: Vec<Spanned<FigureSpec>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SideSpec {
    parent_agency: S,
    agency: Vec<S>,
    nominee: S,
    profile_heading: S,
    profile: Vec<S>,
    left_sign: S,
    left_note: S,
    right_sign: S,
    right_note: S,
    right_name: S,
    /// Only for individuals: how `{gender}` is written.
    female: Option<S>,
    male: Option<S>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FigureSpec {
    fact: String,
    applies_if: Option<String>,
    text: S,
}

// ---------------------------------------------------------------------------------------------
// Checking: spec → validated, every problem with its line.

struct Check<'a> {
    src: &'a SourceText,
    diag: &'a mut Diagnostics,
}

impl Check<'_> {
    /// A text whose placeholders must all be in `allowed` (plus the common ones).
    fn text(&mut self, t: &S, allowed: &[&[&str]]) -> Text {
        let value = t.get_ref();
        let mut rest = value.as_str();
        while let Some(open) = rest.find('{') {
            let Some(close) = rest[open..].find('}') else {
                self.diag.at(self.src, &t.span(), "thiếu dấu } đóng chỗ giữ chỗ");
                break;
            };
            let name = &rest[open + 1..open + close];
            let known = COMMON.contains(&name) || allowed.iter().any(|set| set.contains(&name));
            if !known {
                let mut names: Vec<&str> = COMMON.to_vec();
                names.extend(allowed.iter().flat_map(|s| s.iter().copied()));
                self.diag.at(
                    self.src,
                    &t.span(),
                    format!(
                        "chỗ giữ chỗ {{{name}}} không dùng được ở đây (dùng được: {})",
                        names.iter().map(|n| format!("{{{n}}}")).collect::<Vec<_>>().join(", ")
                    ),
                );
            }
            rest = &rest[open + close + 1..];
        }
        Text(value.clone())
    }

    fn texts(&mut self, v: &[S], allowed: &[&[&str]]) -> Vec<Text> {
        v.iter().map(|t| self.text(t, allowed)).collect()
    }

    /// A file name: after its placeholders, only ASCII letters, digits and hyphens.
    fn file(&mut self, t: &S, allowed: &[&'static str]) -> Text {
        let mut vars = Vars::new();
        for name in allowed {
            vars.insert(name, "x".into());
        }
        let text = self.text(t, &[allowed]);
        let filled = text.fill(&vars);
        if filled.is_empty() || !filled.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-') {
            self.diag.at(
                self.src,
                &t.span(),
                "tên tệp chỉ gồm chữ thường không dấu, chữ số và dấu gạch ngang (chương trình thêm .docx)",
            );
        }
        text
    }

    fn date(&mut self, span: &std::ops::Range<usize>, d: Option<&Datetime>) -> Option<NaiveDate> {
        let d = d?;
        let day = match (d.date, d.time, d.offset) {
            (Some(x), None, None) => NaiveDate::from_ymd_opt(i32::from(x.year), u32::from(x.month), u32::from(x.day)),
            _ => None,
        };
        if day.is_none() {
            self.diag.at(self.src, span, "ngày phải có dạng YYYY-MM-DD");
        }
        day
    }

    fn fact(&mut self, span: &std::ops::Range<usize>, key: &str) -> Option<FactKind> {
        let f = FactKind::of(key);
        if f.is_none() {
            let known: Vec<&str> = FactKind::ALL.iter().map(|f| f.key()).collect();
            self.diag.at(self.src, span, format!("dữ kiện \"{key}\" không có (có: {})", known.join(", ")));
        }
        f
    }

    fn place(&self, span: &std::ops::Range<usize>) -> String {
        format!("{}:{}", self.src.shown.display(), self.src.line_of(span))
    }
}

fn common(c: &mut Check<'_>, s: CommonSpec) -> Common {
    let everything: &[&[&str]] = &[];
    let movement = {
        // The movement's name is itself a placeholder: it may not use itself.
        let t = s.movement.get_ref();
        if t.contains("{movement}") {
            c.diag.at(c.src, &s.movement.span(), "movement không được dùng chính {movement}");
        }
        c.text(&s.movement, everything)
    };
    let mut legal_bases = Vec::new();
    for b in &s.legal_basis {
        let span = b.span();
        let spec = b.get_ref();
        legal_bases.push(LegalBasis {
            text: c.text(&spec.text, everything),
            valid_from: c.date(&span, spec.valid_from.as_ref()),
            valid_to: c.date(&span, spec.valid_to.as_ref()),
        });
    }
    Common {
        national_name: c.text(&s.national_name, everything),
        motto: c.text(&s.motto, everything),
        place: c.text(&s.place, everything),
        movement,
        number_label: c.text(&s.number_label, everything),
        copies_label: c.text(&s.copies_label, everything),
        blank: s.blank.into_inner(),
        legal_bases,
        titles: s.titles,
        advising_roles: s.advising_roles,
    }
}

fn proposal(c: &mut Check<'_>, s: ProposalSpec) -> Proposal {
    let doc = &[PROPOSAL][..];
    let documents = s
        .documents
        .iter()
        .map(|d| {
            let span = d.span();
            let d = d.get_ref();
            if d.levels.is_empty() {
                c.diag.at(c.src, &span, "levels trống: tờ trình phải có ít nhất một hình thức khen thưởng");
            }
            ProposalDoc {
                file: c.file(&d.file, &["year"]),
                levels: d.levels.clone(),
                issuer: Issuer {
                    parent_agency: c.text(&d.parent_agency, &[]),
                    agency: c.texts(&d.agency, &[]),
                    symbol: c.text(&d.symbol, &[]).0,
                },
                to: c.texts(&d.to, &[]),
                recipient: c.text(&d.recipient, &[]),
                authority: c.text(&d.authority, &[]),
                signer_title: c.text(&d.signer_title, &[]),
                signer_name: c.text(&d.signer_name, &[]),
                copies: c.texts(&d.copies, doc),
                place: c.place(&span),
            }
        })
        .collect::<Vec<_>>();
    let mut seen: BTreeMap<&str, usize> = BTreeMap::new();
    for d in &s.documents {
        for l in &d.get_ref().levels {
            *seen.entry(l.as_str()).or_default() += 1;
            if seen[l.as_str()] == 2 {
                c.diag.at(c.src, &d.span(), format!("hình thức \"{l}\" có ở hơn một [[document]]"));
            }
        }
    }
    if documents.is_empty() {
        c.diag.file(&c.src.shown, "cần ít nhất một [[document]]");
    }
    let l = &s.list;
    Proposal {
        kind: c.text(&s.kind, doc),
        to_label: c.text(&s.to_label, doc),
        subject: c.text(&s.subject, doc),
        opening: c.texts(&s.opening, doc),
        level_line: c.text(&s.level_line, &[PROPOSAL, PROPOSAL_LEVEL]),
        total: c.text(&s.total, doc),
        closing: c.texts(&s.closing, doc),
        list: ProposalList {
            title: c.text(&l.title, doc),
            subject: c.text(&l.subject, doc),
            attached: c.text(&l.attached, doc),
            columns: columns(c, &l.columns, 5),
            collectives: c.text(&l.collectives, doc),
            individuals: c.text(&l.individuals, doc),
            total: c.text(&l.total, doc),
        },
        documents,
    }
}

fn columns(c: &mut Check<'_>, v: &[S], n: usize) -> Vec<Text> {
    if v.len() != n {
        let span = v.first().map_or(0..0, Spanned::span);
        c.diag.at(c.src, &span, format!("columns cần đúng {n} tiêu đề cột (có {})", v.len()));
    }
    c.texts(v, &[])
}

fn minutes(c: &mut Check<'_>, s: MinutesSpec) -> Minutes {
    let doc = &[MINUTES][..];
    let member = &[MINUTES, MINUTES_MEMBER][..];
    let council = s
        .council
        .iter()
        .map(|m| {
            let span = m.span();
            let spec = m.get_ref();
            if spec.officer.is_some() && (spec.name.is_some() || spec.position.is_some()) {
                c.diag.at(
                    c.src,
                    &span,
                    "officer lấy họ tên, chức vụ từ danh sách cán bộ: không ghi thêm name, position",
                );
            }
            CouncilMember {
                role: spec.role,
                officer: spec.officer.clone(),
                name: spec.name.clone().unwrap_or_default(),
                position: spec.position.clone().unwrap_or_default(),
                place: c.place(&span),
            }
        })
        .collect();
    Minutes {
        file: c.file(&s.file, &["year"]),
        issuer: Issuer {
            parent_agency: c.text(&s.parent_agency, &[]),
            agency: c.texts(&s.agency, &[]),
            symbol: c.text(&s.symbol, &[]).0,
        },
        kind: c.text(&s.kind, doc),
        subject: c.text(&s.subject, doc),
        opening: c.texts(&s.opening, doc),
        attendance_heading: c.text(&s.attendance_heading, doc),
        chair: c.text(&s.chair, member),
        secretary: c.text(&s.secretary, member),
        members_intro: c.text(&s.members_intro, doc),
        member_line: c.text(&s.member_line, member),
        absent: c.text(&s.absent, doc),
        content_heading: c.text(&s.content_heading, doc),
        content: c.texts(&s.content, doc),
        votes_heading: c.text(&s.votes_heading, doc),
        columns: columns(c, &s.columns, 5),
        collectives: c.text(&s.collectives, doc),
        individuals: c.text(&s.individuals, doc),
        conclusion_heading: c.text(&s.conclusion_heading, doc),
        conclusion: c.texts(&s.conclusion, doc),
        conclusion_level: c.text(&s.conclusion_level, &[MINUTES, MINUTES_LEVEL]),
        closing: c.texts(&s.closing, doc),
        left_sign: c.text(&s.left_sign, doc),
        right_sign: c.text(&s.right_sign, doc),
        sign_note: c.text(&s.sign_note, doc),
        roles: BTreeMap::from([
            ("chair", s.roles.chair),
            ("vice_chair", s.roles.vice_chair),
            ("member", s.roles.member),
            ("secretary", s.roles.secretary),
        ]),
        council,
    }
}

fn side(c: &mut Check<'_>, s: &SideSpec) -> ReportSide {
    let doc = &[REPORT][..];
    ReportSide {
        parent_agency: c.text(&s.parent_agency, doc),
        agency: c.texts(&s.agency, doc),
        nominee: c.text(&s.nominee, doc),
        profile_heading: c.text(&s.profile_heading, doc),
        profile: c.texts(&s.profile, doc),
        left_sign: c.text(&s.left_sign, doc),
        left_note: c.text(&s.left_note, doc),
        right_sign: c.text(&s.right_sign, doc),
        right_note: c.text(&s.right_note, doc),
        right_name: c.text(&s.right_name, doc),
    }
}

fn report(c: &mut Check<'_>, s: ReportSpec) -> Report {
    let doc = &[REPORT][..];
    let figures = s
        .figures
        .iter()
        .filter_map(|f| {
            let span = f.span();
            let spec = f.get_ref();
            let fact = c.fact(&span, &spec.fact);
            let applies_if = spec.applies_if.as_ref().and_then(|k| c.fact(&span, k));
            if let Some(a) = applies_if
                && !matches!(a, FactKind::Flag(_))
            {
                c.diag.at(c.src, &span, format!("applies_if \"{}\" phải là dữ kiện đúng/sai", a.key()));
            }
            if let Some(f) = fact
                && spec.text.get_ref().contains("{note}")
                && !f.has_prose_note()
            {
                c.diag.at(
                    c.src,
                    &span,
                    format!("{{note}} chỉ dùng với tasks_completed_well, dti_ward_top15 (không với {})", f.key()),
                );
            }
            let text = c.text(&spec.text, &[REPORT, FIGURE]);
            Some(Figure { fact: fact?, applies_if, text })
        })
        .collect();
    let gender = |c: &mut Check<'_>, t: &Option<S>, key: &str| match t {
        Some(t) => c.text(t, &[]),
        None => {
            c.diag.file(&c.src.shown, format!("[individual] cần {key} (cách ghi giới tính)"));
            Text(String::new())
        }
    };
    let (female, male) = (gender(c, &s.individual.female, "female"), gender(c, &s.individual.male, "male"));
    Report {
        file: c.file(&s.file, &["slug", "year"]),
        kind: c.text(&s.kind, doc),
        subject: c.text(&s.subject, doc),
        context: c.text(&s.context, doc),
        achievements_heading: c.text(&s.achievements_heading, doc),
        achievements_intro: c.text(&s.achievements_intro, doc),
        criteria_intro: c.text(&s.criteria_intro, doc),
        narrative: c.text(&s.narrative, doc),
        titles_heading: c.text(&s.titles_heading, doc),
        titles_columns: columns(c, &s.titles_columns, 3),
        collective: side(c, &s.collective),
        individual: side(c, &s.individual),
        female,
        male,
        figures,
    }
}

impl Templates {
    /// Loads `dir` (`config/templates/awards`), every problem with its file and line.
    pub fn load(dir: &Path) -> anyhow::Result<Templates> {
        let root = dir.ancestors().nth(3).unwrap_or(dir);
        let mut d = Diagnostics::default();
        let t = Templates::load_into(root, dir, &mut d);
        diag::into_result(d)?;
        t.ok_or_else(|| anyhow::anyhow!("không đọc được mẫu văn bản trong {}", dir.display()))
    }

    /// Loads `dir` into `diag`, as `thidua check` does with the other files (paths shown
    /// relative to `root`); `None` when any file has a problem.
    pub fn load_into(root: &Path, dir: &Path, diag: &mut Diagnostics) -> Option<Templates> {
        let before = diag.problems().len();
        let common = load_one(root, &dir.join(COMMON_FILE), diag, common);
        let proposal = load_one(root, &dir.join(PROPOSAL_FILE), diag, proposal);
        let minutes = load_one(root, &dir.join(MINUTES_FILE), diag, minutes);
        let report = load_one(root, &dir.join(REPORT_FILE), diag, report);
        if diag.problems().len() != before {
            return None;
        }
        Some(Templates { common: common?, proposal: proposal?, minutes: minutes?, report: report? })
    }
}

fn load_one<Spec: serde::de::DeserializeOwned, T>(
    root: &Path,
    path: &Path,
    diag: &mut Diagnostics,
    check: impl FnOnce(&mut Check<'_>, Spec) -> T,
) -> Option<T> {
    let (src, spec) = diag.parse::<Spec>(root, path)?;
    let mut c = Check { src: &src, diag };
    Some(check(&mut c, spec))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shipped() -> std::path::PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("config/templates/awards")
    }

    #[test]
    fn the_shipped_templates_load() {
        let t = Templates::load(&shipped()).unwrap();
        assert_eq!(t.proposal.documents.len(), 2);
        assert!(t.report.figures.len() >= 8);
        assert_eq!(t.common.titles["chien_si_thi_dua_co_so"], "Chiến sĩ thi đua cơ sở");
    }

    #[test]
    fn placeholders_are_filled() {
        let t = Text("{count} tập thể, cá nhân ({x})".into());
        let vars = Vars::from([("count", "31".to_string())]);
        assert_eq!(t.fill(&vars), "31 tập thể, cá nhân ()");
    }

    #[test]
    fn an_unknown_placeholder_is_reported_at_its_line() {
        let dir = tempfile::tempdir().unwrap();
        for f in [COMMON_FILE, PROPOSAL_FILE, MINUTES_FILE, REPORT_FILE] {
            std::fs::copy(shipped().join(f), dir.path().join(f)).unwrap();
        }
        let path = dir.path().join(PROPOSAL_FILE);
        let text = std::fs::read_to_string(&path).unwrap();
        let line = text.lines().position(|l| l.starts_with("level_line")).unwrap() + 1;
        std::fs::write(&path, text.replace("{individuals} cá nhân;", "{individual} cá nhân;")).unwrap();
        let report = dir.path().join(REPORT_FILE);
        let text = std::fs::read_to_string(&report).unwrap();
        std::fs::write(&report, text.replace("fact = \"complaints\"", "fact = \"complaint\"")).unwrap();
        let mut d = Diagnostics::default();
        assert!(Templates::load_into(dir.path(), dir.path(), &mut d).is_none());
        let shown: Vec<String> = d.problems().iter().map(ToString::to_string).collect();
        assert!(
            shown.iter().any(|p| p.starts_with(&format!("to-trinh.toml:{line}: chỗ giữ chỗ {{individual}}"))),
            "{shown:#?}"
        );
        assert!(
            shown.iter().any(|p| p.contains("bao-cao-thanh-tich.toml:") && p.contains("\"complaint\"")),
            "{shown:#?}"
        );
    }
}
