//! Dates, through `jiff`: RFC 3339 timestamps (auth.json) and HTTP dates
//! (clock skew) to Unix seconds, the local time of usbide's log, and spans
//! for people.

use std::str::FromStr;

/// `2026-11-20T10:00:00Z`, `...00.123456Z` or `...+02:00` to Unix seconds.
pub fn parse_rfc3339(text: &str) -> Option<i64> {
    jiff::Timestamp::from_str(text.trim())
        .ok()
        .map(|t| t.as_second())
}

/// An HTTP `Date` (IMF-fixdate: `Wed, 25 Nov 2026 12:00:00 GMT`) to Unix
/// seconds; only GMT, as HTTP requires.
pub fn parse_http_date(text: &str) -> Option<i64> {
    let text = text.trim();
    if !text.ends_with(" GMT") {
        return None;
    }
    jiff::fmt::rfc2822::parse(text)
        .ok()
        .map(|z| z.timestamp().as_second())
}

/// Now as RFC 3339 in the computer's local time, to the second
/// (`2026-11-25T20:15:03+01:00`), for usbide's log.
pub fn local_rfc3339() -> String {
    jiff::Zoned::now()
        .strftime("%Y-%m-%dT%H:%M:%S%:z")
        .to_string()
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
    fn the_log_time_is_rfc3339_local() {
        let t = local_rfc3339();
        assert!(
            parse_rfc3339(&t).is_some_and(|s| (s - now()).abs() < 5),
            "{t}"
        );
        assert_eq!(t.len(), "2026-11-25T20:15:03+01:00".len(), "{t}");
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
