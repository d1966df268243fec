//! The engine's part in programs: intake forms arriving in the
//! coordinator's inbox (on whichever coordinator's device the page names) (checked, then on the roster or set aside with
//! why), a participant's form sent sealed and signed, introductions and
//! the match's invitation kept on a participant's device (only from the
//! coordinator and the introduced partner), and the pair's check-in counts
//! sent when they change and taken in by the coordinator's device.

use confidant_shared::document::{DocumentId, DocumentKind};
use confidant_shared::partnership::Partnership;
use confidant_shared::program::introduction::{Announcement, FormAnswer, Introduction, MatchInvitation, MatchMessage, MatchNews, MatchWord, ProgramLetters};
use confidant_shared::program::page::ProgramPage;
use confidant_shared::program::budget::{ClaimNews, ClaimRequest};
use confidant_shared::program::survey::{SurveyAnswers, SurveyLetter};
use confidant_shared::group::Group;
use confidant_shared::program::group_report::GroupCountsLetter;
use confidant_shared::program::{CheckIn, IntakeForm, Program};
use confidant_shared::sync::inbox::{InboxAddress, Letter};
use confidant_shared::sync::notice::{Notice, MAX_NOTICE_BYTES};
use confidant_shared::sync::Role;

use leptos::prelude::Set;

use super::engine::{warn, Engine};
use crate::store::kept;
use crate::store::{announce_saved, OpenDocument};

impl Engine {
    /// The program this device runs whose public page has the sync id `page`.
    async fn program_of_page(&self, page: &str) -> Option<DocumentId> {
        let (_, share) = self.shares.iter().find(|(doc, s)| doc.to_string() == page && s.record.kind == DocumentKind::ProgramPage)?;
        // Its coordinators write the page; a member only reads it.
        if share.keys.role() == Role::Reader {
            return None;
        }
        let page_local = share.local.to_string();
        let programs = match crate::api::documents_of::<Program>().await {
            Ok(programs) => programs,
            Err(err) => {
                warn(&err.to_string());
                return None;
            }
        };
        // The one program that made the page on this device; else the one
        // program naming it (two claiming one page: a crafted program, and
        // neither gets the letter).
        let only = |mut claiming: Vec<DocumentId>| (claiming.len() == 1).then(|| claiming.remove(0));
        let made_here: Vec<DocumentId> = programs.iter().filter(|(_, p)| p.page == page_local).map(|(l, _)| *l).collect();
        if !made_here.is_empty() {
            return only(made_here);
        }
        only(programs.iter().filter(|(_, p)| p.page_sync == page).map(|(l, _)| *l).collect())
    }

    /// Change the program `local` with `edit`, if it changes anything.
    async fn change_program(&self, local: DocumentId, edit: impl FnOnce(&mut Program)) {
        let Ok((open, program, _)) = OpenDocument::open::<Program>(&self.store, local).await else { return };
        let mut edited = program.clone();
        edit(&mut edited);
        if edited == program {
            return;
        }
        match open.change(|p: &mut Program| *p = edited).await {
            Ok(_) => announce_saved(local),
            Err(err) => warn(&err.to_string()),
        }
    }

    /// An intake form for the program whose page has the sync id `page`:
    /// only a page this device owns, and only into its program's roster.
    pub(super) async fn program_intake(&mut self, letter: &Letter, page: &str, form: IntakeForm) {
        let Some(local) = self.program_of_page(page).await else { return };
        let today = crate::clock::today_day();
        let sender = letter.named_sender().ok().copied();
        let mut answer = None;
        self.change_program(local, |program| {
            answer = Some(match program.receive_intake(sender.as_ref(), &form, today) {
                Ok(_) => FormAnswer { taken: true, why: String::new() },
                Err(refused) => {
                    warn(&format!("an intake form was set aside: {refused:?}"));
                    program.set_aside(&form.name, &refused, today);
                    FormAnswer { taken: false, why: refused.describe() }
                }
            });
        })
        .await;
        // The sender hears what became of it (an unsigned letter has no one to tell).
        if let (Some(to), Some(answer)) = (sender, answer) {
            let body = Notice::ProgramFormAnswer { program: page.to_string(), answer }.encode();
            if let Err(err) = self.send_letter(&to, &body).await {
                warn(&err);
            }
        }
    }

    /// An announcement from a program this device follows.
    pub(super) async fn program_announcement(&mut self, letter: &Letter, announcement: Announcement) {
        let Some(coordinator) = self.coordinator_of(&announcement.program).await else { return };
        let sender = letter.named_sender().ok().copied();
        self.change_program_letters(|kept| kept.receive_announcement(sender.as_ref(), &coordinator, announcement)).await;
    }

    /// What became of this device's form, from the program's coordinator.
    pub(super) async fn program_form_answer(&mut self, letter: &Letter, program: &str, answer: FormAnswer) {
        let Some(coordinator) = self.coordinator_of(program).await else { return };
        let sender = letter.named_sender().ok().copied();
        self.change_program_letters(|kept| kept.receive_form_answer(sender.as_ref(), &coordinator, program, answer)).await;
    }

    /// A pair's check-in for a match of a program this device runs.
    pub(super) async fn program_check_in(&mut self, letter: &Letter, program: &str, match_id: &str, check_in: CheckIn) {
        let Some(local) = self.program_of_page(program).await else { return };
        let sender = letter.named_sender().ok().copied();
        let today = crate::clock::today_day();
        self.change_program(local, |p| {
            if !p.receive_check_in(sender.as_ref(), match_id, &check_in, today) {
                warn("a check-in was refused");
            }
        })
        .await;
    }

    /// The inbox a followed program page names for its coordinator.
    async fn coordinator_of(&self, program: &str) -> Option<InboxAddress> {
        let (_, share) = self.shares.iter().find(|(doc, s)| doc.to_string() == program && s.record.kind == DocumentKind::ProgramPage)?;
        let (_, page, _) = OpenDocument::open::<ProgramPage>(&self.store, share.local).await.ok()?;
        InboxAddress::parse(&page.intake_inbox).ok()
    }

    /// An introduction to a match, from a program this device follows.
    pub(super) async fn program_introduction(&mut self, letter: &Letter, intro: Introduction) {
        let Some(coordinator) = self.coordinator_of(&intro.program).await else { return };
        let sender = letter.named_sender().ok().copied();
        self.change_program_letters(|kept| kept.receive_introduction(sender.as_ref(), &coordinator, intro)).await;
    }

    /// News of a match (a continuation notice, its end) from the coordinator.
    pub(super) async fn program_match_news(&mut self, letter: &Letter, news: MatchNews) {
        let Some(coordinator) = self.coordinator_of(&news.program).await else { return };
        let sender = letter.named_sender().ok().copied();
        self.change_program_letters(|kept| kept.receive_news(sender.as_ref(), &coordinator, news)).await;
    }

    /// The coordinator's message to a match this device is part of.
    pub(super) async fn program_match_message(&mut self, letter: &Letter, message: MatchMessage) {
        let Some(coordinator) = self.coordinator_of(&message.program).await else { return };
        let sender = letter.named_sender().ok().copied();
        self.change_program_letters(|kept| kept.receive_message(sender.as_ref(), &coordinator, message)).await;
    }

    /// A side's word about its match, for a program this device runs.
    pub(super) async fn program_match_word(&mut self, letter: &Letter, program: &str, match_id: &str, word: MatchWord) {
        let Some(local) = self.program_of_page(program).await else { return };
        let sender = letter.named_sender().ok().copied();
        let today = crate::clock::today_day();
        self.change_program(local, |p| {
            if !p.receive_word(sender.as_ref(), match_id, word, today) {
                warn("a word about a match was refused");
            }
        })
        .await;
    }

    /// Tell the coordinator of `program` something about this device's
    /// match, and remember it to show back.
    pub(super) async fn send_match_word(&mut self, program: String, match_id: String, word: MatchWord) -> Result<(), String> {
        let to = self.coordinator_of(&program).await.ok_or("This program's page is not on this device any more; open its link again.")?;
        let body = Notice::ProgramMatchWord { program: program.clone(), match_id: match_id.clone(), word: word.clone() }.encode();
        if body.len() > MAX_NOTICE_BYTES {
            return Err("Your note is too long to send; shorten it and send again.".into());
        }
        self.send_letter(&to, &body).await?;
        self.change_program_letters(|kept| {
            kept.remember(&program, &match_id, word);
            Ok(())
        })
        .await;
        Ok(())
    }

    /// The partnership's invitation from the partner an introduction named.
    pub(super) async fn program_match_invitation(&mut self, letter: &Letter, invitation: MatchInvitation) {
        let sender = letter.named_sender().ok().copied();
        self.change_program_letters(|kept| kept.receive_invitation(sender.as_ref(), invitation)).await;
    }

    async fn change_program_letters(&mut self, change: impl FnOnce(&mut ProgramLetters) -> Result<(), confidant_shared::program::introduction::LetterRefused>) {
        match self.store.change_kept::<ProgramLetters, _>(kept::PROGRAM_LETTERS, change).await {
            Ok((letters, Ok(()))) => self.handle.program_letters.set(letters),
            Ok((_, Err(refused))) => warn(&format!("a program letter was refused: {refused}")),
            Err(err) => warn(&err.to_string()),
        }
    }

    /// At start: the program letters kept on this device.
    pub(super) async fn program_letters_again(&mut self) {
        let letters: ProgramLetters = self.store.kept(kept::PROGRAM_LETTERS).await.unwrap_or_default();
        self.handle.program_letters.set(letters);
    }

    /// A partnership was saved: if it belongs to a program and the pair
    /// shares counts, send them when they differ from the last sent from
    /// this device.
    pub(super) async fn check_in_if_changed(&mut self, local: DocumentId) {
        let Ok((_, partnership, _)) = OpenDocument::open::<Partnership>(&self.store, local).await else { return };
        let Some(tie) = partnership.program.clone().filter(|t| t.share_check_ins) else { return };
        // The coordinator the page names now (a successor may have taken
        // the program over), else the one who introduced the pair.
        let to = match self.coordinator_of(&tie.program).await {
            Some(to) => to,
            None => match InboxAddress::parse(&tie.coordinator_inbox) {
                Ok(to) => to,
                Err(_) => return,
            },
        };
        let check_in = CheckIn::from_partnership(&partnership, tie.needs_help, crate::clock::today_day());
        // What is compared: the counts, not the day they were made.
        let counts = serde_json::to_string(&CheckIn { made_on: Default::default(), ..check_in.clone() }).unwrap_or_default();
        let key = kept::check_in_key(&tie.match_id);
        let body = Notice::ProgramCheckIn { program: tie.program, match_id: tie.match_id, check_in }.encode();
        self.send_if_changed(&key, counts, &to, &body).await;
    }

    /// Send `body` to `to` unless `compared` is what was last sent under
    /// `key` from this device; checked and recorded in one transaction, so
    /// two tabs send once.
    async fn send_if_changed(&mut self, key: &str, compared: String, to: &InboxAddress, body: &[u8]) {
        let changed = self.store.change_kept::<String, _>(key, |last| {
            let changed = *last != compared;
            *last = compared.clone();
            changed
        });
        match changed.await {
            Ok((_, true)) => {
                if let Err(err) = self.send_letter(to, body).await {
                    warn(&err);
                }
            }
            Ok((_, false)) => {}
            Err(err) => warn(&err.to_string()),
        }
    }

    /// A group's attendance counts for a program this device runs.
    pub(super) async fn program_group_counts(&mut self, letter: &Letter, page: &str, counts: GroupCountsLetter) {
        let Some(local) = self.program_of_page(page).await else { return };
        let sender = letter.named_sender().ok().copied();
        let today = crate::clock::today_day();
        self.change_program(local, |p| {
            if let Err(why) = p.receive_group_counts(sender.as_ref(), &counts, today) {
                warn(&format!("a group's counts were refused: {why}"));
            }
        })
        .await;
    }

    /// A group was saved: if it shares counts with a program whose page
    /// this device follows, send them when they differ from the last sent
    /// from here.
    pub(super) async fn group_counts_if_changed(&mut self, local: DocumentId) {
        let Ok((_, group, _)) = OpenDocument::open::<Group>(&self.store, local).await else { return };
        let Some(tie) = group.program.clone() else { return };
        let Some(to) = self.coordinator_of(&tie.page).await else { return };
        let counts = GroupCountsLetter::of(&tie.report, &group.name, &group.counts(crate::clock::today_day()));
        let text = serde_json::to_string(&(&counts.name, counts.members, counts.meetings_held, counts.came, &counts.last_held)).unwrap_or_default();
        let key = format!("kept:group-counts:{}", tie.report);
        let body = Notice::ProgramGroupCounts { page: tie.page, counts }.encode();
        self.send_if_changed(&key, text, &to, &body).await;
    }

    /// Answers to a survey of a program this device runs (and holds the
    /// intake of: the page names this device).
    pub(super) async fn program_survey_answer(&mut self, letter: &Letter, page: &str, answer: SurveyLetter) {
        let Some(local) = self.program_of_page(page).await else { return };
        let sender = letter.named_sender().ok().copied();
        let today = crate::clock::today_day();
        self.change_program(local, |p| {
            if let Err(refused) = p.receive_survey_answer(sender.as_ref(), &answer, today) {
                warn(&format!("a survey answer was refused: {refused}"));
            }
        })
        .await;
    }

    /// A member's reimbursement request for a program this device runs.
    pub(super) async fn program_claim(&mut self, letter: &Letter, page: &str, request: ClaimRequest) {
        let Some(local) = self.program_of_page(page).await else { return };
        let sender = letter.named_sender().ok().copied();
        let today = crate::clock::today_day();
        let mut refused = None;
        self.change_program(local, |p| {
            if let Err(why) = p.receive_claim(sender.as_ref(), &request, today) {
                warn(&format!("a reimbursement request was refused: {why}"));
                refused = Some(why);
            }
        })
        .await;
        // The member hears why rather than waiting on a request that is not there.
        let news = refused.and_then(|why| why.news_for(page, &request, today));
        if let (Some(to), Some(news)) = (sender, news) {
            if let Err(err) = self.send_letter(&to, &Notice::ProgramClaimNews(news).encode()).await {
                warn(&err);
            }
        }
    }

    /// The coordinator's word on a request this device sent.
    pub(super) async fn program_claim_news(&mut self, letter: &Letter, news: ClaimNews) {
        let Some(coordinator) = self.coordinator_of(&news.program).await else { return };
        let sender = letter.named_sender().ok().copied();
        self.change_program_letters(|kept| kept.receive_claim_news(sender.as_ref(), &coordinator, news)).await;
    }

    /// Send a reimbursement request to the program's coordinator (signed).
    pub(super) async fn send_claim(&mut self, to: &InboxAddress, page: String, request: ClaimRequest) -> Result<(), String> {
        let body = Notice::ProgramClaim { page: page.clone(), request: request.clone() }.encode();
        if body.len() > MAX_NOTICE_BYTES {
            return Err("Your request is too long to send; shorten what it was for and send it again.".into());
        }
        self.send_letter(to, &body).await?;
        let today = crate::clock::today_day();
        self.change_program_letters(|kept| {
            kept.sent_claim(&page, request, today);
            Ok(())
        })
        .await;
        Ok(())
    }

    /// Send this person's answers to a program's survey: signed if named,
    /// else in an anonymous letter carrying only this device's answer id.
    pub(super) async fn answer_survey(&mut self, to: &InboxAddress, page: String, answers: SurveyAnswers, named: bool) -> Result<(), String> {
        let survey = answers.survey.clone();
        let answer_id = (!named).then(|| confidant_shared::program::survey::answer_id(&self.inbox, &page, &survey));
        let body = Notice::ProgramSurveyAnswer { page: page.clone(), letter: SurveyLetter { answer_id, answers } }.encode();
        if body.len() > MAX_NOTICE_BYTES {
            return Err("Your answers are too long to send; shorten what you wrote and send them again.".into());
        }
        if named {
            self.send_letter(to, &body).await?;
        } else {
            self.post_anonymously(to, &body).await?;
        }
        let today = crate::clock::today_day();
        self.change_program_letters(|kept| {
            kept.answered_survey(&page, &survey, named, today);
            Ok(())
        })
        .await;
        Ok(())
    }

    /// Send this person's intake form to the program's coordinator, in a
    /// letter signed by this device (the coordinator knows who sent it).
    pub(super) async fn send_intake(&mut self, to: &InboxAddress, page: String, form: IntakeForm) -> Result<(), String> {
        let role = form.role;
        let body = Notice::ProgramIntake { page: page.clone(), form }.encode();
        if body.len() > MAX_NOTICE_BYTES {
            return Err("Your form is too long to send; shorten the note and send it again.".into());
        }
        self.send_letter(to, &body).await?;
        let today = crate::clock::today_day();
        self.change_program_letters(|kept| {
            kept.sent_form(&page, role, today);
            Ok(())
        })
        .await;
        Ok(())
    }
}
