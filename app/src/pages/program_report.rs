//! The program report on the desk: what a coordinator sends their
//! director (matches by outcome, meetings per month from the counts pairs
//! shared, each closed survey's means and their change), as charts with
//! their figures in words, a CSV, and a page to print (the print
//! stylesheet prints the report alone). Figures come from
//! `confidant_shared::program::report::ProgramReport`.

use confidant_shared::program::report::ProgramReport;
use confidant_shared::program::Program;
use leptos::prelude::*;

#[component]
pub fn ProgramReportPanel(program: ReadSignal<Program, LocalStorage>) -> impl IntoView {
    let (open, set_open) = signal(false);
    let (error, set_error) = signal(None::<String>);
    let report = Memo::new(move |_| open.get().then(|| program.with(ProgramReport::of)));
    view! {
        <h2>"Program report"</h2>
        <button type="button" data-testid="open-report" aria-expanded=move || open.get().to_string() on:click=move |_| set_open.update(|o| *o = !*o)>
            {move || if open.get() { "Hide the report" } else { "Open the program report" }}
        </button>
        {move || report.get().map(|r| {
            let csv = r.csv();
            view! {
                <section class="report" data-testid="report" aria-labelledby="report-title">
                    <h3 id="report-title">{format!("{}: program report", r.name)}</h3>
                    <p>{format!("As of {}.", crate::clock::day_words(crate::clock::today_day()))}</p>
                    <Figures report=r/>
                    <div class="goal-actions report-actions">
                        <button type="button" data-testid="print-report" on:click=move |_| {
                            if window().print().is_err() {
                                set_error.set(Some("This browser could not print; use its own Print menu.".into()));
                            }
                        }>"Print the report"</button>
                        <button type="button" data-testid="download-report" on:click=move |_| {
                            if crate::widgets::file_download::download("program-report.csv", "text/csv", &csv).is_err() {
                                set_error.set(Some("The file could not be saved; try again.".into()));
                            }
                        }>"Download the report (CSV)"</button>
                    </div>
                </section>
            }
        })}
        {move || error.get().map(|e| view! { <p class="error" role="alert">{e}</p> })}
    }
}

#[component]
fn Figures(report: ProgramReport) -> impl IntoView {
    let outcomes = vec![
        ("Active".to_string(), report.active as f64, report.active.to_string()),
        ("Completed".to_string(), report.completed as f64, report.completed.to_string()),
        ("Ended early".to_string(), report.ended_early as f64, report.ended_early.to_string()),
    ];
    let outcome_words = format!(
        "Matches made: {} ({} active, {} completed, {} ended early). On the roster: {} mentors, {} mentees, {} waiting for a match.",
        report.made, report.active, report.completed, report.ended_early, report.mentors, report.mentees, report.waiting
    );
    let months: Vec<(String, f64, String)> = report.meetings_by_month.iter().map(|(y, m, n)| (format!("{y}-{m:02}"), f64::from(*n), n.to_string())).collect();
    let month_words = if months.is_empty() {
        "No meetings shared yet.".to_string()
    } else {
        format!("Meetings per month, from the counts pairs shared: {}.", months.iter().map(|(m, _, n)| format!("{m}: {n}")).collect::<Vec<_>>().join(", "))
    };
    view! {
        <BarChart title="Matches by outcome" bars=outcomes summary=outcome_words top=None testid="report-matches"/>
        <BarChart title="Meetings per month" bars=months summary=month_words top=None testid="report-meetings"/>
        {report.surveys.into_iter().map(|s| {
            let bars: Vec<(String, f64, String)> = s.means.iter().map(|(q, mean, change)| (q.clone(), *mean, match change {
                Some(c) => format!("{mean:.1} ({c:+.1})"),
                None => format!("{mean:.1}"),
            })).collect();
            let words = if s.means.is_empty() {
                format!("{}: {} answered; too few to show any total.", s.title, s.answered)
            } else {
                format!("{} ({}, {} answered), mean per question and the change since the earlier survey: {}.", s.title, s.closed_on.map(|day| format!("closed {}", crate::clock::day_words(day))).unwrap_or_else(|| "closed".into()), s.answered, bars.iter().map(|(q, _, v)| format!("{q} {v}")).collect::<Vec<_>>().join("; "))
            };
            view! { <BarChart title=s.title.clone() bars summary=words top=Some(10.0) testid="report-survey"/> }
        }).collect_view()}
    }
}

/// Horizontal bars with their values, and the same figures in words
/// (the caption, read by screen readers; the drawing is hidden from them).
#[component]
fn BarChart(#[prop(into)] title: String, bars: Vec<(String, f64, String)>, summary: String, top: Option<f64>, testid: &'static str) -> impl IntoView {
    let row = 26;
    let height = (bars.len() as i32).max(1) * row + 6;
    let most = top.unwrap_or_else(|| bars.iter().map(|(_, v, _)| *v).fold(1.0, f64::max)).max(1.0);
    view! {
        <figure class="chart" data-testid=testid>
            <figcaption><strong>{title}</strong>" "<span data-testid="chart-words">{summary}</span></figcaption>
            <svg aria-hidden="true" viewBox=format!("0 0 560 {height}") width="100%" focusable="false">
                {bars.into_iter().enumerate().map(|(i, (label, value, shown))| {
                    let y = i as i32 * row + 3;
                    let width = (value.max(0.0) / most * 260.0).round();
                    view! {
                        <text x="0" y=y + 15 class="chart-label">{label.chars().take(34).collect::<String>()}</text>
                        <rect x="230" y=y width=width height="18" class="chart-spent"/>
                        <text x=230.0 + width + 6.0 y=y + 15 class="chart-label">{shown}</text>
                    }
                }).collect_view()}
            </svg>
        </figure>
    }
}
