//! `thematic-bench serve --browser`: how long each view of the workspace takes to be ready
//! in headless Chromium, driven over the WebDriver protocol through `chromedriver`
//! (`/usr/bin/chromium` and `/usr/bin/chromedriver`, or the paths in the environment
//! variables `CHROMIUM` and `CHROMEDRIVER`), on the real `thematic serve` over a copy of a
//! generated study, as coder A.
//!
//! The page is opened at the URL the server printed (with its token), on the empty search
//! view (`#/search`: a form and no request), which also serves as the resting view between
//! runs. Each view is then opened as the page's own links do, by setting `location.hash`,
//! once (the first time, its caches cold) and `runs` more times, going back to the resting
//! view before each run so that every run renders the view anew.
//!
//! Each run is timed inside the page, by one asynchronous script: it notes
//! `performance.now()`, sets `location.hash`, and checks the view's condition of
//! readiness after every change to the DOM (a `MutationObserver`), every image load and
//! every animation frame. "DOM" is when the condition first holds; "ready" is a frame later,
//! when the next frame has been laid out and painted (a `requestAnimationFrame` callback,
//! then a task). WebDriver's round trips are outside both. The conditions, read from
//! `app.js`:
//!
//! | view             | hash                        | ready when                                           |
//! |------------------|-----------------------------|------------------------------------------------------|
//! | transcripts list | `#/`                        | the heading "Transcripts" and the table's first row (`#main > table.grid > tbody > tr`; the first of its chunks of 200) |
//! | reader           | `#/t/<id>`                  | every turn of the largest transcript is drawn (`.reader .turns > .turn .text`, as many as it has turns) |
//! | compare          | `#/compare?t=<id>&a=A&b=B`  | the side-by-side grid (`.pair .cell`) and the heading "Disagreements in `<id>`" (drawn in one go with the agreement table and the list) |
//! | quote view       | `#/quotes`                  | the first row of the quote table (`table.quotes > tbody > tr`, the first page) |
//! | search           | `#/search?q=funding`        | the first hit (`ol.results > li`, the first page)      |
//! | map              | `#/map`                     | the map's `<img>` has loaded (`complete`, `naturalWidth > 0`) |
//!
//! The page's error box showing counts as a failed run, and so does a view not ready after
//! 30 s. For each run the page's Resource Timing entries say which requests the view made
//! and how long each took; the table names the slowest.
//!
//! Opening the page itself is measured too (the first load, then `runs` reloads): ready
//! when `/api/study` has been answered (the resting view is drawn in the same task).
//!
//! The timed runs start once the server has settled: by default when its CPU time (all
//! threads, from `/proc/<pid>/stat`) has not grown for a second, that is when the warming
//! it starts at launch is over; or after a fixed number of seconds; or at once, so that
//! the first figures race with the warming as they do for a researcher who opens the page
//! as soon as it is printed.

use std::io::{Read as _, Write as _};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use thematic_study::Study;

use crate::search::copy_dir;
use crate::serve::{CODER, OTHER, Server, TIMEOUT, parse, target};
use crate::{median, release_thematic};

/// The longest a view may take to be ready, in the page.
const VIEW_LIMIT_MS: u64 = 30_000;

/// When the timed runs start.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Settle {
    /// At once: the server is still warming its caches.
    None,
    /// Once the server's CPU time has stood still for a second.
    Idle,
    /// After this long.
    For(Duration),
}

impl std::str::FromStr for Settle {
    type Err = String;

    fn from_str(s: &str) -> Result<Settle, String> {
        match s.trim() {
            "none" | "0" => Ok(Settle::None),
            "idle" => Ok(Settle::Idle),
            n => n
                .parse::<f64>()
                .ok()
                .filter(|n| n.is_finite() && *n > 0.0)
                .map(|n| Settle::For(Duration::from_secs_f64(n)))
                .ok_or_else(|| format!("{s:?} is not `idle`, `none` or a number of seconds")),
        }
    }
}

/// What `--browser` was asked.
pub struct Options {
    pub runs: usize,
    pub settle: Settle,
    /// Where to save a screenshot of each view after its last run, as `bench-<view>.png`.
    pub screenshots: Option<PathBuf>,
}

pub fn run(corpus: &Path, options: &Options) -> Result<(), String> {
    let exe = release_thematic()?;
    let dir = std::env::temp_dir().join(format!("thematic-bench-browser-{}", std::process::id()));
    let profile = dir.with_extension("chromium");
    let _ = std::fs::remove_dir_all(&dir);
    eprintln!("copying {} to {}", corpus.display(), dir.display());
    copy_dir(corpus, &dir)?;
    let result = (|| {
        let views = views(&dir)?;
        // The browser first: its start would otherwise compete with the server's warming.
        let browser = Browser::start(&profile)?;
        let mut server = Server::start(&exe, &dir)?;
        measure(&browser, &mut server, &views, options)
    })();
    let _ = std::fs::remove_dir_all(&dir);
    let _ = std::fs::remove_dir_all(&profile);
    result
}

/// One view to open: its name in the table and its screenshot's, its address, and the
/// condition (a key of `READY` in [`NAVIGATE`]) with its argument.
pub(crate) struct View {
    pub(crate) name: String,
    pub(crate) slug: &'static str,
    pub(crate) hash: String,
    pub(crate) arg: Value,
}

/// Times `views` in headless Chromium on the real server over the study in `dir` (already
/// a copy), as [`run`] times the workspace's views.
pub(crate) fn time_views(
    exe: &Path,
    dir: &Path,
    views: &[View],
    options: &Options,
) -> Result<(), String> {
    let profile = dir.with_extension("chromium");
    let result = (|| {
        let browser = Browser::start(&profile)?;
        let mut server = Server::start(exe, dir)?;
        measure(&browser, &mut server, views, options)
    })();
    let _ = std::fs::remove_dir_all(&profile);
    result
}

/// The views, on the study's largest transcript.
fn views(dir: &Path) -> Result<Vec<View>, String> {
    let id = target(dir, 1)?.transcript;
    let study = Study::open(dir).map_err(|e| e.to_string())?;
    let turns = study
        .transcript(&id)
        .map_err(|e| e.to_string())?
        .turns
        .len();
    let view = |name: String, slug, hash: String, arg| View {
        name,
        slug,
        hash,
        arg,
    };
    let enc = encode_component(&id);
    Ok(vec![
        view("transcripts list".into(), "list", "#/".into(), Value::Null),
        view(
            format!("reader ({id}, {turns} turns)"),
            "reader",
            format!("#/t/{enc}"),
            json!(turns),
        ),
        view(
            format!("compare ({CODER} and {OTHER} on {id})"),
            "compare",
            format!("#/compare?t={enc}&a={CODER}&b={OTHER}"),
            json!(id),
        ),
        view(
            "quote view".into(),
            "quotes",
            "#/quotes".into(),
            Value::Null,
        ),
        view(
            "search \"funding\"".into(),
            "search",
            "#/search?q=funding".into(),
            Value::Null,
        ),
        view("map".into(), "map", "#/map".into(), Value::Null),
    ])
}

/// The resting view between runs: the empty search form, drawn without a request.
const REST: &str = "#/search";

/// One run as the page timed it.
#[derive(Debug, PartialEq)]
struct Run {
    /// Until the condition held, in ms.
    dom: f64,
    /// Until the frame after it was painted, in ms.
    ready: f64,
    /// The requests made: path and query, and how long each took in ms.
    requests: Vec<(String, f64)>,
}

/// One view's runs.
struct Row {
    view: String,
    first: Option<Run>,
    rest: Vec<Run>,
    /// Each run's "ok", or what went wrong.
    outcomes: Vec<String>,
}

impl Row {
    fn new(view: String) -> Row {
        Row {
            view,
            first: None,
            rest: Vec::new(),
            outcomes: Vec::new(),
        }
    }

    fn record(&mut self, run: Result<Run, String>, first: bool) {
        match run {
            Ok(run) => {
                self.outcomes.push("ok".into());
                if first {
                    self.first = Some(run);
                } else {
                    self.rest.push(run);
                }
            }
            Err(e) => self.outcomes.push(e),
        }
    }
}

fn measure(
    browser: &Browser,
    server: &mut Server,
    views: &[View],
    options: &Options,
) -> Result<(), String> {
    let settled = settle(server.pid(), options.settle);
    eprintln!("{settled}");
    let url = format!("{}{REST}", server.url);
    let mut rows = Vec::new();

    let mut open = Row::new("open the workspace (page load to /api/study)".into());
    for call in 0..=options.runs {
        browser.go(&url)?;
        open.record(browser.opened()?, call == 0);
    }
    eprintln!("{}: {}", open.view, open.outcomes.join(", "));
    rows.push(open);

    for view in views {
        let mut row = Row::new(view.name.clone());
        for call in 0..=options.runs {
            browser
                .navigate(REST, "rest", &Value::Null)?
                .map_err(|e| format!("the resting view {REST}: {e}"))?;
            row.record(
                browser.navigate(&view.hash, view.slug, &view.arg)?,
                call == 0,
            );
        }
        eprintln!("{}: {}", row.view, row.outcomes.join(", "));
        if let Some(dir) = &options.screenshots {
            let path = dir.join(format!("bench-{}.png", view.slug));
            std::fs::write(&path, browser.screenshot()?)
                .map_err(|e| format!("{}: {e}", path.display()))?;
            eprintln!("screenshot of {}: {}", view.name, path.display());
        }
        rows.push(row);
    }
    let memory = server.memory();

    print_table(&rows, options.runs);
    println!("{settled}");
    println!("server memory after the views: {memory}");
    Ok(())
}

/// Waits as `settle` says, and says what was done.
pub(crate) fn settle(pid: u32, settle: Settle) -> String {
    match settle {
        Settle::None => "settle: none, the timed runs began while the server was warming".into(),
        Settle::For(d) => {
            std::thread::sleep(d);
            format!(
                "settle: waited {:.1} s before the timed runs",
                d.as_secs_f64()
            )
        }
        Settle::Idle => {
            let start = Instant::now();
            let limit = Duration::from_secs(300);
            let mut last = cpu_ticks(pid);
            let mut still = Duration::ZERO;
            let step = Duration::from_millis(200);
            while still < Duration::from_secs(1) && start.elapsed() < limit {
                std::thread::sleep(step);
                let now = cpu_ticks(pid);
                // A tick (10 ms) now and then is the runtime, not work.
                if now.zip(last).is_some_and(|(n, l)| n <= l + 1) {
                    still += step;
                } else {
                    still = Duration::ZERO;
                    last = now;
                }
            }
            let waited = start.elapsed().as_secs_f64();
            match last {
                None => format!("settle: the server's CPU time is not known; waited {waited:.1} s"),
                Some(_) if still < Duration::from_secs(1) => {
                    format!("settle: the server was still busy after {waited:.1} s; went on")
                }
                Some(ticks) => format!(
                    "settle: waited {waited:.1} s until the server was idle (its CPU time still for 1 s, {:.1} s used)",
                    ticks as f64 / 100.0
                ),
            }
        }
    }
}

/// The server's CPU time (user and system, all threads), in clock ticks.
fn cpu_ticks(pid: u32) -> Option<u64> {
    std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .ok()
        .and_then(|s| stat_ticks(&s))
}

/// `utime + stime` (fields 14 and 15) of a `/proc/<pid>/stat` line; the command name
/// (field 2, in parentheses) may hold spaces and parentheses itself.
fn stat_ticks(stat: &str) -> Option<u64> {
    let rest = stat.get(stat.rfind(')')? + 1..)?;
    let fields: Vec<&str> = rest.split_whitespace().collect();
    // `rest` begins at field 3.
    let utime: u64 = fields.get(11)?.parse().ok()?;
    let stime: u64 = fields.get(12)?.parse().ok()?;
    Some(utime + stime)
}

fn print_table(rows: &[Row], runs: usize) {
    let ms = |x: f64| format!("{x:.0}");
    let width = rows.iter().map(|r| r.view.len()).max().unwrap_or(4);
    println!(
        "| {:<width$} | {:>8} | {:>9} | {:>6} | {:>10} | {:<38} | status",
        "view",
        "first ms",
        "median ms",
        "max ms",
        "DOM med ms",
        "slowest request: first / median ms"
    );
    println!(
        "|{}|----------|-----------|--------|------------|{}|-------",
        "-".repeat(width + 2),
        "-".repeat(40)
    );
    for r in rows {
        let ready: Vec<f64> = r.rest.iter().map(|x| x.ready).collect();
        let dom: Vec<f64> = r.rest.iter().map(|x| x.dom).collect();
        let or_dash = |x: Option<f64>| x.map_or("-".into(), ms);
        let mut outcomes = r.outcomes.clone();
        outcomes.dedup();
        println!(
            "| {:<width$} | {:>8} | {:>9} | {:>6} | {:>10} | {:<38} | {}",
            r.view,
            or_dash(r.first.as_ref().map(|x| x.ready)),
            or_dash(median_of(&ready)),
            or_dash(ready.iter().copied().reduce(f64::max)),
            or_dash(median_of(&dom)),
            slowest(r.first.as_ref(), &r.rest),
            outcomes.join(", ")
        );
    }
    println!(
        "(ready: the frame after the view's condition held, timed in the page from setting \
         location.hash; first: the first run; median and max of the {runs} runs after it; \
         DOM: until the condition held)"
    );
}

fn median_of(xs: &[f64]) -> Option<f64> {
    if xs.is_empty() {
        return None;
    }
    // Microseconds are fine enough, and `median` takes durations.
    let us = xs
        .iter()
        .map(|x| Duration::from_micros((x * 1e3).max(0.0) as u64))
        .collect();
    Some(median(us).as_secs_f64() * 1e3)
}

/// The request that took longest in the later runs (by its median), with its time in the
/// first run and its median: `/api/compare 412 / 96`. Paths lose their query.
fn slowest(first: Option<&Run>, rest: &[Run]) -> String {
    let path = |p: &str| p.split('?').next().unwrap_or(p).to_string();
    let mut times: std::collections::BTreeMap<String, Vec<f64>> = Default::default();
    for run in rest {
        for (p, t) in &run.requests {
            times.entry(path(p)).or_default().push(*t);
        }
    }
    let mut medians: Vec<(String, f64)> = times
        .into_iter()
        .filter_map(|(p, t)| Some((p, median_of(&t)?)))
        .collect();
    medians.sort_by(|a, b| b.1.total_cmp(&a.1));
    let in_first = |p: &str| {
        first
            .and_then(|f| {
                f.requests
                    .iter()
                    .filter(|(q, _)| path(q) == p)
                    .map(|(_, t)| *t)
                    .reduce(f64::max)
            })
            .map_or("-".into(), |t| format!("{t:.0}"))
    };
    match medians.first() {
        Some((p, m)) => format!("{p} {} / {m:.0}", in_first(p)),
        // No request after the first run: say what the first run asked, if anything.
        None => match first.and_then(|f| f.requests.iter().max_by(|a, b| a.1.total_cmp(&b.1))) {
            Some((p, t)) => format!("{} {t:.0} / (none later)", path(p)),
            None => "(none)".into(),
        },
    }
}

/// Goes to `arguments[0]` by `location.hash` and waits until the view `arguments[1]` is
/// ready (its condition applied to `arguments[2]`), or the error box shows, or
/// `arguments[3]` ms pass. Answers `{dom, ready, requests: [[path, ms]]}` or `{error}`.
const NAVIGATE: &str = r#"
const [hash, view, arg, limit] = arguments;
const done = arguments[arguments.length - 1];
const q = (s) => document.querySelector(s);
const READY = {
  rest: () => { const i = q('#main form.searchbar input[name="q"]'); return !!i && i.value === '' && !q('#main ol.results'); },
  list: () => { const h = q('#main > h1'); return !!h && !!h.firstChild && h.firstChild.textContent === 'Transcripts' && !!q('#main > table.grid > tbody > tr'); },
  reader: () => document.querySelectorAll('#main .reader .turns > .turn .text').length === arg,
  compare: () => !!q('#main .pair .cell') && [...document.querySelectorAll('#main > h2')].some((h) => h.textContent.startsWith('Disagreements in ' + arg + ' ')),
  quotes: () => !!q('#main table.quotes > tbody > tr'),
  search: () => !!q('#main ol.results > li'),
  map: () => { const i = q('#main .map img'); return !!i && i.complete && i.naturalWidth > 0; },
  board: () => document.querySelectorAll('#main .card').length >= arg,
  review: () => !!q('#main .code-block .review-extract'),
};
const ready = READY[view];
const requests = (t0) => performance.getEntriesByType('resource')
  .filter((r) => r.startTime >= t0)
  .map((r) => { const u = new URL(r.name); return [u.pathname + u.search, r.responseEnd - r.startTime]; });
let seen = false;
const stop = () => {
  seen = true;
  observer.disconnect();
  document.removeEventListener('load', check, true);
  clearTimeout(timer);
};
const check = () => {
  if (seen) return;
  const box = document.getElementById('error');
  if (box && !box.hidden) { stop(); done({ error: 'the page shows an error: ' + box.textContent.trim() }); return; }
  if (!ready()) return;
  const dom = performance.now() - t0;
  stop();
  requestAnimationFrame(() => setTimeout(() => done({ dom, ready: performance.now() - t0, requests: requests(t0) }), 0));
};
const observer = new MutationObserver(check);
observer.observe(document.body, { childList: true, subtree: true, characterData: true, attributes: true, attributeFilter: ['hidden'] });
document.addEventListener('load', check, true);
const frame = () => { if (!seen) { check(); requestAnimationFrame(frame); } };
const timer = setTimeout(() => { if (seen) return; stop(); done({ error: 'not ready after ' + limit + ' ms; the page says: ' + q('#main').innerText.slice(0, 200) }); }, limit);
performance.clearResourceTimings();
const t0 = performance.now();
location.hash = hash;
check();
requestAnimationFrame(frame);
"#;

/// Waits until the page just loaded is ready (`body[data-ready]`), then answers its
/// `/api/study` request's end as both times, and the page load's requests.
const OPENED: &str = r#"
const limit = arguments[0];
const done = arguments[arguments.length - 1];
const began = Date.now();
const poll = () => {
  const box = document.getElementById('error');
  if (box && !box.hidden) { done({ error: 'the page shows an error: ' + box.textContent.trim() }); return; }
  if (document.body.dataset.ready === '1') {
    const all = performance.getEntriesByType('resource');
    const study = all.find((r) => new URL(r.name).pathname === '/api/study');
    if (!study) { done({ error: 'no /api/study request in the page load' }); return; }
    const nav = performance.getEntriesByType('navigation')[0];
    const requests = [['/', nav.responseEnd - nav.startTime]].concat(all.map((r) => { const u = new URL(r.name); return [u.pathname + u.search, r.responseEnd - r.startTime]; }));
    done({ dom: study.responseEnd, ready: study.responseEnd, requests });
  } else if (Date.now() - began > limit) {
    done({ error: 'not ready after ' + limit + ' ms' });
  } else {
    setTimeout(poll, 10);
  }
};
poll();
"#;

/// The answer of [`NAVIGATE`] or [`OPENED`]: a run, or what went wrong in the page.
fn run_of(v: &Value) -> Result<Run, String> {
    if let Some(e) = v.get("error") {
        return Err(e.as_str().map_or_else(|| e.to_string(), str::to_string));
    }
    let number = |k: &str| {
        v.get(k)
            .and_then(Value::as_f64)
            .ok_or_else(|| format!("the page answered {v}, without {k}"))
    };
    let requests = v
        .get("requests")
        .and_then(Value::as_array)
        .map(|rs| {
            rs.iter()
                .filter_map(|r| Some((r.get(0)?.as_str()?.to_string(), r.get(1)?.as_f64()?)))
                .collect()
        })
        .unwrap_or_default();
    Ok(Run {
        dom: number("dom")?,
        ready: number("ready")?,
        requests,
    })
}

/// The path of `CHROMIUM`/`CHROMEDRIVER` (`var`), else `default`, if it is a file.
fn tool(var: &str, default: &str) -> Result<PathBuf, String> {
    let path = std::env::var_os(var).map_or_else(|| PathBuf::from(default), PathBuf::from);
    if path.is_file() {
        Ok(path)
    } else {
        Err(format!(
            "{} not found (set {var}, or apt-get install chromium chromium-driver)",
            path.display()
        ))
    }
}

/// A chromedriver of our own and one headless Chromium session in it; both end when this
/// is dropped.
struct Browser {
    driver: Child,
    addr: SocketAddr,
    session: String,
}

impl Browser {
    fn start(profile: &Path) -> Result<Browser, String> {
        let chromium = tool("CHROMIUM", "/usr/bin/chromium")?;
        let chromedriver = tool("CHROMEDRIVER", "/usr/bin/chromedriver")?;
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map_err(|e| format!("no free port for chromedriver: {e}"))?
            .port();
        let driver = Command::new(&chromedriver)
            .arg(format!("--port={port}"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("cannot start {}: {e}", chromedriver.display()))?;
        let mut browser = Browser {
            driver,
            addr: SocketAddr::from(([127, 0, 0, 1], port)),
            session: String::new(),
        };
        let began = Instant::now();
        loop {
            let status = browser.call("GET", "/status", None);
            if status.is_ok_and(|s| s["ready"] == json!(true)) {
                break;
            }
            if began.elapsed() > Duration::from_secs(20) {
                return Err(format!("chromedriver did not answer on {}", browser.addr));
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = std::fs::remove_dir_all(profile);
        let args = [
            "--headless".to_string(),
            "--no-sandbox".into(),
            "--disable-gpu".into(),
            "--disable-quic".into(),
            "--no-first-run".into(),
            "--disable-background-networking".into(),
            "--disable-component-update".into(),
            "--disable-sync".into(),
            "--disable-dev-shm-usage".into(),
            "--window-size=1400,1000".into(),
            format!("--user-data-dir={}", profile.display()),
        ];
        let caps = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {"binary": chromium, "args": args}
        }}});
        let created = browser.call("POST", "/session", Some(caps))?;
        browser.session = created["sessionId"]
            .as_str()
            .ok_or_else(|| format!("chromedriver answered {created} to a new session"))?
            .to_string();
        let script_ms = VIEW_LIMIT_MS + 30_000;
        browser.call(
            "POST",
            &browser.at("timeouts"),
            Some(json!({"script": script_ms, "pageLoad": 60_000})),
        )?;
        Ok(browser)
    }

    fn at(&self, what: &str) -> String {
        format!("/session/{}/{what}", self.session)
    }

    /// One WebDriver command: its `value`, or the driver's message.
    fn call(&self, method: &str, path: &str, body: Option<Value>) -> Result<Value, String> {
        let body = body.map(|b| b.to_string());
        let raw = exchange(self.addr, method, path, body.as_deref())
            .map_err(|e| format!("WebDriver {method} {path}: {e}"))?;
        let reply = parse(&raw, Duration::ZERO)?;
        let mut v: Value = serde_json::from_slice(&reply.body).map_err(|e| {
            format!(
                "WebDriver {method} {path}: {e} in the answer (status {})",
                reply.status
            )
        })?;
        let value = v["value"].take();
        if reply.status >= 400 {
            let message = value["message"].as_str().unwrap_or_default();
            let first = message.lines().next().unwrap_or_default();
            return Err(format!(
                "WebDriver {method} {path}: {} ({first})",
                value["error"]
            ));
        }
        Ok(value)
    }

    fn go(&self, url: &str) -> Result<(), String> {
        self.call("POST", &self.at("url"), Some(json!({ "url": url })))
            .map(drop)
    }

    fn run_async(&self, script: &str, args: Value) -> Result<Value, String> {
        self.call(
            "POST",
            &self.at("execute/async"),
            Some(json!({"script": script, "args": args})),
        )
    }

    /// Opens `hash` and times it until the view `view` is ready. The outer error is the
    /// driver's, the inner one the page's.
    fn navigate(&self, hash: &str, view: &str, arg: &Value) -> Result<Result<Run, String>, String> {
        let v = self.run_async(NAVIGATE, json!([hash, view, arg, VIEW_LIMIT_MS]))?;
        Ok(run_of(&v))
    }

    /// Waits for the page just loaded, and times its load.
    fn opened(&self) -> Result<Result<Run, String>, String> {
        let v = self.run_async(OPENED, json!([VIEW_LIMIT_MS]))?;
        Ok(run_of(&v))
    }

    /// A PNG of the window.
    fn screenshot(&self) -> Result<Vec<u8>, String> {
        let b64 = self.call("GET", &self.at("screenshot"), None)?;
        let png = base64(b64.as_str().unwrap_or_default())?;
        if !png.starts_with(b"\x89PNG\r\n\x1a\n") {
            return Err("the screenshot is not a PNG".into());
        }
        Ok(png)
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        if !self.session.is_empty() {
            // `DELETE /session/{id}` (no trailing slash) closes Chromium; killing
            // chromedriver alone would leave it running.
            let path = format!("/session/{}", self.session);
            let _ = exchange(self.addr, "DELETE", &path, None);
        }
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

/// Sends one request and reads its answer, which ends where its `Content-Length` says:
/// chromedriver keeps the connection open after answering.
fn exchange(
    addr: SocketAddr,
    method: &str,
    path: &str,
    body: Option<&str>,
) -> Result<Vec<u8>, String> {
    let mut stream =
        TcpStream::connect_timeout(&addr, TIMEOUT).map_err(|e| format!("cannot connect: {e}"))?;
    let body = body.unwrap_or_default();
    let request = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\
         Content-Type: application/json; charset=utf-8\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    stream
        .set_write_timeout(Some(TIMEOUT))
        .and_then(|()| stream.set_read_timeout(Some(TIMEOUT)))
        .and_then(|()| stream.write_all(request.as_bytes()))
        .map_err(|e| format!("cannot send the request: {e}"))?;
    let mut raw = Vec::new();
    let mut buf = [0u8; 64 * 1024];
    while answer_len(&raw).is_none_or(|n| raw.len() < n) {
        match stream.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => raw.extend_from_slice(&buf[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(format!("cannot read the answer: {e}")),
        }
    }
    Ok(raw)
}

/// The length of the whole answer that `raw` begins, once its head is in and says its
/// body's length: `None` while the head is incomplete or has no `Content-Length` (then
/// the answer ends when the connection closes).
fn answer_len(raw: &[u8]) -> Option<usize> {
    let split = raw.windows(4).position(|w| w == b"\r\n\r\n")?;
    let head = String::from_utf8_lossy(&raw[..split]);
    let length = head.lines().skip(1).find_map(|l| {
        let (k, v) = l.split_once(':')?;
        k.trim()
            .eq_ignore_ascii_case("content-length")
            .then(|| v.trim().parse::<usize>().ok())?
    })?;
    Some(split + 4 + length)
}

/// Decodes standard base64 (white space and padding ignored).
fn base64(s: &str) -> Result<Vec<u8>, String> {
    let value = |c: u8| -> Result<u32, String> {
        Ok(match c {
            b'A'..=b'Z' => u32::from(c - b'A'),
            b'a'..=b'z' => u32::from(c - b'a') + 26,
            b'0'..=b'9' => u32::from(c - b'0') + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return Err(format!("{:?} is not base64", char::from(c))),
        })
    };
    let clean: Vec<u8> = s
        .bytes()
        .filter(|c| !c.is_ascii_whitespace() && *c != b'=')
        .collect();
    let mut out = Vec::with_capacity(clean.len() * 3 / 4);
    for chunk in clean.chunks(4) {
        if chunk.len() == 1 {
            return Err("base64 cut short".into());
        }
        let mut n = 0u32;
        for (i, &c) in chunk.iter().enumerate() {
            n |= value(c)? << (18 - 6 * i);
        }
        out.extend_from_slice(&n.to_be_bytes()[1..chunk.len()]);
    }
    Ok(out)
}

/// `s` as `encodeURIComponent` writes it.
fn encode_component(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.!~*'()".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settle_is_idle_none_or_seconds() {
        assert_eq!("idle".parse(), Ok(Settle::Idle));
        assert_eq!("none".parse(), Ok(Settle::None));
        assert_eq!("0".parse(), Ok(Settle::None));
        assert_eq!("2.5".parse(), Ok(Settle::For(Duration::from_millis(2500))));
        assert!("-1".parse::<Settle>().is_err());
        assert!("soon".parse::<Settle>().is_err());
    }

    #[test]
    fn cpu_time_is_read_past_a_command_name_with_spaces() {
        // In the shape of /proc/<pid>/stat, with a name that holds ") (".
        let stat = "4242 (thematic (x) y) S 1 4242 4242 0 -1 4194560 2100 0 0 0 \
                    731 64 0 0 20 0 9 0 123456 1024 300 18446744073709551615";
        assert_eq!(stat_ticks(stat), Some(795));
        assert_eq!(stat_ticks("4242 (thematic) S 1 2"), None);
    }

    #[test]
    fn an_answer_ends_where_its_content_length_says() {
        let head =
            b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\ncontent-length: 11\r\n\r\n";
        assert_eq!(answer_len(&head[..20]), None);
        assert_eq!(answer_len(head), Some(head.len() + 11));
        assert_eq!(
            answer_len(b"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nabc"),
            None
        );
    }

    #[test]
    fn base64_decodes_with_and_without_padding() {
        assert_eq!(base64("aGVsbG8gd29ybGQ="), Ok(b"hello world".to_vec()));
        assert_eq!(base64("aGk\n"), Ok(b"hi".to_vec()));
        assert_eq!(base64("/+A="), Ok(vec![0xff, 0xe0]));
        assert!(base64("a").is_err());
        assert!(base64("a$==").is_err());
    }

    #[test]
    fn ids_are_encoded_as_the_page_encodes_them() {
        assert_eq!(encode_component("P12"), "P12");
        assert_eq!(encode_component("site a/P1 é"), "site%20a%2FP1%20%C3%A9");
    }

    #[test]
    fn a_page_answer_is_a_run_or_the_page_error() {
        let v = json!({"dom": 12.5, "ready": 30.0, "requests": [["/api/quotes?offset=0", 20.0], ["bad"]]});
        assert_eq!(
            run_of(&v),
            Ok(Run {
                dom: 12.5,
                ready: 30.0,
                requests: vec![("/api/quotes?offset=0".into(), 20.0)],
            })
        );
        assert_eq!(
            run_of(&json!({"error": "not ready after 30000 ms"})),
            Err("not ready after 30000 ms".into())
        );
        assert!(run_of(&json!({"dom": 1.0})).is_err());
    }

    #[test]
    fn the_slowest_request_is_named_by_its_median() {
        let run = |reqs: &[(&str, f64)]| Run {
            dom: 0.0,
            ready: 0.0,
            requests: reqs.iter().map(|(p, t)| (p.to_string(), *t)).collect(),
        };
        let first = run(&[("/api/compare?a=A", 900.0), ("/api/transcripts/P1", 40.0)]);
        let rest = [
            run(&[("/api/compare?a=A", 10.0), ("/api/transcripts/P1", 30.0)]),
            run(&[("/api/compare?a=A", 12.0), ("/api/transcripts/P1", 35.0)]),
            run(&[("/api/compare?a=A", 90.0), ("/api/transcripts/P1", 31.0)]),
        ];
        assert_eq!(slowest(Some(&first), &rest), "/api/transcripts/P1 40 / 31");
        assert_eq!(
            slowest(Some(&first), &[]),
            "/api/compare 900 / (none later)"
        );
        assert_eq!(slowest(None, &[]), "(none)");
    }
}
