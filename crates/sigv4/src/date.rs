//! The `X-Amz-Date` timestamp: `YYYYMMDD'T'HHMMSS'Z'` in UTC.

use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::error::Error;

/// A signing time with one-second precision, as written in `X-Amz-Date`.
///
/// The signer never reads the clock: the caller passes the time in, usually
/// `SystemTime::now()` corrected by the offset measured from the server's `Date` header.
///
/// # Examples
///
/// ```
/// use std::time::{Duration, UNIX_EPOCH};
/// let t = sigv4::AmzDateTime::from_system_time(UNIX_EPOCH + Duration::from_secs(1_440_938_160))?;
/// assert_eq!(t.to_string(), "20150830T123600Z");
/// assert_eq!(sigv4::AmzDateTime::parse("20150830T123600Z")?, t);
/// # Ok::<(), sigv4::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct AmzDateTime {
    year: u16,
    month: u8,
    day: u8,
    hour: u8,
    minute: u8,
    second: u8,
}

const MAX_UNIX_SECONDS: u64 = 253_402_300_799; // 9999-12-31T23:59:59Z

impl AmzDateTime {
    /// Converts a `SystemTime`, dropping fractions of a second.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidTime`] if the time is before 1970 or after the year 9999.
    pub fn from_system_time(time: SystemTime) -> Result<Self, Error> {
        let secs = time
            .duration_since(UNIX_EPOCH)
            .map_err(|_| Error::InvalidTime)?
            .as_secs();
        Self::from_unix_seconds(secs)
    }

    /// Converts whole seconds since the Unix epoch.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidTime`] if the time is after the year 9999.
    pub fn from_unix_seconds(secs: u64) -> Result<Self, Error> {
        if secs > MAX_UNIX_SECONDS {
            return Err(Error::InvalidTime);
        }
        let days = secs / 86_400;
        let rem = secs % 86_400;
        let (year, month, day) = civil_from_days(days);
        Ok(Self {
            year,
            month,
            day,
            hour: (rem / 3600) as u8,
            minute: (rem % 3600 / 60) as u8,
            second: (rem % 60) as u8,
        })
    }

    /// Parses an `X-Amz-Date` value such as `20150830T123600Z`.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidAmzDate`] unless the value is exactly 16 characters in that layout and
    /// names a real calendar time.
    pub fn parse(value: &str) -> Result<Self, Error> {
        let bad = || Error::InvalidAmzDate {
            value: value.to_owned(),
        };
        let b = value.as_bytes();
        if b.len() != 16 || b.get(8) != Some(&b'T') || b.get(15) != Some(&b'Z') {
            return Err(bad());
        }
        let num = |from: usize, to: usize| -> Result<u32, Error> {
            let digits = b.get(from..to).ok_or_else(bad)?;
            digits.iter().try_fold(0u32, |acc, &d| {
                if d.is_ascii_digit() {
                    Ok(acc * 10 + u32::from(d - b'0'))
                } else {
                    Err(bad())
                }
            })
        };
        let year = num(0, 4)?;
        let month = num(4, 6)?;
        let day = num(6, 8)?;
        let hour = num(9, 11)?;
        let minute = num(11, 13)?;
        let second = num(13, 15)?;
        if year < 1970
            || !(1..=12).contains(&month)
            || day < 1
            || day > days_in_month(year, month)
            || hour > 23
            || minute > 59
            || second > 59
        {
            return Err(bad());
        }
        Ok(Self {
            year: year as u16,
            month: month as u8,
            day: day as u8,
            hour: hour as u8,
            minute: minute as u8,
            second: second as u8,
        })
    }

    /// The same instant as a `SystemTime`.
    pub fn to_system_time(self) -> SystemTime {
        let days = days_from_civil(
            u32::from(self.year),
            u32::from(self.month),
            u32::from(self.day),
        );
        let secs = days * 86_400
            + u64::from(self.hour) * 3600
            + u64::from(self.minute) * 60
            + u64::from(self.second);
        UNIX_EPOCH + Duration::from_secs(secs)
    }

    /// The date part as a number, `YYYYMMDD`; used to key signing-key caches.
    pub(crate) fn date_number(self) -> u32 {
        u32::from(self.year) * 10_000 + u32::from(self.month) * 100 + u32::from(self.day)
    }

    /// Appends `YYYYMMDD`.
    pub(crate) fn write_date(self, out: &mut String) {
        push_digits(out, u32::from(self.year), 4);
        push_digits(out, u32::from(self.month), 2);
        push_digits(out, u32::from(self.day), 2);
    }

    /// Appends `YYYYMMDD'T'HHMMSS'Z'`.
    pub(crate) fn write_date_time(self, out: &mut String) {
        self.write_date(out);
        out.push('T');
        push_digits(out, u32::from(self.hour), 2);
        push_digits(out, u32::from(self.minute), 2);
        push_digits(out, u32::from(self.second), 2);
        out.push('Z');
    }

    /// `YYYYMMDD` as a new string.
    pub fn date_string(self) -> String {
        let mut s = String::with_capacity(8);
        self.write_date(&mut s);
        s
    }
}

impl fmt::Display for AmzDateTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut s = String::with_capacity(16);
        self.write_date_time(&mut s);
        f.write_str(&s)
    }
}

fn push_digits(out: &mut String, value: u32, width: u32) {
    for power in (0..width).rev() {
        let digit = (value / 10u32.pow(power)) % 10;
        out.push(char::from(b'0' + digit as u8));
    }
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

/// Days since 1970-01-01 to (year, month, day); Howard Hinnant's `civil_from_days`.
fn civil_from_days(days: u64) -> (u16, u8, u8) {
    let z = days + 719_468;
    let era = z / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + u64::from(month <= 2);
    (year as u16, month as u8, day as u8)
}

/// (year, month, day) to days since 1970-01-01, for years from 1970.
fn days_from_civil(year: u32, month: u32, day: u32) -> u64 {
    let y = u64::from(if month <= 2 { year - 1 } else { year });
    let era = y / 400;
    let yoe = y - era * 400;
    let m = u64::from(month);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + u64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_known_instants() {
        let cases = [
            (0, "19700101T000000Z"),
            (1_440_938_160, "20150830T123600Z"),
            (951_782_400, "20000229T000000Z"),
            (MAX_UNIX_SECONDS, "99991231T235959Z"),
        ];
        for (secs, text) in cases {
            let t = AmzDateTime::from_unix_seconds(secs).unwrap();
            assert_eq!(t.to_string(), text);
            assert_eq!(AmzDateTime::parse(text).unwrap(), t);
            assert_eq!(t.to_system_time(), UNIX_EPOCH + Duration::from_secs(secs));
        }
    }

    #[test]
    fn round_trips_every_day_boundary_over_centuries() {
        let mut secs = 0u64;
        while secs < MAX_UNIX_SECONDS {
            let t = AmzDateTime::from_unix_seconds(secs).unwrap();
            assert_eq!(AmzDateTime::parse(&t.to_string()).unwrap(), t);
            assert_eq!(t.to_system_time(), UNIX_EPOCH + Duration::from_secs(secs));
            secs += 86_400 * 7 + 3_599;
        }
    }

    #[test]
    fn rejects_bad_times() {
        assert_eq!(
            AmzDateTime::from_system_time(UNIX_EPOCH - Duration::from_secs(1)),
            Err(Error::InvalidTime)
        );
        assert_eq!(
            AmzDateTime::from_unix_seconds(MAX_UNIX_SECONDS + 1),
            Err(Error::InvalidTime)
        );
        for bad in [
            "",
            "20150830T123600",
            "20150830 123600Z",
            "2015083OT123600Z",
            "20150230T123600Z",
            "20150830T243600Z",
            "20150830T126000Z",
            "19691231T235959Z",
            "+0150830T123600Z",
            "20150830T123600Z ",
        ] {
            assert_eq!(
                AmzDateTime::parse(bad),
                Err(Error::InvalidAmzDate {
                    value: bad.to_owned()
                }),
                "{bad}"
            );
        }
    }
}
