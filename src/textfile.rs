//! The text files usbide edits by hand of the user (`config.toml`,
//! `usbide.toml`): what must stay as the user wrote it (a byte-order mark,
//! CRLF line ends, the comments above a key that goes).

use toml_edit::{DocumentMut, Item};

pub const BOM: &str = "\u{feff}";

/// Whether most line ends of `text` are CRLF.
pub fn uses_crlf(text: &str) -> bool {
    let crlf = text.matches("\r\n").count();
    crlf > 0 && crlf * 2 >= text.matches('\n').count()
}

/// Every bare `\n` of `text` as `\r\n` (the lines usbide added).
pub fn to_crlf(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 16);
    let mut prev = '\0';
    for c in text.chars() {
        if c == '\n' && prev != '\r' {
            out.push('\r');
        }
        out.push(c);
        prev = c;
    }
    out
}

/// Remove a top-level `key`, handing the comment lines and blank lines above
/// it (its key's prefix decor) to whatever is written next: the next
/// key-value, else the first table header, else the end of the document.
pub fn remove_keeping_comments(doc: &mut DocumentMut, key: &str) {
    let root = doc.as_table_mut();
    let prefix = root
        .key(key)
        .and_then(|k| k.leaf_decor().prefix())
        .and_then(|p| p.as_str())
        .unwrap_or_default();
    // Only whole lines move; the indentation of the removed line goes with it.
    let above = prefix
        .rfind('\n')
        .map_or(String::new(), |i| prefix[..=i].to_string());
    let next = root
        .iter()
        .skip_while(|(k, _)| *k != key)
        .skip(1)
        .find(|(_, item)| item.is_value())
        .map(|(k, _)| k.to_string());
    root.remove(key);
    if above.is_empty() {
        return;
    }
    if let Some(next) = next
        && let Some(mut k) = root.key_mut(&next)
    {
        let decor = k.leaf_decor_mut();
        let old = raw(decor.prefix());
        decor.set_prefix(format!("{above}{old}"));
        return;
    }
    if let Some(table) = first_header(root) {
        let decor = table.decor_mut();
        let old = raw(decor.prefix());
        decor.set_prefix(format!("{above}{old}"));
        return;
    }
    let trailing = doc.trailing().as_str().unwrap_or_default().to_string();
    doc.set_trailing(format!("{above}{trailing}"));
}

fn raw(s: Option<&toml_edit::RawString>) -> String {
    s.and_then(|r| r.as_str()).unwrap_or_default().to_string()
}

/// The table whose `[header]` is written first after the top-level keys.
fn first_header(root: &mut toml_edit::Table) -> Option<&mut toml_edit::Table> {
    type Path = Vec<(String, Option<usize>)>;
    fn collect(table: &toml_edit::Table, path: &mut Path, best: &mut Option<(isize, Path)>) {
        for (key, item) in table.iter() {
            let tables: Vec<(Option<usize>, &toml_edit::Table)> = match item {
                Item::Table(t) => vec![(None, t)],
                Item::ArrayOfTables(a) => a.iter().enumerate().map(|(i, t)| (Some(i), t)).collect(),
                _ => continue,
            };
            for (index, t) in tables {
                path.push((key.to_string(), index));
                if !t.is_dotted()
                    && !t.is_implicit()
                    && let Some(pos) = t.position()
                    && best.as_ref().is_none_or(|(b, _)| pos < *b)
                {
                    *best = Some((pos, path.clone()));
                }
                collect(t, path, best);
                path.pop();
            }
        }
    }
    let mut best = None;
    collect(root, &mut Vec::new(), &mut best);
    let mut table = root;
    for (key, index) in best?.1 {
        table = match (table.get_mut(&key)?, index) {
            (Item::Table(t), None) => t,
            (Item::ArrayOfTables(a), Some(i)) => a.get_mut(i)?,
            _ => return None,
        };
    }
    Some(table)
}
