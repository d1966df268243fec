//! A program's surveys as its coordinators run them, on the program's
//! desk: a new survey from a template (who it is for, from which day in
//! the program, named or not, the threshold), published to the program's
//! page; each survey's answers as they may be seen (see
//! `confidant_shared::program::survey`): a count while an anonymous
//! survey is open, aggregates once it is closed with any small group
//! hidden, named answers with their names, and the change since an
//! earlier survey that asked the same questions.

use confidant_shared::program::page::ProgramPage;
use confidant_shared::program::survey::{SurveyClosing, AnswerValue, Naming, Question, QuestionKind, QuestionResult, Shown, Survey, SurveyRole, SurveyTemplate, SurveyView, DEFAULT_THRESHOLD, LIKERT, MIN_THRESHOLD};
use confidant_shared::program::Program;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::sync::{use_sync, SyncEngine};
use crate::widgets::document_editing::DocumentEditing;

/// The largest threshold a coordinator may set.
const MAX_THRESHOLD: u32 = 50;

#[component]
pub fn ProgramSurveys(program: ReadSignal<Program, LocalStorage>, editing: DocumentEditing<Program>) -> impl IntoView {
    let ids = Memo::new(move |_| {
        program.with(|p| {
            let mut list: Vec<_> = p.surveys.iter().map(|(id, s)| (s.published_on, id.clone())).collect();
            confidant_shared::sort::ascending(&mut list);
            list.into_iter().rev().map(|(_, id)| id).collect::<Vec<String>>()
        })
    });
    view! {
        <h2>"Surveys"</h2>
        <NewSurvey program editing/>
        {move || {
            let ids = ids.get();
            if ids.is_empty() {
                view! { <p data-testid="no-surveys">"No survey yet. Members see a published survey on the program's page when it is due for them."</p> }.into_any()
            } else {
                ids.into_iter().map(|id| view! { <SurveyCard id program editing/> }).collect_view().into_any()
            }
        }}
    }
}

/// Write the program's open surveys to its public page.
async fn publish_to_page(engine: Option<SyncEngine>, program: Program) -> Result<(), ()> {
    let page_local = untrack(|| super::program::page_local_of(engine.as_ref(), &program)).ok_or(())?;
    let page = crate::api::open_document::<ProgramPage>(page_local).await.map_err(|_| ())?;
    let surveys = ProgramPage::surveys_of(&program);
    page.change(|p: &mut ProgramPage| p.surveys = surveys).await.map_err(|_| ())?;
    crate::store::announce_saved(page_local);
    Ok(())
}

fn published_words(ok: Result<(), ()>, done: &str) -> String {
    match ok {
        Ok(()) => format!("{done} The program's page is updated for its members."),
        Err(()) => format!("{done} The program's page could not be updated; open this program again and try once more."),
    }
}

#[component]
fn NewSurvey(program: ReadSignal<Program, LocalStorage>, editing: DocumentEditing<Program>) -> impl IntoView {
    let (template, set_template) = signal(SurveyTemplate::LibrariesBefore);
    let (naming, set_naming) = signal(Naming::Anonymous);
    let (role, set_role) = signal(None::<SurveyRole>);
    let (after, set_after) = signal(String::from("0"));
    let (threshold, set_threshold) = signal(DEFAULT_THRESHOLD.to_string());
    let (problem, set_problem) = signal(None::<String>);
    let (status, set_status) = signal(None::<String>);
    let roles = program.with_untracked(|p| (p.settings.mentor_role.clone(), p.settings.mentee_role.clone()));
    let engine = use_sync();
    let publish = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(after_days) = after.get_untracked().trim().parse::<u32>().ok().filter(|d| *d <= 3_650) else {
            set_problem.set(Some("Days in the program before the survey is asked must be a whole number from 0 to 3650.".into()));
            return;
        };
        let Some(threshold) = threshold.get_untracked().trim().parse::<u32>().ok().filter(|t| (MIN_THRESHOLD..=MAX_THRESHOLD).contains(t)) else {
            set_problem.set(Some(format!("The smallest group shown must be a whole number from {MIN_THRESHOLD} to {MAX_THRESHOLD}.")));
            return;
        };
        let Some(id) = editing.new_id() else { return };
        let survey = Survey { naming: naming.get_untracked(), threshold, for_role: role.get_untracked(), after_days, ..template.get_untracked().survey(&id) };
        let today = crate::clock::today_day();
        let mut published = false;
        editing.edit(|p| published = p.publish_survey(&survey, today));
        if !published {
            set_problem.set(Some("The survey could not be published; try again.".into()));
            return;
        }
        set_problem.set(None);
        editing.save_now();
        let updated = program.get_untracked();
        let engine = engine.clone();
        spawn_local(async move {
            set_status.set(Some(published_words(publish_to_page(engine, updated).await, "Published.")));
        });
    };
    view! {
        <details class="new-survey">
            <summary>"New survey"</summary>
            <form on:submit=publish aria-label="New survey">
                <label for="survey-template">"Start from"</label>
                <select id="survey-template" on:change=move |ev| {
                    if let Some(t) = SurveyTemplate::parse(&event_target_value(&ev)) {
                        set_template.set(t);
                        set_after.set(t.survey("x").after_days.to_string());
                    }
                }>
                    {SurveyTemplate::ALL.into_iter().map(|t| view! { <option value=t.as_str()>{t.title()}</option> }).collect_view()}
                </select>
                <label for="survey-naming">"Names"</label>
                <select id="survey-naming" on:change=move |ev| set_naming.set(match event_target_value(&ev).as_str() {
                    "named" => Naming::Named,
                    "choose" => Naming::EachChooses,
                    _ => Naming::Anonymous,
                })>
                    <option value="anonymous">"Anonymous"</option>
                    <option value="named">"Named"</option>
                    <option value="choose">"Each member chooses"</option>
                </select>
                <label for="survey-role">"For"</label>
                <select id="survey-role" on:change=move |ev| set_role.set(match event_target_value(&ev).as_str() {
                    "mentor" => Some(SurveyRole::Mentor),
                    "mentee" => Some(SurveyRole::Mentee),
                    _ => None,
                })>
                    <option value="all">"Everyone"</option>
                    <option value="mentor">{roles.0.clone()}</option>
                    <option value="mentee">{roles.1.clone()}</option>
                </select>
                <label for="survey-after">"Asked from this many days after joining"</label>
                <input id="survey-after" inputmode="numeric" prop:value=after on:input=move |ev| set_after.set(event_target_value(&ev))/>
                <label for="survey-threshold">"Smallest group of anonymous answers shown"</label>
                <input id="survey-threshold" inputmode="numeric" prop:value=threshold on:input=move |ev| set_threshold.set(event_target_value(&ev))/>
                {move || problem.get().map(|p| view! { <p class="error" role="alert">{p}</p> })}
                <button type="submit" data-testid="publish-survey">"Publish the survey"</button>
            </form>
        </details>
        {move || status.get().map(|s| view! { <p class="notice" role="status" data-testid="survey-published">{s}</p> })}
    }
}

fn naming_short(naming: Naming) -> &'static str {
    match naming {
        Naming::Anonymous => "anonymous",
        Naming::Named => "named",
        Naming::EachChooses => "each member chooses whether to give their name",
    }
}

#[component]
fn SurveyCard(id: String, program: ReadSignal<Program, LocalStorage>, editing: DocumentEditing<Program>) -> impl IntoView {
    let view_of = {
        let id = id.clone();
        Memo::new(move |_| program.with(|p| p.survey_view(&id).map(|(s, v)| (s, v, p.surveys.get(&id).map(|h| (h.published_on, h.closed_on)).unwrap_or_default()))))
    };
    let (status, set_status) = signal(None::<String>);
    let engine = use_sync();
    let close = {
        let id = id.clone();
        move |_| {
            let engine = engine.clone();
            let today = crate::clock::today_day();
            editing.edit(|p| p.close_survey(&id, today));
            editing.save_now();
            let updated = program.get_untracked();
            spawn_local(async move {
                set_status.set(Some(published_words(publish_to_page(engine, updated).await, "Closed: it takes no more answers.")));
            });
        }
    };
    let name_of = move |member: &str| program.with_untracked(|p| p.roster.get(member).map(|m| m.name.clone()).unwrap_or_else(|| "someone who left".into()));
    let change = {
        let id = id.clone();
        Memo::new(move |_| program.with(|p| earlier_change(p, &id)))
    };
    view! {
        {move || view_of.get().map(|(survey, seen, (published_on, closed_on))| {
            let close = close.clone();
            let open = closed_on == SurveyClosing::Open;
            let state = match closed_on {
                SurveyClosing::Open => format!("Open since {}, {}: {} answered.", crate::clock::maybe_day_words(published_on), naming_short(survey.naming), seen.answered),
                SurveyClosing::On(day) => format!("Closed on {}, {}: {} answered.", crate::clock::day_words(day), naming_short(survey.naming), seen.answered),
                SurveyClosing::OnAnUnreadableDay => format!("Closed, {}: {} answered.", naming_short(survey.naming), seen.answered),
            };
            let heading = format!("survey-card-{}", survey.id);
            let labelled_by = heading.clone();
            view! {
                <article class="survey-card" data-testid="survey-card" aria-labelledby=labelled_by>
                    <h3 id=heading>{survey.title.clone()}</h3>
                    <p data-testid="survey-state">{state}</p>
                    {open.then(|| view! { <button type="button" data-testid="close-survey" on:click=close>"Close and show the results"</button> })}
                    <Results survey=survey.clone() seen=seen.clone() name_of roles=program.with_untracked(|p| (p.settings.mentor_role.clone(), p.settings.mentee_role.clone()))/>
                    {move || {
                        let rows = change.get();
                        (!rows.is_empty()).then(|| view! {
                            <table data-testid="survey-change">
                                <caption>"Change since the earlier survey (mean, from the shown totals only)"</caption>
                                <thead><tr><th scope="col">"Question"</th><th scope="col">"Change"</th></tr></thead>
                                <tbody>{rows.into_iter().map(|(q, d)| view! { <tr><td>{q}</td><td>{d}</td></tr> }).collect_view()}</tbody>
                            </table>
                        })
                    }}
                </article>
            }
        })}
        {move || status.get().map(|s| view! { <p class="notice" role="status">{s}</p> })}
    }
}

/// The change per question since the last earlier survey that asked it
/// (`Program::change_since_earlier`, the report's rule too).
fn earlier_change(p: &Program, id: &str) -> Vec<(String, String)> {
    let Some(survey) = p.surveys.get(id).and_then(|s| s.survey()) else { return Vec::new() };
    p.change_since_earlier(id)
        .into_iter()
        .filter_map(|(q, d)| {
            let text = survey.questions.iter().find(|x| x.id == q)?.text.clone();
            Some((text, d.map(|d| format!("{d:+.1}")).unwrap_or_else(|| "Too few answers to compare".into())))
        })
        .collect()
}

#[component]
fn Results(survey: Survey, seen: SurveyView, name_of: impl Fn(&str) -> String + Copy + Send + Sync + 'static, roles: (String, String)) -> impl IntoView {
    let threshold = survey.threshold();
    let aggregates = match seen.results.clone() {
        None => view! { <p data-testid="results-waiting">"Totals appear when the survey is closed, so nobody's answer can be picked out by comparing two views."</p> }.into_any(),
        Some([whole, mentors, mentees]) => view! {
            <div data-testid="survey-results">
                {survey.questions.iter().zip(whole).zip(mentors.into_iter().zip(mentees)).map(|((q, all), (m, e))| view! {
                    <section class="survey-question">
                        <h4>{q.text.clone()}</h4>
                        <ResultLine question=q.clone() result=all threshold label="Everyone".to_string()/>
                        <ResultLine question=q.clone() result=m threshold label=roles.0.clone()/>
                        <ResultLine question=q.clone() result=e threshold label=roles.1.clone()/>
                    </section>
                }).collect_view()}
            </div>
        }
        .into_any(),
    };
    let named = (!seen.named.is_empty()).then(|| {
        let survey = survey.clone();
        view! {
            <h4>"Named answers"</h4>
            <ul data-testid="named-answers">
                {seen.named.iter().map(|(member, answers)| {
                    let words = survey.questions.iter().filter_map(|q| answers.get(&q.id).map(|a| format!("{}: {}", q.text, answer_words(q, a)))).collect::<Vec<_>>().join(" · ");
                    view! { <li>{format!("{} — {words}", name_of(member))}</li> }
                }).collect_view()}
            </ul>
        }
    });
    view! { {aggregates} {named} }
}

#[component]
fn ResultLine(question: Question, result: QuestionResult, threshold: u32, label: String) -> impl IntoView {
    let text = match &result.shown {
        Shown::TooFew if result.answered == 0 => format!("{label}: no answers."),
        Shown::TooFew => format!("{label}: not shown (fewer than {threshold} anonymous answers could be told apart)."),
        Shown::Points { counts, mean } => {
            let low = if question.kind == QuestionKind::Likert { 1 } else { 0 };
            let spread = counts.iter().enumerate().filter(|(_, c)| **c > 0).map(|(i, c)| format!("{} × {}", c, i + low)).collect::<Vec<_>>().join(", ");
            format!("{label}: mean {mean:.1} from {} answers ({spread}).", result.answered)
        }
        Shown::Choices(counts) => {
            let options = match &question.kind {
                QuestionKind::Single(o) | QuestionKind::Multiple(o) => o.clone(),
                _ => Vec::new(),
            };
            let spread = options.iter().zip(counts).map(|(o, c)| format!("{o}: {c}")).collect::<Vec<_>>().join(", ");
            format!("{label} ({} answers): {spread}.", result.answered)
        }
        Shown::Texts(texts) => format!("{label} ({} answers): {}", result.answered, texts.iter().map(|t| format!("“{t}”")).collect::<Vec<_>>().join(" ")),
    };
    let hidden = matches!(result.shown, Shown::TooFew) && result.answered > 0;
    view! { <p data-testid="result-line" data-hidden=hidden.to_string()>{text}</p> }
}

fn answer_words(question: &Question, answer: &AnswerValue) -> String {
    let choice = |i: usize| match &question.kind {
        QuestionKind::Single(o) | QuestionKind::Multiple(o) => o.get(i).cloned().unwrap_or_default(),
        _ => String::new(),
    };
    match answer {
        AnswerValue::Likert(n) => LIKERT.get(usize::from(*n).saturating_sub(1)).copied().unwrap_or_default().to_string(),
        AnswerValue::Scale(n) => format!("{n} of 10"),
        AnswerValue::Choice(i) => choice(*i),
        AnswerValue::Choices(list) => list.iter().map(|i| choice(*i)).collect::<Vec<_>>().join(", "),
        AnswerValue::Text(t) => format!("“{t}”"),
    }
}
