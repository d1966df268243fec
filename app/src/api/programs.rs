//! What the program pages this device follows set for the pairs in them.

use confidant_shared::program::calendars::ProgramCalendars;
use confidant_shared::program::page::ProgramPage;

use super::lines_of;
use crate::sync::SyncEngine;

/// The academic calendar of each followed program, by the page's sync id
/// (as a partnership's tie names it). Without the page, or without sync on
/// this device, a partnership keeps the common calendar. When the pages
/// cannot be read, the error says so in one sentence: terms counted by the
/// common calendar instead would put notices on the wrong days, silently.
pub async fn program_calendars(engine: Option<&SyncEngine>) -> Result<ProgramCalendars, String> {
    // From the index's lines: Home reads this and opens no document.
    let pages = lines_of::<ProgramPage>().await.map_err(|e| e.for_user())?;
    Ok(ProgramCalendars::from_pages(pages.iter().filter_map(|(local, page)| Some((engine?.share_of(*local)?.sync_id.to_string(), page)))))
}
