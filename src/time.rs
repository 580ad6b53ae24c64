//! The little date arithmetic usbide needs, without a date library: RFC 3339
//! timestamps (auth.json) and HTTP dates (clock skew) to Unix seconds, and
//! spans for people.

/// `2026-11-20T10:00:00Z`, `...00.123456Z` or `...+02:00` to Unix seconds.
pub fn parse_rfc3339(text: &str) -> Option<i64> {
    let t = text.trim();
    let num = |r: std::ops::Range<usize>| t.get(r)?.parse::<i64>().ok();
    let (y, mo, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (h, mi, s) = (num(11..13)?, num(14..16)?, num(17..19)?);
    if t.get(4..5)? != "-" || !matches!(t.get(10..11)?, "T" | "t" | " ") {
        return None;
    }
    let rest = t.get(19..)?;
    let rest = rest
        .strip_prefix('.')
        .map_or(rest, |r| r.trim_start_matches(|c: char| c.is_ascii_digit()));
    let offset = match rest {
        "Z" | "z" => 0,
        r if r.len() == 6 && (r.starts_with('+') || r.starts_with('-')) => {
            let sign = if r.starts_with('-') { -1 } else { 1 };
            sign * (r.get(1..3)?.parse::<i64>().ok()? * 3600
                + r.get(4..6)?.parse::<i64>().ok()? * 60)
        }
        _ => return None,
    };
    Some(days_from_civil(y, mo, d) * 86_400 + h * 3600 + mi * 60 + s - offset)
}

/// An HTTP `Date` (IMF-fixdate: `Wed, 25 Nov 2026 12:00:00 GMT`) to Unix seconds.
pub fn parse_http_date(text: &str) -> Option<i64> {
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let mut parts = text.split_whitespace().skip(1);
    let day: i64 = parts.next()?.parse().ok()?;
    let month_name = parts.next()?;
    let month = MONTHS.iter().position(|m| *m == month_name)? as i64 + 1;
    let year: i64 = parts.next()?.parse().ok()?;
    let mut hms = parts.next()?.split(':').map(|p| p.parse::<i64>().ok());
    let (h, m, s) = (hms.next()??, hms.next()??, hms.next()??);
    (parts.next()? == "GMT")
        .then(|| days_from_civil(year, month, day) * 86_400 + h * 3600 + m * 60 + s)
}

/// Days since 1970-01-01 (Howard Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (m + if m > 2 { -3 } else { 9 }) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// `3 days`, `5 hours`, `12 minutes`, `40 seconds`.
pub fn span(seconds: i64) -> String {
    span_in(seconds, crate::messages::Lang::En)
}

/// [`span`] in `lang` (`3 jours`); one and zero are singular in French.
pub fn span_in(seconds: i64, lang: crate::messages::Lang) -> String {
    let t = crate::messages::text(lang);
    let s = seconds.abs();
    let (n, one, many) = match s {
        0..=119 => (s, t.span_second, t.span_seconds),
        120..=7_199 => (s / 60, t.span_minute, t.span_minutes),
        7_200..=172_799 => (s / 3600, t.span_hour, t.span_hours),
        _ => (s / 86_400, t.span_day, t.span_days),
    };
    let singular = n == 1 || (n == 0 && lang == crate::messages::Lang::Fr);
    let template = if singular { one } else { many };
    crate::messages::fill(template, &[("n", &n.to_string())])
}

/// Now, in Unix seconds.
pub fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps() {
        assert_eq!(parse_rfc3339("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(parse_rfc3339("2000-03-01T00:00:00Z"), Some(951_868_800));
        assert_eq!(
            parse_rfc3339("2026-11-20T10:00:00.123456789Z"),
            Some(1_795_168_800)
        );
        assert_eq!(
            parse_rfc3339("2026-11-20T12:00:00+02:00"),
            Some(1_795_168_800)
        );
        assert_eq!(parse_rfc3339("yesterday"), None);
        assert_eq!(parse_rfc3339("2026-11-20T10:00:00"), None);
    }

    #[test]
    fn http_dates() {
        assert_eq!(parse_http_date("Thu, 01 Jan 1970 00:00:10 GMT"), Some(10));
        assert_eq!(
            parse_http_date("Fri, 20 Nov 2026 10:00:00 GMT"),
            Some(1_795_168_800)
        );
        assert_eq!(parse_http_date("Fri, 20 Nov 2026 10:00:00 CET"), None);
        assert_eq!(parse_http_date("garbage"), None);
    }

    #[test]
    fn spans_read_naturally() {
        assert_eq!(span(1), "1 second");
        assert_eq!(span(600), "10 minutes");
        assert_eq!(span(-3 * 86_400), "3 days");
        assert_eq!(span(5 * 3600), "5 hours");
        let fr = crate::messages::Lang::Fr;
        assert_eq!(span_in(-3 * 86_400, fr), "3 jours");
        assert_eq!(span_in(1, fr), "1 seconde");
        assert_eq!(span_in(0, fr), "0 seconde");
    }
}
