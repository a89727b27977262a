//! Stage timings for profiling: set `THIDUA_TIMINGS=1` and every stage of a run prints its
//! wall time on stderr, with the process's resident memory after it and the peak so far
//! (Linux), so BENCHMARKS.md can show where time and memory go.

use std::time::Instant;

pub(crate) struct Stopwatch {
    last: Option<Instant>,
}

impl Stopwatch {
    pub(crate) fn start() -> Stopwatch {
        Stopwatch { last: std::env::var_os("THIDUA_TIMINGS").map(|_| Instant::now()) }
    }

    /// Prints the time since the previous lap (when timings are on).
    pub(crate) fn lap(&mut self, stage: &str) {
        if let Some(last) = self.last {
            let now = Instant::now();
            eprintln!("[thời gian] {stage:<24} {:>8.3} s{}", (now - last).as_secs_f64(), memory());
            self.last = Some(now);
        }
    }
}

/// "  RSS x MiB, peak y MiB" from /proc/self/status, or nothing where there is no /proc.
fn memory() -> String {
    let Ok(status) = std::fs::read_to_string("/proc/self/status") else { return String::new() };
    let field = |name: &str| -> Option<u64> {
        let line = status.lines().find(|l| l.starts_with(name))?;
        line.split_whitespace().nth(1)?.parse().ok()
    };
    match (field("VmRSS:"), field("VmHWM:")) {
        (Some(rss), Some(peak)) => format!("   RSS {:>6} MiB, đỉnh {:>6} MiB", rss / 1024, peak / 1024),
        _ => String::new(),
    }
}
