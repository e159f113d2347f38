//! Generates `examples/data/kz-trade-2021-2023.csv`: a synthetic but realistic sample of
//! trade declarations around Kazakhstan: exports from Kazakhstan from June 2022 to December
//! 2023, the pre-war baseline year 2021, and the imports and EU exports that history rules read.
//!
//! ```text
//! cargo run --example generate-sample > examples/data/kz-trade-2021-2023.csv
//! ```
//!
//! The output is a pure function of the seed below (ChaCha8, portable across platforms and
//! versions of `rand_chacha` 0.9): running it again gives the same bytes. What it models, from
//! the public reporting summarised in `shared/DOMAIN.md`:
//!
//! - chips (HS 8542), washing machines (8450) and drones (8806) shipped to Russia in numbers that
//!   rise month by month after mid-2022 (re-exports: made in the US, Taiwan, Korea, China...);
//! - arms and armoured vehicles (chapter 93, 871000) exported before the suspension of
//!   2022-08-27, a few during it, and again from September 2023;
//! - goods of Kazakh origin (wheat, copper, ferro-alloys, zinc, crude oil), the bulk of exports;
//! - routes through other EAEU members (transit through Russia to Belarus and Armenia);
//! - other Common High Priority List goods (bearings, oscilloscopes, routers), some with a
//!   dual-use licence, some without, some whose end user differs from the consignee or is a
//!   freight forwarder; drones declared as toys (9503);
//! - a handful of malformed records (impossible dates, letters in HS codes, unknown countries,
//!   missing fields, negative values, short lines), which an audit must report, not drop;
//! - the history patterns of the record: a 2021 baseline year (chips to Russia worth about USD
//!   12,000 in all, no washing machines to Russia, no drones), against which the exports of
//!   2022-2023 spike; drones (and chips) imported from China into Kazakhstan, some of them
//!   sent on to Russia by the importer within weeks, some imported for a named end user other
//!   than the importer ("ghost trade"); consignees new to the trade receiving high priority goods;
//!   and exports from Germany and France to Kazakhstan of washing machines and chips against
//!   their 2021 totals (the EU quota proposal).
//!
//! The 2022-2023 exports are drawn first, from the seed, as before the history patterns were
//! added; the patterns come from streams of their own, so adding them changed no earlier record.
//!
//! Company names are invented. HS codes are real HS 2022 subheadings, extended to 10 digits as
//! the EAEU's TN VED writes them.

use std::fmt::Write as _;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// The date of the "106 goods" statement, 2023-10-19.
const SEED: u64 = 20231019;

struct Kind {
    /// HS 2022 subheadings (6 digits) this kind of goods is declared under, with the
    /// description a declarant would write.
    codes: &'static [(&'static str, &'static str)],
    origins: &'static [&'static str],
    destinations: &'static [&'static str],
    /// Records per month at the start of the period, and added per month after it.
    base: f64,
    growth: f64,
    unit: &'static str,
    unit_price: (u32, u32),
    quantity: (u32, u32),
    /// Only months (index from June 2022) for which this returns true.
    months: fn(usize) -> bool,
}

const ALWAYS: fn(usize) -> bool = |_| true;

const KINDS: &[Kind] = &[
    Kind {
        codes: &[
            ("854231", "Microcontrollers, 32-bit ARM"),
            ("854232", "DRAM memory chips"),
            ("854239", "Integrated circuits, FPGA"),
        ],
        origins: &["US", "TW", "KR", "CN", "JP", "DE", "MY"],
        destinations: &["RU", "RU", "RU", "KG", "UZ", "CN"],
        base: 2.0,
        growth: 1.2,
        unit: "pcs",
        unit_price: (3, 400),
        quantity: (50, 5000),
        months: ALWAYS,
    },
    Kind {
        codes: &[
            ("845011", "Washing machines, fully automatic, 7 kg"),
            ("845020", "Washing machines, 12 kg"),
        ],
        origins: &["KR", "CN", "TR", "DE"],
        destinations: &["RU", "RU", "RU", "RU", "KG"],
        base: 3.0,
        growth: 1.0,
        unit: "pcs",
        unit_price: (180, 900),
        quantity: (20, 400),
        months: ALWAYS,
    },
    Kind {
        codes: &[
            ("880621", "Quadcopter, take-off weight under 250 g"),
            ("880622", "Quadcopter with camera, 1.2 kg"),
            ("880690", "Unmanned aircraft, fixed wing"),
        ],
        origins: &["CN", "CN", "CN", "TR"],
        destinations: &["RU", "RU", "KG", "UZ"],
        base: 0.5,
        growth: 0.5,
        unit: "pcs",
        unit_price: (400, 9000),
        quantity: (2, 60),
        months: ALWAYS,
    },
    Kind {
        codes: &[("950300", "Toy: mini quadcopter drone with HD camera")],
        origins: &["CN"],
        destinations: &["RU", "KG"],
        base: 0.5,
        growth: 0.2,
        unit: "pcs",
        unit_price: (20, 150),
        quantity: (50, 2000),
        months: ALWAYS,
    },
    Kind {
        codes: &[
            ("930190", "Military weapons, artillery components"),
            ("930320", "Sporting shotguns"),
            ("930630", "Cartridges and parts"),
            ("871000", "Armoured personnel carrier, spare parts"),
        ],
        origins: &["KZ"],
        destinations: &["AE", "IN", "TR", "JO", "MY"],
        base: 3.0,
        growth: 0.0,
        unit: "pcs",
        unit_price: (2000, 90000),
        quantity: (1, 40),
        // Before the suspension, a few during it, and again after it.
        months: |m| m < 3 || m % 4 == 0 || m >= 15,
    },
    Kind {
        codes: &[
            ("100199", "Wheat, milling"),
            ("740311", "Copper cathodes"),
            ("720241", "Ferro-chromium, high carbon"),
            ("790111", "Zinc, unwrought, 99.99%"),
            ("270900", "Crude petroleum oil"),
        ],
        origins: &["KZ"],
        destinations: &["CN", "RU", "IT", "NL", "TR", "UZ", "CH"],
        base: 60.0,
        growth: 0.5,
        unit: "t",
        unit_price: (200, 9000),
        quantity: (20, 3000),
        months: ALWAYS,
    },
    Kind {
        codes: &[
            ("848210", "Ball bearings"),
            ("903020", "Digital oscilloscopes"),
            ("851762", "Network routers and switches"),
            ("847150", "Processing units for computers"),
        ],
        origins: &["DE", "JP", "CN", "US", "KR"],
        destinations: &["RU", "BY", "AM", "KG", "CN"],
        base: 6.0,
        growth: 0.4,
        unit: "pcs",
        unit_price: (15, 3000),
        quantity: (5, 800),
        months: ALWAYS,
    },
    Kind {
        codes: &[("847130", "Laptop computers"), ("851713", "Smartphones")],
        origins: &["CN", "VN", "US", "KR"],
        destinations: &["RU", "RU", "KG", "UZ"],
        base: 8.0,
        growth: 0.6,
        unit: "pcs",
        unit_price: (150, 1800),
        quantity: (10, 900),
        months: ALWAYS,
    },
];

const CONSIGNORS: &[&str] = &[
    "Astana Trade Hub LLP",
    "Steppe Electronics LLP",
    "Almaty Import-Export LLP",
    "Kazakhstan Engineering JSC",
    "Caspian Commodities LLP",
    "Nur Logistics LLP",
];
const CONSIGNEES: &[&str] = &[
    "OOO Vector Components",
    "OOO Technoservice",
    "Gulf Defence Trading LLC",
    "Bishkek Trade House",
    "Tashkent Industrial Supply",
    "Minsk Radiotech OJSC",
    "Yerevan Electronics CJSC",
    "Shanghai Metals Co",
    "Rotterdam Commodities BV",
];
const FORWARDERS: &[&str] = &[
    "Eurasia Freight Forwarding LLC",
    "Transit Cargo Logistics LLP",
];

fn month_date(month: usize, day: u32) -> String {
    let year = 2022 + (month + 5) / 12;
    let m = (month + 5) % 12 + 1;
    let last = match m {
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    };
    format!("{year}-{m:02}-{:02}", day.min(last))
}

/// A date of 2021, month 1 to 12.
fn date_2021(month: u32, day: u32) -> String {
    let last = match month {
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    };
    format!("2021-{month:02}-{:02}", day.min(last))
}

/// A date `days` after `date` (YYYY-MM-DD), or `None` after the end of 2023.
fn days_after(date: &str, days: i64) -> Option<String> {
    let d = chrono::NaiveDate::parse_from_str(date, "%Y-%m-%d").ok()?;
    let later = d.checked_add_signed(chrono::Duration::days(days))?;
    (later <= chrono::NaiveDate::from_ymd_opt(2023, 12, 31)?).then(|| later.to_string())
}

/// One CSV line of the sample's columns.
#[allow(
    clippy::too_many_arguments,
    reason = "the columns of a record, in order"
)]
fn line(
    id: &str,
    date: &str,
    hs: &str,
    description: &str,
    origin: &str,
    from: &str,
    to: &str,
    parties: (&str, &str, &str),
    cents: u64,
    currency: &str,
    quantity: u32,
) -> (String, String) {
    let (consignor, consignee, end_user) = parties;
    let transit = if to == "BY" { "RU" } else { "" };
    (
        date.to_owned(),
        format!(
            "{id},{date},{hs},\"{description}\",{origin},{from},{to},{transit},\"{consignor}\",\"{consignee}\",\"{end_user}\",{}.{:02},{currency},{quantity},pcs,",
            cents / 100,
            cents % 100
        ),
    )
}

/// A TN VED code of 10 digits for an HS subheading.
fn tnved(code6: &str, rng: &mut ChaCha8Rng) -> String {
    format!(
        "{}.{}.{:04}",
        &code6[..4],
        &code6[4..],
        rng.random_range(0..10) * 10
    )
}

/// Records whose parties are on the party lists of `rules/lists/`, written as a declaration
/// would write them: Aeroflot (BIS Denied Persons List) in Russian, VTB Leasing (OFAC's
/// consolidated list), Kazakhstan Temir Zholy in Kazakh (the in-house watch list, proposed),
/// and the synthetic new Russian-owned company of the register extract receiving chips.
fn listed_parties(rows: &mut Vec<(String, String)>) {
    // id, date, HS code, description, origin, destination, parties, cents, quantity.
    type Listed = (
        &'static str,
        &'static str,
        &'static str,
        &'static str,
        &'static str,
        &'static str,
        (&'static str, &'static str, &'static str),
        u64,
        u32,
    );
    let records: [Listed; 4] = [
        (
            "KZP-2022-000",
            "2022-10-05",
            "8807.30.0000",
            "Aircraft parts: brake assemblies",
            "FR",
            "RU",
            ("Astana Trade Hub LLP", "ПАО «Аэрофлот»", "ПАО «Аэрофлот»"),
            18_400_000,
            40,
        ),
        (
            "KZP-2023-001",
            "2023-03-14",
            "8607.19.0000",
            "Railway wheel sets",
            "KZ",
            "UZ",
            (
                "АО «НК «Қазақстан темір жолы»",
                "Tashkent Industrial Supply",
                "Tashkent Industrial Supply",
            ),
            96_000_000,
            120,
        ),
        (
            "KZP-2023-002",
            "2023-06-20",
            "8807.30.0000",
            "Aircraft parts: landing gear components",
            "US",
            "RU",
            ("Astana Trade Hub LLP", "VTB Leasing JSC", "VTB Leasing JSC"),
            52_000_000,
            12,
        ),
        (
            "KZP-2023-003",
            "2023-09-07",
            "8542.31.0000",
            "Processors and controllers",
            "TW",
            "KZ",
            (
                "Caspian Commodities LLP",
                "ТОО «Синтетик Экзампл Кондуит»",
                "ТОО «Синтетик Экзампл Кондуит»",
            ),
            4_400_000,
            2_000,
        ),
    ];
    for (id, date, hs, description, origin, to, parties, cents, quantity) in records {
        // The last one is an import into Kazakhstan (a Kazakh consignee), shipped from Germany.
        let from = if to == "KZ" { "DE" } else { "KZ" };
        rows.push(line(
            id,
            date,
            hs,
            description,
            origin,
            from,
            to,
            parties,
            cents,
            "USD",
            quantity,
        ));
    }
}

/// Dual-use exports classified against the control list and carrying licences, for the
/// licence register of the sample (`examples/data/kz-sample.licences.toml`): covered ones, and
/// ones whose licence has expired, is exhausted, is for other goods, destinations or holders,
/// was issued under another country's law, or is not in the register at all. Returns the
/// records' control codes by id.
///
/// The control codes are entries of the EU dual-use list (Regulation (EU) 2021/821, Annex I),
/// whose numbering Kazakhstan's national list follows: 5A002 information security, 4A003
/// digital computers, 2A001 bearings. They are the entries goods of these HS codes may be
/// classified under, given here as a declarant would after classifying; the records, the
/// licences and their numbers are invented.
fn licensed_exports(rows: &mut Vec<(String, String)>) -> Vec<(&'static str, &'static str)> {
    // id, date, HS code, description, destination, consignor, consignee, cents, quantity,
    // unit, licences, control codes.
    type Licensed = (
        &'static str,
        &'static str,
        &'static str,
        &'static str,
        &'static str,
        &'static str,
        &'static str,
        u64,
        u32,
        &'static str,
        &'static str,
        &'static str,
    );
    const ROUTERS: &str = "Routers with encryption, enterprise";
    const SERVERS: &str = "Processing units, servers";
    let records: [Licensed; 12] = [
        // KZ-DU-2023-000117: 500 routers to Yerevan Electronics CJSC, January to June 2023.
        (
            "KZL-2023-001",
            "2023-02-10",
            "8517.62.0000",
            ROUTERS,
            "AM",
            "Steppe Electronics LLP",
            "Yerevan Electronics CJSC",
            24_000_000,
            200,
            "pcs",
            "KZ-DU-2023-000117",
            "5A002.a",
        ),
        (
            "KZL-2023-002",
            "2023-03-15",
            "8517.62.0000",
            ROUTERS,
            "AM",
            "Steppe Electronics LLP",
            "Yerevan Electronics CJSC",
            30_000_000,
            250,
            "pcs",
            "KZ-DU-2023-000117",
            "5A002.a",
        ),
        // Declared in kilograms: the licence counts pieces.
        (
            "KZL-2023-003",
            "2023-03-20",
            "8517.62.0000",
            ROUTERS,
            "AM",
            "Steppe Electronics LLP",
            "Yerevan Electronics CJSC",
            1_800_000,
            40,
            "kg",
            "KZ-DU-2023-000117",
            "5A002.a",
        ),
        // 50 pieces are left.
        (
            "KZL-2023-004",
            "2023-04-20",
            "8517.62.0000",
            ROUTERS,
            "AM",
            "Steppe Electronics LLP",
            "Yerevan Electronics CJSC",
            14_400_000,
            120,
            "pcs",
            "KZ-DU-2023-000117",
            "5A002.a",
        ),
        // After its last day.
        (
            "KZL-2023-005",
            "2023-08-02",
            "8517.62.0000",
            ROUTERS,
            "AM",
            "Steppe Electronics LLP",
            "Yerevan Electronics CJSC",
            3_600_000,
            30,
            "pcs",
            "KZ-DU-2023-000117",
            "5A002.a",
        ),
        // KZ-DU-2023-000245: a global licence for servers, USD 2,000,000 to AM, KG and CN.
        (
            "KZL-2023-006",
            "2023-05-05",
            "8471.50.0000",
            SERVERS,
            "KG",
            "Kazakhstan Engineering JSC",
            "Bishkek Trade House",
            80_000_000,
            100,
            "pcs",
            "KZ-DU-2023-000245",
            "4A003",
        ),
        (
            "KZL-2023-007",
            "2023-06-06",
            "8471.50.0000",
            SERVERS,
            "CN",
            "Kazakhstan Engineering JSC",
            "Shanghai Metals Co",
            90_000_000,
            110,
            "pcs",
            "KZ-DU-2023-000245",
            "4A003",
        ),
        // Not among its destinations.
        (
            "KZL-2023-008",
            "2023-07-07",
            "8471.50.0000",
            SERVERS,
            "AE",
            "Kazakhstan Engineering JSC",
            "Gulf Defence Trading LLC",
            10_000_000,
            12,
            "pcs",
            "KZ-DU-2023-000245",
            "4A003",
        ),
        // Another exporter's shipment under it.
        (
            "KZL-2023-009",
            "2023-09-09",
            "8471.50.0000",
            SERVERS,
            "KG",
            "Astana Trade Hub LLP",
            "Bishkek Trade House",
            10_000_000,
            12,
            "pcs",
            "KZ-DU-2023-000245",
            "4A003",
        ),
        // Bearings under the servers' licence.
        (
            "KZL-2023-010",
            "2023-10-10",
            "8482.10.0000",
            "Ball bearings, precision",
            "KG",
            "Kazakhstan Engineering JSC",
            "Bishkek Trade House",
            5_000_000,
            400,
            "pcs",
            "KZ-DU-2023-000245",
            "2A001",
        ),
        // A German licence presented for a Kazakh requirement.
        (
            "KZL-2023-011",
            "2023-05-18",
            "8471.50.0000",
            SERVERS,
            "AM",
            "Steppe Electronics LLP",
            "Yerevan Electronics CJSC",
            20_000_000,
            25,
            "pcs",
            "DE-BAFA-2023-118034",
            "4A003",
        ),
        // A number of the right form that no authority issued.
        (
            "KZL-2023-012",
            "2023-06-20",
            "8517.62.0000",
            ROUTERS,
            "AM",
            "Steppe Electronics LLP",
            "Yerevan Electronics CJSC",
            6_000_000,
            50,
            "pcs",
            "KZ-DU-2023-000001",
            "5A002.a",
        ),
    ];
    let mut codes = Vec::new();
    for (
        id,
        date,
        hs,
        description,
        to,
        consignor,
        consignee,
        cents,
        quantity,
        unit,
        licence,
        code,
    ) in records
    {
        let (date, text) = line(
            id,
            date,
            hs,
            description,
            "CN",
            "KZ",
            to,
            (consignor, consignee, consignee),
            cents,
            "USD",
            quantity,
        );
        let text = text
            .strip_suffix(",pcs,")
            .map(|head| format!("{head},{unit},{licence}"))
            .unwrap_or(text);
        rows.push((date, text));
        codes.push((id, code));
    }
    codes
}

/// The records history rules read: the 2021 baseline year, imports into Kazakhstan and what
/// their importers sent on, new consignees, and exports from the EU to Kazakhstan.
fn history_patterns(rows: &mut Vec<(String, String)>) {
    // The baseline year: Kazakh goods as usual, chips to Russia worth about USD 12,000 in all
    // (as reported), other high priority goods at their pre-war pace, no washing machines and
    // no drones to Russia.
    let mut rng = ChaCha8Rng::seed_from_u64(SEED + 2021);
    let commodities = &KINDS[5];
    let components = &KINDS[6];
    for month in 1..=12u32 {
        for n in 0..30 {
            let (code6, description) = pick(&mut rng, commodities.codes);
            let destination = pick(&mut rng, &["CN", "RU", "IT", "NL", "TR", "UZ", "CH"]);
            let quantity = rng.random_range(commodities.quantity.0..=commodities.quantity.1);
            let price = u64::from(rng.random_range(20_000..=900_000u32));
            rows.push(line(
                &format!("KZB-2021-5{month:02}{n:03}"),
                &date_2021(month, rng.random_range(1..=31)),
                &tnved(code6, &mut rng),
                description,
                "KZ",
                "KZ",
                destination,
                (pick(&mut rng, CONSIGNORS), pick(&mut rng, CONSIGNEES), ""),
                price * u64::from(quantity),
                "USD",
                quantity,
            ));
        }
        for n in 0..6 {
            let (code6, description) = pick(&mut rng, components.codes);
            let consignee = pick(&mut rng, CONSIGNEES);
            let quantity = rng.random_range(5..=800u32);
            rows.push(line(
                &format!("KZB-2021-6{month:02}{n:03}"),
                &date_2021(month, rng.random_range(1..=31)),
                &tnved(code6, &mut rng),
                description,
                pick(&mut rng, components.origins),
                "KZ",
                pick(&mut rng, components.destinations),
                (pick(&mut rng, CONSIGNORS), consignee, consignee),
                u64::from(rng.random_range(1_500..=300_000u32)) * u64::from(quantity),
                "USD",
                quantity,
            ));
        }
    }
    for (n, (month, cents)) in [(2, 310_000u64), (5, 295_000), (8, 302_500), (11, 290_000)]
        .into_iter()
        .enumerate()
    {
        rows.push(line(
            &format!("KZB-2021-0{month:02}{n:03}"),
            &date_2021(month, 14),
            "8542.31.0000",
            "Microcontrollers, 32-bit ARM",
            "TW",
            "KZ",
            "RU",
            (
                "Steppe Electronics LLP",
                "OOO Technoservice",
                "OOO Technoservice",
            ),
            cents * 10,
            "USD",
            10,
        ));
    }
    for n in 0..6u32 {
        rows.push(line(
            &format!("KZB-2021-1{:02}{n:03}", 2 * n + 1),
            &date_2021(2 * n + 1, 9),
            "8450.11.0000",
            "Washing machines, fully automatic, 7 kg",
            "KR",
            "KZ",
            "KG",
            (
                "Almaty Import-Export LLP",
                "Bishkek Trade House",
                "Bishkek Trade House",
            ),
            u64::from(rng.random_range(3_000_000..=9_000_000u32)),
            "USD",
            rng.random_range(20..=60),
        ));
    }

    // Drones and chips imported from China into Kazakhstan; about half sent on to Russia by
    // the importer within weeks, some imported for a named end user other than the importer.
    let mut rng = ChaCha8Rng::seed_from_u64(SEED + 1);
    let importers = [
        "Steppe Electronics LLP",
        "Nur Logistics LLP",
        "Astana Trade Hub LLP",
    ];
    let end_users = [
        "Kazakh Agrarian Technical University",
        "Almaty Mapping Services LLP",
    ];
    let goods = [
        (
            "880621",
            "Quadcopter, take-off weight under 250 g",
            40_000..=90_000u32,
        ),
        ("880622", "Quadcopter with camera, 1.2 kg", 90_000..=450_000),
        ("854231", "Microcontrollers, 32-bit ARM", 300..=4_000),
    ];
    for month in 0..19usize {
        for n in 0..2 {
            let date = month_date(month, rng.random_range(1..=28));
            let (code6, description, price) = goods[rng.random_range(0..goods.len())].clone();
            let importer = pick(&mut rng, &importers);
            let ghost = rng.random_bool(0.3);
            let end_user = if ghost {
                pick(&mut rng, &end_users)
            } else {
                importer
            };
            let quantity = rng.random_range(20..=120u32);
            let cents = u64::from(rng.random_range(price)) * u64::from(quantity);
            let hs = tnved(code6, &mut rng);
            rows.push(line(
                &format!("KZM-{}-{month:02}{n}", &date[..4]),
                &date,
                &hs,
                description,
                "CN",
                "CN",
                "KZ",
                ("Shenzhen Sky Electronics Co", importer, end_user),
                cents,
                "USD",
                quantity,
            ));
            if rng.random_bool(0.5)
                && let Some(later) = days_after(&date, rng.random_range(10..=80))
            {
                rows.push(line(
                    &format!("KZR-{}-{month:02}{n}", &later[..4]),
                    &later,
                    &hs,
                    description,
                    "CN",
                    "KZ",
                    pick(&mut rng, &["RU", "RU", "BY"]),
                    (importer, "OOO Vector Components", "OOO Vector Components"),
                    cents + cents / 5,
                    "USD",
                    quantity,
                ));
            }
        }
    }

    // Consignees new to the trade, receiving high priority goods.
    let newcomers = [
        ("2022-09-12", "OOO Granit Trade", "RU"),
        ("2022-11-03", "Arctic Components LLC", "RU"),
        ("2023-02-20", "Tashkent Smart Devices LLC", "UZ"),
        ("2023-05-08", "OOO Severnaya Elektronika", "RU"),
        ("2023-08-29", "Minsk Precision Parts LLC", "BY"),
        ("2023-11-14", "OOO Volga Microsystems", "RU"),
    ];
    for (n, (date, consignee, destination)) in newcomers.into_iter().enumerate() {
        let (code6, description) = pick(&mut rng, KINDS[0].codes);
        let quantity = rng.random_range(500..=2_000u32);
        rows.push(line(
            &format!("KZN-{}-{n:03}", &date[..4]),
            date,
            &tnved(code6, &mut rng),
            description,
            pick(&mut rng, KINDS[0].origins),
            "KZ",
            destination,
            (pick(&mut rng, CONSIGNORS), consignee, consignee),
            u64::from(rng.random_range(3_000..=9_000u32)) * u64::from(quantity),
            "USD",
            quantity,
        ));
    }

    // Exports from the EU to Kazakhstan: 2021 (the proposal's baseline), then 2023.
    let mut rng = ChaCha8Rng::seed_from_u64(SEED + 27);
    for (n, month) in [2u32, 5, 8, 11].into_iter().enumerate() {
        rows.push(line(
            &format!("EUX-2021-1{n:03}"),
            &date_2021(month, 17),
            "8450.11.0000",
            "Washing machines, fully automatic, 8 kg",
            "DE",
            "DE",
            "KZ",
            (
                "Rhein Haushaltgeraete GmbH",
                "Almaty Import-Export LLP",
                "Almaty Import-Export LLP",
            ),
            u64::from(rng.random_range(4_500_000..=5_500_000u32)),
            "EUR",
            100,
        ));
    }
    rows.push(line(
        "EUX-2021-0000",
        &date_2021(6, 3),
        "8542.31.0000",
        "Microcontrollers, automotive",
        "DE",
        "DE",
        "KZ",
        (
            "Dresden Halbleiter AG",
            "Steppe Electronics LLP",
            "Steppe Electronics LLP",
        ),
        9_000_000,
        "EUR",
        3_000,
    ));
    for month in 7..19usize {
        let date = month_date(month, rng.random_range(1..=28));
        rows.push(line(
            &format!("EUX-{}-1{month:02}", &date[..4]),
            &date,
            "8450.11.0000",
            "Washing machines, fully automatic, 8 kg",
            "DE",
            "DE",
            "KZ",
            (
                "Rhein Haushaltgeraete GmbH",
                "Almaty Import-Export LLP",
                "Almaty Import-Export LLP",
            ),
            u64::from(rng.random_range(4_000_000..=6_000_000u32)),
            "EUR",
            100,
        ));
        if month % 3 == 0 {
            rows.push(line(
                &format!("EUX-{}-2{month:02}", &date[..4]),
                &date,
                "8542.32.0000",
                "DRAM memory chips",
                "FR",
                "FR",
                "KZ",
                (
                    "Grenoble Memoire SAS",
                    "Astana Trade Hub LLP",
                    "Astana Trade Hub LLP",
                ),
                u64::from(rng.random_range(2_000_000..=4_000_000u32)),
                "EUR",
                2_000,
            ));
        }
    }
}

fn pick<T: Copy>(rng: &mut ChaCha8Rng, items: &[T]) -> T {
    items[rng.random_range(0..items.len())]
}

fn main() {
    let mut rng = ChaCha8Rng::seed_from_u64(SEED);
    let mut rows: Vec<(String, String)> = Vec::new();
    let months = 19; // June 2022 .. December 2023
    for month in 0..months {
        for (k, kind) in KINDS.iter().enumerate() {
            if !(kind.months)(month) {
                continue;
            }
            let expected = kind.base + kind.growth * month as f64;
            let count = expected.floor() as usize + usize::from(rng.random_bool(expected.fract()));
            for n in 0..count {
                let date = month_date(month, rng.random_range(1..=31));
                let (code6, description) = pick(&mut rng, kind.codes);
                let hs = format!(
                    "{}.{}.{:04}",
                    &code6[..4],
                    &code6[4..],
                    rng.random_range(0..10) * 10
                );
                let origin = pick(&mut rng, kind.origins);
                let destination = pick(&mut rng, kind.destinations);
                let transit = match destination {
                    "BY" => "RU",
                    "AM" => {
                        if rng.random_bool(0.5) {
                            "RU;GE"
                        } else {
                            "RU"
                        }
                    }
                    "IT" | "NL" | "CH" if rng.random_bool(0.4) => "RU",
                    _ => "",
                };
                let consignor = pick(&mut rng, CONSIGNORS);
                let consignee = pick(&mut rng, CONSIGNEES);
                let end_user = match rng.random_range(0..10) {
                    0 => pick(&mut rng, FORWARDERS).to_owned(),
                    1 => pick(&mut rng, CONSIGNEES).to_owned(),
                    2 => String::new(),
                    _ => consignee.to_owned(),
                };
                let quantity = rng.random_range(kind.quantity.0..=kind.quantity.1);
                let cents =
                    u64::from(rng.random_range(kind.unit_price.0 * 100..=kind.unit_price.1 * 100));
                let value = cents * u64::from(quantity);
                let licences = if k == 6 && rng.random_bool(0.4) {
                    format!("KZ-DU-{}-{:06}", &date[..4], rng.random_range(0..1_000_000))
                } else if k == 4 && rng.random_bool(0.7) {
                    format!("KZ-ARMS-{}-{:04}", &date[..4], rng.random_range(0..10_000))
                } else {
                    String::new()
                };
                let id = format!("KZX-{}-{k}{month:02}{n:03}", &date[..4]);
                let mut line = String::new();
                let _ = write!(
                    line,
                    "{id},{date},{hs},\"{description}\",{origin},KZ,{destination},{transit},\"{consignor}\",\"{consignee}\",\"{end_user}\",{}.{:02},USD,{quantity},{},{licences}",
                    value / 100,
                    value % 100,
                    kind.unit,
                );
                rows.push((date, line));
            }
        }
    }
    history_patterns(&mut rows);
    listed_parties(&mut rows);
    let control_codes = licensed_exports(&mut rows);
    rows.sort();

    // A handful of malformed records, each wrong in one way, at fixed places.
    let malformed = [
        "KZX-BAD-01,2023-02-30,8542.31.0000,\"Integrated circuits\",US,KZ,RU,,\"Steppe Electronics LLP\",\"OOO Vector Components\",\"OOO Vector Components\",1000.00,USD,10,pcs,",
        "KZX-BAD-02,2023-03-14,85A2.31.0000,\"Integrated circuits\",US,KZ,RU,,\"Steppe Electronics LLP\",\"OOO Vector Components\",\"OOO Vector Components\",1000.00,USD,10,pcs,",
        "KZX-BAD-03,2023-04-02,8806.22.0000,\"Unmanned aircraft\",CN,KZ,XR,,\"Nur Logistics LLP\",\"OOO Technoservice\",\"OOO Technoservice\",5000.00,USD,2,pcs,",
        "KZX-BAD-04,2023-05-20,8450.11.0000,\"Washing machines\",KR,KZ,,,\"Almaty Import-Export LLP\",\"OOO Technoservice\",\"OOO Technoservice\",9000.00,USD,20,pcs,",
        "KZX-BAD-05,2023-06-11,7403.11.0000,\"Copper cathodes\",KZ,KZ,CN,,\"Caspian Commodities LLP\",\"Shanghai Metals Co\",\"Shanghai Metals Co\",-125000.00,USD,15,t,",
        "KZX-BAD-06,2023-07-07,9301.90.0000,\"Artillery\",KZ,KZ,AE",
        "KZX-BAD-07,2023-08-19,1001.99.0000,\"Wheat\",KZ,KZ,UZ,,\"Caspian Commodities LLP\",\"Tashkent Industrial Supply\",\"Tashkent Industrial Supply\",48000.00,US$,200,t,",
        ",2023-09-03,8542.39.0000,\"Integrated circuits\",TW,KZ,RU,,\"Astana Trade Hub LLP\",\"OOO Vector Components\",\"OOO Vector Components\",2200.00,USD,100,pcs,",
        "KZX-BAD-09,2023-10-21,8542,\"Integrated circuits\",TW,KZ,RU,,\"Astana Trade Hub LLP\",\"OOO Vector Components\",\"OOO Vector Components\",2200.00,USD,100,pcs,",
    ];
    let step = rows.len() / (malformed.len() + 1);
    for (i, bad) in malformed.iter().enumerate() {
        rows.insert((i + 1) * step + i, (String::new(), (*bad).to_owned()));
    }

    println!(
        "id,date,hs_code,description,origin,export_country,destination,transit,consignor,consignee,end_user,value,currency,quantity,unit,licences,control_codes"
    );
    for (_, line) in rows {
        let id = line.split(',').next().unwrap_or_default();
        let codes = control_codes
            .iter()
            .find(|(i, _)| *i == id)
            .map_or("", |(_, c)| *c);
        println!("{line},{codes}");
    }
}
