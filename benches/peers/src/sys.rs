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

/// How many CPUs a `cpu_set_t` can name (1,024 with glibc).
const CPU_SET_CAPACITY: usize = 8 * std::mem::size_of::<libc::cpu_set_t>();

/// The CPUs this process may run on (the calling thread's affinity mask, as `taskset -p`
/// shows it), in increasing order.
pub fn allowed_cpus() -> Result<Vec<usize>, String> {
    // SAFETY: `sched_getaffinity` writes at most `size_of::<cpu_set_t>()` bytes into the zeroed
    // set we own (pid 0 is the calling thread); `CPU_ISSET` only reads that set, at indices
    // below its capacity.
    unsafe {
        let mut set: libc::cpu_set_t = std::mem::zeroed();
        if libc::sched_getaffinity(0, std::mem::size_of::<libc::cpu_set_t>(), &mut set) != 0 {
            return Err(format!(
                "sched_getaffinity: {}",
                std::io::Error::last_os_error()
            ));
        }
        Ok((0..CPU_SET_CAPACITY)
            .filter(|&cpu| libc::CPU_ISSET(cpu, &set))
            .collect())
    }
}

/// Pins the calling thread to `cpu` alone. Threads it creates afterwards inherit the mask, so
/// called at the very start of `main` (before the tokio runtime and its threads exist) it pins
/// the whole process. A CPU outside the process's allowed set is an error.
pub fn pin_to_cpu(cpu: usize) -> Result<(), String> {
    let allowed = allowed_cpus()?;
    if !allowed.contains(&cpu) {
        let list: Vec<String> = allowed.iter().map(usize::to_string).collect();
        return Err(format!(
            "--cpu {cpu}: not a CPU this process may run on (allowed: {})",
            list.join(", ")
        ));
    }
    // SAFETY: `CPU_SET` writes one bit of the zeroed set we own (`cpu` is below its capacity,
    // since it is in the allowed list read from the same kind of set); `sched_setaffinity` only
    // reads `size_of::<cpu_set_t>()` bytes of it. pid 0 is the calling thread.
    let rc = unsafe {
        let mut set: libc::cpu_set_t = std::mem::zeroed();
        libc::CPU_SET(cpu, &mut set);
        libc::sched_setaffinity(0, std::mem::size_of::<libc::cpu_set_t>(), &set)
    };
    if rc != 0 {
        return Err(format!(
            "pinning to CPU {cpu}: sched_setaffinity: {}",
            std::io::Error::last_os_error()
        ));
    }
    Ok(())
}
