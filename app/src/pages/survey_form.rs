//! A program's surveys as a member answers them, on the program's page:
//! those open for their role and time in the program. Before answering
//! they read whether their name goes with the answers (or choose, where
//! the survey lets them); answers go sealed to the coordinator's device,
//! and answering again replaces the first (the same way it was sent).

use std::collections::BTreeMap;

use confidant_shared::document::DocumentId;
use confidant_shared::program::page::ProgramPage as Page;
use confidant_shared::program::survey::{AnswerValue, Naming, Question, QuestionKind, Survey, SurveyAnswers, SurveyRole, LIKERT, MAX_TEXT_ANSWER};
use confidant_shared::sync::inbox::InboxAddress;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::sync::use_sync;

/// The surveys this member is asked now, each with its form.
#[component]
pub fn SurveysToAnswer(local: DocumentId, page: ReadSignal<Page, LocalStorage>) -> impl IntoView {
    let Some(engine) = use_sync() else { return ().into_any() };
    let program = {
        let engine = engine.clone();
        Memo::new(move |_| engine.share_of(local).map(|s| s.sync_id.to_string()).unwrap_or_default())
    };
    // Only someone whose form reached the program is asked, by the role
    // the form gave and the days since.
    let joined = {
        let engine = engine.clone();
        Memo::new(move |_| engine.program_letters().form_in(&program.get()).map(|f| (SurveyRole::from(f.role), f.sent_on)))
    };
    let due = Memo::new(move |_| {
        let Some((role, since)) = joined.get() else { return Vec::new() };
        let today = crate::clock::today_day();
        page.with(|p| p.surveys()).into_iter().filter(|s| s.is_due(role, since, today)).collect::<Vec<Survey>>()
    });
    view! {
        {move || {
            let surveys = due.get();
            let role = joined.get().map(|(r, _)| r);
            (!surveys.is_empty()).then(|| view! {
                <h2>"Surveys"</h2>
                {surveys.into_iter().map(|survey| {
                    view! { <SurveyForm survey program=program.get_untracked() role=role.unwrap_or(SurveyRole::Mentee) page/> }
                }).collect_view()}
            })
        }}
    }
    .into_any()
}

fn naming_words(naming: Naming) -> &'static str {
    match naming {
        Naming::Anonymous => "Anonymous: your name does not go with your answers, and the coordinator sees them only added up with at least a few others'.",
        Naming::Named => "Named: the coordinator sees your name with your answers.",
        Naming::EachChooses => "You choose whether your name goes with your answers. Without it, the coordinator sees them only added up with at least a few others'.",
    }
}

#[component]
fn SurveyForm(survey: Survey, program: String, role: SurveyRole, page: ReadSignal<Page, LocalStorage>) -> impl IntoView {
    let engine = use_sync();
    let answers = RwSignal::new(BTreeMap::<String, AnswerValue>::new());
    let earlier = {
        let engine = engine.clone();
        let (program, id) = (program.clone(), survey.id.clone());
        Memo::new(move |_| engine.as_ref().and_then(|e| e.program_letters().survey_answered(&program, &id).cloned()))
    };
    // Answered before: the same way again (a named answer and an anonymous
    // one from one person would count twice).
    let (named, set_named) = signal(survey.naming == Naming::Named);
    let (status, set_status) = signal(None::<String>);
    let (problem, set_problem) = signal(None::<String>);
    let (sending, set_sending) = signal(false);
    let heading = format!("survey-{}", survey.id);
    let labelled_by = heading.clone();
    let naming = survey.naming;
    let submit = {
        let survey = survey.clone();
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            let given = answers.get_untracked();
            if given.is_empty() {
                set_problem.set(Some("Answer at least one question, then send.".into()));
                return;
            }
            let again = earlier.get_untracked().is_some();
            let named = earlier.get_untracked().map(|e| e.named).unwrap_or_else(|| named.get_untracked());
            let to = page.with_untracked(|p| InboxAddress::parse(&p.intake_inbox).ok());
            let (Some(engine), Some(to)) = (engine.clone(), to) else {
                set_problem.set(Some("This page does not say where answers go; ask the coordinator for a new link.".into()));
                return;
            };
            let sent = SurveyAnswers { survey: survey.id.clone(), role, answers: given };
            if let Err(why) = survey.check(&sent) {
                set_problem.set(Some(sentence(&why.to_string())));
                return;
            }
            set_problem.set(None);
            set_sending.set(true);
            let program = program.clone();
            spawn_local(async move {
                match engine.answer_survey(to, program, sent, named).await {
                    Ok(()) => set_status.set(Some(match (again, named) {
                        (false, true) => "Sent, with your name.",
                        (false, false) => "Sent, without your name.",
                        (true, true) => "Sent again, with your name: these answers replace your earlier ones.",
                        (true, false) => "Sent again, without your name: these answers replace your earlier ones.",
                    }.into())),
                    Err(err) => set_problem.set(Some(err)),
                }
                set_sending.set(false);
            });
        }
    };
    view! {
        <form class="survey" data-testid="survey" aria-labelledby=labelled_by on:submit=submit>
            <h3 id=heading>{survey.title.clone()}</h3>
            <p data-testid="survey-naming">{naming_words(naming)}</p>
            {move || earlier.get().map(|e| view! {
                <p class="notice" data-testid="survey-answered">{format!(
                    "You answered on {}{}. Sending again replaces those answers.",
                    crate::clock::day_words(e.sent_on),
                    if e.named { ", with your name" } else { ", without your name" },
                )}</p>
            })}
            {survey.questions.iter().map(|q| view! { <QuestionField survey=survey.id.clone() question=q.clone() answers/> }).collect_view()}
            {move || (naming == Naming::EachChooses && earlier.get().is_none()).then(|| view! {
                <label class="check">
                    <input type="checkbox" id=format!("survey-{}-named", survey.id) data-testid="survey-named"
                        prop:checked=named on:change=move |ev| set_named.set(event_target_checked(&ev))/>
                    "Put my name to these answers"
                </label>
            })}
            {move || problem.get().map(|p| view! { <p class="error" role="alert">{p}</p> })}
            <button type="submit" data-testid="send-survey" disabled=sending>"Send my answers"</button>
            {move || status.get().map(|s| view! { <p class="notice" role="status" data-testid="survey-sent">{s}</p> })}
        </form>
    }
}

/// One question's input: a group of radio buttons or check boxes, a
/// 0–10 choice, or words.
#[component]
fn QuestionField(survey: String, question: Question, answers: RwSignal<BTreeMap<String, AnswerValue>>) -> impl IntoView {
    let name = format!("survey-{survey}-{}", question.id);
    let qid = question.id.clone();
    let set = move |value: Option<AnswerValue>| {
        answers.update(|a| match value {
            Some(v) => {
                a.insert(qid.clone(), v);
            }
            None => {
                a.remove(&qid);
            }
        })
    };
    let options = |list: Vec<String>, value: fn(usize) -> AnswerValue| {
        let set = set.clone();
        let name = name.clone();
        list.into_iter()
            .enumerate()
            .map(move |(i, label)| {
                let set = set.clone();
                view! {
                    <label class="check">
                        <input type="radio" name=name.clone() id=format!("{name}-{i}") on:change=move |_| set(Some(value(i)))/>
                        {label}
                    </label>
                }
            })
            .collect_view()
    };
    match question.kind.clone() {
        QuestionKind::Likert => view! {
            <fieldset>
                <legend>{question.text.clone()}</legend>
                {options(LIKERT.iter().map(|s| s.to_string()).collect(), |i| AnswerValue::Likert(i as u8 + 1))}
            </fieldset>
        }
        .into_any(),
        QuestionKind::Single(list) => view! {
            <fieldset>
                <legend>{question.text.clone()}</legend>
                {options(list, AnswerValue::Choice)}
            </fieldset>
        }
        .into_any(),
        QuestionKind::Multiple(list) => {
            let picked = RwSignal::new(Vec::<usize>::new());
            view! {
                <fieldset>
                    <legend>{question.text.clone()}</legend>
                    {list.into_iter().enumerate().map(|(i, label)| {
                        let set = set.clone();
                        view! {
                            <label class="check">
                                <input type="checkbox" id=format!("{name}-{i}") on:change=move |ev| {
                                    let on = event_target_checked(&ev);
                                    picked.update(|p| {
                                        p.retain(|x| *x != i);
                                        if on {
                                            p.push(i);
                                        }
                                        confidant_shared::sort::ascending(p);
                                    });
                                    let now = picked.get_untracked();
                                    set((!now.is_empty()).then_some(AnswerValue::Choices(now)));
                                }/>
                                {label}
                            </label>
                        }
                    }).collect_view()}
                </fieldset>
            }
            .into_any()
        }
        QuestionKind::Scale => view! {
            <label for=name.clone()>{format!("{} (0 = not at all, 10 = extremely)", question.text)}</label>
            <select id=name.clone() on:change=move |ev| set(event_target_value(&ev).parse::<u8>().ok().map(AnswerValue::Scale))>
                <option value="">"No answer"</option>
                {(0..=10u8).map(|n| view! { <option value=n.to_string()>{n.to_string()}</option> }).collect_view()}
            </select>
        }
        .into_any(),
        QuestionKind::FreeText => view! {
            <label for=name.clone()>{question.text.clone()}</label>
            <textarea id=name.clone() maxlength=MAX_TEXT_ANSWER.to_string() on:input=move |ev| {
                let text = event_target_value(&ev);
                set((!text.trim().is_empty()).then_some(AnswerValue::Text(text)));
            }></textarea>
        }
        .into_any(),
    }
}

/// A refusal's words as a sentence: a capital first letter, a full stop.
fn sentence(words: &str) -> String {
    let mut chars = words.chars();
    chars.next().map(|first| format!("{}{}.", first.to_uppercase(), chars.as_str())).unwrap_or_default()
}
