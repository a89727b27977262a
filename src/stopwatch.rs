//! Stage timings for profiling: set `THIDUA_TIMINGS=1` and every stage of a run prints its
//! wall time on stderr. The benchmark (`bench/run.sh`) uses it to show where time goes.

use std::time::Instant;

pub struct Stopwatch {
    last: Option<Instant>,
}

impl Stopwatch {
    pub fn start() -> Stopwatch {
        Stopwatch { last: std::env::var_os("THIDUA_TIMINGS").map(|_| Instant::now()) }
    }

    /// Prints the time since the previous lap (when timings are on).
    pub fn lap(&mut self, stage: &str) {
        if let Some(last) = self.last {
            let now = Instant::now();
            eprintln!("[thời gian] {stage:<24} {:>8.3} s", (now - last).as_secs_f64());
            self.last = Some(now);
        }
    }
}
