//! Biên bản họp Hội đồng Thi đua - Khen thưởng: who sat, what was considered, the vote on
//! each nominee and the conclusion.
//!
//! The council comes from `bien-ban.toml`, its members named from `config/officers.toml` where
//! the template gives an officer id, else as the template writes them, else left blank to fill
//! by hand. Votes are printed only when they were recorded ([`Votes`]); otherwise "…/…": the
//! minutes record what happened in the room, so the program never guesses a count.

use anyhow::{Result, bail};
use docx_rs::AlignmentType;

use super::format::{decimal, roman, upper};
use super::layout::{self, Grid, SignColumn};
use super::templates::{CouncilMember, Role};
use super::{Ctx, Document, Votes};
use crate::score::{Audience, Outcome};

/// A council member's name and position, resolved.
struct Seat {
    role: Role,
    name: String,
    position: String,
}

fn seats(ctx: &Ctx<'_>) -> Result<Vec<Seat>> {
    let blank = &ctx.t.common.blank;
    ctx.t
        .minutes
        .council
        .iter()
        .map(|m: &CouncilMember| {
            let (name, position) = match &m.officer {
                Some(id) => match ctx.r.registry.officer(id) {
                    Some(o) => (o.name.clone(), o.position.clone()),
                    None => {
                        bail!("{}: cán bộ \"{id}\" không có trong danh sách cán bộ (config/officers.toml)", m.place)
                    }
                },
                None => (m.name.clone(), m.position.clone()),
            };
            let or_blank = |s: String| if s.trim().is_empty() { blank.clone() } else { s };
            Ok(Seat { role: m.role, name: or_blank(name), position: or_blank(position) })
        })
        .collect()
}

pub(super) fn document(ctx: &Ctx<'_>, votes: &Votes) -> Result<Document> {
    let t = &ctx.t.minutes;
    let blank = ctx.t.common.blank.clone();
    let groups = ctx.groups();
    let all: Vec<&Outcome> = groups.iter().flat_map(|g| g.outcomes.iter().copied()).collect();
    let seats = seats(ctx)?;
    let mut vars = vec![("candidates", ctx.r.outcomes.len().to_string()), ("members", seats.len().to_string())];
    vars.extend(ctx.counts(&all));
    let seat_vars = |s: &Seat| {
        let mut v = vars.clone();
        v.extend([
            ("name", s.name.clone()),
            ("position", s.position.clone()),
            ("role", t.role_name(s.role).to_string()),
        ]);
        v
    };
    let nobody = |role| Seat { role, name: blank.clone(), position: blank.clone() };
    let (no_chair, no_secretary) = (nobody(Role::Chair), nobody(Role::Secretary));
    let chair = seats.iter().find(|s| s.role == Role::Chair).unwrap_or(&no_chair);
    let secretary = seats.iter().find(|s| s.role == Role::Secretary).unwrap_or(&no_secretary);

    let mut docx = layout::document(&ctx.r.generated_at.to_rfc3339())
        .add_table(layout::heading_block(&ctx.heading(&t.issuer, true)));
    for p in layout::title(&ctx.fill(&t.kind, &vars), &[ctx.fill(&t.subject, &vars)]) {
        docx = docx.add_paragraph(p);
    }
    for text in ctx.fill_all(&t.opening, &vars) {
        docx = docx.add_paragraph(layout::body(&text));
    }
    docx = docx
        .add_paragraph(layout::heading(&upper(&ctx.fill(&t.attendance_heading, &vars))))
        .add_paragraph(layout::body(&ctx.fill(&t.chair, &seat_vars(chair))))
        .add_paragraph(layout::body(&ctx.fill(&t.secretary, &seat_vars(secretary))))
        .add_paragraph(layout::body(&ctx.fill(&t.members_intro, &vars)));
    for s in seats.iter().filter(|s| !matches!(s.role, Role::Chair | Role::Secretary)) {
        docx = docx.add_paragraph(layout::body(&ctx.fill(&t.member_line, &seat_vars(s))));
    }
    docx = docx
        .add_paragraph(layout::body(&ctx.fill(&t.absent, &vars)))
        .add_paragraph(layout::heading(&upper(&ctx.fill(&t.content_heading, &vars))));
    for text in ctx.fill_all(&t.content, &vars) {
        docx = docx.add_paragraph(layout::body(&text));
    }
    docx = docx
        .add_paragraph(layout::heading(&upper(&ctx.fill(&t.votes_heading, &vars))))
        .add_table(vote_table(ctx, votes, &vars))
        .add_paragraph(layout::heading(&upper(&ctx.fill(&t.conclusion_heading, &vars))));
    for text in ctx.fill_all(&t.conclusion, &vars) {
        docx = docx.add_paragraph(layout::body(&text));
    }
    let mut levels: Vec<(&str, Vec<&Outcome>)> = Vec::new();
    for g in &groups {
        match levels.iter_mut().find(|(l, _)| *l == g.level.name) {
            Some((_, list)) => list.extend(g.outcomes.iter().copied()),
            None => levels.push((&g.level.name, g.outcomes.clone())),
        }
    }
    for (level, list) in &levels {
        let mut v = vars.clone();
        v.extend(ctx.counts(list));
        v.push(("level", level.to_string()));
        docx = docx.add_paragraph(layout::body(&ctx.fill(&t.conclusion_level, &v)));
    }
    for text in ctx.fill_all(&t.closing, &vars) {
        docx = docx.add_paragraph(layout::body(&text));
    }
    let note = ctx.fill(&t.sign_note, &vars);
    let signer = |title: String, s: &Seat| SignColumn::Signer {
        lines: vec![title],
        note: note.clone(),
        name: if s.name == blank { String::new() } else { s.name.clone() },
    };
    docx = docx.add_paragraph(layout::blank_line()).add_table(layout::signatures(
        &signer(ctx.fill(&t.left_sign, &vars), secretary),
        &signer(ctx.fill(&t.right_sign, &vars), chair),
    ));
    Ok(Document {
        file_name: format!("{}.docx", ctx.fill(&t.file, &vars)),
        title: format!("{} {}", ctx.fill(&t.kind, &vars), in_title(&ctx.fill(&t.subject, &vars))),
        bytes: layout::pack(docx)?,
    })
}

/// "Họp Hội đồng…" → "họp Hội đồng…" after the kind of document.
fn in_title(subject: &str) -> String {
    super::in_sentence(subject)
}

fn vote_table(ctx: &Ctx<'_>, votes: &Votes, vars: &[(&'static str, String)]) -> docx_rs::Table {
    let t = &ctx.t.minutes;
    let headers: Vec<String> = t.columns.iter().map(|c| ctx.fill(c, vars)).collect();
    let mut grid = Grid::new(&headers, &[9, 34, 27, 16, 14]);
    let align =
        [AlignmentType::Center, AlignmentType::Left, AlignmentType::Left, AlignmentType::Center, AlignmentType::Center];
    let (mut n, mut level_no, mut current) = (0, 0, String::new());
    for g in ctx.groups() {
        if g.level.code != current {
            current = g.level.code.clone();
            level_no += 1;
            grid.span_row(&format!("{}. {}", roman(level_no), upper(&g.level.name)));
        }
        grid.span_row(&ctx.fill(
            match g.audience {
                Audience::Collective => &t.collectives,
                Audience::Individual => &t.individuals,
            },
            vars,
        ));
        for o in &g.outcomes {
            n += 1;
            let (count, share) = match votes.of(o) {
                Some(v) if v.total > 0 => (
                    format!("{}/{}", v.agree, v.total),
                    format!("{}%", decimal(f64::from(v.agree) * 100.0 / f64::from(v.total), 2)),
                ),
                _ => ("…/…".to_string(), "…%".to_string()),
            };
            grid.row(&[n.to_string(), o.name.clone(), g.level.name.clone(), count, share], &align);
        }
    }
    grid.table()
}
