//! Process measurements: CPU time (getrusage) and resident memory (/proc/self/status).

use std::time::Duration;

/// User + system CPU time consumed so far by every thread of this process.
pub fn cpu_time() -> Duration {
    // SAFETY: `getrusage` writes into the zeroed struct we own; RUSAGE_SELF is always valid.
    let usage = unsafe {
        let mut usage: libc::rusage = std::mem::zeroed();
        libc::getrusage(libc::RUSAGE_SELF, &mut usage);
        usage
    };
    let tv = |t: libc::timeval| Duration::new(t.tv_sec as u64, t.tv_usec as u32 * 1000);
    tv(usage.ru_utime) + tv(usage.ru_stime)
}

/// A `VmXxx:` field of /proc/self/status, in KiB.
fn status_kib(field: &str) -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|line| {
            let rest = line.strip_prefix(field)?.strip_prefix(':')?;
            rest.trim().trim_end_matches("kB").trim().parse().ok()
        })
        .unwrap_or(0)
}

/// Current resident set size, KiB.
pub fn rss_kib() -> u64 {
    status_kib("VmRSS")
}

/// Peak resident set size since the process started, KiB.
pub fn peak_rss_kib() -> u64 {
    status_kib("VmHWM")
}

/// Raises the soft open-files limit to the hard limit (1,000 sockets need it on some machines).
pub fn raise_nofile_limit() {
    // SAFETY: plain libc calls on a struct we own.
    unsafe {
        let mut limit: libc::rlimit = std::mem::zeroed();
        if libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) == 0 && limit.rlim_cur < limit.rlim_max
        {
            limit.rlim_cur = limit.rlim_max;
            libc::setrlimit(libc::RLIMIT_NOFILE, &limit);
        }
    }
}
