//! Legal forms of companies, recognised in a name's words and compared apart from the name:
//! `ТОО`, `TOO`, `ЖШС` and `LLP` are one form; `ООО`, `OOO` and `LLC` another.
//!
//! The forms are those of the region (Kazakhstan, Russia, Kyrgyzstan, Belarus, Uzbekistan) in
//! Cyrillic and in Latin transliteration, and the common international ones. Words are matched
//! after normalisation (lower case, Latin), longest phrase first, at the start or the end of a
//! name (where declarations write them).

pub use crate::verdict::because::LegalForm;

/// Each form as words (normalised, Latin), longest first.
const FORMS: &[(&[&str], LegalForm)] = &[
    (
        &["limited", "liability", "partnership"],
        LegalForm::LimitedLiability,
    ),
    (
        &["limited", "liability", "company"],
        LegalForm::LimitedLiability,
    ),
    (
        &["obshchestvo", "s", "ogranichennoy", "otvetstvennostyu"],
        LegalForm::LimitedLiability,
    ),
    (
        &["tovarishchestvo", "s", "ogranichennoy", "otvetstvennostyu"],
        LegalForm::LimitedLiability,
    ),
    (
        &["public", "joint", "stock", "company"],
        LegalForm::PublicJointStock,
    ),
    (
        &["open", "joint", "stock", "company"],
        LegalForm::PublicJointStock,
    ),
    (
        &["closed", "joint", "stock", "company"],
        LegalForm::ClosedJointStock,
    ),
    (&["joint", "stock", "company"], LegalForm::JointStock),
    (&["aktsionernoe", "obshchestvo"], LegalForm::JointStock),
    (&["aktsionerlik", "qoghamy"], LegalForm::JointStock),
    (
        &["zhauapkershiligi", "shekteuli", "seriktestik"],
        LegalForm::LimitedLiability,
    ),
    (&["state", "enterprise"], LegalForm::StateEnterprise),
    (&["co", "ltd"], LegalForm::LimitedLiability),
    (&["too"], LegalForm::LimitedLiability),
    (&["zhshs"], LegalForm::LimitedLiability),
    (&["ooo"], LegalForm::LimitedLiability),
    (&["llp"], LegalForm::LimitedLiability),
    (&["llc"], LegalForm::LimitedLiability),
    (&["ltd"], LegalForm::LimitedLiability),
    (&["limited"], LegalForm::LimitedLiability),
    (&["gmbh"], LegalForm::LimitedLiability),
    (&["bv"], LegalForm::LimitedLiability),
    (&["sarl"], LegalForm::LimitedLiability),
    (&["srl"], LegalForm::LimitedLiability),
    (&["mchj"], LegalForm::LimitedLiability),
    (&["ao"], LegalForm::JointStock),
    (&["aq"], LegalForm::JointStock),
    (&["jsc"], LegalForm::JointStock),
    (&["ag"], LegalForm::JointStock),
    (&["sa"], LegalForm::JointStock),
    (&["pao"], LegalForm::PublicJointStock),
    (&["oao"], LegalForm::PublicJointStock),
    (&["pjsc"], LegalForm::PublicJointStock),
    (&["ojsc"], LegalForm::PublicJointStock),
    (&["plc"], LegalForm::PublicJointStock),
    (&["zao"], LegalForm::ClosedJointStock),
    (&["nao"], LegalForm::ClosedJointStock),
    (&["cjsc"], LegalForm::ClosedJointStock),
    (&["fgup"], LegalForm::StateEnterprise),
    (&["gup"], LegalForm::StateEnterprise),
    (&["rgp"], LegalForm::StateEnterprise),
    (&["gkp"], LegalForm::StateEnterprise),
    (&["soe"], LegalForm::StateEnterprise),
    (&["ip"], LegalForm::SoleProprietor),
    (&["zhk"], LegalForm::SoleProprietor),
    (&["inc"], LegalForm::Corporation),
    (&["corp"], LegalForm::Corporation),
    (&["corporation"], LegalForm::Corporation),
    (&["co"], LegalForm::Corporation),
    (&["company"], LegalForm::Corporation),
];

/// The legal form at the start or the end of `words`, and the words without it. A name that
/// is nothing but a legal form keeps its words (`"ooo"` alone is a name, not a form).
pub fn split(words: &[String]) -> (Option<LegalForm>, &[String]) {
    let matches = |phrase: &[&str], part: &[String]| {
        phrase.len() == part.len() && phrase.iter().zip(part).all(|(p, w)| *p == w)
    };
    for (phrase, form) in FORMS {
        let n = phrase.len();
        if words.len() <= n {
            continue;
        }
        if let (Some(head), Some(rest)) = (words.get(..n), words.get(n..))
            && matches(phrase, head)
        {
            return (Some(*form), rest);
        }
        if let (Some(tail), Some(rest)) =
            (words.get(words.len() - n..), words.get(..words.len() - n))
            && matches(phrase, tail)
        {
            return (Some(*form), rest);
        }
    }
    (None, words)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<String> {
        text.split(' ').map(str::to_owned).collect()
    }

    #[test]
    fn forms_are_found_at_either_end_and_longest_first() {
        for (name, form, rest) in [
            (
                "too steppe trade",
                Some(LegalForm::LimitedLiability),
                "steppe trade",
            ),
            (
                "steppe trade llp",
                Some(LegalForm::LimitedLiability),
                "steppe trade",
            ),
            (
                "zhshs steppe trade",
                Some(LegalForm::LimitedLiability),
                "steppe trade",
            ),
            (
                "steppe trade limited liability partnership",
                Some(LegalForm::LimitedLiability),
                "steppe trade",
            ),
            (
                "pao sberbank",
                Some(LegalForm::PublicJointStock),
                "sberbank",
            ),
            (
                "sberbank pjsc",
                Some(LegalForm::PublicJointStock),
                "sberbank",
            ),
            (
                "vtb bank public joint stock company",
                Some(LegalForm::PublicJointStock),
                "vtb bank",
            ),
            ("ao temir zholy", Some(LegalForm::JointStock), "temir zholy"),
            (
                "shenzhen sky co ltd",
                Some(LegalForm::LimitedLiability),
                "shenzhen sky",
            ),
            (
                "rgp kazakhstan",
                Some(LegalForm::StateEnterprise),
                "kazakhstan",
            ),
            ("steppe trade", None, "steppe trade"),
            ("ooo", None, "ooo"),
        ] {
            let w = words(name);
            let (found, left) = split(&w);
            assert_eq!(found, form, "{name}");
            assert_eq!(left.join(" "), rest, "{name}");
        }
    }
}
