//! Fault injection: what can go wrong on purpose, and how it is written.
//!
//! Faults come from the `x-emulator-fault` request header or from the
//! emulator's startup configuration ([`EmulatorBuilder::fault`]). Both apply:
//! the startup faults first, then the header's. A header value may list several
//! faults separated by commas, e.g. `slow-first-byte:200,stall:20`.
//!
//! | value | effect |
//! |---|---|
//! | `throttling` | 429 `ThrottlingException` |
//! | `unavailable` | 503 `ServiceUnavailableException` |
//! | `internal` | 500 `InternalServerException` |
//! | `model-timeout` | 408 `ModelTimeoutException` |
//! | `model-not-ready` | 429 `ModelNotReadyException` |
//! | `model-error` | 424 `ModelErrorException` |
//! | `access-denied` | 403 `AccessDeniedException` |
//! | `quota` | 400 `ServiceQuotaExceededException` |
//! | `validation` | 400 `ValidationException` |
//! | `stream-exception:NAME` | a few deltas, then the in-stream exception `NAME` |
//! | `corrupt-crc` | one frame carries a wrong message CRC |
//! | `truncate` | the connection closes in the middle of a frame |
//! | `reset` | the connection is reset (TCP RST) mid-stream |
//! | `stall:MS` | a pause of `MS` milliseconds between events |
//! | `slow-first-byte:MS` | a pause of `MS` milliseconds before the response starts |
//! | `fail-times:N:FAULT` | the first `N` attempts fail with `FAULT`, then requests succeed |
//!
//! [`EmulatorBuilder::fault`]: crate::EmulatorBuilder::fault

use std::collections::HashMap;
use std::fmt;
use std::str::FromStr;
use std::sync::Mutex;
use std::time::Duration;

/// The in-stream exceptions Bedrock's `ConverseStream` can send.
pub const STREAM_EXCEPTIONS: [&str; 5] = [
    "internalServerException",
    "modelStreamErrorException",
    "validationException",
    "throttlingException",
    "serviceUnavailableException",
];

/// Longest pause a fault may ask for (one hour).
const MAX_PAUSE_MS: u64 = 3_600_000;

/// One injected fault. See the [module docs](self) for the syntax.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Fault {
    /// 429 `ThrottlingException`.
    Throttling,
    /// 503 `ServiceUnavailableException`.
    Unavailable,
    /// 500 `InternalServerException`.
    Internal,
    /// 408 `ModelTimeoutException`.
    ModelTimeout,
    /// 429 `ModelNotReadyException`.
    ModelNotReady,
    /// 424 `ModelErrorException`.
    ModelError,
    /// 403 `AccessDeniedException`.
    AccessDenied,
    /// 400 `ServiceQuotaExceededException`.
    Quota,
    /// 400 `ValidationException`.
    Validation,
    /// A few deltas, then the named in-stream exception (one of [`STREAM_EXCEPTIONS`]).
    /// On non-streaming routes, the matching HTTP error instead.
    StreamException(&'static str),
    /// One frame carries a wrong message CRC.
    CorruptCrc,
    /// The connection closes in the middle of a frame (or of the JSON body).
    Truncate,
    /// The connection is reset mid-stream (or mid-body).
    Reset,
    /// A pause between events.
    Stall(Duration),
    /// A pause before the response starts.
    SlowFirstByte(Duration),
    /// The first `times` attempts (counted per attempt key) fail with `fault`.
    FailTimes {
        /// How many attempts fail.
        times: u32,
        /// What they fail with.
        fault: Box<Fault>,
    },
}

/// A fault value that could not be parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FaultParseError {
    value: String,
    reason: &'static str,
}

impl fmt::Display for FaultParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid fault {:?}: {}", self.value, self.reason)
    }
}

impl std::error::Error for FaultParseError {}

fn parse_error(value: &str, reason: &'static str) -> FaultParseError {
    FaultParseError {
        value: value.to_string(),
        reason,
    }
}

fn parse_millis(value: &str, arg: Option<&str>) -> Result<Duration, FaultParseError> {
    let arg = arg.ok_or_else(|| parse_error(value, "expected a number of milliseconds"))?;
    let ms: u64 = arg
        .parse()
        .map_err(|_| parse_error(value, "expected a number of milliseconds"))?;
    if ms > MAX_PAUSE_MS {
        return Err(parse_error(value, "pauses are limited to one hour"));
    }
    Ok(Duration::from_millis(ms))
}

impl FromStr for Fault {
    type Err = FaultParseError;

    fn from_str(value: &str) -> Result<Self, Self::Err> {
        let trimmed = value.trim();
        let (name, arg) = match trimmed.split_once(':') {
            Some((name, arg)) => (name, Some(arg)),
            None => (trimmed, None),
        };
        let no_arg = |fault: Fault| {
            if arg.is_some() {
                Err(parse_error(value, "this fault takes no argument"))
            } else {
                Ok(fault)
            }
        };
        match name.to_ascii_lowercase().as_str() {
            "throttling" => no_arg(Fault::Throttling),
            "unavailable" => no_arg(Fault::Unavailable),
            "internal" => no_arg(Fault::Internal),
            "model-timeout" => no_arg(Fault::ModelTimeout),
            "model-not-ready" => no_arg(Fault::ModelNotReady),
            "model-error" => no_arg(Fault::ModelError),
            "access-denied" => no_arg(Fault::AccessDenied),
            "quota" => no_arg(Fault::Quota),
            "validation" => no_arg(Fault::Validation),
            "corrupt-crc" => no_arg(Fault::CorruptCrc),
            "truncate" => no_arg(Fault::Truncate),
            "reset" => no_arg(Fault::Reset),
            "stall" => Ok(Fault::Stall(parse_millis(value, arg)?)),
            "slow-first-byte" => Ok(Fault::SlowFirstByte(parse_millis(value, arg)?)),
            "stream-exception" => {
                let arg = arg.ok_or_else(|| parse_error(value, "expected an exception name"))?;
                STREAM_EXCEPTIONS
                    .iter()
                    .find(|known| known.eq_ignore_ascii_case(arg.trim()))
                    .map(|known| Fault::StreamException(known))
                    .ok_or_else(|| {
                        parse_error(
                            value,
                            "expected internalServerException, modelStreamErrorException, validationException, throttlingException or serviceUnavailableException",
                        )
                    })
            }
            "fail-times" => {
                let rest = arg.ok_or_else(|| parse_error(value, "expected fail-times:N:FAULT"))?;
                let (times, inner) = rest
                    .split_once(':')
                    .ok_or_else(|| parse_error(value, "expected fail-times:N:FAULT"))?;
                let times: u32 = times
                    .trim()
                    .parse()
                    .map_err(|_| parse_error(value, "expected a count after fail-times:"))?;
                let fault: Fault = inner.parse()?;
                if matches!(fault, Fault::FailTimes { .. }) {
                    return Err(parse_error(value, "fail-times cannot be nested"));
                }
                Ok(Fault::FailTimes {
                    times,
                    fault: Box::new(fault),
                })
            }
            _ => Err(parse_error(value, "unknown fault name")),
        }
    }
}

impl fmt::Display for Fault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Fault::Throttling => f.write_str("throttling"),
            Fault::Unavailable => f.write_str("unavailable"),
            Fault::Internal => f.write_str("internal"),
            Fault::ModelTimeout => f.write_str("model-timeout"),
            Fault::ModelNotReady => f.write_str("model-not-ready"),
            Fault::ModelError => f.write_str("model-error"),
            Fault::AccessDenied => f.write_str("access-denied"),
            Fault::Quota => f.write_str("quota"),
            Fault::Validation => f.write_str("validation"),
            Fault::StreamException(name) => write!(f, "stream-exception:{name}"),
            Fault::CorruptCrc => f.write_str("corrupt-crc"),
            Fault::Truncate => f.write_str("truncate"),
            Fault::Reset => f.write_str("reset"),
            Fault::Stall(d) => write!(f, "stall:{}", d.as_millis()),
            Fault::SlowFirstByte(d) => write!(f, "slow-first-byte:{}", d.as_millis()),
            Fault::FailTimes { times, fault } => write!(f, "fail-times:{times}:{fault}"),
        }
    }
}

/// Parses a comma-separated list of faults.
pub(crate) fn parse_list(value: &str) -> Result<Vec<Fault>, FaultParseError> {
    value
        .split(',')
        .filter(|part| !part.trim().is_empty())
        .map(str::parse)
        .collect()
}

/// The faults in force for one request, after `fail-times` counting.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct ActiveFaults {
    /// An error to answer instead of the response (the first one wins).
    pub(crate) error: Option<Fault>,
    pub(crate) stream_exception: Option<&'static str>,
    pub(crate) corrupt_crc: bool,
    pub(crate) truncate: bool,
    pub(crate) reset: bool,
    pub(crate) stall: Option<Duration>,
    pub(crate) slow_first_byte: Option<Duration>,
}

impl ActiveFaults {
    fn add(&mut self, fault: &Fault) {
        match fault {
            Fault::Throttling
            | Fault::Unavailable
            | Fault::Internal
            | Fault::ModelTimeout
            | Fault::ModelNotReady
            | Fault::ModelError
            | Fault::AccessDenied
            | Fault::Quota
            | Fault::Validation => {
                if self.error.is_none() {
                    self.error = Some(fault.clone());
                }
            }
            Fault::StreamException(name) => self.stream_exception = Some(name),
            Fault::CorruptCrc => self.corrupt_crc = true,
            Fault::Truncate => self.truncate = true,
            Fault::Reset => self.reset = true,
            Fault::Stall(d) => self.stall = Some(*d),
            Fault::SlowFirstByte(d) => self.slow_first_byte = Some(*d),
            // Resolved by the counter before reaching here.
            Fault::FailTimes { .. } => {}
        }
    }
}

/// Most attempt keys remembered before the table is cleared.
const MAX_ATTEMPT_KEYS: usize = 100_000;

/// Counts attempts for `fail-times`, per attempt key and fault.
#[derive(Debug, Default)]
pub(crate) struct AttemptCounter {
    counts: Mutex<HashMap<String, u32>>,
}

impl AttemptCounter {
    /// Resolves `faults` for one attempt identified by `key`.
    pub(crate) fn resolve(&self, faults: &[Fault], key: &str) -> ActiveFaults {
        let mut active = ActiveFaults::default();
        for fault in faults {
            match fault {
                Fault::FailTimes { times, fault } => {
                    let slot = format!("{key}\u{0}{fault}:{times}");
                    let attempt = {
                        let mut counts = match self.counts.lock() {
                            Ok(guard) => guard,
                            Err(poisoned) => poisoned.into_inner(),
                        };
                        if counts.len() >= MAX_ATTEMPT_KEYS && !counts.contains_key(&slot) {
                            counts.clear();
                        }
                        let count = counts.entry(slot).or_insert(0);
                        *count = count.saturating_add(1);
                        *count
                    };
                    if attempt <= *times {
                        active.add(fault);
                    }
                }
                other => active.add(other),
            }
        }
        active
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_documented_fault() {
        let cases = [
            ("throttling", Fault::Throttling),
            ("unavailable", Fault::Unavailable),
            ("internal", Fault::Internal),
            ("corrupt-crc", Fault::CorruptCrc),
            ("truncate", Fault::Truncate),
            ("reset", Fault::Reset),
            ("stall:25", Fault::Stall(Duration::from_millis(25))),
            (
                "slow-first-byte:100",
                Fault::SlowFirstByte(Duration::from_millis(100)),
            ),
            (
                "stream-exception:ModelStreamErrorException",
                Fault::StreamException("modelStreamErrorException"),
            ),
        ];
        for (text, expected) in cases {
            assert_eq!(text.parse::<Fault>(), Ok(expected.clone()), "{text}");
            assert_eq!(expected.to_string().parse::<Fault>(), Ok(expected));
        }
    }

    #[test]
    fn parses_nested_fail_times() {
        let fault: Fault = "fail-times:2:stream-exception:throttlingException"
            .parse()
            .expect("valid");
        assert_eq!(
            fault,
            Fault::FailTimes {
                times: 2,
                fault: Box::new(Fault::StreamException("throttlingException")),
            }
        );
        assert!(
            "fail-times:1:fail-times:1:internal"
                .parse::<Fault>()
                .is_err()
        );
        assert!("fail-times:x:internal".parse::<Fault>().is_err());
    }

    #[test]
    fn rejects_bad_values() {
        for bad in [
            "",
            "nope",
            "stall",
            "stall:abc",
            "stall:99999999999",
            "throttling:1",
            "stream-exception:boom",
        ] {
            assert!(bad.parse::<Fault>().is_err(), "{bad:?}");
        }
    }

    #[test]
    fn fail_times_counts_per_key() {
        let counter = AttemptCounter::default();
        let faults = parse_list("fail-times:2:throttling").expect("valid");
        let first = counter.resolve(&faults, "a");
        let second = counter.resolve(&faults, "a");
        let third = counter.resolve(&faults, "a");
        let other = counter.resolve(&faults, "b");
        assert_eq!(first.error, Some(Fault::Throttling));
        assert_eq!(second.error, Some(Fault::Throttling));
        assert_eq!(third.error, None);
        assert_eq!(other.error, Some(Fault::Throttling));
    }

    #[test]
    fn list_combines_faults() {
        let faults = parse_list("slow-first-byte:5, stall:1,corrupt-crc").expect("valid");
        let active = AttemptCounter::default().resolve(&faults, "");
        assert_eq!(active.slow_first_byte, Some(Duration::from_millis(5)));
        assert_eq!(active.stall, Some(Duration::from_millis(1)));
        assert!(active.corrupt_crc);
    }
}
