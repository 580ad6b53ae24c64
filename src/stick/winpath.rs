//! Windows path rules as pure string code, so Linux tests cover them.
//!
//! Windows hands usbide paths in several spellings of the same place:
//! `\\?\E:\usbide`, `e:/usbide`, `E:\USBIDE\`. These helpers reduce them to
//! one comparable form: verbatim prefix removed, backslashes, no trailing
//! separator, and compared without regard to case.

/// Remove the `\\?\` (and `\\?\UNC\`) prefix that `canonicalize` adds.
pub fn strip_verbatim(path: &str) -> String {
    if let Some(rest) = path.strip_prefix(r"\\?\UNC\") {
        format!(r"\\{rest}")
    } else if let Some(rest) = path.strip_prefix(r"\\?\") {
        rest.to_string()
    } else {
        path.to_string()
    }
}

/// The drive letter of `E:\x`, `e:`, `\\?\E:\x`, upper-cased.
pub fn drive_letter(path: &str) -> Option<char> {
    let plain = strip_verbatim(path);
    let mut chars = plain.chars();
    match (chars.next(), chars.next()) {
        (Some(letter), Some(':')) if letter.is_ascii_alphabetic() => {
            Some(letter.to_ascii_uppercase())
        }
        _ => None,
    }
}

/// The root of the volume holding `path`, as Windows APIs want it:
/// `E:\` for drive paths, `\\server\share\` for UNC paths.
pub fn drive_root(path: &str) -> Option<String> {
    if let Some(letter) = drive_letter(path) {
        return Some(format!("{letter}:\\"));
    }
    let plain = strip_verbatim(path).replace('/', "\\");
    let rest = plain.strip_prefix("\\\\")?;
    let mut parts = rest.split('\\').filter(|p| !p.is_empty());
    let (server, share) = (parts.next()?, parts.next()?);
    Some(format!("\\\\{server}\\{share}\\"))
}

/// The comparable form: no verbatim prefix, `\` separators, no trailing `\`
/// (except a drive root), lower case.
pub fn normalize(path: &str) -> String {
    let mut p = strip_verbatim(path).replace('/', "\\").to_lowercase();
    while p.ends_with('\\') && !is_drive_root(&p) && p.len() > 1 {
        p.pop();
    }
    if p.len() == 2 && p.ends_with(':') {
        p.push('\\');
    }
    p
}

fn is_drive_root(p: &str) -> bool {
    p.len() == 3 && p.ends_with(":\\")
}

/// Whether `path` is `dir` or lies inside it, the Windows way.
pub fn is_under(path: &str, dir: &str) -> bool {
    let (p, d) = (normalize(path), normalize(dir));
    if p == d {
        return true;
    }
    let prefix = if d.ends_with('\\') {
        d
    } else {
        format!("{d}\\")
    };
    p.starts_with(&prefix)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn volume_roots() {
        assert_eq!(
            drive_root(r"\\?\e:\Clé USB\usbide").as_deref(),
            Some(r"E:\")
        );
        assert_eq!(drive_root("F:").as_deref(), Some(r"F:\"));
        assert_eq!(
            drive_root(r"\\?\UNC\srv\share\x\y").as_deref(),
            Some(r"\\srv\share\")
        );
        assert_eq!(drive_root("/media/usb"), None);
        assert_eq!(drive_root(r"\\srv"), None);
    }

    #[test]
    fn verbatim_prefixes_are_removed() {
        assert_eq!(strip_verbatim(r"\\?\E:\usbide"), r"E:\usbide");
        assert_eq!(strip_verbatim(r"\\?\UNC\srv\share\x"), r"\\srv\share\x");
        assert_eq!(strip_verbatim(r"E:\usbide"), r"E:\usbide");
    }

    #[test]
    fn drive_letters() {
        assert_eq!(drive_letter(r"e:\usbide\usbide.exe"), Some('E'));
        assert_eq!(drive_letter(r"\\?\F:\"), Some('F'));
        assert_eq!(drive_letter("G:"), Some('G'));
        assert_eq!(drive_letter(r"\\srv\share"), None);
        assert_eq!(drive_letter("/media/stick"), None);
        assert_eq!(drive_letter("1:"), None);
    }

    #[test]
    fn spellings_of_one_place_compare_equal() {
        assert_eq!(normalize(r"\\?\E:\USBIDE\"), normalize("e:/usbide"));
        assert_eq!(normalize("E:"), r"e:\");
        assert_eq!(normalize(r"E:\"), r"e:\");
    }

    #[test]
    fn containment_ignores_case_and_needs_a_separator() {
        assert!(is_under(r"E:\Tools\usbide.exe", r"e:\"));
        assert!(is_under(
            r"C:\Users\Ann\AppData\Local\Temp\Temp1_x.zip\usbide.exe",
            r"c:\users\ann\appdata\local\temp"
        ));
        assert!(!is_under(r"C:\Temporary\x", r"C:\Temp"));
        assert!(is_under(r"C:\Temp", r"c:\temp\"));
    }
}
