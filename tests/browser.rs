//! The sample's HTML report as a person sees it, in headless Chromium (Debian's `chromium`;
//! `.ci/run` installs it): the verdict table shows the audit's counts, a rule in the summary
//! leads to its records and a record back to the rule, the chart is drawn at a readable size,
//! no date is broken across lines.
//! A screenshot is saved under `target/` for inspection.
//!
//! The report is loaded with a probe appended (a script that clicks the links and measures
//! what is laid out) and Chromium prints the document after the script ran (`--dump-dom`).
//! Runs with `cargo test --features cli --test browser`.

use std::path::{Path, PathBuf};
use std::process::Command;

const CHROMIUM: &str = "/usr/bin/chromium";

/// Chromium with the flags a closed network and a root user need, and a fresh profile.
fn chromium(profile: &Path) -> Command {
    let path = std::env::var_os("CHROMIUM").map_or_else(|| PathBuf::from(CHROMIUM), PathBuf::from);
    assert!(
        path.exists(),
        "no Chromium at {}: install Debian's `chromium` (`.ci/run` does) or set CHROMIUM",
        path.display()
    );
    let mut command = Command::new(path);
    command.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--hide-scrollbars",
        "--window-size=1280,900",
    ]);
    command.arg(format!("--user-data-dir={}", profile.display()));
    command
}

/// Runs Chromium to its end; it must succeed.
fn run(command: &mut Command) -> std::process::Output {
    let out = command.output().unwrap();
    assert!(
        out.status.success(),
        "chromium: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

fn out_dir() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/browser");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Runs the installed command's audit of the sample year in `format`.
fn audit(format: &str) -> Vec<u8> {
    let out = Command::new(env!("CARGO_BIN_EXE_export-control"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("NO_COLOR", "1")
        .args([
            "audit",
            "--rules",
            "rules",
            "--licences",
            "examples/data/kz-sample.licences.toml",
            "--shipments",
            "examples/data/kz-trade-2021-2023.csv",
            "--format",
            format,
        ])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

/// What the probe reports: after the page loaded, it reads the verdict table, clicks the
/// `By rule` table's link for the rule `rule`, then the first record listed under it, then
/// that record's link back to the rule, measuring where each target lands in the window.
const PROBE: &str = r##"<script>
window.addEventListener('load', () => {
  const out = {};
  const top = (id) => Math.round(document.getElementById(id).getBoundingClientRect().top);
  const table = document.querySelector('#verdicts + table');
  out.verdicts = table ? [...table.querySelectorAll('tr')].slice(1)
    .map((tr) => [...tr.cells].map((td) => td.innerText.trim())) : null;
  const svg = document.querySelector('#value-stopped + figure svg');
  if (svg) { const r = svg.getBoundingClientRect(); out.chart = [Math.round(r.width), Math.round(r.height)]; }
  const times = [...document.querySelectorAll('time')];
  out.dates = times.length;
  out.broken_dates = times.filter((t) => t.getClientRects().length > 1).map((t) => t.textContent);
  out.bars = document.querySelectorAll('#value-stopped + figure svg rect title').length;
  const link = document.querySelector('#by-rule + table a[href="#rule-RULE"]');
  out.rule_link = !!link;
  if (link) {
    link.click();
    out.after_rule = [location.hash, top('rule-RULE'), window.innerHeight];
    const record = document.querySelector('#rule-RULE a');
    out.record_link = record ? record.getAttribute('href') : null;
    if (record) {
      record.click();
      const id = record.getAttribute('href').slice(1);
      out.after_record = [location.hash, top(id)];
      out.record_heading = document.getElementById(id).querySelector('h3').innerText;
      const back = document.querySelector('#' + id + ' .links a[href="#rule-RULE"]');
      out.back_link = !!back;
      if (back) { back.click(); out.after_back = [location.hash, top('rule-RULE')]; }
    }
  }
  const pre = document.createElement('pre');
  pre.id = 'probe';
  pre.textContent = JSON.stringify(out);
  document.body.appendChild(pre);
});
</script></body>"##;

/// The probe's JSON out of the document Chromium printed.
fn probe_result(dom: &str) -> serde_json::Value {
    let start = dom.find("<pre id=\"probe\">").unwrap_or_else(|| {
        panic!(
            "the probe did not run; the document:\n{}",
            &dom[..dom.len().min(2000)]
        )
    }) + "<pre id=\"probe\">".len();
    let end = start + dom[start..].find("</pre>").unwrap();
    let text = dom[start..end]
        .replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&nbsp;", "\u{a0}")
        .replace("&amp;", "&");
    serde_json::from_str(&text).unwrap()
}

#[test]
fn a_person_sees_the_verdicts_follows_a_rule_to_its_records_and_back() {
    let dir = out_dir();
    let report = String::from_utf8(audit("html")).unwrap();
    let summary: serde_json::Value = serde_json::from_slice(&audit("json")).unwrap();
    let verdicts = &summary["summary"]["verdicts"];

    // The rule that prohibited the most records: its link is in the `By rule` table.
    let rule = summary["summary"]["by_rule"]
        .as_object()
        .unwrap()
        .iter()
        .filter(|(_, c)| c["verdict"] == "prohibited")
        .max_by_key(|(id, c)| {
            (
                c["fired"].as_u64().unwrap(),
                std::cmp::Reverse(id.to_string()),
            )
        })
        .map(|(id, _)| id.clone())
        .expect("a prohibiting rule fired in the sample");
    assert!(
        rule.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'),
        "{rule}: the probe writes it into selectors as is"
    );
    let probed = dir.join("report-probe.html");
    let plain = dir.join("report.html");
    std::fs::write(&plain, &report).unwrap();
    std::fs::write(
        &probed,
        report.replacen("</body>", &PROBE.replace("RULE", &rule), 1),
    )
    .unwrap();

    let profile = dir.join("profile");
    let _ = std::fs::remove_dir_all(&profile);
    let out = run(chromium(&profile)
        .arg("--dump-dom")
        .arg(format!("file://{}", probed.display())));
    let got = probe_result(&String::from_utf8_lossy(&out.stdout));

    // The verdict table shows what the audit counted, every verdict in its row.
    let rows = got["verdicts"].as_array().expect("a verdict table");
    assert_eq!(rows.len(), 5, "{got}");
    for row in rows {
        let (verdict, shown) = (row[0].as_str().unwrap(), row[1].as_str().unwrap());
        assert_eq!(
            shown,
            verdicts[verdict].as_u64().unwrap().to_string(),
            "{verdict}"
        );
    }

    // The chart is drawn, at a size a person can read, with a bar per month and chapter.
    let chart = got["chart"].as_array().expect("a chart");
    let (width, height) = (chart[0].as_u64().unwrap(), chart[1].as_u64().unwrap());
    assert!(width >= 600 && height >= 250, "chart {width} x {height}");
    assert!(got["bars"].as_u64().unwrap() > 0, "{got}");

    // Dates are never broken across lines.
    assert!(got["dates"].as_u64().unwrap() > 1_000, "{}", got["dates"]);
    assert_eq!(
        got["broken_dates"],
        serde_json::json!([]),
        "dates broken across lines"
    );

    // The rule's link scrolls its entry to the top of the window; the entry's first record
    // link shows the record, whose heading says prohibited; the record links back.
    assert_eq!(got["rule_link"], true, "{got}");
    let landed = |key: &str, hash: &str| {
        let at = got[key]
            .as_array()
            .unwrap_or_else(|| panic!("{key}: {got}"));
        assert_eq!(at[0], hash, "{key}");
        let top = at[1].as_i64().unwrap();
        assert!(
            (-2..=2).contains(&top),
            "{key}: the target is {top} px from the top"
        );
    };
    landed("after_rule", &format!("#rule-{rule}"));
    let record = got["record_link"].as_str().unwrap().to_owned();
    landed("after_record", &record);
    let heading = got["record_heading"].as_str().unwrap();
    assert!(heading.contains("prohibited"), "{heading}");
    assert_eq!(got["back_link"], true, "{got}");
    landed("after_back", &format!("#rule-{rule}"));

    // A screenshot of the top of the report, for a person to look at.
    let shot = dir.join("report.png");
    let _ = std::fs::remove_file(&shot);
    run(chromium(&profile)
        .arg(format!("--screenshot={}", shot.display()))
        .arg(format!("file://{}", plain.display())));
    let png = std::fs::read(&shot).unwrap();
    assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"), "not a PNG");
    assert!(png.len() > 20_000, "a screenshot of {} bytes", png.len());
}
