//! An invite link shown for handing over: a labelled read-only field (selected
//! on focus, ready to copy) and the same link as a QR code to scan.

use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// The link as an SVG QR code.
fn qr_svg(link: &str) -> Option<String> {
    let code = qrcode::QrCode::new(link.as_bytes()).ok()?;
    Some(code.render::<qrcode::render::svg::Color>().min_dimensions(220, 220).build())
}

#[component]
pub fn InviteCode(
    /// The element id of the field (unique on the page).
    id: &'static str,
    label: &'static str,
    #[prop(into)] link: Signal<String>,
) -> impl IntoView {
    view! {
        <div class="invite">
            <label for=id>{label}</label>
            <input id=id type="text" readonly data-testid=id prop:value=move || link.get()
                on:focus=move |ev| {
                    if let Some(input) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()) {
                        input.select();
                    }
                }/>
            <p class="hint">"Or scan this code with the other phone's camera:"</p>
            <div class="qr" role="img" aria-label=format!("QR code of the {}", label.to_lowercase())
                inner_html=move || qr_svg(&link.get()).unwrap_or_default()>
            </div>
        </div>
    }
}
