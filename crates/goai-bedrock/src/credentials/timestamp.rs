//! A small, strict parser for the timestamps credential sources send.
//!
//! Accepted: `YYYY-MM-DDTHH:MM:SS[.fraction](Z|UTC|+hh:mm|-hh:mm)`, with `t`/`z`
//! in either case (RFC 3339, plus the `UTC` suffix that AWS CLI v1 writes in
//! SSO token caches). Everything else is rejected.

use std::time::{Duration, SystemTime};

/// Parses an RFC 3339 timestamp; `None` when it is malformed or out of range.
pub(crate) fn parse_rfc3339(value: &str) -> Option<SystemTime> {
    let s = value.trim().as_bytes();
    let (date, rest) = s.split_at_checked(10)?;
    let year = digits(date.get(0..4)?)?;
    let month = digits(date.get(5..7)?)?;
    let day = digits(date.get(8..10)?)?;
    if date.get(4) != Some(&b'-') || date.get(7) != Some(&b'-') {
        return None;
    }
    let (sep, rest) = rest.split_first()?;
    if !matches!(sep, b'T' | b't') {
        return None;
    }
    let (time, mut rest) = rest.split_at_checked(8)?;
    let hour = digits(time.get(0..2)?)?;
    let minute = digits(time.get(3..5)?)?;
    let second = digits(time.get(6..8)?)?;
    if time.get(2) != Some(&b':') || time.get(5) != Some(&b':') {
        return None;
    }
    let mut nanos: u32 = 0;
    if let Some((b'.', after)) = rest.split_first() {
        let n = after.iter().take_while(|b| b.is_ascii_digit()).count();
        if n == 0 {
            return None;
        }
        let (fraction, after) = after.split_at(n);
        for (i, d) in fraction.iter().take(9).enumerate() {
            nanos += u32::from(d - b'0') * 10u32.pow(8 - i as u32);
        }
        rest = after;
    }
    let offset_secs: i64 = match rest {
        b"Z" | b"z" | b"UTC" => 0,
        [sign @ (b'+' | b'-'), h1, h2, b':', m1, m2] => {
            let h = digits(&[*h1, *h2])?;
            let m = digits(&[*m1, *m2])?;
            if h > 23 || m > 59 {
                return None;
            }
            let magnitude = i64::from(h * 3600 + m * 60);
            if *sign == b'+' { magnitude } else { -magnitude }
        }
        _ => return None,
    };
    // Leap second 60 is accepted by RFC 3339; fold it into the next second.
    if !(1..=12).contains(&month)
        || day == 0
        || day > days_in_month(year, month)
        || hour > 23
        || minute > 59
        || second > 60
    {
        return None;
    }
    let days = days_from_civil(i64::from(year), month, day);
    let secs = days * 86_400 + i64::from(hour) * 3600 + i64::from(minute) * 60 + i64::from(second)
        - offset_secs;
    let secs = u64::try_from(secs).ok()?;
    SystemTime::UNIX_EPOCH.checked_add(Duration::new(secs, nanos))
}

fn digits(bytes: &[u8]) -> Option<u32> {
    if bytes.is_empty() || !bytes.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(
        bytes
            .iter()
            .fold(0u32, |acc, d| acc * 10 + u32::from(d - b'0')),
    )
}

fn is_leap(year: u32) -> bool {
    (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400)
}

fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(month);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(secs: u64) -> SystemTime {
        SystemTime::UNIX_EPOCH + Duration::from_secs(secs)
    }

    #[test]
    fn accepts_the_shapes_aws_sends() {
        // 2026-11-25T08:00:00Z
        let t = at(1_795_593_600);
        assert_eq!(parse_rfc3339("2026-11-25T08:00:00Z"), Some(t));
        assert_eq!(parse_rfc3339("2026-11-25T08:00:00UTC"), Some(t));
        assert_eq!(parse_rfc3339("2026-11-25t08:00:00z"), Some(t));
        assert_eq!(parse_rfc3339("2026-11-25T09:30:00+01:30"), Some(t));
        assert_eq!(parse_rfc3339("2026-11-25T07:00:00-01:00"), Some(t));
        assert_eq!(
            parse_rfc3339("2026-11-25T08:00:00.250Z"),
            Some(t + Duration::from_millis(250))
        );
        assert_eq!(parse_rfc3339("1970-01-01T00:00:00Z"), Some(at(0)));
        assert_eq!(parse_rfc3339("2000-02-29T00:00:00Z"), Some(at(951_782_400)));
    }

    #[test]
    fn rejects_everything_else() {
        for bad in [
            "",
            "2026-11-25",
            "2026-11-25 08:00:00Z",
            "2026-11-25T08:00:00",
            "2026-11-25T08:00Z",
            "2026-13-01T00:00:00Z",
            "2026-02-29T00:00:00Z",
            "2026-11-31T00:00:00Z",
            "2026-11-25T24:00:00Z",
            "2026-11-25T08:00:00.Z",
            "2026-11-25T08:00:00+0100",
            "2026-11-25T08:00:00Zjunk",
            "1969-12-31T23:59:59Z",
            "+026-11-25T08:00:00Z",
            "２０２６-11-25T08:00:00Z",
        ] {
            assert_eq!(parse_rfc3339(bad), None, "{bad:?}");
        }
    }
}
