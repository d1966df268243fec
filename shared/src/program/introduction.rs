//! Publishing a match: the coordinator's device sends each side a sealed
//! introduction (who, why, how to reach each other within their stated
//! boundaries, the program's expectations and the partnership's settings).
//! The mentor's device then starts the partnership and sends the mentee a
//! signed invitation; the mentee's device keeps it only from the partner
//! its introduction named, for that match. The partnership records its
//! program, and the pair may share counts with it (see `health::CheckIn`).
//!
//! Everything here arrives from the network: checked for its sender and
//! bounded before it is kept.

use autosurgeon::{Hydrate, Reconcile};
use serde::{Deserialize, Serialize};

use super::{Match, Member, Program};
use crate::partnership::{AgreedDuration, MeetingCadence, Side};
use crate::sync::inbox::InboxAddress;

/// Introductions and invitations a device keeps, in all.
pub const MAX_KEPT: usize = 64;
const MAX_TEXT: usize = 2_000;
const MAX_LINES: usize = 16;

/// One side's introduction to the other.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Introduction {
    /// The program page's sync id.
    pub program: String,
    pub program_name: String,
    pub match_id: String,
    /// The recipient's side.
    pub side: Side,
    pub partner_name: String,
    pub partner_contact: String,
    /// What the partner said of how and when to reach them.
    pub partner_note: String,
    /// The partner's inbox address (the mentor's device sends its invitation there).
    pub partner_inbox: String,
    pub reasons: Vec<String>,
    pub expectations: Vec<String>,
    pub topics: Vec<String>,
    pub duration: AgreedDuration,
    pub cadence: MeetingCadence,
}

/// The program a partnership belongs to, kept in the partnership (both
/// sides read it; either may switch the check-ins off).
#[derive(Debug, Clone, PartialEq, Eq, Reconcile, Hydrate, Serialize, Deserialize)]
pub struct ProgramTie {
    /// The program page's sync id.
    pub program: String,
    pub program_name: String,
    pub match_id: String,
    /// Where check-ins go: the coordinator's inbox address.
    pub coordinator_inbox: String,
    /// The pair shares counts (never notes) with the program.
    pub share_check_ins: bool,
    /// The pair asks the coordinator to get in touch (sent with the counts).
    #[autosurgeon(missing = "Default::default")]
    pub needs_help: bool,
}

/// An invitation to the partnership of a match, from the mentor's device.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MatchInvitation {
    pub program: String,
    pub match_id: String,
    pub from_name: String,
    /// The partnership's invite (keys): never shown as a link.
    pub invite: String,
}

/// The coordinator's continuation notice for a match, or word that it ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MatchNews {
    pub program: String,
    pub match_id: String,
    pub news: News,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum News {
    /// The term ends on this day: continue?
    TermEnds { term_ends: chrono::NaiveDate, last_term: bool },
    /// The coordinator ended the match: completed, or ended early.
    Ended { completed: bool },
}

/// The coordinator's word to both sides of a match (a check-in, written
/// in the app), sealed to each.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MatchMessage {
    pub program: String,
    pub match_id: String,
    pub text: String,
    pub sent_on: chrono::NaiveDate,
}

/// The most characters a coordinator's message to a pair holds.
pub const MAX_MESSAGE_CHARS: usize = 2_000;

/// Messages kept per match; older ones give way.
pub const MAX_MESSAGES: usize = 5;

/// A side's word back to the coordinator about its match.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum MatchWord {
    /// The answer to a continuation notice.
    Continues { term_ends: chrono::NaiveDate, continues: bool },
    /// The relationship should end, with a reason and a private note.
    PleaseEnd { reason: super::EndReason, note: String },
}

/// A form this device sent, and what the coordinator's device said of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SentForm {
    pub program: String,
    pub role: super::IntakeRole,
    pub sent_on: chrono::NaiveDate,
    pub answer: Option<FormAnswer>,
}

/// The coordinator's device took the form onto the roster, or set it aside
/// with why (the same sentence the coordinator sees).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FormAnswer {
    pub taken: bool,
    pub why: String,
}

/// A coordinator's announcement to the program's members (or one role).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Announcement {
    pub program: String,
    pub program_name: String,
    pub text: String,
    pub sent_on: chrono::NaiveDate,
}

/// Announcements kept per program; older ones give way.
pub const MAX_ANNOUNCEMENTS: usize = 20;

/// Who an announcement is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    Everyone,
    Mentors,
    Mentees,
}

/// What a participant's device keeps of its programs.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ProgramLetters {
    pub introductions: Vec<Introduction>,
    pub invitations: Vec<MatchInvitation>,
    #[serde(default)]
    pub news: Vec<MatchNews>,
    /// What this device answered or asked, by (program, match): shown back.
    #[serde(default)]
    pub said: Vec<(String, String, MatchWord)>,
    /// The forms this device sent, one per program (the latest).
    #[serde(default)]
    pub forms: Vec<SentForm>,
    #[serde(default)]
    pub announcements: Vec<Announcement>,
    /// The coordinator's messages to this device's matches, newest last.
    #[serde(default)]
    pub messages: Vec<MatchMessage>,
    /// The surveys this device answered, to show back and to answer again
    /// the same way (a second answer replaces the first).
    #[serde(default)]
    pub surveys_answered: Vec<AnsweredSurvey>,
    /// The reimbursement requests this device sent, with the
    /// coordinator's latest word on each.
    #[serde(default)]
    pub claims: Vec<SentClaim>,
}

/// A reimbursement request this device sent, and where it is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SentClaim {
    pub program: String,
    pub request: super::budget::ClaimRequest,
    pub sent_on: chrono::NaiveDate,
    pub status: super::budget::ClaimStatus,
    pub reason: String,
    pub status_on: chrono::NaiveDate,
}

/// A survey this device answered: named or not, and when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AnsweredSurvey {
    pub program: String,
    pub survey: String,
    pub named: bool,
    pub sent_on: chrono::NaiveDate,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LetterRefused {
    #[error("the letter was not signed")]
    Unsigned,
    #[error("the letter is not from this program's coordinator")]
    NotTheCoordinator,
    #[error("the invitation is not from the partner this device was introduced to")]
    NotThePartner,
    #[error("the letter is larger than a real one")]
    TooLarge,
    #[error("this device keeps no more program letters")]
    Full,
}

impl Introduction {
    /// The introduction of `to` (on `side`) to `partner`, for `m`.
    pub fn of(program: &Program, program_sync_id: &str, m: &Match, side: Side, partner: &Member) -> Introduction {
        Introduction {
            program: program_sync_id.to_string(),
            program_name: program.name.clone(),
            match_id: m.id.clone(),
            side,
            partner_name: partner.name.clone(),
            partner_contact: partner.contact.clone(),
            partner_note: partner.note.clone(),
            partner_inbox: partner.reply_to.clone(),
            reasons: m.reasons.clone(),
            expectations: program.settings.expectations.clone(),
            topics: program.settings.topics.clone(),
            duration: program.settings.duration,
            cadence: program.settings.cadence,
        }
    }

    fn in_bounds(&self) -> bool {
        let texts = [&self.program, &self.program_name, &self.match_id, &self.partner_name, &self.partner_contact, &self.partner_note, &self.partner_inbox];
        let lists = [&self.reasons, &self.expectations, &self.topics];
        let short = |t: &String| t.chars().count() <= MAX_TEXT;
        texts.iter().all(|t| short(t)) && lists.iter().all(|l| l.len() <= MAX_LINES && l.iter().all(short))
            && self.cadence.every_days > 0
    }

    /// The partnership the mentor starts from this introduction, on `start`.
    pub fn partnership(&self, my_name: &str, start: &str, coordinator_inbox: &str) -> crate::partnership::Partnership {
        let (mentor, mentee) = match self.side {
            Side::Mentor => (my_name, self.partner_name.as_str()),
            Side::Mentee => (self.partner_name.as_str(), my_name),
        };
        let mut p = crate::partnership::Partnership::new(mentor, mentee, start, self.duration);
        p.topics = self.topics.clone();
        p.cadence = self.cadence;
        p.program = Some(ProgramTie {
            program: self.program.clone(),
            program_name: self.program_name.clone(),
            match_id: self.match_id.clone(),
            coordinator_inbox: coordinator_inbox.to_string(),
            share_check_ins: true,
            needs_help: false,
        });
        p
    }
}

impl ProgramLetters {
    /// An introduction from `sender`, for a program whose page names
    /// `coordinator` as where forms go: kept (replacing one for the same
    /// match) only from that coordinator.
    pub fn receive_introduction(&mut self, sender: Option<&InboxAddress>, coordinator: &InboxAddress, intro: Introduction) -> Result<(), LetterRefused> {
        let sender = sender.ok_or(LetterRefused::Unsigned)?;
        if sender != coordinator {
            return Err(LetterRefused::NotTheCoordinator);
        }
        if !intro.in_bounds() {
            return Err(LetterRefused::TooLarge);
        }
        self.introductions.retain(|i| !(i.program == intro.program && i.match_id == intro.match_id));
        if self.introductions.len() + self.invitations.len() >= MAX_KEPT {
            return Err(LetterRefused::Full);
        }
        self.introductions.push(intro);
        Ok(())
    }

    /// An invitation from `sender`: kept only if this device was introduced
    /// to `sender` for that match.
    pub fn receive_invitation(&mut self, sender: Option<&InboxAddress>, invitation: MatchInvitation) -> Result<(), LetterRefused> {
        let sender = sender.ok_or(LetterRefused::Unsigned)?;
        let introduced = self.introductions.iter().any(|i| {
            i.program == invitation.program && i.match_id == invitation.match_id && InboxAddress::parse(&i.partner_inbox).is_ok_and(|a| &a == sender)
        });
        if !introduced {
            return Err(LetterRefused::NotThePartner);
        }
        if invitation.invite.len() > MAX_TEXT || invitation.from_name.len() > MAX_TEXT {
            return Err(LetterRefused::TooLarge);
        }
        self.invitations.retain(|i| !(i.program == invitation.program && i.match_id == invitation.match_id));
        if self.introductions.len() + self.invitations.len() >= MAX_KEPT {
            return Err(LetterRefused::Full);
        }
        self.invitations.push(invitation);
        Ok(())
    }

    /// News of a match from the coordinator (the sender must be the
    /// coordinator, and the match one this device was introduced to);
    /// newer news of a match replaces the older.
    pub fn receive_news(&mut self, sender: Option<&InboxAddress>, coordinator: &InboxAddress, news: MatchNews) -> Result<(), LetterRefused> {
        let sender = sender.ok_or(LetterRefused::Unsigned)?;
        if sender != coordinator {
            return Err(LetterRefused::NotTheCoordinator);
        }
        if !self.introductions.iter().any(|i| i.program == news.program && i.match_id == news.match_id) {
            return Err(LetterRefused::NotThePartner);
        }
        self.news.retain(|n| !(n.program == news.program && n.match_id == news.match_id));
        self.news.push(news);
        Ok(())
    }

    pub fn news_of(&self, program: &str, match_id: &str) -> Option<News> {
        self.news.iter().find(|n| n.program == program && n.match_id == match_id).map(|n| n.news)
    }

    /// Remember that this device sent a form to `program` (replacing an
    /// earlier one, and what was said of it).
    /// This device sent `request` to `program`'s coordinator (again: it
    /// replaces the earlier copy, which was still undecided).
    pub fn sent_claim(&mut self, program: &str, request: super::budget::ClaimRequest, today: chrono::NaiveDate) {
        self.claims.retain(|c| !(c.program == program && c.request.id == request.id));
        self.claims.push(SentClaim { program: program.to_string(), request, sent_on: today, status: super::budget::ClaimStatus::Submitted, reason: String::new(), status_on: today });
        let over = self.claims.len().saturating_sub(MAX_KEPT * 4);
        self.claims.drain(..over);
    }

    /// The coordinator's word on a request this device sent: kept only
    /// from the program's coordinator, for a request of this device.
    pub fn receive_claim_news(&mut self, sender: Option<&InboxAddress>, coordinator: &InboxAddress, news: super::budget::ClaimNews) -> Result<(), LetterRefused> {
        let sender = sender.ok_or(LetterRefused::Unsigned)?;
        if sender != coordinator {
            return Err(LetterRefused::NotTheCoordinator);
        }
        if news.reason.chars().count() > MAX_TEXT {
            return Err(LetterRefused::TooLarge);
        }
        let claim = self.claims.iter_mut().find(|c| c.program == news.program && c.request.id == news.id).ok_or(LetterRefused::NotThePartner)?;
        // Only forward: a replayed "approved" cannot undo "reimbursed".
        if !claim.status.next().contains(&news.status) {
            return Err(LetterRefused::NotThePartner);
        }
        claim.status = news.status;
        claim.reason = news.reason;
        claim.status_on = news.on;
        Ok(())
    }

    /// The requests this device sent to `program`, newest first.
    pub fn claims_in<'a>(&'a self, program: &'a str) -> impl Iterator<Item = &'a SentClaim> + 'a {
        self.claims.iter().rev().filter(move |c| c.program == program)
    }

    /// This device answered `survey` of `program`.
    pub fn answered_survey(&mut self, program: &str, survey: &str, named: bool, today: chrono::NaiveDate) {
        self.surveys_answered.retain(|a| !(a.program == program && a.survey == survey));
        self.surveys_answered.push(AnsweredSurvey { program: program.to_string(), survey: survey.to_string(), named, sent_on: today });
        let over = self.surveys_answered.len().saturating_sub(MAX_KEPT * 4);
        self.surveys_answered.drain(..over);
    }

    /// How this device answered `survey` of `program`, if it did.
    pub fn survey_answered(&self, program: &str, survey: &str) -> Option<&AnsweredSurvey> {
        self.surveys_answered.iter().find(|a| a.program == program && a.survey == survey)
    }

    pub fn sent_form(&mut self, program: &str, role: super::IntakeRole, today: chrono::NaiveDate) {
        self.forms.retain(|f| f.program != program);
        self.forms.push(SentForm { program: program.to_string(), role, sent_on: today, answer: None });
        let over = self.forms.len().saturating_sub(MAX_KEPT);
        self.forms.drain(..over);
    }

    /// The coordinator's device said what became of this device's form:
    /// kept only from the program's coordinator, for a form this device sent.
    pub fn receive_form_answer(&mut self, sender: Option<&InboxAddress>, coordinator: &InboxAddress, program: &str, answer: FormAnswer) -> Result<(), LetterRefused> {
        let sender = sender.ok_or(LetterRefused::Unsigned)?;
        if sender != coordinator {
            return Err(LetterRefused::NotTheCoordinator);
        }
        if answer.why.len() > MAX_TEXT {
            return Err(LetterRefused::TooLarge);
        }
        let form = self.forms.iter_mut().find(|f| f.program == program).ok_or(LetterRefused::NotThePartner)?;
        form.answer = Some(answer);
        Ok(())
    }

    /// An announcement: kept only from the program's coordinator, bounded,
    /// the newest last (the same text again is kept once).
    pub fn receive_announcement(&mut self, sender: Option<&InboxAddress>, coordinator: &InboxAddress, announcement: Announcement) -> Result<(), LetterRefused> {
        let sender = sender.ok_or(LetterRefused::Unsigned)?;
        if sender != coordinator {
            return Err(LetterRefused::NotTheCoordinator);
        }
        if announcement.text.len() > MAX_TEXT || announcement.program_name.len() > MAX_TEXT || announcement.text.trim().is_empty() {
            return Err(LetterRefused::TooLarge);
        }
        if self.announcements.iter().any(|a| a == &announcement) {
            return Ok(());
        }
        let program = announcement.program.clone();
        self.announcements.push(announcement);
        let of_program = self.announcements.iter().filter(|a| a.program == program).count();
        if of_program > MAX_ANNOUNCEMENTS {
            if let Some(oldest) = self.announcements.iter().position(|a| a.program == program) {
                self.announcements.remove(oldest);
            }
        }
        Ok(())
    }

    /// A coordinator's message to a match: signed by the coordinator, of a
    /// match this device was introduced to, bounded; the same message twice
    /// is kept once, and older ones give way.
    pub fn receive_message(&mut self, sender: Option<&InboxAddress>, coordinator: &InboxAddress, message: MatchMessage) -> Result<(), LetterRefused> {
        let sender = sender.ok_or(LetterRefused::Unsigned)?;
        if sender != coordinator {
            return Err(LetterRefused::NotTheCoordinator);
        }
        if !self.introductions.iter().any(|i| i.program == message.program && i.match_id == message.match_id) {
            return Err(LetterRefused::NotThePartner);
        }
        if message.text.chars().count() > MAX_MESSAGE_CHARS || message.text.trim().is_empty() {
            return Err(LetterRefused::TooLarge);
        }
        if self.messages.contains(&message) {
            return Ok(());
        }
        let of_match = |m: &MatchMessage| m.program == message.program && m.match_id == message.match_id;
        if self.messages.iter().filter(|m| of_match(m)).count() >= MAX_MESSAGES {
            if let Some(oldest) = self.messages.iter().position(of_match) {
                self.messages.remove(oldest);
            }
        }
        self.messages.push(message);
        Ok(())
    }

    pub fn messages_of<'a>(&'a self, program: &'a str, match_id: &'a str) -> impl Iterator<Item = &'a MatchMessage> + 'a {
        self.messages.iter().filter(move |m| m.program == program && m.match_id == match_id)
    }

    pub fn form_in(&self, program: &str) -> Option<&SentForm> {
        self.forms.iter().find(|f| f.program == program)
    }

    /// Remember what this device said of a match (one of each kind).
    pub fn remember(&mut self, program: &str, match_id: &str, word: MatchWord) {
        let same_kind = |w: &MatchWord| std::mem::discriminant(w) == std::mem::discriminant(&word);
        self.said.retain(|(p, m, w)| !(p == program && m == match_id && same_kind(w)));
        self.said.push((program.to_string(), match_id.to_string(), word));
        let over = self.said.len().saturating_sub(MAX_KEPT);
        self.said.drain(..over);
    }

    pub fn said_of<'a>(&'a self, program: &'a str, match_id: &'a str) -> impl Iterator<Item = &'a MatchWord> + 'a {
        self.said.iter().filter(move |(p, m, _)| p == program && m == match_id).map(|(_, _, w)| w)
    }

    pub fn introductions_in<'a>(&'a self, program: &'a str) -> impl Iterator<Item = &'a Introduction> + 'a {
        self.introductions.iter().filter(move |i| i.program == program)
    }

    pub fn invitation_for(&self, program: &str, match_id: &str) -> Option<&MatchInvitation> {
        self.invitations.iter().find(|i| i.program == program && i.match_id == match_id)
    }
}

impl Program {
    /// A check-in arrived from `sender` for `match_id`: kept only from one
    /// of the pair (the inboxes their forms came from), only if plausible,
    /// and only if newer than the one kept.
    pub fn receive_check_in(&mut self, sender: Option<&InboxAddress>, match_id: &str, check_in: &super::CheckIn, today: chrono::NaiveDate) -> bool {
        let Some(sender) = sender else { return false };
        let Some(m) = self.matches.get(match_id) else { return false };
        let of_the_pair = [&m.mentor, &m.mentee].iter().any(|id| self.roster.get(id.as_str()).is_some_and(|member| member.reply_to == sender.to_text()));
        if !of_the_pair || !check_in.is_plausible(today) {
            return false;
        }
        if m.latest_check_in().is_some_and(|kept| kept.made_on > check_in.made_on) {
            return false;
        }
        let Ok(json) = serde_json::to_string(check_in) else { return false };
        if let Some(m) = self.matches.get_mut(match_id) {
            m.check_in = Some(json);
        }
        true
    }

    /// A side's word about its match, from `sender`: kept only from one of
    /// the pair, and bounded. Returns whether it was taken.
    pub fn receive_word(&mut self, sender: Option<&InboxAddress>, match_id: &str, word: MatchWord, today: chrono::NaiveDate) -> bool {
        let Some(sender) = sender else { return false };
        let Some(m) = self.matches.get(match_id) else { return false };
        let member = [&m.mentor, &m.mentee]
            .into_iter()
            .find(|id| self.roster.get(id.as_str()).is_some_and(|member| member.reply_to == sender.to_text()))
            .cloned();
        let Some(member) = member else { return false };
        let Some(m) = self.matches.get_mut(match_id) else { return false };
        match word {
            MatchWord::Continues { term_ends, continues } => {
                // A day that would not read back could not replace an
                // earlier answer for it: refused, as any odd letter.
                if !crate::calendar_day::is_storable(term_ends) {
                    return false;
                }
                let term_ends = Some(term_ends);
                m.answers.retain(|a| !(a.member == member && a.term_ends == term_ends));
                m.answers.push(super::TermAnswer { member, term_ends, continues });
                let over = m.answers.len().saturating_sub(MAX_LINES);
                m.answers.drain(..over);
            }
            MatchWord::PleaseEnd { reason, note } => {
                if m.status != super::MatchStatus::Introduced {
                    return false;
                }
                let note: String = note.chars().take(MAX_TEXT).collect();
                m.end_requests.retain(|r| r.member != member);
                m.end_requests.push(super::EndRequest { member, reason, note, sent_on: Some(today) });
            }
        }
        true
    }

    /// The continuation notices due today: (match id, term end, last term).
    pub fn notices_due(&self, today: chrono::NaiveDate) -> Vec<(String, chrono::NaiveDate)> {
        self.matches
            .values()
            .filter(|m| m.status == super::MatchStatus::Introduced)
            .filter_map(|m| {
                let matched = m.matched_on?;
                let sent = m.notice_sent_for;
                super::health::notice_due(matched, &self.settings, sent, today).map(|end| (m.id.clone(), end))
            })
            .collect()
    }

    /// The news to send both sides of `match_id`: (to, news).
    pub fn news_for(&self, program_sync_id: &str, match_id: &str, news: News) -> Vec<(String, MatchNews)> {
        let Some(m) = self.matches.get(match_id) else { return Vec::new() };
        [&m.mentor, &m.mentee]
            .into_iter()
            .filter_map(|id| self.roster.get(id.as_str()))
            .map(|member| (member.reply_to.clone(), MatchNews { program: program_sync_id.to_string(), match_id: match_id.to_string(), news }))
            .collect()
    }

    /// The coordinator's message to both sides of `match_id`: (to, message).
    pub fn messages_for(&self, program_sync_id: &str, match_id: &str, text: &str, today: chrono::NaiveDate) -> Vec<(String, MatchMessage)> {
        let Some(m) = self.matches.get(match_id) else { return Vec::new() };
        let text: String = text.trim().chars().take(MAX_MESSAGE_CHARS).collect();
        [&m.mentor, &m.mentee]
            .into_iter()
            .filter_map(|id| self.roster.get(id.as_str()))
            .map(|member| (member.reply_to.clone(), MatchMessage { program: program_sync_id.to_string(), match_id: match_id.to_string(), text: text.clone(), sent_on: today }))
            .collect()
    }

    /// Where an announcement to `audience` goes: the inbox of each member
    /// still in the program with that role.
    pub fn announcement_inboxes(&self, audience: Audience) -> Vec<String> {
        let mut inboxes: Vec<String> = self
            .roster
            .values()
            .filter(|m| m.state != super::MemberState::Left && !m.reply_to.is_empty())
            .filter(|m| match audience {
                Audience::Everyone => true,
                Audience::Mentors => m.role == super::MemberRole::Mentor,
                Audience::Mentees => m.role == super::MemberRole::Mentee,
            })
            .map(|m| m.reply_to.clone())
            .collect();
        crate::sort::ascending(&mut inboxes);
        inboxes.dedup();
        inboxes
    }

    /// The introductions to send for the matches `ids`: (to, introduction).
    pub fn introductions(&self, program_sync_id: &str, ids: &[String]) -> Vec<(String, Introduction)> {
        let mut out = Vec::new();
        for m in ids.iter().filter_map(|id| self.matches.get(id)) {
            let (Some(mentor), Some(mentee)) = (self.roster.get(&m.mentor), self.roster.get(&m.mentee)) else { continue };
            out.push((mentor.reply_to.clone(), Introduction::of(self, program_sync_id, m, Side::Mentor, mentee)));
            out.push((mentee.reply_to.clone(), Introduction::of(self, program_sync_id, m, Side::Mentee, mentor)));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sync::inbox::InboxKeys;

    fn intro(partner: &InboxAddress) -> Introduction {
        Introduction {
            program: "page".into(),
            program_name: "Peer Connections".into(),
            match_id: "m1".into(),
            side: Side::Mentee,
            partner_name: "Mira".into(),
            partner_contact: "mira@example.edu".into(),
            partner_note: "No calls after 8 pm".into(),
            partner_inbox: partner.to_text(),
            reasons: vec!["both chose Job search".into()],
            expectations: vec![],
            topics: vec![],
            duration: AgreedDuration::Semesters { count: 3, renewable: true },
            cadence: MeetingCadence::default(),
        }
    }

    #[test]
    fn words_about_a_match_count_only_from_its_pair() {
        use crate::program::{EndReason, IntakeForm, IntakeRole, Member, ProgramTemplate, MatchStatus};
        let today = crate::calendar_day::parse_day("2026-12-01").unwrap();
        let mut p = Program::new("Peer Connections", ProgramTemplate::PeerConnections, today);
        let mira = InboxKeys::from_seed([2; 32]).address();
        let oli = InboxKeys::from_seed([4; 32]).address();
        let stranger = InboxKeys::from_seed([3; 32]).address();
        let form = |role, name: &str, department: &str| IntakeForm {
            career_stage: crate::program::CareerStage::Senior,
            capacity: 1,
            ..IntakeForm::example(role, name, department)
        };
        p.roster.insert("mira".into(), Member::from_letter("mira", &form(IntakeRole::VolunteerToMentor, "Mira", "Chemistry"), &mira.to_text(), today));
        p.roster.insert("oli".into(), Member::from_letter("oli", &form(IntakeRole::RequestMentor, "Oli", "Physics"), &oli.to_text(), today));
        let draft = p.draft(today);
        let ids = p.publish(&draft, today, || "m1".to_string());
        assert_eq!(ids, vec!["m1".to_string()]);
        // Fall 2026 ends 15 December: the notice is due on 1 December.
        assert_eq!(p.notices_due(today), vec![("m1".to_string(), crate::calendar_day::parse_day("2026-12-15").unwrap())]);
        assert_eq!(p.news_for("page", "m1", News::Ended { completed: false }).len(), 2);
        let messages = p.messages_for("page", "m1", "  How is it going?  ", crate::calendar_day::parse_day("2026-12-01").unwrap());
        assert_eq!(messages.len(), 2);
        assert!(messages.iter().all(|(_, m)| m.text == "How is it going?" && m.match_id == "m1"));
        assert!(p.messages_for("page", "nope", "Hi", crate::calendar_day::parse_day("2026-12-01").unwrap()).is_empty());
        let ends = crate::calendar_day::parse_day("2026-12-15").unwrap();
        let yes = MatchWord::Continues { term_ends: ends, continues: true };
        assert!(!p.receive_word(Some(&stranger), "m1", yes.clone(), today));
        assert!(!p.receive_word(None, "m1", yes.clone(), today));
        assert!(p.receive_word(Some(&mira), "m1", yes.clone(), today));
        assert!(p.receive_word(Some(&mira), "m1", yes, today));
        assert_eq!(p.matches["m1"].answers.len(), 1, "answered again: replaced");
        // A day no document can keep (it would not read back) is refused.
        let far = MatchWord::Continues { term_ends: chrono::NaiveDate::MAX, continues: false };
        assert!(!p.receive_word(Some(&mira), "m1", far, today));
        assert_eq!(p.matches["m1"].answers.len(), 1);
        let end = MatchWord::PleaseEnd { reason: EndReason::MismatchedSchedules, note: "n".repeat(9_000) };
        assert!(p.receive_word(Some(&oli), "m1", end.clone(), today));
        assert_eq!(p.matches["m1"].end_requests[0].note.len(), MAX_TEXT, "bounded");
        assert!(p.dissolve("m1", EndReason::MismatchedSchedules, today));
        assert_eq!(p.matches["m1"].status, MatchStatus::EndedEarly);
        assert!(!p.receive_word(Some(&oli), "m1", end, today), "no request on an ended match");
        assert!(p.notices_due(today).is_empty());
    }

    #[test]
    fn introductions_only_from_the_coordinator_and_invitations_only_from_the_partner() {
        let coordinator = InboxKeys::from_seed([1; 32]).address();
        let mira = InboxKeys::from_seed([2; 32]).address();
        let stranger = InboxKeys::from_seed([3; 32]).address();
        let mut kept = ProgramLetters::default();
        assert_eq!(kept.receive_introduction(None, &coordinator, intro(&mira)), Err(LetterRefused::Unsigned));
        assert_eq!(kept.receive_introduction(Some(&stranger), &coordinator, intro(&mira)), Err(LetterRefused::NotTheCoordinator));
        kept.receive_introduction(Some(&coordinator), &coordinator, intro(&mira)).unwrap();
        kept.receive_introduction(Some(&coordinator), &coordinator, intro(&mira)).unwrap();
        assert_eq!(kept.introductions.len(), 1, "sent again: replaced");
        let mut big = intro(&mira);
        big.partner_note = "x".repeat(5_000);
        big.match_id = "m2".into();
        assert_eq!(kept.receive_introduction(Some(&coordinator), &coordinator, big), Err(LetterRefused::TooLarge));

        let invitation = MatchInvitation { program: "page".into(), match_id: "m1".into(), from_name: "Mira".into(), invite: "keys".into() };
        assert_eq!(kept.receive_invitation(Some(&stranger), invitation.clone()), Err(LetterRefused::NotThePartner));
        let other_match = MatchInvitation { match_id: "m9".into(), ..invitation.clone() };
        assert_eq!(kept.receive_invitation(Some(&mira), other_match), Err(LetterRefused::NotThePartner));
        kept.receive_invitation(Some(&mira), invitation).unwrap();
        assert!(kept.invitation_for("page", "m1").is_some());

        // News only from the coordinator, and only of a match introduced.
        let news = MatchNews { program: "page".into(), match_id: "m1".into(), news: News::Ended { completed: true } };
        assert_eq!(kept.receive_news(Some(&mira), &coordinator, news.clone()), Err(LetterRefused::NotTheCoordinator));
        let elsewhere = MatchNews { match_id: "m7".into(), ..news.clone() };
        assert_eq!(kept.receive_news(Some(&coordinator), &coordinator, elsewhere), Err(LetterRefused::NotThePartner));
        kept.receive_news(Some(&coordinator), &coordinator, news).unwrap();
        assert_eq!(kept.news_of("page", "m1"), Some(News::Ended { completed: true }));

        // What became of a form: only from the coordinator, only for a form sent.
        let taken = FormAnswer { taken: true, why: String::new() };
        assert_eq!(kept.receive_form_answer(Some(&coordinator), &coordinator, "page", taken.clone()), Err(LetterRefused::NotThePartner));
        kept.sent_form("page", crate::program::IntakeRole::RequestMentor, crate::calendar_day::parse_day("2026-12-01").unwrap());
        assert_eq!(kept.receive_form_answer(Some(&mira), &coordinator, "page", taken.clone()), Err(LetterRefused::NotTheCoordinator));
        kept.receive_form_answer(Some(&coordinator), &coordinator, "page", taken.clone()).unwrap();
        assert_eq!(kept.form_in("page").and_then(|f| f.answer.clone()), Some(taken));

        // Announcements: only from the coordinator, bounded per program.
        let day = crate::calendar_day::parse_day("2026-12-01").unwrap();
        let say = |n: usize| Announcement { program: "page".into(), program_name: "P".into(), text: format!("Lunch fund open {n}"), sent_on: day };
        assert_eq!(kept.receive_announcement(Some(&mira), &coordinator, say(0)), Err(LetterRefused::NotTheCoordinator));
        for n in 0..MAX_ANNOUNCEMENTS + 5 {
            kept.receive_announcement(Some(&coordinator), &coordinator, say(n)).unwrap();
        }
        kept.receive_announcement(Some(&coordinator), &coordinator, say(MAX_ANNOUNCEMENTS + 4)).unwrap();
        assert_eq!(kept.announcements.len(), MAX_ANNOUNCEMENTS);
        assert_eq!(kept.announcements[0].text, "Lunch fund open 5");

        // The coordinator's messages: signed by the coordinator, for a match
        // introduced here, bounded in length and in number.
        let write = |n: usize| MatchMessage { program: "page".into(), match_id: "m1".into(), text: format!("How are the meetings going? ({n})"), sent_on: day };
        assert_eq!(kept.receive_message(None, &coordinator, write(0)), Err(LetterRefused::Unsigned));
        assert_eq!(kept.receive_message(Some(&mira), &coordinator, write(0)), Err(LetterRefused::NotTheCoordinator));
        let elsewhere = MatchMessage { match_id: "m7".into(), ..write(0) };
        assert_eq!(kept.receive_message(Some(&coordinator), &coordinator, elsewhere), Err(LetterRefused::NotThePartner));
        let long = MatchMessage { text: "é".repeat(MAX_MESSAGE_CHARS + 1), ..write(0) };
        assert_eq!(kept.receive_message(Some(&coordinator), &coordinator, long), Err(LetterRefused::TooLarge));
        let full = MatchMessage { text: "é".repeat(MAX_MESSAGE_CHARS), ..write(0) };
        kept.receive_message(Some(&coordinator), &coordinator, full).unwrap();
        for n in 0..MAX_MESSAGES + 2 {
            kept.receive_message(Some(&coordinator), &coordinator, write(n)).unwrap();
            kept.receive_message(Some(&coordinator), &coordinator, write(n)).unwrap();
        }
        let texts: Vec<&str> = kept.messages_of("page", "m1").map(|m| m.text.as_str()).collect();
        assert_eq!(texts.len(), MAX_MESSAGES);
        assert_eq!(texts.last(), Some(&format!("How are the meetings going? ({})", MAX_MESSAGES + 1).as_str()));
    }
}
