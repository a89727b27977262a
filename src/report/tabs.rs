//! Tab names an officer reads: a unit's card is "Thẻ Tư pháp - Hộ tịch", never its code.
//!
//! Excel refuses a tab name longer than 31 characters, one holding any of `[]:*?/\`, one
//! that starts or ends with an apostrophe, and two that differ only in case. A name is
//! cut at a word where it can (never mid-word when a space is near), keeps its diacritics,
//! and a tab that would read like an earlier one gets " (2)", " (3)", … within the 31.

/// Excel's limit on a tab name, in characters.
const MAX_CHARS: usize = 31;

/// One valid tab name for each of `names`, in order: `prefix` and the name, each unique.
pub(super) fn tab_names(prefix: &str, names: &[&str]) -> Vec<String> {
    let mut out: Vec<String> = Vec::with_capacity(names.len());
    // Names taken, in lower case; and per cut name the next number to try, so that a
    // province's 160 cards cut alike cost one look each, not a scan of every earlier tab.
    let mut taken = std::collections::HashSet::new();
    let mut next: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for name in names {
        let whole = format!("{prefix}{}", allowed(name));
        let mut tab = cut(&whole, MAX_CHARS);
        let mut n = next.get(&tab.to_lowercase()).copied().unwrap_or(2);
        let first = tab.to_lowercase();
        while taken.contains(&tab.to_lowercase()) {
            let suffix = format!(" ({n})");
            tab = format!("{}{suffix}", cut(&whole, MAX_CHARS - suffix.chars().count()));
            n += 1;
        }
        next.insert(first, n);
        taken.insert(tab.to_lowercase());
        out.push(tab);
    }
    out
}

/// The name with the characters Excel refuses in a tab replaced by ones that read alike.
fn allowed(name: &str) -> String {
    let replaced: String = name
        .chars()
        .map(|c| match c {
            '[' => '(',
            ']' => ')',
            ':' | '/' | '\\' => '-',
            '*' | '?' => ' ',
            c => c,
        })
        .collect();
    replaced.split_whitespace().collect::<Vec<_>>().join(" ").trim_matches('\'').to_string()
}

/// At most `max` characters: cut before the last word that does not fit (when that leaves
/// more than half), without a dangling dash, comma or apostrophe. A closing part in
/// brackets, "(xã 33)", is what tells a province's units apart: it is kept, and the name
/// before it is cut instead.
fn cut(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    if let Some(open) = text.rfind(" (").filter(|_| text.ends_with(')')) {
        let tail = &text[open..];
        if tail.chars().count() <= max / 2 {
            return format!("{}{tail}", cut_head(&text[..open], max - tail.chars().count()));
        }
    }
    cut_head(text, max)
}

/// [`cut`] without looking at brackets.
fn cut_head(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let head: String = text.chars().take(max).collect();
    let next_is_space = text.chars().nth(max).is_some_and(char::is_whitespace);
    let at_word = match head.rfind(' ') {
        Some(i) if !next_is_space && head[..i].chars().count() > max / 2 => &head[..i],
        _ => head.as_str(),
    };
    at_word.trim_end_matches([' ', '-', ',', '\'']).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chars(s: &str) -> usize {
        s.chars().count()
    }

    #[test]
    fn a_short_name_is_kept_with_its_marks() {
        assert_eq!(tab_names("Thẻ ", &["Tư pháp - Hộ tịch"]), ["Thẻ Tư pháp - Hộ tịch"]);
    }

    #[test]
    fn a_long_name_is_cut_at_a_word_to_31_characters() {
        let tabs = tab_names("Thẻ ", &["Bộ phận Địa chính - Xây dựng - Đô thị và Môi trường"]);
        assert_eq!(tabs, ["Thẻ Bộ phận Địa chính - Xây"]);
        assert!(chars(&tabs[0]) <= 31);
    }

    #[test]
    fn characters_excel_refuses_are_replaced() {
        let tabs = tab_names("Thẻ ", &["Tổ [A]: 1/2 * 3? \\ 4", "'Khu phố'"]);
        assert_eq!(tabs, ["Thẻ Tổ (A)- 1-2 3 - 4", "Thẻ Khu phố"]);
        assert!(tabs.iter().all(|t| !t.contains(['[', ']', ':', '*', '?', '/', '\\'])));
    }

    #[test]
    fn a_provinces_cards_keep_the_commune_that_tells_them_apart() {
        let names: Vec<String> =
            (1..=200).map(|i| format!("Bộ phận Lao động - Thương binh và Xã hội (xã {i:02})")).collect();
        let refs: Vec<&str> = names.iter().map(String::as_str).collect();
        let tabs = tab_names("Thẻ ", &refs);
        let unique: std::collections::HashSet<String> = tabs.iter().map(|t| t.to_lowercase()).collect();
        assert_eq!(unique.len(), 200);
        assert!(tabs.iter().all(|t| t.chars().count() <= MAX_CHARS), "{tabs:?}");
        assert_eq!(tabs[2], "Thẻ Bộ phận Lao động (xã 03)", "the commune is what tells them apart");
    }

    #[test]
    fn names_that_read_alike_once_cut_are_numbered() {
        let long = "Ban chỉ đạo chuyển đổi số phường Giếng Đáy";
        let tabs = tab_names("Thẻ ", &[long, long, "Khu phố 1", "KHU PHỐ 1", &format!("{long} 2")]);
        assert_eq!(
            tabs,
            [
                "Thẻ Ban chỉ đạo chuyển đổi số",
                "Thẻ Ban chỉ đạo chuyển đổi (2)",
                "Thẻ Khu phố 1",
                "Thẻ KHU PHỐ 1 (2)",
                "Thẻ Ban chỉ đạo chuyển đổi (3)"
            ]
        );
        assert!(tabs.iter().all(|t| chars(t) <= 31), "{tabs:?}");
    }
}
