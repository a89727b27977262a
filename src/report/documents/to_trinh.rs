//! Tờ trình đề nghị khen thưởng, with the Danh sách đề nghị khen thưởng as its annex.
//!
//! One Tờ trình per `[[document]]` of `to-trinh.toml`: each proposing body writes to the level
//! that decides (the ward's People's Committee to the city for the province's Bằng khen and
//! the city's Giấy khen; the council to the ward chairman for the ward's Giấy khen). The list
//! is one grid, numbered by level (I, II…) and audience (A. Tập thể, B. Cá nhân), with group
//! rows inside the table so it prints as one table, its header repeated on every page.

use anyhow::{Result, bail};
use docx_rs::AlignmentType;

use super::format::{integer, roman, upper};
use super::layout::{self, Grid, Look, SignColumn};
use super::templates::{PROPOSAL_FILE, ProposalDoc};
use super::{Ctx, Document, Group};
use crate::score::{Audience, Outcome};

pub(super) fn documents(ctx: &Ctx<'_>) -> Result<Vec<Document>> {
    let groups = ctx.groups();
    let docs = &ctx.t.proposal.documents;
    for g in &groups {
        if !docs.iter().any(|d| d.levels.contains(&g.level.code)) {
            bail!(
                "hình thức \"{}\" ({}) có người được đề nghị nhưng không thuộc [[document]] nào của {PROPOSAL_FILE}: \
                 thêm mã này vào levels của một tờ trình",
                g.level.name,
                g.level.code
            );
        }
    }
    let mut out = Vec::new();
    for d in docs {
        let mine: Vec<&Group<'_>> = groups.iter().filter(|g| d.levels.contains(&g.level.code)).collect();
        if !mine.is_empty() {
            out.push(document(ctx, d, &mine)?);
        }
    }
    Ok(out)
}

fn document(ctx: &Ctx<'_>, d: &ProposalDoc, groups: &[&Group<'_>]) -> Result<Document> {
    let t = &ctx.t.proposal;
    let all: Vec<&Outcome> = groups.iter().flat_map(|g| g.outcomes.iter().copied()).collect();
    let agency = ctx.agency_name(&d.issuer);
    let mut vars = vec![
        ("agency", agency.clone()),
        ("recipient", ctx.fill(&d.recipient, &[])),
        ("symbol", d.issuer.symbol.clone()),
        ("candidates", ctx.r.outcomes.len().to_string()),
    ];
    vars.extend(ctx.counts(&all));

    let mut docx = layout::document(&ctx.r.generated_at.to_rfc3339())
        .add_table(layout::heading_block(&ctx.heading(&d.issuer, true)));
    for p in layout::title(&ctx.fill(&t.kind, &vars), &[ctx.fill(&t.subject, &vars)]) {
        docx = docx.add_paragraph(p);
    }
    let to: Vec<String> = d.to.iter().map(|x| ctx.fill(x, &vars)).collect();
    for p in layout::addressees(&ctx.fill(&t.to_label, &vars), &to) {
        docx = docx.add_paragraph(p);
    }
    for text in ctx.legal_bases().iter().chain(&ctx.fill_all(&t.opening, &vars)) {
        docx = docx.add_paragraph(layout::body(text));
    }
    // One line per level, levels in the order of the rules.
    let mut levels: Vec<(&crate::score::Level, Vec<&Outcome>)> = Vec::new();
    for g in groups {
        match levels.iter_mut().find(|(l, _)| l.code == g.level.code) {
            Some((_, list)) => list.extend(g.outcomes.iter().copied()),
            None => levels.push((g.level, g.outcomes.clone())),
        }
    }
    for (i, (level, list)) in levels.iter().enumerate() {
        let mut v = vars.clone();
        v.extend(ctx.counts(list));
        v.push(("no", (i + 1).to_string()));
        v.push(("level", level.name.clone()));
        docx = docx.add_paragraph(layout::body(&ctx.fill(&t.level_line, &v)));
    }
    for text in std::iter::once(ctx.fill(&t.total, &vars)).chain(ctx.fill_all(&t.closing, &vars)) {
        docx = docx.add_paragraph(layout::body(&text));
    }
    docx = docx.add_paragraph(layout::blank_line()).add_table(layout::signatures(
        &SignColumn::Copies {
            label: ctx.fill(&ctx.t.common.copies_label, &vars),
            lines: ctx.fill_all(&d.copies, &vars),
        },
        &SignColumn::Signer {
            lines: vec![ctx.fill(&d.authority, &vars), ctx.fill(&d.signer_title, &vars)],
            note: String::new(),
            name: ctx.fill(&d.signer_name, &vars),
        },
    ));

    // The annex: the list.
    let l = &t.list;
    docx = docx
        .add_paragraph(layout::page_break())
        .add_paragraph(layout::line(&upper(&ctx.fill(&l.title, &vars)), Look::BOLD, AlignmentType::Center))
        .add_paragraph(layout::line(&ctx.fill(&l.subject, &vars), Look::BOLD, AlignmentType::Center))
        .add_paragraph(layout::line(&ctx.fill(&l.attached, &vars), Look::ITALIC, AlignmentType::Center))
        .add_paragraph(layout::blank_line())
        .add_table(list(ctx, groups, &vars));

    let names: Vec<&str> = levels.iter().map(|(l, _)| l.name.as_str()).collect();
    Ok(Document {
        file_name: format!("{}.docx", ctx.fill(&d.file, &vars)),
        title: format!("{} đề nghị khen thưởng ({})", ctx.fill(&t.kind, &vars), names.join("; ")),
        bytes: layout::pack(docx)?,
    })
}

fn list(ctx: &Ctx<'_>, groups: &[&Group<'_>], vars: &[(&'static str, String)]) -> docx_rs::Table {
    let l = &ctx.t.proposal.list;
    let headers: Vec<String> = l.columns.iter().map(|c| ctx.fill(c, vars)).collect();
    let mut grid = Grid::new(&headers, &[8, 28, 27, 21, 16]);
    let align =
        [AlignmentType::Center, AlignmentType::Left, AlignmentType::Left, AlignmentType::Left, AlignmentType::Right];
    let mut level_no = 0;
    let mut current = "";
    let mut letter = 0;
    for g in groups {
        if g.level.code != current {
            current = &g.level.code;
            level_no += 1;
            letter = 0;
            grid.span_row(&format!("{}. {}", roman(level_no), upper(&g.level.name)));
        }
        let count = [("count", g.outcomes.len().to_string())];
        let label = match g.audience {
            Audience::Collective => ctx.fill(&l.collectives, &count),
            Audience::Individual => ctx.fill(&l.individuals, &count),
        };
        grid.span_row(&format!("{}. {label}", ["A", "B"][letter.min(1)]));
        letter += 1;
        for (i, o) in g.outcomes.iter().enumerate() {
            grid.row(
                &[
                    (i + 1).to_string(),
                    o.name.clone(),
                    ctx.position(o),
                    g.level.name.clone(),
                    ctx.prize(o).map(integer).unwrap_or_default(),
                ],
                &align,
            );
        }
    }
    let all: Vec<&Outcome> = groups.iter().flat_map(|g| g.outcomes.iter().copied()).collect();
    let counts = ctx.counts(&all);
    let total = counts.iter().find(|(k, _)| *k == "prize").map(|(_, v)| v.clone()).unwrap_or_default();
    grid.total_row(&ctx.fill(&l.total, &counts), &total);
    grid.table()
}
