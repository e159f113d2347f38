//! Cyrillic to Latin, for comparing names written in either script, and a skeleton that merges
//! the usual variant spellings of one name.
//!
//! Letters of Russian and of Kazakh (ә ғ қ ң ө ұ ү һ і) are transliterated in the common
//! passport-like way (ж zh, х kh, ц ts, ч ch, ш sh, щ shch, ю yu, я ya; қ q, ғ gh, ң ng). The
//! [`skeleton`] then writes alike what transliterations write differently: `zh` and `j`
//! (Temir Zholy, Temir Joly), `kh` and `h` (Khalyk, Halyk), `q` and `k`, `gh` and `g`, `yu`
//! and `iu`, `ya` and `ia`, a word's `iy`, `ii`, `yi` or `ij` ending and `y`, and `ye` at a word's
//! start and `e`. Two spellings with the same skeleton are the same name for a matcher.

/// The Latin spelling of one lower-case Cyrillic letter; `None` for other characters.
fn latin(c: char) -> Option<&'static str> {
    Some(match c {
        'а' => "a",
        'б' => "b",
        'в' => "v",
        'г' => "g",
        'д' => "d",
        'е' | 'ё' | 'э' => "e",
        'ж' => "zh",
        'з' => "z",
        'и' => "i",
        'й' => "y",
        'к' => "k",
        'л' => "l",
        'м' => "m",
        'н' => "n",
        'о' => "o",
        'п' => "p",
        'р' => "r",
        'с' => "s",
        'т' => "t",
        'у' => "u",
        'ф' => "f",
        'х' => "kh",
        'ц' => "ts",
        'ч' => "ch",
        'ш' => "sh",
        'щ' => "shch",
        'ъ' | 'ь' => "",
        'ы' => "y",
        'ю' => "yu",
        'я' => "ya",
        // Kazakh.
        'ә' => "a",
        'ғ' => "gh",
        'қ' => "q",
        'ң' => "ng",
        'ө' => "o",
        'ұ' | 'ү' => "u",
        'һ' => "h",
        'і' => "i",
        // Ukrainian and Belarusian letters seen in the region's names.
        'ї' => "yi",
        'є' => "ye",
        'ґ' => "g",
        'ў' => "u",
        _ => return None,
    })
}

/// `text` (lower case) with every Cyrillic letter written in Latin; other characters kept.
pub fn to_latin(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match latin(c) {
            Some(l) => out.push_str(l),
            None => out.push(c),
        }
    }
    out
}

/// One word (lower case, Latin) with its variant spellings written alike: `zh` and `j` (Temir
/// Zholy, Temir Joly), `kh` and `h` (Khalyk, Halyk), `q` and `k`, `gh` and `g`, `yu` and `iu`,
/// `ya` and `ia`, a word's `iy`, `ii`, `yi` or `ij` ending and `y`, and `ye` at a word's start
/// and `e`. Two spellings with the same skeleton are the same name for a matcher.
pub fn skeleton(word: &str) -> String {
    let mut w = word
        .replace("shch", "shh")
        .replace("zh", "j")
        .replace("kh", "h")
        .replace("gh", "g")
        .replace('q', "k")
        .replace("iu", "yu")
        .replace("ia", "ya");
    for ending in ["iy", "ii", "yi", "ij", "yy"] {
        if w.len() > ending.len() + 1 && w.ends_with(ending) {
            w.truncate(w.len() - ending.len());
            w.push('y');
            break;
        }
    }
    if w.len() > 3 && w.starts_with("ye") {
        w.remove(0);
    }
    w
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn russian_and_kazakh_letters_are_written_in_latin() {
        assert_eq!(to_latin("темір жолы"), "temir zholy");
        assert_eq!(to_latin("қазақстан"), "qazaqstan");
        assert_eq!(to_latin("ғылым"), "ghylym");
        assert_eq!(to_latin("әуе"), "aue");
        assert_eq!(to_latin("өнім"), "onim");
        assert_eq!(to_latin("ұлттық"), "ulttyq");
        assert_eq!(to_latin("үкімет"), "ukimet");
        assert_eq!(to_latin("һ"), "h");
        assert_eq!(to_latin("щука"), "shchuka");
        assert_eq!(to_latin("объект"), "obekt");
        assert_eq!(to_latin("халық"), "khalyq");
        assert_eq!(
            to_latin("acme 42"),
            "acme 42",
            "Latin text and digits are kept"
        );
    }

    #[test]
    fn variant_spellings_share_a_skeleton() {
        for (a, b) in [
            ("zholy", "joly"),
            ("khalyk", "halyk"),
            ("khalyq", "halyk"),
            ("yuriy", "iuriy"),
            ("dmitriy", "dmitry"),
            ("dmitrii", "dmitry"),
            ("yevgeny", "evgeny"),
            ("qazaqstan", "kazakstan"),
            ("maria", "marya"),
        ] {
            assert_eq!(skeleton(a), skeleton(b), "{a} / {b}");
        }
        for (a, b) in [("kazan", "kazna"), ("temir", "timur"), ("bank", "banki")] {
            assert_ne!(skeleton(a), skeleton(b), "{a} / {b}");
        }
        // Short words keep their endings: "ii" is not "y".
        assert_eq!(skeleton("ii"), "ii");
    }
}
