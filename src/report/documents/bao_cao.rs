//! One Báo cáo thành tích per nominee (Mẫu số 08 of Nghị định 98/2023/NĐ-CP, as the plan asks):
//! who the unit or person is, the year's figures the round computed, the criteria met at the
//! proposed level, and the titles held.
//!
//! Figures are the candidate's facts, each written by its kind (a rate as "96,50%", a count as
//! "1.173") in the order and words of `[[figure]]` in `bao-cao-thanh-tich.toml`. Codes never
//! reach the page: a title or advising role code without a name in `chung.toml` stops the
//! build with the key to add, rather than print `chien_si_thi_dua_co_so` in a signed report.

use std::collections::BTreeSet;

use anyhow::{Result, bail};
use docx_rs::AlignmentType;

use super::format::{decimal, integer, percent, slug, vn_dates};
use super::layout::{self, Grid, Look, SignColumn};
use super::templates::{COMMON_FILE, FactKind, Figure, ReportSide};
use super::{Ctx, Document};
use crate::config::Gender;
use crate::score::{Audience, Candidate, Fact, Outcome, Verdict};

pub(super) fn documents(ctx: &Ctx<'_>) -> Result<Vec<Document>> {
    let mut used = BTreeSet::new();
    let mut out = Vec::new();
    for g in ctx.groups() {
        for o in &g.outcomes {
            let Some(c) = ctx.candidate(o) else { continue };
            let base = slug(&o.name);
            let mut name = base.clone();
            let mut n = 1;
            while !used.insert(name.clone()) {
                n += 1;
                name = format!("{base}-{n}");
            }
            out.push(document(ctx, o, c, &name)?);
        }
    }
    Ok(out)
}

/// The placeholders of one nominee.
fn nominee_vars(ctx: &Ctx<'_>, o: &Outcome) -> Vec<(&'static str, String)> {
    let blank = ctx.t.common.blank.clone();
    let r = ctx.r;
    let (unit, position, head, gender) = match o.audience {
        Audience::Collective => {
            let head = r.registry.unit(&o.code).and_then(|u| u.head.clone());
            (o.name.clone(), String::new(), head, String::new())
        }
        Audience::Individual => {
            let officer = r.registry.officer(&o.code);
            let unit = o.unit.as_ref().and_then(|u| r.registry.unit(u));
            let gender = match officer.map(|x| x.gender) {
                Some(Gender::Female) => ctx.fill(&ctx.t.report.female, &[]),
                Some(Gender::Male) => ctx.fill(&ctx.t.report.male, &[]),
                None => blank.clone(),
            };
            (
                ctx.unit_name(o),
                officer.map(|x| x.position.clone()).unwrap_or_default(),
                unit.and_then(|u| u.head.clone()),
                gender,
            )
        }
    };
    let or_blank = |s: String| if s.trim().is_empty() { blank.clone() } else { s };
    vec![
        ("name", o.name.clone()),
        ("level", ctx.level_name(o)),
        ("unit", or_blank(unit)),
        ("position", or_blank(position)),
        ("head", or_blank(head.unwrap_or_default())),
        ("gender", gender),
    ]
}

fn document(ctx: &Ctx<'_>, o: &Outcome, c: &Candidate, slug: &str) -> Result<Document> {
    let t = &ctx.t.report;
    let side: &ReportSide = match o.audience {
        Audience::Collective => &t.collective,
        Audience::Individual => &t.individual,
    };
    let vars = nominee_vars(ctx, o);
    let heading =
        ctx.heading_of(ctx.fill(&side.parent_agency, &vars), ctx.fill_all(&side.agency, &vars), String::new());
    let mut docx = layout::document(&ctx.r.generated_at.to_rfc3339()).add_table(layout::heading_block(&heading));
    for p in layout::title(&ctx.fill(&t.kind, &vars), &[ctx.fill(&t.subject, &vars)]) {
        docx = docx.add_paragraph(p);
    }
    docx = docx
        .add_paragraph(layout::line(&ctx.fill(&t.context, &vars), Look::ITALIC, AlignmentType::Center))
        .add_paragraph(layout::blank_line())
        .add_paragraph(layout::heading(&ctx.fill(&side.nominee, &vars)))
        .add_paragraph(layout::heading(&super::format::upper(&ctx.fill(&side.profile_heading, &vars))));
    for text in ctx.fill_all(&side.profile, &vars) {
        docx = docx.add_paragraph(layout::body(&format!("- {text}")));
    }
    docx = docx
        .add_paragraph(layout::heading(&super::format::upper(&ctx.fill(&t.achievements_heading, &vars))))
        .add_paragraph(layout::body(&ctx.fill(&t.achievements_intro, &vars)));
    for f in &t.figures {
        if let Some(text) = figure(ctx, c, f, &vars)? {
            docx = docx.add_paragraph(layout::body(&format!("- {text}")));
        }
    }
    let met = criteria_met(o);
    if !met.is_empty() {
        docx = docx.add_paragraph(layout::body(&ctx.fill(&t.criteria_intro, &vars)));
        for name in met {
            docx = docx.add_paragraph(layout::body(&format!("- {name}.")));
        }
    }
    if !t.narrative.is_empty() {
        docx = docx.add_paragraph(layout::body(&ctx.fill(&t.narrative, &vars)));
    }
    docx = docx
        .add_paragraph(layout::heading(&super::format::upper(&ctx.fill(&t.titles_heading, &vars))))
        .add_table(titles(ctx, c, &vars)?)
        .add_paragraph(layout::blank_line())
        .add_table(layout::signatures(
            &SignColumn::Signer {
                lines: vec![ctx.fill(&side.left_sign, &vars)],
                note: ctx.fill(&side.left_note, &vars),
                name: String::new(),
            },
            &SignColumn::Signer {
                lines: vec![ctx.fill(&side.right_sign, &vars)],
                note: ctx.fill(&side.right_note, &vars),
                name: {
                    let name = ctx.fill(&side.right_name, &vars);
                    if name == ctx.t.common.blank { String::new() } else { name }
                },
            },
        ));
    let mut file_vars = vars.clone();
    file_vars.push(("slug", slug.to_string()));
    Ok(Document {
        file_name: format!("{}.docx", ctx.fill(&t.file, &file_vars)),
        title: format!("{}: {} ({})", ctx.fill(&t.kind, &vars), o.name, ctx.level_name(o)),
        bytes: layout::pack(docx)?,
    })
}

/// The names of the criteria met at the proposed level (not those that did not apply).
fn criteria_met(o: &Outcome) -> Vec<&str> {
    let mut out: Vec<&str> = Vec::new();
    for k in o.checks.iter().filter(|k| Some(&k.level) == o.level.as_ref() && k.verdict == Verdict::Met) {
        if !out.contains(&k.name.as_str()) {
            out.push(&k.name);
        }
    }
    out
}

fn num(c: &Candidate, key: &str) -> Option<f64> {
    match c.facts.get(key) {
        Some(Fact::Num(x)) => Some(*x),
        _ => None,
    }
}

/// A title code's name, or the problem to fix.
fn title_name(ctx: &Ctx<'_>, code: &str) -> Result<String> {
    match ctx.t.common.titles.get(code) {
        Some(n) => Ok(n.clone()),
        None => bail!("danh hiệu \"{code}\" chưa có tên trong [titles] của {COMMON_FILE}: thêm {code} = \"…\""),
    }
}

/// One figure line, or `None` when the candidate has no such fact (or a false one).
fn figure(ctx: &Ctx<'_>, c: &Candidate, f: &Figure, vars: &[(&'static str, String)]) -> Result<Option<String>> {
    if let Some(a) = f.applies_if
        && c.facts.get(a.key()) != Some(&Fact::Bool(true))
    {
        return Ok(None);
    }
    let key = f.fact.key();
    let fact = c.facts.get(key);
    let mut of = String::new();
    let value = match (f.fact, fact) {
        (FactKind::Score(_), Some(Fact::Num(x))) => decimal(*x, 2),
        (FactKind::Rate(_), Some(Fact::Num(x))) => percent(*x),
        (FactKind::Count(_), Some(Fact::Num(x))) => integer(*x),
        (FactKind::Rank(_), Some(Fact::Num(x))) => {
            let ranked = ctx.r.candidates.iter().filter(|o| o.audience == c.audience && num(o, key).is_some()).count();
            of = ranked.to_string();
            integer(*x)
        }
        (FactKind::Label(_), Some(Fact::Text(s))) => s.clone(),
        (FactKind::Flag(_), Some(Fact::Bool(true))) => String::new(),
        (FactKind::Title(_), Some(Fact::Text(code))) => title_name(ctx, code)?,
        (FactKind::Roles(_), Some(Fact::List(codes))) if !codes.is_empty() => {
            let mut names = Vec::new();
            for code in codes {
                match ctx.t.common.advising_roles.get(code) {
                    Some(n) => names.push(n.clone()),
                    None => bail!(
                        "vai trò tham mưu \"{code}\" chưa có tên trong [advising_roles] của {COMMON_FILE}: thêm {code} = \"…\""
                    ),
                }
            }
            names.join("; ")
        }
        _ => return Ok(None),
    };
    let mut v = vars.to_vec();
    v.push(("value", value));
    v.push(("of", of));
    v.push(("note", c.notes.get(key).map(|n| vn_dates(n)).unwrap_or_default()));
    Ok(Some(ctx.fill(&f.text, &v)))
}

fn titles(ctx: &Ctx<'_>, c: &Candidate, vars: &[(&'static str, String)]) -> Result<docx_rs::Table> {
    let t = &ctx.t.report;
    let blank = ctx.t.common.blank.clone();
    let headers: Vec<String> = t.titles_columns.iter().map(|h| ctx.fill(h, vars)).collect();
    let mut grid = Grid::new(&headers, &[12, 40, 48]);
    let align = [AlignmentType::Center, AlignmentType::Left, AlignmentType::Left];
    match c.facts.get("annual_title") {
        Some(Fact::Text(code)) => grid.row(&[ctx.r.year.to_string(), title_name(ctx, code)?, blank], &align),
        // The year column is narrow: a shorter blank keeps it on one line.
        _ => grid.row(&[blank.chars().take(3).collect(), blank.clone(), blank], &align),
    }
    Ok(grid.table())
}
