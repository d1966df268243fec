//! `use:live_text=…`: a text field showing a document's text that the
//! partner may change while the user types. The merged text goes in, and
//! the user's caret and selection are put back where their words are
//! (confidant_shared::co_editing), so the next key lands where they were
//! typing, not at the end. A field showing its own last input is left alone.

use confidant_shared::co_editing::map_selection;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// The directive: keep `el`'s value equal to `value`, keeping the caret.
pub fn live_text(el: web_sys::Element, value: Signal<String>) {
    Effect::new(move |_| {
        let text = value.get();
        if let Some(input) = el.dyn_ref::<web_sys::HtmlInputElement>() {
            put(&el, input.value(), &text, |v| input.set_value(v), || selection(input.selection_start(), input.selection_end()), |s, e| {
                let _ = input.set_selection_range(s, e);
            });
        } else if let Some(area) = el.dyn_ref::<web_sys::HtmlTextAreaElement>() {
            let scroll = area.scroll_top();
            put(&el, area.value(), &text, |v| area.set_value(v), || selection(area.selection_start(), area.selection_end()), |s, e| {
                let _ = area.set_selection_range(s, e);
            });
            area.set_scroll_top(scroll);
        }
    });
}

fn selection(start: Result<Option<u32>, wasm_bindgen::JsValue>, end: Result<Option<u32>, wasm_bindgen::JsValue>) -> Option<(u32, u32)> {
    Some((start.ok()??, end.ok()??))
}

fn put(
    el: &web_sys::Element,
    shown: String,
    text: &str,
    set_value: impl Fn(&str),
    get_selection: impl Fn() -> Option<(u32, u32)>,
    set_selection: impl Fn(u32, u32),
) {
    if shown == text {
        return;
    }
    let focused = document().active_element().is_some_and(|active| &active == el);
    let before = focused.then(get_selection).flatten();
    set_value(text);
    if let Some((start, end)) = before {
        let (start, end) = map_selection(&shown, text, start, end);
        set_selection(start, end);
    }
}
