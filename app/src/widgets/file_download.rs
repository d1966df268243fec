//! Offer text the app made (an export, a calendar, Markdown) as a download.

use leptos::prelude::document;
use wasm_bindgen::JsCast;

/// Save `contents` as the file `name` of type `mime`. The link also stays
/// in the page for a moment as `a[data-testid=last-download]`, so tests can
/// read what the user got.
pub fn download(name: &str, mime: &str, contents: &str) -> Result<(), ()> {
    let parts = js_sys::Array::of1(&contents.into());
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options).map_err(|_| ())?;
    let url = web_sys::Url::create_object_url_with_blob(&blob).map_err(|_| ())?;
    let link: web_sys::HtmlAnchorElement = document().create_element("a").map_err(|_| ())?.unchecked_into();
    link.set_href(&url);
    link.set_download(name);
    link.set_hidden(true);
    let _ = link.set_attribute("data-testid", "last-download");
    if let Some(old) = document().query_selector("a[data-testid=last-download]").ok().flatten() {
        old.remove();
    }
    let _ = document().body().map(|body| body.append_child(&link));
    link.click();
    // The URL stays valid until the next download replaces the link.
    Ok(())
}
