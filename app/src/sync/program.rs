//! The engine's part in programs: intake forms arriving in the
//! coordinator's inbox (checked, then on the roster or set aside with
//! why), and a participant's form sent sealed and signed.

use confidant_shared::document::DocumentKind;
use confidant_shared::program::{IntakeForm, Program};
use confidant_shared::sync::inbox::{InboxAddress, Letter};
use confidant_shared::sync::notice::{Notice, MAX_NOTICE_BYTES};
use confidant_shared::sync::Role;

use super::engine::{warn, Engine};
use crate::store::{announce_saved, OpenDocument};

impl Engine {
    /// An intake form for the program whose page has the sync id `page`:
    /// only a page this device owns, and only into its program's roster.
    pub(super) async fn program_intake(&mut self, letter: &Letter, page: &str, form: IntakeForm) {
        let Some((_, share)) = self.shares.iter().find(|(doc, s)| doc.to_string() == page && s.record.kind == DocumentKind::ProgramPage) else { return };
        if share.keys.role() != Role::Owner {
            return;
        }
        let page_local = share.local.to_string();
        let programs = match crate::api::documents_of::<Program>().await {
            Ok(programs) => programs,
            Err(err) => return warn(&err.to_string()),
        };
        let Some((program_local, _)) = programs.into_iter().find(|(_, p)| p.page == page_local) else { return };
        let Ok((open, program, _)) = OpenDocument::open::<Program>(&self.store, program_local).await else { return };
        let today = crate::clock::today_day();
        let mut edited = program.clone();
        if let Err(refused) = edited.receive_intake(letter.named_sender().ok(), &form, today) {
            warn(&format!("an intake form was set aside: {refused:?}"));
            edited.set_aside(&form.name, &refused, today);
        }
        if edited == program {
            return;
        }
        match open.change(|p: &mut Program| *p = edited).await {
            Ok(_) => announce_saved(program_local),
            Err(err) => warn(&err.to_string()),
        }
    }

    /// Send this person's intake form to the program's coordinator, in a
    /// letter signed by this device (the coordinator knows who sent it).
    pub(super) async fn send_intake(&mut self, to: &InboxAddress, page: String, form: IntakeForm) -> Result<(), String> {
        let body = Notice::ProgramIntake { page, form }.encode();
        if body.len() > MAX_NOTICE_BYTES {
            return Err("Your form is too long to send; shorten the note and send it again.".into());
        }
        self.send_letter(to, &body).await
    }
}
