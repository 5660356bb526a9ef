//! Typed readings of condition values, shared by the parser (policy side) and the evaluator
//! (request side), so that both sides read a date or an address the same way.

use std::net::IpAddr;

use ipnet::IpNet;
use time::format_description::well_known::{Iso8601, Rfc3339};
use time::macros::format_description;
use time::{Date, OffsetDateTime, PrimitiveDateTime};

/// A number: integer or decimal, as `NumericEquals` and friends compare them.
pub fn parse_number(s: &str) -> Option<f64> {
    let t = s.trim();
    if t.is_empty() {
        return None;
    }
    t.parse::<f64>().ok().filter(|n| n.is_finite())
}

/// A W3C/ISO-8601 date or date-time, or epoch seconds, as nanoseconds since the epoch.
/// A date-time without an offset is UTC; a date alone is its midnight UTC.
pub fn parse_date(s: &str) -> Option<i128> {
    let t = s.trim();
    if let Some(n) = parse_epoch(t) {
        return Some(n);
    }
    if let Ok(d) = OffsetDateTime::parse(t, &Rfc3339) {
        return Some(d.unix_timestamp_nanos());
    }
    if let Ok(d) = OffsetDateTime::parse(t, &Iso8601::DEFAULT) {
        return Some(d.unix_timestamp_nanos());
    }
    if let Ok(d) = PrimitiveDateTime::parse(t, &Iso8601::DEFAULT) {
        return Some(d.assume_utc().unix_timestamp_nanos());
    }
    let date_only = format_description!("[year]-[month]-[day]");
    if let Ok(d) = Date::parse(t, &date_only) {
        return Some(d.midnight().assume_utc().unix_timestamp_nanos());
    }
    None
}

fn parse_epoch(t: &str) -> Option<i128> {
    let (int, frac) = match t.split_once('.') {
        Some((i, f)) => (i, f),
        None => (t, ""),
    };
    let digits = int.strip_prefix('-').unwrap_or(int);
    if digits.is_empty()
        || !digits.bytes().all(|b| b.is_ascii_digit())
        || !frac.bytes().all(|b| b.is_ascii_digit())
        || digits.len() > 15
    {
        return None;
    }
    let secs: i128 = int.parse().ok()?;
    let mut nanos: i128 = 0;
    for (i, b) in frac.bytes().take(9).enumerate() {
        let exp = u32::try_from(8 - i).ok()?;
        nanos += i128::from(b - b'0') * 10i128.pow(exp);
    }
    let sign = if int.starts_with('-') { -1 } else { 1 };
    Some(secs * 1_000_000_000 + sign * nanos)
}

/// `true`/`false`, in any case.
pub fn parse_bool(s: &str) -> Option<bool> {
    if s.eq_ignore_ascii_case("true") {
        Some(true)
    } else if s.eq_ignore_ascii_case("false") {
        Some(false)
    } else {
        None
    }
}

/// A CIDR block, or a bare address (a /32 or /128 network).
pub fn parse_ip_net(s: &str) -> Option<IpNet> {
    let t = s.trim();
    if let Ok(n) = t.parse::<IpNet>() {
        return Some(n);
    }
    t.parse::<IpAddr>().ok().map(IpNet::from)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_in_all_accepted_forms() {
        let z = parse_date("2023-03-01T10:00:00Z").unwrap();
        assert_eq!(parse_date("1677664800"), Some(z));
        assert_eq!(parse_date("2023-03-01T11:00:00+01:00"), Some(z));
        assert_eq!(parse_date("2023-03-01T10:00:00.000Z"), Some(z));
        assert_eq!(parse_date("2023-03-01T10:00:00"), Some(z));
        assert!(parse_date("2023-03-01").unwrap() < z);
        assert_eq!(parse_date("1677664800.5").unwrap() - z, 500_000_000);
        assert_eq!(parse_date("yesterday"), None);
    }

    #[test]
    fn numbers_bools_ips() {
        assert_eq!(parse_number(" 3600 "), Some(3600.0));
        assert_eq!(parse_number("1.5"), Some(1.5));
        assert_eq!(parse_number("abc"), None);
        assert_eq!(parse_number("NaN"), None);
        assert_eq!(parse_bool("TRUE"), Some(true));
        assert_eq!(parse_bool("yes"), None);
        let n = parse_ip_net("203.0.113.0/24").unwrap();
        assert!(n.contains(&"203.0.113.9".parse::<IpAddr>().unwrap()));
        assert_eq!(parse_ip_net("203.0.113.9").unwrap().prefix_len(), 32);
        assert_eq!(parse_ip_net("2001:db8::1").unwrap().prefix_len(), 128);
        assert!(parse_ip_net("300.1.1.1").is_none());
    }
}
