//! Party names: any two texts normalise without a panic, and their score is in [0, 1],
//! symmetric, and 1 for a name against itself (when it has words).
#![no_main]

use export_control::parties::{normalise, score};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let (a, b) = text.split_once('\n').unwrap_or((text, ""));
    let (x, y) = (normalise(a), normalise(b));
    let xy = score(&x, &y);
    assert!((0.0..=1.0).contains(&xy), "{xy}");
    assert!((xy - score(&y, &x)).abs() < 1e-12, "not symmetric: {a:?} {b:?}");
    if !x.words.is_empty() {
        assert_eq!(score(&x, &x), 1.0, "{a:?}");
    }
    // Words hold letters and digits only, in lower case or without case.
    for word in x.words.iter().chain(&y.words) {
        assert!(!word.is_empty());
        assert!(word.chars().all(|c| c.is_alphanumeric() && !c.is_uppercase()), "{word:?}");
    }
});
