//! "Did you mean ...?": the known name closest to a mistyped one.

/// The candidate closest to `name`, if it is close enough to be a likely typo: at most two
/// edits (more for long names, a quarter of the candidate's length) and fewer edits than the
/// candidate has characters.
pub(crate) fn closest<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|candidate| (strsim::damerau_levenshtein(name, candidate), candidate))
        .filter(|(distance, candidate)| {
            *distance <= 2.max(candidate.len() / 4) && *distance < candidate.len()
        })
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, candidate)| candidate)
}

/// The candidate exactly one edit (insertion, deletion, substitution or transposition) away
/// from `name`, if there is one.
pub(crate) fn one_edit<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    candidates
        .into_iter()
        .find(|candidate| strsim::damerau_levenshtein(name, candidate) == 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggestions_find_typos_not_strangers() {
        let allowed = ["destination", "origin", "hs_code", "transit"];
        assert_eq!(closest("destinaton", allowed), Some("destination"));
        assert_eq!(closest("orgin", allowed), Some("origin"));
        assert_eq!(closest("hs_cod", allowed), Some("hs_code"));
        assert_eq!(closest("price", allowed), None);
        assert_eq!(closest("x", ["id"]), None);
    }

    #[test]
    fn one_edit_is_exactly_one() {
        let fields = ["origin", "destination", "unit"];
        assert_eq!(one_edit("orign", fields), Some("origin"));
        assert_eq!(one_edit("destinaton", fields), Some("destination"));
        assert_eq!(one_edit("oirgin", fields), Some("origin"));
        assert_eq!(one_edit("origin", fields), None);
        assert_eq!(one_edit("orgn", fields), None);
        assert_eq!(one_edit("unit_price", fields), None);
    }
}
