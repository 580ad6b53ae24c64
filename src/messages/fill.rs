//! Filling a template's `{name}` placeholders with values.

/// A sentence about one file: `template` with `{path}` filled in.
pub fn about(template: &str, path: &std::path::Path) -> String {
    fill(template, &[("path", &path.display().to_string())])
}

/// A value the user typed, quoted the language's way: `"sometimes"` in
/// English, `« sometimes »` in French (control characters escaped).
pub fn quote(lang: super::Lang, value: &str) -> String {
    let debug = format!("{value:?}");
    let inner = &debug[1..debug.len() - 1];
    match lang {
        super::Lang::En => format!("\"{inner}\""),
        super::Lang::Fr => format!("«\u{a0}{}\u{a0}»", inner.replace("\\\"", "\"")),
    }
}

/// One of codex's status or change words (`completed`, `in_progress`,
/// `add`...) in `lang`; a word usbide does not know stays as codex wrote it.
pub fn codex_word(lang: super::Lang, word: &str) -> String {
    let t = super::text(lang);
    match word {
        "completed" => t.word_completed,
        "in_progress" => t.word_in_progress,
        "failed" => t.word_failed,
        "declined" => t.word_declined,
        "add" => t.change_add,
        "delete" => t.change_delete,
        "update" => t.change_update,
        other => return other.to_string(),
    }
    .to_string()
}

/// The words `items` as a choice: `a, b or c`, `a, b ou c`.
pub fn one_of(lang: super::Lang, items: &[&str]) -> String {
    let or = match lang {
        super::Lang::En => "or",
        super::Lang::Fr => "ou",
    };
    match items {
        [] => String::new(),
        [one] => (*one).to_string(),
        [rest @ .., last] => format!("{} {or} {last}", rest.join(", ")),
    }
}

/// `template` with each `{name}` replaced by its value; a name with no value
/// stays as it is.
pub fn fill(template: &str, values: &[(&str, &str)]) -> String {
    let mut out =
        String::with_capacity(template.len() + values.iter().map(|(_, v)| v.len()).sum::<usize>());
    let mut rest = template;
    // memchr: the renderer fills a template for most lines it writes.
    while let Some(open) = memchr::memchr(b'{', rest.as_bytes()) {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let value = memchr::memchr(b'}', after.as_bytes()).and_then(|close| {
            let name = &after[..close];
            values
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| (*v, close))
        });
        match value {
            Some((v, close)) => {
                out.push_str(v);
                rest = &after[close + 1..];
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}
