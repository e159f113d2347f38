//! The English of verdicts: each reason as a sentence, each rule match and verdict as a short
//! block of plain text. Values that come from a record or a rule file are written with their
//! control characters escaped, so no text can forge a line or reach a terminal raw.

use std::fmt::{self, Display, Formatter, Write as _};

use super::because::{AttributeTest, Because, Bound, DateField, Needed, RouteField, Share};
use super::{Decision, Outcome, RuleMatch, Verdict};
use crate::control::ControlCheck;
use crate::shipment::Field;

/// How many items of a long list a sentence shows.
pub(crate) const SHOWN_ITEMS: usize = 8;

/// Text with its control characters (and the invisible characters that reorder text) written
/// as escapes: `\n`, `\t`, `\u{1b}`.
pub struct Escaped<'a>(pub &'a str);

/// Whether a character must not reach a line of output raw.
pub(crate) fn needs_escape(c: char) -> bool {
    c.is_control() || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

impl Display for Escaped<'_> {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        if !self.0.chars().any(needs_escape) {
            return f.write_str(self.0);
        }
        for c in self.0.chars() {
            match c {
                '\n' => f.write_str("\\n")?,
                '\r' => f.write_str("\\r")?,
                '\t' => f.write_str("\\t")?,
                c if needs_escape(c) => write!(f, "\\u{{{:x}}}", u32::from(c))?,
                c => f.write_char(c)?,
            }
        }
        Ok(())
    }
}

/// `[a, b, c]`, at most [`SHOWN_ITEMS`] of them, then `and N more`.
struct List<'a, T>(&'a [T]);

impl<T: Display> Display for List<'_, T> {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_char('[')?;
        for (i, item) in self.0.iter().take(SHOWN_ITEMS).enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            write!(f, "{}", Escaped(&item.to_string()))?;
        }
        if self.0.len() > SHOWN_ITEMS {
            write!(f, ", and {} more", self.0.len() - SHOWN_ITEMS)?;
        }
        f.write_char(']')
    }
}

/// Bounds as `> 500 USD and <= 1000 USD`.
struct Bounds<'a>(&'a [Bound], &'a str);

impl Display for Bounds<'_> {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        for (i, bound) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(" and ")?;
            }
            write!(
                f,
                "{} {} {}",
                bound.op.symbol(),
                bound.limit,
                Escaped(self.1)
            )?;
        }
        Ok(())
    }
}

/// `a`, `a and b`, `a, b and c`.
struct Fields<'a>(&'a [Field]);

impl Display for Fields<'_> {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        for (i, field) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(if i + 1 == self.0.len() { " and " } else { ", " })?;
            }
            write!(f, "{field}")?;
        }
        Ok(())
    }
}

/// ` (group NAME)`, when there is a group.
struct Group<'a>(Option<&'a str>);

impl Display for Group<'_> {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(name) => write!(f, " (group {})", Escaped(name)),
            None => Ok(()),
        }
    }
}

impl Display for DateField {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            DateField::Date => "date",
            DateField::AsOf => "as_of",
        })
    }
}

impl Display for RouteField {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            RouteField::Transit => "transit",
            RouteField::Route => "route",
        })
    }
}

impl Display for Because<'_> {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            Because::Jurisdiction {
                value,
                within: Some(union),
            } => write!(
                f,
                "export_country {value} is a member of the rule set's jurisdiction, {union}"
            ),
            Because::Jurisdiction { value, .. } => {
                write!(f, "export_country {value} is the rule set's jurisdiction")
            }
            Because::InForce {
                field,
                value,
                window,
                inside: true,
            } => write!(f, "{field} {value} is in force: {window}"),
            Because::InForce {
                field,
                value,
                window,
                ..
            } => {
                write!(
                    f,
                    "{field} {value} is outside the window: in force {window}"
                )
            }
            Because::HsPrefix {
                value,
                prefix,
                group,
            } => write!(
                f,
                "hs_code {value} starts with {prefix}{}",
                Group(group.as_deref())
            ),
            Because::HsExcluded {
                value,
                prefix,
                group,
                excluded,
                excluded_group,
            } => write!(
                f,
                "hs_code {value} starts with {prefix}{} but also with {excluded}{}, which is excluded",
                Group(group.as_deref()),
                Group(excluded_group.as_deref())
            ),
            Because::HsTooCoarse {
                value,
                prefix,
                group,
                excluded,
            } => write!(
                f,
                "hs_code {value} has {} digits and the rule {} {prefix}{}: cannot tell whether the goods are within it",
                value.len(),
                if *excluded { "excludes" } else { "names" },
                Group(group.as_deref())
            ),
            Because::HsNotListed { value, listed } => {
                write!(
                    f,
                    "hs_code {value} does not start with any of {}",
                    List(listed)
                )
            }
            Because::Country {
                field,
                value,
                listed,
                in_list,
                via,
            } => match (in_list, via) {
                (true, Some(group)) if listed.len() == 1 => {
                    write!(f, "{field} {value} is in group {}", Escaped(group))
                }
                (true, Some(group)) => write!(
                    f,
                    "{field} {value} is in {}, by group {}",
                    List(listed),
                    Escaped(group)
                ),
                (true, None) => write!(f, "{field} {value} is in {}", List(listed)),
                (false, _) => write!(f, "{field} {value} is not in {}", List(listed)),
            },
            Because::UnionOrigin { listed, members } => match members {
                Share::All => write!(
                    f,
                    "origin EU (the European Union) is in {}: every member state is",
                    List(listed)
                ),
                Share::None => write!(
                    f,
                    "origin EU (the European Union) is not in {}: no member state is",
                    List(listed)
                ),
                Share::Some => write!(
                    f,
                    "origin EU (the European Union): some member states are in {}, some are \
                     not, so it cannot be told",
                    List(listed)
                ),
            },
            Because::Route {
                field,
                countries,
                listed,
                hit,
                via,
                unnamed,
            } => {
                if countries.is_empty() {
                    write!(f, "{field}")?;
                } else {
                    write!(f, "{field} {}", List(countries))?;
                }
                match (hit, via) {
                    (Some(c), Some(group)) if listed.len() == 1 => {
                        write!(
                            f,
                            " passes through {c}, which is in group {}",
                            Escaped(group)
                        )
                    }
                    (Some(c), Some(group)) => write!(
                        f,
                        " passes through {c}, which is in {}, by group {}",
                        List(listed),
                        Escaped(group)
                    ),
                    (Some(c), None) => {
                        write!(f, " passes through {c}, which is in {}", List(listed))
                    }
                    (None, _) if *unnamed => write!(
                        f,
                        " and a country the record does not name: cannot tell whether it \
                         passes through {}",
                        List(listed)
                    ),
                    (None, _) => write!(f, " has no country in {}", List(listed)),
                }
            }
            Because::PartyName {
                field,
                value,
                names,
                matched,
            } => match matched {
                Some(name) => write!(
                    f,
                    "{field} {} is the listed party \"{}\"",
                    Escaped(value),
                    Escaped(name)
                ),
                None => write!(
                    f,
                    "{field} {} is not one of {}",
                    Escaped(value),
                    List(names)
                ),
            },
            Because::Pattern {
                subject,
                value,
                pattern,
                matched,
            } => match matched {
                Some(m) => write!(
                    f,
                    "{subject} {} matches /{}/ at \"{}\"",
                    Escaped(value),
                    Escaped(pattern),
                    Escaped(m)
                ),
                None => write!(
                    f,
                    "{subject} {} does not match /{}/",
                    Escaped(value),
                    Escaped(pattern)
                ),
            },
            Because::EndUser {
                end_user,
                consignee,
                same,
            } => write!(
                f,
                "end_user {} {} \"{}\"",
                Escaped(end_user),
                if *same {
                    "is the consignee"
                } else {
                    "differs from the consignee"
                },
                Escaped(consignee)
            ),
            Because::Amount {
                field,
                value,
                unit,
                bounds,
                holds,
            } => write!(
                f,
                "{field} {value} {} is {}{}",
                Escaped(unit),
                if *holds { "" } else { "not " },
                Bounds(bounds, unit)
            ),
            Because::NotComparable {
                field,
                value,
                unit,
                bounds,
                rule_unit,
            } => write!(
                f,
                "{field} {value} {} cannot be compared with {}: the record's {} is {}, the \
                 rule's {}",
                Escaped(unit),
                Bounds(bounds, rule_unit),
                if *field == crate::shipment::Field::Value {
                    "currency"
                } else {
                    "unit"
                },
                Escaped(unit),
                Escaped(rule_unit)
            ),
            Because::Attribute {
                name,
                value,
                test,
                holds,
            } => {
                write!(f, "attributes.{} {} ", Escaped(name), Escaped(value))?;
                match (test, holds) {
                    (AttributeTest::Equals(e), true) => write!(f, "equals \"{}\"", Escaped(e)),
                    (AttributeTest::Equals(e), false) => {
                        write!(f, "does not equal \"{}\"", Escaped(e))
                    }
                    (AttributeTest::In(list), true) => write!(f, "is in {}", List(list)),
                    (AttributeTest::In(list), false) => write!(f, "is not in {}", List(list)),
                }
            }
            Because::Licences {
                licences,
                pattern,
                matched,
            } => {
                if licences.is_empty() {
                    f.write_str("licences")?;
                } else {
                    write!(f, "licences {}", List(licences))?;
                }
                match matched {
                    Some(l) => write!(
                        f,
                        " include \"{}\", which matches /{}/",
                        Escaped(l),
                        Escaped(pattern)
                    ),
                    None => write!(f, " include none matching /{}/", Escaped(pattern)),
                }
            }
            Because::ControlCode {
                codes,
                listed,
                matched,
                within,
                group,
            } => match (matched, within) {
                (Some(code), Some(within)) => write!(
                    f,
                    "control code {code} is within {within}{}",
                    Group(group.as_deref())
                ),
                _ if codes.is_empty() => write!(
                    f,
                    "the record carries no control code: none is within {}",
                    List(listed)
                ),
                _ => write!(
                    f,
                    "control codes {} are within none of {}",
                    List(codes),
                    List(listed)
                ),
            },
            Because::Classification {
                codes,
                checked,
                classified: true,
            } => {
                f.write_str("the goods are classified against a control list: ")?;
                if codes.is_empty() {
                    f.write_str("not controlled (no control code)")?;
                } else {
                    write!(f, "control codes {}", List(codes))?;
                }
                match checked {
                    Some(ControlCheck::On(date)) => write!(f, ", checked on {date}"),
                    _ => Ok(()),
                }
            }
            Because::Classification { .. } => f.write_str(
                "the goods are not classified against a control list (no control code, no \
                 control_list_checked): classify them",
            ),
            Because::Given { fields, missing } if missing.is_empty() => {
                write!(
                    f,
                    "{} {} given",
                    Fields(fields),
                    if fields.len() == 1 { "is" } else { "are" }
                )
            }
            Because::Given { missing, .. } => write!(
                f,
                "{} {} not given",
                Fields(missing),
                if missing.len() == 1 { "is" } else { "are" }
            ),
            Because::Missing {
                subject,
                counts_as_no_match: true,
                ..
            } => write!(f, "{subject} is missing, which counts as no match"),
            Because::Missing {
                subject, needed, ..
            } => {
                write!(f, "{subject} is missing: ")?;
                match needed {
                    Needed::InList { listed, negated } => write!(
                        f,
                        "cannot tell whether it is {}in {}",
                        if *negated { "not " } else { "" },
                        List(listed)
                    ),
                    Needed::OneOf { names } => {
                        write!(f, "cannot tell whether it is one of {}", List(names))
                    }
                    Needed::Matches { pattern } => {
                        write!(f, "cannot tell whether it matches /{}/", Escaped(pattern))
                    }
                    Needed::Bounds { bounds, unit } => {
                        write!(f, "cannot compare with {}", Bounds(bounds, unit))
                    }
                    Needed::Attribute {
                        test: AttributeTest::Equals(e),
                    } => write!(f, "cannot tell whether it equals \"{}\"", Escaped(e)),
                    Needed::Attribute {
                        test: AttributeTest::In(list),
                    } => write!(f, "cannot tell whether it is in {}", List(list)),
                    Needed::SameAsConsignee => {
                        f.write_str("cannot tell whether the end user is the consignee")
                    }
                }
            }
            Because::Licence(check) => check.fmt(f),
            Because::Spike(figures) => figures.fmt(f),
            Because::Quota(figures) => figures.fmt(f),
            Because::NewParty(figures) => figures.fmt(f),
            Because::ListedParty(hit) => hit.fmt(f),
            Because::Reexport(figures) => figures.fmt(f),
            Because::NotCounted {
                field,
                value,
                unit,
                rule_unit,
            } => match (value, unit) {
                (Some(v), Some(u)) => write!(
                    f,
                    "{field} {v} {} is not in {rule_unit}, the rule's measure: not counted, \
                     cannot compare",
                    Escaped(u)
                ),
                (Some(v), None) => write!(
                    f,
                    "{field} {v} has no currency or unit: not counted, cannot compare with \
                     {rule_unit}"
                ),
                _ => write!(
                    f,
                    "{field} is missing: not counted, cannot compare with {rule_unit}"
                ),
            },
            Because::HistoryKeyMissing { field, test } => write!(
                f,
                "{field} is missing: cannot tell the {} test",
                Escaped(test)
            ),
            Because::TotalTooLarge { key } => write!(
                f,
                "{}: the total is too large to hold, cannot compare",
                Escaped(&key.to_string())
            ),
            Because::Exemption { held, because } => {
                f.write_str(if *held {
                    "the exception holds: "
                } else {
                    "the exception cannot be told: "
                })?;
                for (i, reason) in because.iter().enumerate() {
                    if i > 0 {
                        f.write_str("; ")?;
                    }
                    write!(f, "{reason}")?;
                }
                Ok(())
            }
        }
    }
}

impl Display for RuleMatch<'_> {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        let decision = self.decision;
        match self.outcome {
            Outcome::Fired => write!(f, "{decision} by")?,
            Outcome::Exempted => write!(f, "exempted from {decision} by")?,
            Outcome::Licensed => write!(f, "licensed under {decision} by")?,
            Outcome::Undetermined if decision == Decision::Review => {
                write!(f, "review (cannot tell) by")?;
            }
            Outcome::Undetermined => write!(f, "review (cannot tell; would be {decision}) by")?,
            Outcome::NotInForce => write!(f, "not in force: would be {decision} by")?,
        }
        writeln!(
            f,
            " {} ({} v{}, {}) at {}:{}",
            Escaped(&self.rule),
            Escaped(&self.ruleset),
            Escaped(&self.version),
            self.status,
            Escaped(&self.source.file),
            self.source.line
        )?;
        writeln!(f, "    {}", Escaped(&self.title))?;
        writeln!(f, "    cites: {}", Escaped(&self.citation))?;
        for because in &self.because {
            match because {
                Because::Exemption { held, because } => {
                    writeln!(
                        f,
                        "    - the exception {}:",
                        if *held { "holds" } else { "cannot be told" }
                    )?;
                    for reason in because {
                        writeln!(f, "        - {reason}")?;
                    }
                }
                other => writeln!(f, "    - {other}")?,
            }
        }
        Ok(())
    }
}

impl Display for Verdict<'_> {
    /// Short plain text: the decision, then each rule that played a part.
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "{} (as of {}; rules {})",
            self.decision.as_str().to_uppercase(),
            self.as_of,
            self.ruleset_digest
        )?;
        if self.matches.is_empty() {
            writeln!(f, "  no rule matched")?;
        }
        for m in &self.matches {
            write!(f, "  {m}")?;
        }
        Ok(())
    }
}

/// Where a baseline comes from, in words.
struct BaselineText<'a>(&'a crate::verdict::because::BaselineSource);

impl Display for BaselineText<'_> {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        use crate::verdict::because::BaselineSource;
        match self.0 {
            BaselineSource::Records { count: 1 } => f.write_str("1 record"),
            BaselineSource::Records { count } => write!(f, "{count} records"),
            BaselineSource::Statistics { file } => {
                write!(f, "statistics file \"{}\"", Escaped(file))
            }
        }
    }
}

impl Display for super::because::Spike {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        let super::because::Spike {
            key,
            unit,
            from,
            through,
            total,
            records,
            baseline_year,
            baseline_total,
            baseline,
            baseline_source,
            ratio,
            floor,
            holds,
        } = self;
        {
            write!(
                f,
                "{}: {total} {unit} from {from} to {through} ({records} record{}), against \
             a baseline of {baseline} {unit} per window ({baseline_year} total \
             {baseline_total} {unit}, from {}); ",
                Escaped(&key.to_string()),
                if *records == 1 { "" } else { "s" },
                BaselineText(baseline_source),
            )?;
            if *holds {
                write!(
                    f,
                    "at least {ratio} x the baseline and at least {floor} {unit}"
                )
            } else if total < floor {
                write!(f, "below the floor of {floor} {unit}")
            } else {
                write!(f, "below {ratio} x the baseline")
            }
        }
    }
}

impl Display for super::because::Quota {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        let super::because::Quota {
            key,
            unit,
            year,
            before,
            amount,
            total,
            cap,
            basis,
            holds,
        } = self;
        {
            write!(
                f,
                "{}: {total} {unit} in {year} with this record ({before} before it, {amount} \
             in it), {} the cap of {cap} {unit}",
                Escaped(&key.to_string()),
                if *holds { "above" } else { "within" },
            )?;
            if let Some(basis) = basis {
                write!(
                    f,
                    " ({} x the {} total of {} {unit}, from {})",
                    basis.factor,
                    basis.year,
                    basis.total,
                    BaselineText(&basis.source)
                )?;
            }
            Ok(())
        }
    }
}

impl Display for super::because::NewParty {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        let super::because::NewParty {
            field,
            name,
            first_seen,
            days,
            new,
            amount,
            unit,
            floor,
            holds: _,
        } = self;
        {
            write!(f, "{field} \"{}\" ", Escaped(name))?;
            match (first_seen, new) {
                (None, _) => f.write_str("never seen before (new)")?,
                (Some(d), true) => write!(f, "first seen on {d} (new: within {days} days)")?,
                (Some(d), false) => {
                    write!(f, "first seen on {d} (not new: {days} days or more before)")?;
                }
            }
            write!(
                f,
                ", receiving {amount} {unit} ({} the floor of {floor} {unit})",
                if amount < floor { "below" } else { "at least" },
            )
        }
    }
}

impl Display for super::because::ListedParty {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        let super::because::ListedParty {
            field,
            name,
            normalised,
            legal_form: _,
            list,
            version,
            entry,
            matched,
            matched_normalised,
            matched_legal_form: _,
            score,
            min_score,
            registered_on,
            registered_on_or_after,
            owners_countries,
            name_score,
            signals,
        } = self;
        write!(
            f,
            "{field} \"{}\" matches \"{}\" (entry {} of list {list}, version {version}) with score \
             {score} (at least {min_score}; compared as \"{}\" and \"{}\")",
            Escaped(name),
            Escaped(matched),
            Escaped(entry),
            Escaped(normalised),
            Escaped(matched_normalised),
        )?;
        if let Some(name_score) = name_score {
            write!(f, "; names {name_score}")?;
            for signal in signals {
                write!(f, ", {signal}")?;
            }
        }
        if let (Some(on), Some(after)) = (registered_on, registered_on_or_after) {
            write!(f, "; registered on {on} (on or after {after})")?;
        }
        if !owners_countries.is_empty() {
            let owners: Vec<String> = owners_countries.iter().map(ToString::to_string).collect();
            write!(f, "; owners in {}", owners.join(", "))?;
        }
        Ok(())
    }
}

impl Display for super::because::Signal {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        use super::because::Signal;
        let change = self.change();
        let sign = if change.is_sign_negative() { "" } else { "+" };
        match self {
            Signal::Country {
                country,
                entry_countries,
                ..
            } => {
                let listed: Vec<String> = entry_countries.iter().map(ToString::to_string).collect();
                let among = if entry_countries.contains(country) {
                    "among"
                } else {
                    "not among"
                };
                write!(
                    f,
                    "{sign}{change} as the party's country {country} is {among} the entry's ({})",
                    listed.join(", ")
                )
            }
            Signal::EntryType {
                legal_form,
                entry_type,
                ..
            } => write!(
                f,
                "{sign}{change} as an organisation ({}) against the entry of {}",
                legal_form.as_str(),
                match entry_type {
                    super::because::EntryKind::Individual => "a person",
                    super::because::EntryKind::Vessel => "a vessel",
                    super::because::EntryKind::Aircraft => "an aircraft",
                    super::because::EntryKind::Entity => "an organisation",
                }
            ),
        }
    }
}

impl Display for super::because::LicenceCheck {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        let super::because::LicenceCheck {
            licence,
            covers,
            licence_kind,
            authority,
            holder,
            register,
            failures,
            balances,
        } = self;
        write!(f, "licence \"{}\"", Escaped(licence))?;
        if let Some(kind) = licence_kind {
            write!(f, " ({}", kind.as_str())?;
            if let Some(holder) = holder {
                write!(f, ", held by \"{}\"", Escaped(holder))?;
            }
            if let Some(authority) = authority {
                write!(f, ", issued by {}", Escaped(authority))?;
            }
            if let Some(register) = register {
                write!(f, ", at {}", Escaped(register))?;
            }
            f.write_char(')')?;
        }
        if *covers {
            f.write_str(" covers the record")?;
        } else if failures.first() == Some(&super::because::LicenceFailure::NotInRegister) {
            f.write_str(" is not in the licence register: it cannot meet the requirement")?;
            return Ok(());
        } else {
            f.write_str(" does not cover the record: ")?;
            for (i, failure) in failures.iter().enumerate() {
                if i > 0 {
                    f.write_str("; ")?;
                }
                failure.fmt(f)?;
            }
        }
        for balance in balances {
            write!(
                f,
                "; {} balance {} {} before, {} drawn, {} {} left",
                balance.field,
                balance.limit - balance.drawn_before,
                Escaped(&balance.unit),
                balance.amount,
                balance.remaining,
                Escaped(&balance.unit)
            )?;
        }
        Ok(())
    }
}

impl Display for super::because::LicenceFailure {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        use super::because::LicenceFailure as F;
        match self {
            F::NotInRegister => f.write_str("not in the licence register"),
            F::Format { pattern } => write!(
                f,
                "its number is not of the form the rule accepts (/{}/)",
                Escaped(pattern)
            ),
            F::Jurisdiction { licence, required } => {
                write!(f, "issued under the law of {licence}, not of {required}")
            }
            F::Holder { holder, consignor } => match consignor {
                Some(c) => write!(
                    f,
                    "held by \"{}\", not by the consignor \"{}\"",
                    Escaped(holder),
                    Escaped(c)
                ),
                None => write!(
                    f,
                    "held by \"{}\"; the record names no consignor",
                    Escaped(holder)
                ),
            },
            F::NotYetValid { valid_from, date } => {
                write!(f, "not valid before {valid_from} (the record is of {date})")
            }
            F::Expired { valid_until, date } => {
                write!(f, "expired on {valid_until} (the record is of {date})")
            }
            F::Goods { covers, hs_code } => {
                write!(f, "covers HS {}, not {hs_code}", List(covers))
            }
            F::ControlCodes { covers, codes } => {
                if codes.is_empty() {
                    write!(
                        f,
                        "covers control codes {}; the record carries none",
                        List(covers)
                    )
                } else {
                    write!(
                        f,
                        "covers control codes {}, not {}",
                        List(covers),
                        List(codes)
                    )
                }
            }
            F::Destination {
                covers,
                destination,
            } => write!(f, "covers destinations {}, not {destination}", List(covers)),
            F::Party {
                field,
                licence,
                record,
            } => match record {
                Some(r) => write!(
                    f,
                    "names {field} \"{}\", not \"{}\"",
                    Escaped(licence),
                    Escaped(r)
                ),
                None => write!(
                    f,
                    "names {field} \"{}\"; the record names none",
                    Escaped(licence)
                ),
            },
            F::Balance {
                field,
                unit,
                remaining,
                needed,
            } => write!(
                f,
                "{field} balance {remaining} {u}, the record needs {needed} {u}",
                u = Escaped(unit)
            ),
            F::NotComparable {
                field,
                unit,
                amount,
                record_unit,
            } => match (amount, record_unit) {
                (Some(a), Some(u)) => write!(
                    f,
                    "limits {field} in {}, the record gives {a} {}: not comparable",
                    Escaped(unit),
                    Escaped(u)
                ),
                _ => write!(
                    f,
                    "limits {field} in {}; the record gives no {field} in it: the balance cannot be drawn",
                    Escaped(unit)
                ),
            },
            F::TotalTooLarge => f.write_str("what was drawn on it is too large to add up"),
            F::DrawsOn { licence } => write!(
                f,
                "the record draws on licence \"{}\", which it carries first",
                Escaped(licence)
            ),
        }
    }
}

impl Display for super::because::Reexport {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        let super::because::Reexport {
            consignor,
            hs6,
            country,
            days,
            import,
            holds: _,
        } = self;
        match import {
            Some(import) => {
                write!(
                    f,
                    "consignor \"{}\" received HS {hs6} in {country} on {} (import \"{}\"), within \
                 {days} days before",
                    Escaped(consignor),
                    import.date,
                    Escaped(&import.id)
                )?;
                if let Some((id, end_user)) = &import.ghost {
                    write!(
                        f,
                        "; import \"{}\" named end user \"{}\", not the consignor (goods declared \
                     for someone else)",
                        Escaped(id),
                        Escaped(end_user)
                    )?;
                }
                Ok(())
            }
            None => write!(
                f,
                "consignor \"{}\" received no HS {hs6} in {country} within {days} days before",
                Escaped(consignor)
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_escaped() {
        assert_eq!(Escaped("plain é").to_string(), "plain é");
        assert_eq!(
            Escaped("a\nb\tc\u{1b}[31m\u{202e}").to_string(),
            "a\\nb\\tc\\u{1b}[31m\\u{202e}"
        );
    }

    #[test]
    fn long_lists_are_cut_after_eight() {
        let nine: Vec<u32> = (1..=9).collect();
        assert_eq!(
            List(&nine).to_string(),
            "[1, 2, 3, 4, 5, 6, 7, 8, and 1 more]"
        );
        assert_eq!(List(&nine[..8]).to_string(), "[1, 2, 3, 4, 5, 6, 7, 8]");
        assert_eq!(List::<u32>(&[]).to_string(), "[]");
    }

    /// Field lists read as English: `a`, `a and b`, `a, b and c`; one field "is", more "are".
    #[test]
    fn fields_are_listed_with_commas_and_a_last_and() {
        let given = |fields: &[Field], missing: &[Field]| {
            Because::Given {
                fields: std::borrow::Cow::Owned(fields.to_vec()),
                missing: missing.to_vec(),
            }
            .to_string()
        };
        let (v, q, u) = (Field::Value, Field::Quantity, Field::Unit);
        assert_eq!(given(&[v], &[]), "value is given");
        assert_eq!(given(&[v, q], &[]), "value and quantity are given");
        assert_eq!(given(&[v, q, u], &[]), "value, quantity and unit are given");
        assert_eq!(given(&[v, q, u], &[q]), "quantity is not given");
        assert_eq!(
            given(&[v, q, u], &[v, q, u]),
            "value, quantity and unit are not given"
        );
        assert_eq!(Fields(&[]).to_string(), "");
    }

    /// A control-code test that does not hold says whether the record carries codes at all;
    /// a classification gives the day it was checked on, when dated.
    #[test]
    fn control_code_reasons_say_what_the_record_carries() {
        use crate::control::ControlCode;
        use std::borrow::Cow;
        let code = |c: &str| c.parse::<ControlCode>().unwrap();
        let listed = || Cow::Owned(vec!["3A001".to_owned()]);
        let unmatched = |codes: Vec<ControlCode>| {
            Because::ControlCode {
                codes,
                listed: listed(),
                matched: None,
                within: None,
                group: None,
            }
            .to_string()
        };
        assert_eq!(
            unmatched(Vec::new()),
            "the record carries no control code: none is within [3A001]"
        );
        assert_eq!(
            unmatched(vec![code("5A002")]),
            "control codes [5A002] are within none of [3A001]"
        );
        let classified = |checked| {
            Because::Classification {
                codes: Vec::new(),
                checked,
                classified: true,
            }
            .to_string()
        };
        let day = "2023-02-01".parse().unwrap();
        assert_eq!(
            classified(Some(ControlCheck::On(day))),
            "the goods are classified against a control list: not controlled (no control code), \
             checked on 2023-02-01"
        );
        assert_eq!(
            classified(Some(ControlCheck::Undated)),
            "the goods are classified against a control list: not controlled (no control code)"
        );
    }

    /// An amount a history rule cannot count says why: another unit, no unit, no amount.
    #[test]
    fn an_amount_not_counted_says_why() {
        let not_counted = |value: Option<&str>, unit: Option<&str>| {
            Because::NotCounted {
                field: Field::Value,
                value: value.map(|v| v.parse().unwrap()),
                unit: unit.map(str::to_owned),
                rule_unit: "USD".to_owned(),
            }
            .to_string()
        };
        assert_eq!(
            not_counted(Some("120.50"), Some("EUR")),
            "value 120.50 EUR is not in USD, the rule's measure: not counted, cannot compare"
        );
        assert_eq!(
            not_counted(Some("120.50"), None),
            "value 120.50 has no currency or unit: not counted, cannot compare with USD"
        );
        assert_eq!(
            not_counted(None, None),
            "value is missing: not counted, cannot compare with USD"
        );
    }
}
