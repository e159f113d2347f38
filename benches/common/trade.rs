//! Generated trade records for the history benchmarks: 2021 to 2023, real HS subheadings the
//! shipped history rules watch and others, exports from Kazakhstan to its neighbours and
//! imports into it, 50 consignors and 2,000 consignees, seeded.

use export_control::Shipment;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// `n` records, the same for the same `n` and `seed`.
pub fn records(n: usize, seed: u64) -> Vec<Shipment> {
    let watched = [
        "854231", "854232", "854239", "845011", "845020", "880621", "880622", "848210", "903020",
        "851762",
    ];
    let others = [
        "100199", "740311", "720241", "790111", "270900", "847130", "851713", "940360",
    ];
    let neighbours = ["RU", "BY", "KG", "AM", "UZ", "CN", "TR"];
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let start = chrono::NaiveDate::from_ymd_opt(2021, 1, 1).expect("a date");
    (0..n)
        .map(|i| {
            let code = if rng.random_bool(0.5) {
                watched[rng.random_range(0..watched.len())]
            } else {
                others[rng.random_range(0..others.len())]
            };
            let date = start + chrono::Days::new(rng.random_range(0..1095));
            let import = rng.random_bool(0.1);
            let (from, to) = if import {
                ("CN", "KZ")
            } else {
                ("KZ", neighbours[rng.random_range(0..neighbours.len())])
            };
            let mut s = Shipment::new(
                format!("T-{i:07}"),
                date,
                code.parse().expect("an HS code"),
                from.parse().expect("a country"),
                to.parse().expect("a country"),
            );
            let company = format!("Company {} LLP", rng.random_range(0..50));
            let buyer = format!("Buyer {}", rng.random_range(0..2000));
            if import {
                s.consignor = Some("Shenzhen Supplier Co".into());
                s.consignee = Some(company);
            } else {
                s.consignor = Some(company);
                s.consignee = Some(buyer.clone());
            }
            s.end_user = Some(buyer);
            s.value = Some(rust_decimal::Decimal::new(
                rng.random_range(10_000..500_000_000),
                2,
            ));
            s.currency = Some("USD".into());
            s
        })
        .collect()
}
