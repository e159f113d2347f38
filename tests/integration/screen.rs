//! The `screen` example: names in, one JSON object per name out, in order; exit 0 when nothing
//! matched, 1 when something did, 2 on errors; hostile input refused line by line.

use std::io::Write as _;
use std::process::{Output, Stdio};

use crate::audit::example;
use crate::common::fresh_dir;
use crate::hostile::with_closed;

fn screen_stdin(input: &[u8], extra: &[&str]) -> Output {
    let mut child = example("screen")
        .args(["--rules", "rules", "--names", "-"])
        .args(extra)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    // A run that stops before reading (bad arguments) closes its input: not an error here.
    let _ = stdin.write_all(input);
    drop(stdin);
    child.wait_with_output().unwrap()
}

fn lines(output: &Output) -> Vec<serde_json::Value> {
    String::from_utf8(output.stdout.clone())
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
fn one_object_per_name_in_order_best_first_and_exit_1_on_a_match() {
    let output = screen_stdin(
        "Almaty Cotton\nПАО «Аэрофлот»\nKTZ\n\nKorea Mining Development Trading Corp\n".as_bytes(),
        &[],
    );
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    let out = lines(&output);
    let names: Vec<&str> = out.iter().map(|o| o["name"].as_str().unwrap()).collect();
    assert_eq!(
        names,
        [
            "Almaty Cotton",
            "ПАО «Аэрофлот»",
            "KTZ",
            "",
            "Korea Mining Development Trading Corp"
        ]
    );
    assert_eq!(out[0]["matches"], serde_json::json!([]));
    let aeroflot = &out[1]["matches"][0];
    assert_eq!(aeroflot["list"], "bis-dpl");
    assert_eq!(aeroflot["matched_name"], "PJSC AEROFLOT");
    assert_eq!(aeroflot["score"], 1.0);
    assert_eq!(out[2]["matches"][0]["entry"], "KZ-WL-1");
    let komid = &out[4]["matches"][0];
    assert_eq!(
        (komid["list"].as_str(), komid["entry"].as_str()),
        (Some("un"), Some("690735"))
    );
    // Best first, every score at or above the default threshold.
    for o in &out {
        let scores: Vec<f64> = o["matches"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["score"].as_f64().unwrap())
            .collect();
        assert!(scores.windows(2).all(|w| w[0] >= w[1]), "{o}");
        assert!(scores.iter().all(|s| (0.88..=1.0).contains(s)), "{o}");
    }
}

#[test]
fn nothing_matched_exits_0_and_min_score_is_honoured() {
    let output = screen_stdin(b"Almaty Cotton\nShanghai Metals Co\n", &[]);
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    // `Aero` is close to many names, not enough to be a hit at the default; at 0.5 it is.
    let strict = screen_stdin(b"Aero Trade\n", &[]);
    let loose = screen_stdin(b"Aero Trade\n", &["--min-score", "0.5"]);
    assert!(
        lines(&strict)[0]["matches"].as_array().unwrap().len()
            < lines(&loose)[0]["matches"].as_array().unwrap().len()
    );
    for bad in ["0", "1.5", "x"] {
        let output = screen_stdin(b"A\n", &["--min-score", bad]);
        assert_eq!(output.status.code(), Some(2), "{bad}");
    }
}

#[test]
fn hostile_lines_are_refused_one_by_one_and_the_rest_screened() {
    let mut input = Vec::new();
    input.extend_from_slice("KTZ\n".as_bytes());
    input.extend_from_slice(&vec![b'A'; 10 * 1024]); // a name of 10 KB
    input.push(b'\n');
    input.extend_from_slice(b"Bad\x07Name\n"); // a control character
    input.extend_from_slice(b"\xff\xfe\n"); // not UTF-8
    input.extend_from_slice("Қазақстан темір жолы ӘҒҚҢӨҰҮҺІ mixed Латиница\n".as_bytes());
    input.extend_from_slice(b"KTZ"); // a last line without its end
    let output = screen_stdin(&input, &[]);
    assert_eq!(output.status.code(), Some(2), "{output:?}");
    let out = lines(&output);
    assert_eq!(out.len(), 6);
    assert_eq!(out[0]["matches"][0]["entry"], "KZ-WL-1");
    for (i, expected) in [
        (1, "longer than"),
        (2, "control character"),
        (3, "not UTF-8"),
    ] {
        assert_eq!(out[i]["line"], i as u64 + 1);
        assert!(
            out[i]["error"].as_str().unwrap().contains(expected),
            "{}",
            out[i]
        );
    }
    assert!(out[4]["matches"].is_array());
    assert_eq!(out[5]["name"], "KTZ");
    let err = String::from_utf8(output.stderr).unwrap();
    assert!(err.contains("line 2") && err.contains("line 4"), "{err}");
}

#[test]
fn an_endless_line_is_skipped_with_bounded_memory() {
    // 64 MiB without a line end, then a name: refused, then screened.
    let mut child = example("screen")
        .args(["--rules", "rules", "--names", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || {
        let chunk = vec![b'x'; 1 << 20];
        for _ in 0..64 {
            stdin.write_all(&chunk).unwrap();
        }
        stdin.write_all(b"\nKTZ\n").unwrap();
    });
    let output = child.wait_with_output().unwrap();
    writer.join().unwrap();
    let out = lines(&output);
    assert_eq!(out.len(), 2);
    assert!(out[0]["error"].as_str().unwrap().contains("longer than"));
    assert_eq!(out[1]["matches"][0]["entry"], "KZ-WL-1");
}

#[test]
fn a_fifo_a_link_a_missing_file_and_rules_without_lists() {
    let dir = fresh_dir("screen");
    let names = dir.join("names.txt");
    std::fs::write(&names, "KTZ\n").unwrap();
    let link = dir.join("link.txt");
    std::os::unix::fs::symlink(&names, &link).unwrap();
    let output = example("screen")
        .args(["--names", link.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(1),
        "a link to a file is read: {output:?}"
    );
    let fifo = dir.join("fifo");
    assert!(
        std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    // A FIFO is read as a stream, as standard input is (the audit reads one the same way).
    let writer = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::write(fifo, "KTZ\nAlmaty Cotton\n").unwrap())
    };
    let output = example("screen")
        .args(["--names", fifo.to_str().unwrap()])
        .output()
        .unwrap();
    writer.join().unwrap();
    assert_eq!(output.status.code(), Some(1), "a FIFO is read: {output:?}");
    assert_eq!(lines(&output).len(), 2);
    let output = example("screen")
        .args(["--names", dir.join("missing").to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let output = example("screen")
        .args([
            "--rules",
            dir.to_str().unwrap(),
            "--names",
            names.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(2),
        "rules without lists: {output:?}"
    );
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn a_closed_output_ends_it_quietly() {
    let dir = fresh_dir("screen-pipe");
    let names = dir.join("names.txt");
    std::fs::write(&names, "KTZ\n".repeat(10_000)).unwrap();
    let (code, _, err) = with_closed("screen", &["--names", names.to_str().unwrap()], true);
    assert_eq!(code, Some(141), "{err}");
    assert!(err.is_empty(), "{err}");
    std::fs::remove_dir_all(dir).unwrap();
}
