//! A program's money (issue 15): a budget by category for a fiscal year
//! (a departmental allocation from 1 July; the lunch fund), the proposed
//! budget a coordinator drafts in early summer and marks submitted and
//! approved, and members' reimbursement requests with their statuses.
//!
//! Money is whole cents (`i64`) in one currency per program: never a
//! float. Amounts are typed in the person's own conventions; the app reads
//! the decimal and grouping marks from the browser (`Intl`), and
//! [`parse_amount`] reads the amount with them.

use std::collections::BTreeMap;

use autosurgeon::{Hydrate, Reconcile};
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use super::{MemberState, Program};
use crate::calendar_day::{day_text, day_text_or_empty};
use crate::sync::inbox::InboxAddress;

/// The most one request may ask for: 100,000.00.
pub const MAX_CLAIM_CENTS: i64 = 10_000_000;
/// The most a budget line may hold: 100,000,000.00.
pub const MAX_LINE_CENTS: i64 = 10_000_000_000;
/// Requests a program keeps per member, and categories per budget.
pub const MAX_CLAIMS_PER_MEMBER: usize = 200;
pub const MAX_CATEGORIES: usize = 30;
/// A receipt is spent no more than this long ago.
pub const MAX_CLAIM_AGE_DAYS: i64 = 400;
/// The kinds of receipt a request may carry.
pub const RECEIPT_TYPES: [&str; 4] = ["image/jpeg", "image/png", "image/webp", "application/pdf"];
/// The largest receipt kept (it syncs as one encrypted change, under the
/// relay's largest push).
pub const MAX_RECEIPT_BYTES: usize = 400 * 1024;

/// A receipt's own document: its type (from its bytes) and its bytes.
#[derive(Debug, Clone, PartialEq, Reconcile, Hydrate)]
pub struct Receipt {
    pub kind: String,
    pub schema: u64,
    pub file_type: String,
    pub bytes: autosurgeon::bytes::ByteVec,
}

impl crate::document::Schema for Receipt {
    const KIND: crate::document::DocumentKind = crate::document::DocumentKind::Receipt;
    const SCHEMA: u64 = 1;

    fn list_title(_doc: &automerge::AutoCommit) -> String {
        "Receipt".into()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReceiptRefused {
    #[error("The receipt is larger than 400 KB; take a smaller photo or crop it, then attach it again.")]
    TooLarge,
    #[error("A receipt must be a photo (JPEG, PNG or WebP) or a PDF.")]
    WrongType,
}

impl Receipt {
    /// A receipt from a file's bytes, checked by size and by what the
    /// bytes are (not by the file's name or stated type).
    pub fn from_bytes(bytes: Vec<u8>) -> Result<Receipt, ReceiptRefused> {
        if bytes.len() > MAX_RECEIPT_BYTES {
            return Err(ReceiptRefused::TooLarge);
        }
        let file_type = receipt_type_of(&bytes).ok_or(ReceiptRefused::WrongType)?;
        Ok(Receipt { kind: crate::document::DocumentKind::Receipt.as_str().into(), schema: 1, file_type: file_type.into(), bytes: bytes.into() })
    }

    /// The receipt's BLAKE3 hash, in hex: sent with the request.
    pub fn hash(&self) -> String {
        blake3::hash(self.bytes.as_ref()).to_hex().to_string()
    }

    /// The bytes and their type, if they still read as a receipt and are
    /// the ones the request was sent with (the document came from another
    /// device, which can still write it).
    pub fn checked(&self, sent_hash: &str) -> Option<(&'static str, &[u8])> {
        let bytes: &[u8] = self.bytes.as_ref();
        (bytes.len() <= MAX_RECEIPT_BYTES && self.hash() == sent_hash).then_some(())?;
        let found = receipt_type_of(bytes)?;
        (found == self.file_type).then_some((found, bytes))
    }
}

/// Why a typed amount is not one.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AmountError {
    #[error("Type an amount.")]
    Empty,
    #[error("An amount is digits, with at most one decimal mark (like {example}).")]
    NotANumber { example: String },
    #[error("An amount has at most two digits after the decimal mark.")]
    TooManyDecimals,
    #[error("An amount must be more than zero.")]
    NotPositive,
    #[error("That amount is larger than any one request may be.")]
    TooLarge,
}

/// Read `text` as an amount in cents, with the person's decimal mark and
/// grouping mark (`'.'` and `','` in English, `','` and `'.'` in German,
/// `','` and a space in French). A currency symbol or code around the
/// number is allowed and ignored.
pub fn parse_amount(text: &str, decimal: char, group: char) -> Result<i64, AmountError> {
    let example = format!("12{decimal}50");
    let trimmed: String = text.trim().trim_matches(|c: char| c.is_alphabetic() || "$€£¥₹".contains(c) || c.is_whitespace()).to_string();
    if trimmed.is_empty() {
        return Err(AmountError::Empty);
    }
    if trimmed.starts_with('-') {
        return Err(AmountError::NotPositive);
    }
    // Spaces group digits in many locales (often a narrow no-break space).
    let is_group = |c: char| c == group || (group.is_whitespace() && (c.is_whitespace() || c == '\u{202f}' || c == '\u{a0}'));
    let mut whole = String::new();
    let mut cents: Option<String> = None;
    // Digits since the last grouping mark: a grouping mark stands only
    // before groups of exactly three ("1,234.50"), so "12,50" typed with
    // the wrong mark is refused rather than read as 1,250.
    let mut since_group: Option<usize> = None;
    for c in trimmed.chars() {
        match (&mut cents, c) {
            (None, c) if c.is_ascii_digit() => {
                whole.push(c);
                if let Some(n) = since_group.as_mut() {
                    *n += 1;
                }
            }
            (None, c) if is_group(c) && !whole.is_empty() && since_group.is_none_or(|n| n == 3) => since_group = Some(0),
            (None, c) if c == decimal && since_group.is_none_or(|n| n == 3) => cents = Some(String::new()),
            (Some(fraction), c) if c.is_ascii_digit() => fraction.push(c),
            _ => return Err(AmountError::NotANumber { example }),
        }
    }
    if since_group.is_some_and(|n| n != 3) {
        return Err(AmountError::NotANumber { example });
    }
    let fraction = cents.unwrap_or_default();
    if fraction.len() > 2 {
        return Err(AmountError::TooManyDecimals);
    }
    if whole.is_empty() && fraction.is_empty() {
        return Err(AmountError::NotANumber { example });
    }
    if whole.len() > 12 {
        return Err(AmountError::TooLarge);
    }
    let whole: i64 = if whole.is_empty() { 0 } else { whole.parse().map_err(|_| AmountError::TooLarge)? };
    let fraction: i64 = format!("{fraction:0<2}").parse().unwrap_or(0);
    let total = whole.checked_mul(100).and_then(|w| w.checked_add(fraction)).ok_or(AmountError::TooLarge)?;
    if total <= 0 {
        return Err(AmountError::NotPositive);
    }
    Ok(total)
}

/// Cents as a plain decimal for files (`1234.50`, `-3.00`): spreadsheets
/// read it whatever their locale's display.
pub fn cents_text(cents: i64) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    format!("{sign}{}.{:02}", (cents / 100).abs(), (cents % 100).abs())
}

/// A fiscal year: from its first day to the day before the next.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct FiscalYear {
    pub first: NaiveDate,
}

impl FiscalYear {
    /// The fiscal year holding `day`, for years that start on `month`/`day_of_month`.
    pub fn of(day: NaiveDate, month: u32, day_of_month: u32) -> FiscalYear {
        let start = |year: i32| NaiveDate::from_ymd_opt(year, month, day_of_month).unwrap_or_else(|| NaiveDate::from_ymd_opt(year, 7, 1).unwrap_or(day));
        let this = start(day.year());
        FiscalYear { first: if day >= this { this } else { start(day.year() - 1) } }
    }

    /// The fiscal year after this one.
    pub fn next(self) -> FiscalYear {
        FiscalYear { first: self.first.with_year(self.first.year() + 1).unwrap_or(self.first) }
    }

    pub fn contains(self, day: NaiveDate) -> bool {
        day >= self.first && day < self.next().first
    }

    /// "2026–27" for a year from 1 July 2026; "2026" for one from 1 January.
    pub fn label(self) -> String {
        if self.first.month() == 1 && self.first.day() == 1 {
            self.first.year().to_string()
        } else {
            format!("{}–{:02}", self.first.year(), (self.first.year() + 1) % 100)
        }
    }
}

/// One category of a budget and what it holds.
#[derive(Debug, Clone, PartialEq, Eq, Reconcile, Hydrate)]
pub struct BudgetLine {
    pub category: String,
    pub cents: i64,
}

/// Where the proposed budget is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Reconcile, Hydrate)]
pub enum ProposalState {
    Draft,
    Submitted,
    Approved,
}

/// A program's budget. The fiscal year starts on `year_starts` (`MM-DD`,
/// 1 July unless set); `years` holds each approved year's lines by its
/// first day; `proposal` is the draft for the next year, which becomes
/// that year's lines when approved (this year's stay as they are).
#[derive(Debug, Clone, PartialEq, Reconcile, Hydrate)]
pub struct Budget {
    /// ISO 4217 (`USD`): one currency per program.
    pub currency: String,
    pub year_starts: String,
    pub years: BTreeMap<String, Vec<BudgetLine>>,
    pub proposal: Vec<BudgetLine>,
    pub proposal_state: ProposalState,
    /// Requests by key (`<member>:<request id>`).
    #[autosurgeon(hydrate = "crate::document::fields::map_by_key")]
    pub claims: BTreeMap<String, Claim>,
}

impl Default for Budget {
    fn default() -> Self {
        Budget { currency: "USD".into(), year_starts: "07-01".into(), years: BTreeMap::new(), proposal: Vec::new(), proposal_state: ProposalState::Draft, claims: BTreeMap::new() }
    }
}

/// Where a request is. Approved, passed on to the finance office and
/// reimbursed count against the budget; declined carries why.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Reconcile, Hydrate, Serialize, Deserialize)]
pub enum ClaimStatus {
    Submitted,
    Approved,
    PassedOn,
    Reimbursed,
    Declined,
}

impl ClaimStatus {
    pub fn words(self) -> &'static str {
        match self {
            ClaimStatus::Submitted => "Submitted",
            ClaimStatus::Approved => "Approved",
            ClaimStatus::PassedOn => "Passed on to the finance office",
            ClaimStatus::Reimbursed => "Reimbursed",
            ClaimStatus::Declined => "Declined",
        }
    }

    /// Whether it counts against the budget.
    pub fn counts(self) -> bool {
        matches!(self, ClaimStatus::Approved | ClaimStatus::PassedOn | ClaimStatus::Reimbursed)
    }

    /// The statuses a request may move to from this one.
    pub fn next(self) -> &'static [ClaimStatus] {
        match self {
            ClaimStatus::Submitted => &[ClaimStatus::Approved, ClaimStatus::Declined],
            ClaimStatus::Approved => &[ClaimStatus::PassedOn, ClaimStatus::Reimbursed, ClaimStatus::Declined],
            ClaimStatus::PassedOn => &[ClaimStatus::Reimbursed, ClaimStatus::Declined],
            ClaimStatus::Reimbursed | ClaimStatus::Declined => &[],
        }
    }
}

/// A member's reimbursement request as the program keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Reconcile, Hydrate)]
pub struct Claim {
    #[key]
    pub id: String,
    /// The member's roster id.
    pub member: String,
    pub category: String,
    pub cents: i64,
    #[autosurgeon(with = "crate::calendar_day::stored_text")]
    pub spent_on: Option<NaiveDate>,
    pub what_for: String,
    /// The meeting it belongs to (the member's words: "lunch on 12 Nov").
    pub meeting: String,
    /// A reader invite to the receipt's own encrypted document, and its type.
    pub receipt: String,
    pub receipt_type: String,
    /// The receipt's BLAKE3 hash as sent: the member's device still writes
    /// the receipt's document, so what is shown is checked against it.
    pub receipt_hash: String,
    #[autosurgeon(with = "crate::calendar_day::stored_text")]
    pub submitted_on: Option<NaiveDate>,
    pub status: ClaimStatus,
    #[autosurgeon(with = "crate::calendar_day::stored_text")]
    pub status_on: Option<NaiveDate>,
    /// Why it was declined.
    pub reason: String,
}

/// A request as a member's device sends it (a signed letter).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClaimRequest {
    /// The member's device's id for it: sent twice, kept once.
    pub id: String,
    pub category: String,
    pub cents: i64,
    pub spent_on: NaiveDate,
    pub what_for: String,
    pub meeting: String,
    pub receipt: String,
    pub receipt_type: String,
    pub receipt_hash: String,
}

/// The coordinator's word on a request, to its member.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClaimNews {
    pub program: String,
    pub id: String,
    pub status: ClaimStatus,
    pub reason: String,
    pub on: NaiveDate,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ClaimRefused {
    #[error("The amount must be more than zero and at most 100,000.")]
    Amount,
    #[error("The day it was spent cannot be in the future.")]
    FutureDate,
    #[error("The day it was spent is more than a year ago; ask the coordinator.")]
    TooOld,
    #[error("Choose one of the budget's categories.")]
    NoSuchCategory,
    #[error("Say what it was for, in at most 300 characters.")]
    WhatFor,
    #[error("The meeting is at most 200 characters.")]
    Meeting,
    #[error("A receipt must be a photo (JPEG, PNG or WebP) or a PDF.")]
    ReceiptType,
    #[error("The request did not come from a member of the program.")]
    NotAMember,
    #[error("This member has sent as many requests as the program keeps.")]
    TooMany,
    #[error("The request was already decided; it cannot be sent again.")]
    Decided,
    #[error("The request is damaged; send it again.")]
    Damaged,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StatusRefused {
    #[error("There is no such request.")]
    NoSuchClaim,
    #[error("A request cannot go from {from} to {to}.")]
    NotNext { from: &'static str, to: &'static str },
    #[error("Say why the request is declined: the member sees it.")]
    NoReason,
    #[error("The member changed this request while you were looking at it; look at it again.")]
    Changed,
}

impl ClaimRefused {
    /// The word a member's device gets when its request is refused on
    /// arrival: declined, with the refusal as the reason. None for a
    /// sender who is no member (nobody to tell) or a request already
    /// decided (its real status stands).
    pub fn news_for(&self, program: &str, request: &ClaimRequest, today: NaiveDate) -> Option<ClaimNews> {
        match self {
            ClaimRefused::NotAMember | ClaimRefused::Decided => None,
            _ => Some(ClaimNews { program: program.to_string(), id: request.id.clone(), status: ClaimStatus::Declined, reason: self.to_string(), on: today }),
        }
    }
}

impl ClaimRequest {
    /// Check a request, on the member's device before it is sent and on
    /// the coordinator's when it arrives.
    pub fn check(&self, budget: &Budget, today: NaiveDate) -> Result<(), ClaimRefused> {
        if self.cents <= 0 || self.cents > MAX_CLAIM_CENTS {
            return Err(ClaimRefused::Amount);
        }
        if self.spent_on > today {
            return Err(ClaimRefused::FutureDate);
        }
        if (today - self.spent_on).num_days() > MAX_CLAIM_AGE_DAYS {
            return Err(ClaimRefused::TooOld);
        }
        // A category of the year it was spent, or of this one (June's lunch
        // claimed in July).
        let known = |year: FiscalYear| budget.lines_of(year).iter().any(|l| l.category == self.category);
        if !known(budget.fiscal_year_of(self.spent_on)) && !known(budget.fiscal_year_of(today)) {
            return Err(ClaimRefused::NoSuchCategory);
        }
        let what = self.what_for.trim().chars().count();
        if what == 0 || what > 300 {
            return Err(ClaimRefused::WhatFor);
        }
        if self.meeting.chars().count() > 200 {
            return Err(ClaimRefused::Meeting);
        }
        if !self.receipt.is_empty() && !RECEIPT_TYPES.contains(&self.receipt_type.as_str()) {
            return Err(ClaimRefused::ReceiptType);
        }
        let hash_ok = if self.receipt.is_empty() { self.receipt_hash.is_empty() } else { self.receipt_hash.len() == 64 && self.receipt_hash.bytes().all(|b| b.is_ascii_hexdigit()) };
        if !hash_ok || self.receipt.len() > crate::sync::invite::MAX_INVITE_CHARS || self.id.is_empty() || self.id.len() > 64 {
            return Err(ClaimRefused::Damaged);
        }
        Ok(())
    }
}

/// The type of a receipt from its first bytes (what a file says it is
/// does not count): one of [`RECEIPT_TYPES`], or `None`.
pub fn receipt_type_of(bytes: &[u8]) -> Option<&'static str> {
    match bytes {
        [0xFF, 0xD8, 0xFF, ..] => Some("image/jpeg"),
        [0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, ..] => Some("image/png"),
        [b'R', b'I', b'F', b'F', _, _, _, _, b'W', b'E', b'B', b'P', ..] => Some("image/webp"),
        [b'%', b'P', b'D', b'F', b'-', ..] => Some("application/pdf"),
        _ => None,
    }
}

/// Money by category in one fiscal year: what the budget holds, what
/// approved requests take (not yet paid), what was reimbursed, and left.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CategoryMoney {
    pub category: String,
    pub budget: i64,
    pub committed: i64,
    pub reimbursed: i64,
    pub left: i64,
}

impl Budget {
    /// The first month and day of the fiscal year.
    fn starts(&self) -> (u32, u32) {
        let mut parts = self.year_starts.split('-').filter_map(|p| p.parse::<u32>().ok());
        match (parts.next(), parts.next()) {
            (Some(m), Some(d)) if NaiveDate::from_ymd_opt(2025, m, d).is_some() => (m, d),
            _ => (7, 1),
        }
    }

    /// The lines approved for `year` (none if nothing was).
    pub fn lines_of(&self, year: FiscalYear) -> &[BudgetLine] {
        self.years.get(&day_text(year.first)).map(Vec::as_slice).unwrap_or_default()
    }

    pub fn fiscal_year_of(&self, day: NaiveDate) -> FiscalYear {
        let (m, d) = self.starts();
        FiscalYear::of(day, m, d)
    }

    /// The categories requests may name: the lines of the year holding `today`.
    pub fn categories(&self, today: NaiveDate) -> Vec<String> {
        self.lines_of(self.fiscal_year_of(today)).iter().map(|l| l.category.clone()).collect()
    }

    /// Money by category for the fiscal year holding `today`, from
    /// requests spent in that year; a request in a category the year's
    /// budget does not have shows under its own name with no budget.
    pub fn money(&self, today: NaiveDate) -> Vec<CategoryMoney> {
        let year = self.fiscal_year_of(today);
        let mut rows: Vec<CategoryMoney> = self.lines_of(year).iter().map(|l| CategoryMoney { category: l.category.clone(), budget: l.cents, committed: 0, reimbursed: 0, left: l.cents }).collect();
        for claim in self.claims.values().filter(|c| c.status.counts()) {
            let Some(spent) = claim.spent_on else { continue };
            if !year.contains(spent) {
                continue;
            }
            let row = match rows.iter().position(|r| r.category == claim.category) {
                Some(i) => &mut rows[i],
                None => {
                    rows.push(CategoryMoney { category: claim.category.clone(), budget: 0, committed: 0, reimbursed: 0, left: 0 });
                    rows.last_mut().expect("just pushed")
                }
            };
            if claim.status == ClaimStatus::Reimbursed {
                row.reimbursed = row.reimbursed.saturating_add(claim.cents);
            } else {
                row.committed = row.committed.saturating_add(claim.cents);
            }
            row.left = row.left.saturating_sub(claim.cents);
        }
        rows
    }

    /// Set the proposed budget (while a draft, or again after it was
    /// submitted: it goes back to a draft).
    pub fn set_proposal(&mut self, lines: Vec<BudgetLine>) -> Result<(), String> {
        check_lines(&lines)?;
        if self.proposal_state == ProposalState::Approved && self.proposal == lines {
            return Ok(());
        }
        self.proposal = lines;
        self.proposal_state = ProposalState::Draft;
        Ok(())
    }

    pub fn submit_proposal(&mut self) -> Result<(), String> {
        if self.proposal.is_empty() {
            return Err("Add at least one category to the proposed budget first.".into());
        }
        self.proposal_state = ProposalState::Submitted;
        Ok(())
    }

    /// The proposal was approved: it is the budget of the fiscal year
    /// after `today`'s (proposals are drafted in early summer for the
    /// year from 1 July), or of this one if it has none yet. Returns the
    /// year. This year's lines and requests stay as they are.
    pub fn approve_proposal(&mut self, today: NaiveDate) -> Result<FiscalYear, String> {
        if self.proposal_state != ProposalState::Submitted {
            return Err("Mark the proposed budget submitted before it is approved.".into());
        }
        let this = self.fiscal_year_of(today);
        let year = if self.years.contains_key(&day_text(this.first)) { this.next() } else { this };
        self.years.insert(day_text(year.first), self.proposal.clone());
        // Years kept: bounded, oldest dropped.
        while self.years.len() > 20 {
            let Some(oldest) = self.years.keys().next().cloned() else { break };
            self.years.remove(&oldest);
        }
        self.proposal_state = ProposalState::Approved;
        Ok(year)
    }
}

/// Categories named once each, amounts in range.
pub fn check_lines(lines: &[BudgetLine]) -> Result<(), String> {
    if lines.len() > MAX_CATEGORIES {
        return Err(format!("A budget has at most {MAX_CATEGORIES} categories."));
    }
    for (i, line) in lines.iter().enumerate() {
        let name = line.category.trim();
        if name.is_empty() || name.chars().count() > 80 {
            return Err("Each category needs a name of at most 80 characters.".into());
        }
        if line.cents < 0 || line.cents > MAX_LINE_CENTS {
            return Err(format!("The amount for {name} must be from zero to 100,000,000."));
        }
        if lines[..i].iter().any(|l| l.category.trim().eq_ignore_ascii_case(name)) {
            return Err(format!("{name} is listed twice."));
        }
    }
    Ok(())
}

impl Program {
    /// A reimbursement request from a letter signed by `sender`, who
    /// must be a member; sent again (the same id), it replaces the first
    /// unless the coordinator already decided it.
    pub fn receive_claim(&mut self, sender: Option<&InboxAddress>, request: &ClaimRequest, today: NaiveDate) -> Result<String, ClaimRefused> {
        let from = sender.ok_or(ClaimRefused::NotAMember)?.to_text();
        let member = self.roster.values().find(|m| m.reply_to == from && m.state != MemberState::Left).ok_or(ClaimRefused::NotAMember)?.id.clone();
        request.check(&self.budget, today)?;
        let key = format!("{member}:{}", request.id);
        match self.budget.claims.get(&key) {
            Some(held) if held.status != ClaimStatus::Submitted => return Err(ClaimRefused::Decided),
            Some(_) => {}
            None if self.budget.claims.values().filter(|c| c.member == member).count() >= MAX_CLAIMS_PER_MEMBER => return Err(ClaimRefused::TooMany),
            None => {}
        }
        self.budget.claims.insert(
            key.clone(),
            Claim {
                id: key.clone(),
                member,
                category: request.category.clone(),
                cents: request.cents,
                spent_on: Some(request.spent_on),
                what_for: request.what_for.trim().to_string(),
                meeting: request.meeting.trim().to_string(),
                receipt: request.receipt.clone(),
                receipt_type: request.receipt_type.clone(),
                receipt_hash: request.receipt_hash.clone(),
                submitted_on: Some(today),
                status: ClaimStatus::Submitted,
                status_on: Some(today),
                reason: String::new(),
            },
        );
        Ok(key)
    }

    /// Move a request on; declining needs a reason the member will read.
    /// Returns the news for the member and where to send it.
    /// `seen` is the request as the coordinator saw it: a request the
    /// member sent again meanwhile (another amount, another receipt) is
    /// not decided unseen.
    pub fn decide_claim(&mut self, key: &str, seen: &Claim, to: ClaimStatus, reason: &str, page: &str, today: NaiveDate) -> Result<(String, ClaimNews), StatusRefused> {
        let claim = self.budget.claims.get_mut(key).ok_or(StatusRefused::NoSuchClaim)?;
        fn same(c: &Claim) -> (i64, &str, Option<NaiveDate>, &str, &str, &str) {
            (c.cents, &c.category, c.spent_on, &c.what_for, &c.receipt, &c.receipt_hash)
        }
        if same(claim) != same(seen) {
            return Err(StatusRefused::Changed);
        }
        if !claim.status.next().contains(&to) {
            return Err(StatusRefused::NotNext { from: claim.status.words(), to: to.words() });
        }
        let reason: String = reason.trim().chars().take(500).collect();
        if to == ClaimStatus::Declined && reason.is_empty() {
            return Err(StatusRefused::NoReason);
        }
        claim.status = to;
        claim.status_on = Some(today);
        claim.reason = if to == ClaimStatus::Declined { reason.clone() } else { String::new() };
        let id = claim.id.split_once(':').map(|(_, id)| id.to_string()).unwrap_or_default();
        let to_inbox = self.roster.get(&claim.member).map(|m| m.reply_to.clone()).unwrap_or_default();
        Ok((to_inbox, ClaimNews { program: page.to_string(), id, status: to, reason: claim.reason.clone(), on: today }))
    }

    /// The requests as a CSV for the finance office.
    pub fn claims_csv(&self) -> String {
        let mut out = csv::Writer::from_writer(Vec::new());
        let _ = out.write_record(["submitted_on", "member", "contact", "spent_on", "category", "amount", "currency", "what_for", "meeting", "status", "status_on", "reason"]);
        let mut claims: Vec<&Claim> = self.budget.claims.values().collect();
        crate::sort::by(&mut claims, |a, b| (&a.submitted_on, &a.id).cmp(&(&b.submitted_on, &b.id)));
        let inert = crate::workshop::summary::inert;
        for c in claims {
            let (name, contact) = self.roster.get(&c.member).map(|m| (m.name.clone(), m.contact.clone())).unwrap_or_default();
            let _ = out.write_record([
                day_text_or_empty(c.submitted_on),
                inert(&name),
                inert(&contact),
                day_text_or_empty(c.spent_on),
                inert(&c.category),
                cents_text(c.cents),
                self.budget.currency.clone(),
                inert(&c.what_for),
                inert(&c.meeting),
                c.status.words().to_string(),
                day_text_or_empty(c.status_on),
                inert(&c.reason),
            ]);
        }
        String::from_utf8(out.into_inner().unwrap_or_default()).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::program::{IntakeForm, IntakeRole, Member, ProgramTemplate};
    use crate::sync::inbox::InboxKeys;

    fn day(text: &str) -> NaiveDate {
        crate::calendar_day::parse_day(text).expect("a day")
    }

    #[test]
    fn amounts_read_in_the_persons_own_conventions() {
        assert_eq!(parse_amount("12.50", '.', ','), Ok(1250));
        assert_eq!(parse_amount("$1,234.5", '.', ','), Ok(123_450));
        assert_eq!(parse_amount("1.234,56 €", ',', '.'), Ok(123_456));
        assert_eq!(parse_amount("1\u{202f}234,56", ',', ' '), Ok(123_456));
        assert_eq!(parse_amount("12", '.', ','), Ok(1200));
        assert_eq!(parse_amount(",5", ',', '.'), Ok(50));
        assert_eq!(parse_amount("", '.', ','), Err(AmountError::Empty));
        assert_eq!(parse_amount("12.345", '.', ','), Err(AmountError::TooManyDecimals));
        // A grouping mark stands only before groups of three: the wrong
        // decimal mark is refused, never read as a hundred times more.
        assert!(matches!(parse_amount("12,50", '.', ','), Err(AmountError::NotANumber { .. })));
        assert!(matches!(parse_amount("1,23,4.00", '.', ','), Err(AmountError::NotANumber { .. })));
        assert_eq!(parse_amount("12,500", '.', ','), Ok(1_250_000));
        assert_eq!(parse_amount("1.500", ',', '.'), Ok(150_000));
        assert!(matches!(parse_amount("500.00", ',', '.'), Err(AmountError::NotANumber { .. })), "in German the point groups");
        assert!(matches!(parse_amount("1.2.3", '.', ','), Err(AmountError::NotANumber { .. })));
        assert_eq!(parse_amount("twelve", '.', ','), Err(AmountError::Empty), "letters around a number are a currency's; nothing is left");
        assert_eq!(parse_amount("-5", '.', ','), Err(AmountError::NotPositive));
        assert_eq!(parse_amount("0.00", '.', ','), Err(AmountError::NotPositive));
        assert_eq!(parse_amount("99999999999999999", '.', ','), Err(AmountError::TooLarge));
        assert_eq!(cents_text(123_405), "1234.05");
        assert_eq!(cents_text(-300), "-3.00");
    }

    #[test]
    fn the_fiscal_year_runs_from_the_first_of_july() {
        let y = FiscalYear::of(day("2026-12-01"), 7, 1);
        assert_eq!(y.first, day("2026-07-01"));
        assert_eq!(y.label(), "2026–27");
        assert!(y.contains(day("2027-06-30")) && !y.contains(day("2027-07-01")) && !y.contains(day("2026-06-30")));
        assert_eq!(FiscalYear::of(day("2026-06-30"), 7, 1).first, day("2025-07-01"));
        assert_eq!(FiscalYear::of(day("2026-03-01"), 1, 1).label(), "2026");
        // A year start that is no day falls back to 1 July.
        let odd = Budget { year_starts: "02-30".into(), ..Budget::default() };
        assert_eq!(odd.fiscal_year_of(day("2026-12-01")).first, day("2026-07-01"));
    }

    fn program() -> (Program, InboxAddress) {
        let today = day("2026-11-01");
        let mut p = Program::new("Peer Connections", ProgramTemplate::PeerConnections, today);
        let ana = InboxKeys::from_seed([1; 32]).address();
        p.roster.insert("ana".into(), Member::from_letter("ana", &IntakeForm::example(IntakeRole::RequestMentor, "Ana Lima", "Physics"), &ana.to_text(), today));
        p.budget.set_proposal(vec![BudgetLine { category: "Lunch fund".into(), cents: 50_000 }, BudgetLine { category: "Books".into(), cents: 20_000 }]).unwrap();
        p.budget.submit_proposal().unwrap();
        p.budget.approve_proposal(today).unwrap();
        (p, ana)
    }

    fn request(id: &str, cents: i64, spent: &str) -> ClaimRequest {
        ClaimRequest { id: id.into(), category: "Lunch fund".into(), cents, spent_on: day(spent), what_for: "Lunch with my advisor".into(), meeting: "12 November".into(), receipt: String::new(), receipt_type: String::new(), receipt_hash: String::new() }
    }

    #[test]
    fn requests_move_through_their_statuses_and_the_money_left_is_right() {
        let (mut p, ana) = program();
        let today = day("2026-12-01");
        assert_eq!(p.budget.categories(today), ["Lunch fund", "Books"]);
        let first = p.receive_claim(Some(&ana), &request("r1", 2_350, "2026-11-12"), today).unwrap();
        // Sent twice while undecided: kept once.
        assert_eq!(p.receive_claim(Some(&ana), &request("r1", 2_350, "2026-11-12"), today), Ok(first.clone()));
        let second = p.receive_claim(Some(&ana), &request("r2", 1_000, "2026-11-20"), today).unwrap();
        let third = p.receive_claim(Some(&ana), &request("r3", 999, "2026-11-21"), today).unwrap();
        // Last year's lunch counts against last year, not this one.
        let old = p.receive_claim(Some(&ana), &request("r4", 5_000, "2026-06-30"), today).unwrap();
        assert_eq!(p.budget.claims.len(), 4);
        // Submitted requests take nothing yet.
        assert_eq!(p.budget.money(today)[0].left, 50_000);
        let (to, news) = p.decide_claim(&first, &p.budget.claims[&first].clone(), ClaimStatus::Approved, "", "page", today).unwrap();
        assert_eq!((to, news.id.as_str(), news.status), (ana.to_text(), "r1", ClaimStatus::Approved));
        p.decide_claim(&first, &p.budget.claims[&first].clone(), ClaimStatus::PassedOn, "", "page", today).unwrap();
        p.decide_claim(&first, &p.budget.claims[&first].clone(), ClaimStatus::Reimbursed, "", "page", today).unwrap();
        // Sent again with another amount after the coordinator looked: not approved unseen.
        let seen = p.budget.claims[&second].clone();
        p.receive_claim(Some(&ana), &request("r2", 9_000, "2026-11-20"), today).unwrap();
        assert_eq!(p.decide_claim(&second, &seen, ClaimStatus::Approved, "", "page", today), Err(StatusRefused::Changed));
        p.receive_claim(Some(&ana), &request("r2", 1_000, "2026-11-20"), today).unwrap();
        p.decide_claim(&second, &p.budget.claims[&second].clone(), ClaimStatus::Approved, "", "page", today).unwrap();
        p.decide_claim(&old, &p.budget.claims[&old].clone(), ClaimStatus::Approved, "", "page", today).unwrap();
        assert_eq!(p.decide_claim(&third, &p.budget.claims[&third].clone(), ClaimStatus::Declined, "  ", "page", today), Err(StatusRefused::NoReason));
        p.decide_claim(&third, &p.budget.claims[&third].clone(), ClaimStatus::Declined, "Not a program meeting", "page", today).unwrap();
        assert_eq!(p.decide_claim(&third, &p.budget.claims[&third].clone(), ClaimStatus::Approved, "", "page", today), Err(StatusRefused::NotNext { from: "Declined", to: "Approved" }));
        assert_eq!(p.decide_claim(&first, &p.budget.claims[&first].clone(), ClaimStatus::Submitted, "", "page", today).unwrap_err().to_string(), "A request cannot go from Reimbursed to Submitted.");
        let lunch = &p.budget.money(today)[0];
        assert_eq!((lunch.budget, lunch.reimbursed, lunch.committed, lunch.left), (50_000, 2_350, 1_000, 46_650));
        assert_eq!(p.budget.money(today)[1].left, 20_000);
        // Decided: sending it again changes nothing.
        assert_eq!(p.receive_claim(Some(&ana), &request("r1", 99_999, "2026-11-12"), today), Err(ClaimRefused::Decided));
        let csv = p.claims_csv();
        assert!(csv.contains("Ana Lima,ana@example.edu,2026-11-12,Lunch fund,23.50,USD,Lunch with my advisor,12 November,Reimbursed,2026-12-01,"), "{csv}");
    }

    #[test]
    fn a_bad_request_is_refused_with_why() {
        let (mut p, ana) = program();
        let today = day("2026-12-01");
        let stranger = InboxKeys::from_seed([7; 32]).address();
        assert_eq!(p.receive_claim(Some(&stranger), &request("r", 100, "2026-11-30"), today), Err(ClaimRefused::NotAMember));
        assert_eq!(p.receive_claim(None, &request("r", 100, "2026-11-30"), today), Err(ClaimRefused::NotAMember));
        assert_eq!(p.receive_claim(Some(&ana), &request("r", 100, "2026-12-02"), today), Err(ClaimRefused::FutureDate));
        assert_eq!(p.receive_claim(Some(&ana), &request("r", 0, "2026-11-30"), today), Err(ClaimRefused::Amount));
        assert_eq!(p.receive_claim(Some(&ana), &request("r", MAX_CLAIM_CENTS + 1, "2026-11-30"), today), Err(ClaimRefused::Amount));
        assert_eq!(p.receive_claim(Some(&ana), &request("r", 100, "2025-01-01"), today), Err(ClaimRefused::TooOld));
        assert_eq!(p.receive_claim(Some(&ana), &ClaimRequest { category: "Travel".into(), ..request("r", 100, "2026-11-30") }, today), Err(ClaimRefused::NoSuchCategory));
        assert_eq!(p.receive_claim(Some(&ana), &ClaimRequest { what_for: " ".into(), ..request("r", 100, "2026-11-30") }, today), Err(ClaimRefused::WhatFor));
        let with_receipt = ClaimRequest { receipt: "invite".into(), receipt_type: "text/html".into(), receipt_hash: "0".repeat(64), ..request("r", 100, "2026-11-30") };
        assert_eq!(p.receive_claim(Some(&ana), &with_receipt, today), Err(ClaimRefused::ReceiptType));
        let no_hash = ClaimRequest { receipt: "invite".into(), receipt_type: "image/png".into(), ..request("r", 100, "2026-11-30") };
        assert_eq!(p.receive_claim(Some(&ana), &no_hash, today), Err(ClaimRefused::Damaged));
        assert!(p.budget.claims.is_empty(), "nothing refused was kept");
        // The member hears why, except where there is no one to tell or
        // the request's real status stands.
        let future = request("r", 100, "2026-12-02");
        let news = ClaimRefused::FutureDate.news_for("page", &future, today).unwrap();
        assert_eq!((news.status, news.reason.as_str()), (ClaimStatus::Declined, "The day it was spent cannot be in the future."));
        assert_eq!(ClaimRefused::NotAMember.news_for("page", &future, today), None);
        assert_eq!(ClaimRefused::Decided.news_for("page", &future, today), None);
        assert_eq!(receipt_type_of(&[0xFF, 0xD8, 0xFF, 0xE0]), Some("image/jpeg"));
        assert_eq!(receipt_type_of(b"\x89PNG\r\n\x1a\n...."), Some("image/png"));
        assert_eq!(receipt_type_of(b"<html>"), None);
        // A receipt is shown only as it was sent.
        let png = Receipt::from_bytes(b"\x89PNG\r\n\x1a\n....".to_vec()).unwrap();
        let sent = png.hash();
        assert!(png.checked(&sent).is_some());
        let swapped = Receipt { bytes: b"\x89PNG\r\n\x1a\nother".to_vec().into(), ..png.clone() };
        assert!(swapped.checked(&sent).is_none());
        assert_eq!(Receipt::from_bytes(vec![0xFF; MAX_RECEIPT_BYTES + 1]), Err(ReceiptRefused::TooLarge));
        assert_eq!(Receipt::from_bytes(b"GIF89a".to_vec()), Err(ReceiptRefused::WrongType));
    }

    #[test]
    fn the_proposal_is_drafted_submitted_and_approved_for_next_year() {
        let (mut p, _) = program();
        let june = day("2027-06-01");
        assert_eq!(p.budget.set_proposal(vec![BudgetLine { category: "Lunch fund".into(), cents: 1 }, BudgetLine { category: "lunch FUND".into(), cents: 2 }]), Err("lunch FUND is listed twice.".into()));
        assert!(p.budget.approve_proposal(june).is_err(), "approved only once submitted");
        p.budget.set_proposal(vec![BudgetLine { category: "Lunch fund".into(), cents: 60_000 }]).unwrap();
        assert_eq!(p.budget.proposal_state, ProposalState::Draft);
        p.budget.submit_proposal().unwrap();
        let year = p.budget.approve_proposal(june).unwrap();
        assert_eq!(year.label(), "2027–28", "drafted in June for the year from 1 July");
        // June still runs on this year's budget, requests and all.
        assert_eq!(p.budget.money(june).iter().map(|m| m.budget).collect::<Vec<_>>(), [50_000, 20_000]);
        assert_eq!(p.budget.money(day("2027-07-01")).iter().map(|m| (m.category.as_str(), m.budget)).collect::<Vec<_>>(), [("Lunch fund", 60_000)]);
        assert_eq!(p.budget.categories(day("2027-07-01")), ["Lunch fund"]);
    }
}
