//! Money in the person's own conventions, from the browser's `Intl`: the
//! decimal and grouping marks amounts are typed with, and amounts shown
//! with their currency. The arithmetic is whole cents, in
//! `confidant_shared::program::budget`.

use js_sys::{Array, Intl, Object, Reflect};
use wasm_bindgen::JsValue;

/// The decimal mark and the grouping mark of the browser's locale
/// (`'.'` and `','` when it cannot say).
pub fn marks() -> (char, char) {
    let format = Intl::NumberFormat::new(&Array::new(), &Object::new());
    let parts = format.format_to_parts(12345.6);
    let mut decimal = '.';
    let mut group = ',';
    for part in parts.iter() {
        let kind = Reflect::get(&part, &"type".into()).ok().and_then(|v| v.as_string()).unwrap_or_default();
        let value = Reflect::get(&part, &"value".into()).ok().and_then(|v| v.as_string()).unwrap_or_default();
        let Some(mark) = value.chars().next() else { continue };
        match kind.as_str() {
            "decimal" => decimal = mark,
            "group" => group = mark,
            _ => {}
        }
    }
    (decimal, group)
}

/// Read a typed amount as cents, with the browser locale's marks.
pub fn parse(text: &str) -> Result<i64, String> {
    let (decimal, group) = marks();
    confidant_shared::program::budget::parse_amount(text, decimal, group).map_err(|e| e.to_string())
}

/// `cents` in `currency` as the person's locale writes it ("$1,234.50").
pub fn show(cents: i64, currency: &str) -> String {
    // Intl throws on a malformed code (any three letters are well formed).
    if !is_currency_code(currency) {
        return plain(cents, currency);
    }
    let options = Object::new();
    let _ = Reflect::set(&options, &"style".into(), &"currency".into());
    let _ = Reflect::set(&options, &"currency".into(), &JsValue::from_str(currency));
    let format = Intl::NumberFormat::new(&Array::new(), &options);
    format.format().call1(&JsValue::UNDEFINED, &JsValue::from_f64(cents as f64 / 100.0)).ok().and_then(|v| v.as_string()).unwrap_or_else(|| plain(cents, currency))
}

/// An ISO 4217 code's shape: three capital letters.
pub fn is_currency_code(code: &str) -> bool {
    code.len() == 3 && code.bytes().all(|b| b.is_ascii_uppercase())
}

fn plain(cents: i64, currency: &str) -> String {
    format!("{} {currency}", confidant_shared::program::budget::cents_text(cents))
}
