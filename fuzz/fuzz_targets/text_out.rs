//! What leaves whohosts as text: the CSV cell policy and the terminal sanitiser, on any
//! string. CSV cells never start a formula and read back to the value written (less the
//! leading quote); sanitised text holds no control characters; sanitised JSON is the same
//! JSON value.
#![no_main]

use libfuzzer_sys::fuzz_target;
use whohosts_core::export::csv::{csv_cell, write_rows};
use whohosts_core::terminal::{terminal_safe, terminal_safe_json, terminal_safe_lines};

#[derive(serde::Serialize, Default)]
struct Row {
    name: String,
    owner: String,
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let cell = csv_cell(&text);
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        assert!(text.parse::<f64>().is_ok_and(f64::is_finite), "{text:?}");
    }
    assert_eq!(cell.strip_prefix('\'').filter(|_| cell != text).unwrap_or(&cell), text);
    let mut out = Vec::new();
    write_rows(&mut out, &[Row { name: text.to_string(), owner: format!("@{text}") }]).expect("write to memory");
    let mut reader = csv::Reader::from_reader(out.as_slice());
    for record in reader.records() {
        for field in record.expect("what was written reads back").iter() {
            assert!(!field.starts_with(['=', '+', '@', '\t', '\r']) || field.parse::<f64>().is_ok());
        }
    }
    assert!(!terminal_safe(&text).chars().any(char::is_control));
    assert!(!terminal_safe_lines(&text).chars().any(|c| c.is_control() && c != '\n'));
    let json = serde_json::to_string(&serde_json::Value::String(text.to_string())).expect("a string serialises");
    let safe = terminal_safe_json(&json);
    assert!(!safe.chars().any(char::is_control));
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&safe).expect("still JSON"),
        serde_json::Value::String(text.to_string())
    );
});
