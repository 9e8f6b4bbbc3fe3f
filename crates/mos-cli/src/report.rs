//! What a command prints: one JSON value, shown as JSON with `--json` or as indented text.

use std::fmt::Write;

use alloy_primitives::U256;
use serde_json::Value;

/// A command's result.
pub struct Report {
    /// The result as JSON.
    pub json: Value,
    /// The result as text for a person.
    pub text: String,
    /// Parts of the input that could not be decoded: printed to stderr, and the exit code is 1.
    pub problems: Vec<String>,
}

impl Report {
    /// A report whose text is the JSON laid out as indented `key: value` lines.
    pub fn new(json: Value) -> Self {
        let mut text = String::new();
        render(&json, 0, &mut text);
        Self { json, text, problems: Vec::new() }
    }
}

/// A `uint256` as JSON: a number when it fits in 64 bits, else a decimal string.
pub fn uint(value: U256) -> Value {
    u64::try_from(value).map_or_else(|_| Value::String(value.to_string()), Value::from)
}

fn render(value: &Value, indent: usize, out: &mut String) {
    let pad = " ".repeat(indent);
    match value {
        Value::Object(map) => {
            for (key, value) in map {
                if is_scalar(value) {
                    let _ = writeln!(out, "{pad}{key}: {}", scalar(value));
                } else {
                    let _ = writeln!(out, "{pad}{key}:");
                    render(value, indent + 2, out);
                }
            }
        }
        Value::Array(items) => {
            for item in items {
                if is_scalar(item) {
                    let _ = writeln!(out, "{pad}- {}", scalar(item));
                } else {
                    let _ = writeln!(out, "{pad}-");
                    render(item, indent + 2, out);
                }
            }
        }
        scalar_value => {
            let _ = writeln!(out, "{pad}{}", scalar(scalar_value));
        }
    }
}

fn is_scalar(value: &Value) -> bool {
    match value {
        Value::Array(items) => items.is_empty(),
        Value::Object(map) => map.is_empty(),
        _ => true,
    }
}

fn scalar(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Array(_) => "[]".into(),
        Value::Object(_) => "{}".into(),
        other => other.to_string(),
    }
}
