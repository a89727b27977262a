//! What recovers a lost indicator: how many more dossiers (or items) meeting it bring the rate
//! to the level that earns full points, or that nothing can within the period.
//!
//! A dossier that failed an indicator mostly stays failed: a late dossier cannot become on
//! time, a dossier filed at the counter cannot become an online one. Those indicators rise
//! only with new dossiers that meet them, and one whose full points need 100 % is lost for the
//! period as soon as one dossier fails it. Only digitising (an electronic result, digitised
//! files) can still be done on the dossiers already counted. New dossiers are capped at the
//! period's own volume: advice that needs more than doubling the month is not advice. Once
//! the period is over nothing recovers it, and [`shortfall`] says only by how much it missed.

use super::method::Measure;

/// How the items failing an indicator can still be put right.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Remedy {
    /// They stay failed; only new items meeting the indicator raise its rate.
    NewItems,
    /// The failing items themselves can still be put right (a result issued electronically).
    FixExisting,
}

impl Remedy {
    pub fn of(measure: Measure) -> Remedy {
        match measure {
            Measure::ResultDigitised | Measure::Digitised => Remedy::FixExisting,
            _ => Remedy::NewItems,
        }
    }
}

/// The way back to full points on one indicator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Recovery {
    /// `more` more items meeting the indicator bring it to full points: `reach` of `of`.
    Reachable { more: u64, reach: u64, of: u64 },
    /// Out of reach within the period: `failed` items count against it for good, and `needs`
    /// new items (when finitely many would do) exceed what the period brings.
    Unreachable { failed: u64, needs: Option<u64> },
}

/// The recovery of an indicator at `numerator`/`denominator` that earns full points at
/// `full_at` (its threshold; 1.0 for a linear indicator). `None` when it already has them.
pub fn recovery(numerator: u64, denominator: u64, full_at: f64, remedy: Remedy) -> Option<Recovery> {
    const EPS: f64 = 1e-9;
    let (n, d) = (numerator as f64, denominator as f64);
    if denominator == 0 || n >= full_at * d - EPS {
        return None;
    }
    let failed = denominator.saturating_sub(numerator);
    match remedy {
        Remedy::FixExisting => {
            let more = shortfall(numerator, denominator, full_at)?;
            Some(Recovery::Reachable { more, reach: numerator + more, of: denominator })
        }
        Remedy::NewItems if full_at >= 1.0 - EPS => Some(Recovery::Unreachable { failed, needs: None }),
        Remedy::NewItems => {
            // (n + k) / (d + k) ≥ t  ⇔  k ≥ (t·d − n) / (1 − t)
            let more = ((full_at * d - n) / (1.0 - full_at) - EPS).ceil().max(1.0) as u64;
            if more > denominator {
                Some(Recovery::Unreachable { failed, needs: Some(more) })
            } else {
                Some(Recovery::Reachable { more, reach: numerator + more, of: denominator + more })
            }
        }
    }
}

/// How many more of the period's own `denominator` items would have had to meet an indicator
/// at `numerator`/`denominator` for full points at `full_at`; `None` when it has them. Once
/// the period is over this is the size of the miss, whatever the remedy was.
pub fn shortfall(numerator: u64, denominator: u64, full_at: f64) -> Option<u64> {
    const EPS: f64 = 1e-9;
    let (n, d) = (numerator as f64, denominator as f64);
    if denominator == 0 || n >= full_at * d - EPS {
        return None;
    }
    let reach = ((full_at * d - EPS).ceil() as u64).min(denominator);
    Some(reach - numerator)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_online_dossiers_reach_a_fifty_percent_threshold() {
        // 7 of 19 online: 5 more online dossiers make 12 of 24 = 50 %.
        assert_eq!(recovery(7, 19, 0.5, Remedy::NewItems), Some(Recovery::Reachable { more: 5, reach: 12, of: 24 }));
        // Just below 80 %: 79 of 100 needs 5 more (84/105 = 80 %).
        assert_eq!(recovery(79, 100, 0.8, Remedy::NewItems), Some(Recovery::Reachable { more: 5, reach: 84, of: 105 }));
        assert_eq!(recovery(10, 19, 0.5, Remedy::NewItems), None, "already at the threshold");
        assert_eq!(recovery(0, 0, 0.5, Remedy::NewItems), None, "nothing to measure");
    }

    #[test]
    fn late_dossiers_cannot_be_made_good_within_the_month() {
        // 621 of 652 on time: 31 are late for good, and full points need 100 %.
        assert_eq!(recovery(621, 652, 1.0, Remedy::NewItems), Some(Recovery::Unreachable { failed: 31, needs: None }));
        // 2 of 20 at an 80 % threshold would need 70 new dossiers: more than the month's 20.
        assert_eq!(recovery(2, 20, 0.8, Remedy::NewItems), Some(Recovery::Unreachable { failed: 18, needs: Some(70) }));
    }

    #[test]
    fn results_can_still_be_digitised_on_the_dossiers_counted() {
        // 9 of 18 digitised at 80 %: 15 of the same 18 (6 more).
        assert_eq!(recovery(9, 18, 0.8, Remedy::FixExisting), Some(Recovery::Reachable { more: 6, reach: 15, of: 18 }));
        // Linear (full points at 100 %): every one of them.
        assert_eq!(recovery(9, 18, 1.0, Remedy::FixExisting), Some(Recovery::Reachable { more: 9, reach: 18, of: 18 }));
        assert_eq!(Remedy::of(Measure::OnTime), Remedy::NewItems);
        // Once the month is over the miss is counted on its own dossiers: 5 of 19 online at
        // 50 % needed 10, 5 short; 621 of 652 on time needed all 652, 31 short.
        assert_eq!(shortfall(5, 19, 0.5), Some(5));
        assert_eq!(shortfall(621, 652, 1.0), Some(31));
        assert_eq!(shortfall(10, 19, 0.5), None);
        assert_eq!(Remedy::of(Measure::ResultDigitised), Remedy::FixExisting);
    }
}
