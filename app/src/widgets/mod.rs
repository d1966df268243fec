//! Pieces several pages use: editing a document without losing a keystroke,
//! the sharing panel, an invite's link and QR code, file downloads, text
//! fields that keep the caret when a partner's change arrives, values
//! edited where they stand.

pub mod delete_document;
pub mod document_editing;
pub mod file_download;
pub mod inline_edit;
pub mod invite_code;
pub mod live_text;
mod share_panel;

pub use share_panel::SharePanel;
