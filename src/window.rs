//! Effective windows: the days a measure is in force.

use std::fmt;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// An effective window: first and last day in force, both inclusive; either end may be open.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Window {
    /// First day in force, if bounded.
    pub from: Option<NaiveDate>,
    /// Last day in force, inclusive, if bounded.
    pub until: Option<NaiveDate>,
}

impl Window {
    /// Whether `date` lies in the window.
    pub fn contains(&self, date: NaiveDate) -> bool {
        self.from.is_none_or(|from| date >= from) && self.until.is_none_or(|until| date <= until)
    }

    /// The days in both windows (possibly none: `from > until`).
    pub fn intersect(&self, other: &Window) -> Window {
        Window {
            from: self.from.max(other.from),
            until: match (self.until, other.until) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            },
        }
    }

    /// Whether no day is in the window.
    pub fn is_empty(&self) -> bool {
        matches!((self.from, self.until), (Some(from), Some(until)) if from > until)
    }
}

impl fmt::Display for Window {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.from, self.until) {
            (Some(from), Some(until)) => write!(f, "from {from} until {until}"),
            (Some(from), None) => write!(f, "from {from}"),
            (None, Some(until)) => write!(f, "until {until}"),
            (None, None) => f.write_str("without a start or end date"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn windows_are_inclusive() {
        let w = Window {
            from: Some(d("2022-08-27")),
            until: Some(d("2023-08-31")),
        };
        assert!(!w.contains(d("2022-08-26")));
        assert!(w.contains(d("2022-08-27")));
        assert!(w.contains(d("2023-08-31")));
        assert!(!w.contains(d("2023-09-01")));
        assert!(Window::default().contains(d("1900-01-01")));
    }

    #[test]
    fn window_intersection() {
        let set = Window {
            from: Some(d("2023-01-01")),
            until: None,
        };
        let rule = Window {
            from: None,
            until: Some(d("2022-12-31")),
        };
        assert!(set.intersect(&rule).is_empty());
        let rule = Window {
            from: Some(d("2023-06-01")),
            until: Some(d("2023-12-31")),
        };
        assert_eq!(set.intersect(&rule), rule);
        assert!(!rule.is_empty());
        // A window of one day, an open one, one open at either end: none is empty.
        let day = Window {
            from: Some(d("2023-06-01")),
            until: Some(d("2023-06-01")),
        };
        assert!(!day.is_empty() && day.contains(d("2023-06-01")));
        assert!(!Window::default().is_empty() && !set.is_empty());
        assert!(!set.intersect(&Window::default()).is_empty());
    }
}
