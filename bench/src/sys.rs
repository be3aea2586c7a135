//! Process resource usage and machine facts.

use serde::Serialize;

/// `getrusage(RUSAGE_SELF)`: CPU time in nanoseconds, peak RSS in KiB (Linux units).
#[derive(Debug, Clone, Copy, Default)]
pub struct Rusage {
    pub user_ns: i64,
    pub sys_ns: i64,
    pub max_rss_kib: i64,
}

// i64::from: time_t and c_long are i64 here, i32 on 32-bit targets.
#[allow(clippy::useless_conversion)]
pub fn rusage_self() -> Rusage {
    // SAFETY: getrusage only writes the struct we hand it.
    let mut ru: libc::rusage = unsafe { std::mem::zeroed() };
    let rc = unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut ru) };
    if rc != 0 {
        return Rusage::default();
    }
    let ns = |t: libc::timeval| i64::from(t.tv_sec) * 1_000_000_000 + i64::from(t.tv_usec) * 1_000;
    Rusage {
        user_ns: ns(ru.ru_utime),
        sys_ns: ns(ru.ru_stime),
        max_rss_kib: i64::from(ru.ru_maxrss),
    }
}

/// The machine the numbers come from.
#[derive(Debug, Clone, Serialize)]
pub struct Machine {
    pub nproc: usize,
    pub cpu_model: String,
    pub mem_total_gib: f64,
    pub kernel: String,
    pub loadavg_start: String,
    pub loadavg_end: String,
    pub rustc: String,
    pub go: String,
    pub git_commit: String,
}

fn command_line(cmd: &str, args: &[&str]) -> String {
    std::process::Command::new(cmd)
        .args(args)
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_else(|| "unknown".into())
}

pub fn loadavg() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "unknown".into())
}

impl Machine {
    pub fn probe() -> Machine {
        let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
        let cpu_model = cpuinfo
            .lines()
            .find(|l| l.starts_with("model name"))
            .and_then(|l| l.split_once(':'))
            .map(|(_, v)| v.trim().to_string())
            .unwrap_or_else(|| "unknown".into());
        let mem_total_gib = std::fs::read_to_string("/proc/meminfo")
            .ok()
            .and_then(|m| {
                m.lines()
                    .find(|l| l.starts_with("MemTotal:"))
                    .and_then(|l| l.split_whitespace().nth(1))
                    .and_then(|kib| kib.parse::<f64>().ok())
            })
            .map(|kib| (kib / (1024.0 * 1024.0) * 10.0).round() / 10.0)
            .unwrap_or(0.0);
        let kernel = std::fs::read_to_string("/proc/sys/kernel/osrelease")
            .map(|s| s.trim().to_string())
            .unwrap_or_else(|_| "unknown".into());
        Machine {
            nproc: std::thread::available_parallelism().map_or(1, |n| n.get()),
            cpu_model,
            mem_total_gib,
            kernel,
            loadavg_start: loadavg(),
            loadavg_end: String::new(),
            rustc: command_line("rustc", &["-V"]),
            go: command_line("go", &["version"]),
            git_commit: command_line("git", &["rev-parse", "--short", "HEAD"]),
        }
    }
}

/// CPU time (user + system) that process `pid` has used so far, all its threads, living and
/// exited, from `/proc/PID/stat` (clock-tick resolution: 10 ms here). None if it is gone.
pub fn proc_cpu_ns(pid: u32) -> Option<i64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name may hold spaces and parentheses: fields start after the last ')'.
    let rest = &stat[stat.rfind(')')? + 1..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    // Fields 14 and 15 of proc(5) (utime, stime); `rest` starts at field 3.
    let ticks: i64 = fields.get(11)?.parse::<i64>().ok()? + fields.get(12)?.parse::<i64>().ok()?;
    // SAFETY: sysconf has no preconditions.
    let hz = unsafe { libc::sysconf(libc::_SC_CLK_TCK) };
    let hz = if hz > 0 { hz as i64 } else { 100 };
    Some(ticks * 1_000_000_000 / hz)
}
