// The Progress view (#/status): where the analysis stands, per coder and for the study; and
// the reader's report of how far the acting coder has read a transcript.

import { S, api } from "/js/state.js";
import { day, el, num, plural } from "/js/util.js";

// ---------- reading progress (called by the reader) ----------

// How often, at most, the furthest turn reached is sent while reading (ms).
const EVERY = 3000;

// The transcript being read: { id, items, visible, furthest, sent, timer, observer, ... }.
let reading = null;

// Follows how far the reader gets in transcript `id`: the furthest turn (`.turn[data-n]`
// under `turnsEl`) whose end has been on screen. Sent to the server at most every EVERY ms,
// and at once when the reader is left (another view, another tab, the page closed). The
// server keeps the furthest turn ever reached; a transcript is read when that is its last.
export function trackReading(id, turnsEl) {
  const before = reading && reading.id === id ? reading : null;
  stopReading();
  const items = [...turnsEl.querySelectorAll(".turn[data-n]")];
  if (!items.length || !("IntersectionObserver" in window)) return;
  const r = {
    id, items, visible: new Set(), timer: null,
    furthest: before ? before.furthest : 0,
    sent: before ? before.sent : 0,
  };
  // A turn counts as reached once its last line is on screen; the observer says which
  // turns are on screen, and scrolling within a tall one is checked as it happens.
  r.check = () => {
    for (const t of r.visible) {
      if (t.getBoundingClientRect().bottom <= window.innerHeight + 1) {
        r.furthest = Math.max(r.furthest, Number(t.dataset.n));
      }
    }
    if (r.furthest > r.sent && !r.timer) r.timer = setTimeout(() => { r.timer = null; send(r); }, EVERY);
  };
  r.observer = new IntersectionObserver((entries) => {
    for (const e of entries) {
      if (e.isIntersecting) r.visible.add(e.target);
      else r.visible.delete(e.target);
    }
    r.check();
  }, { threshold: [0, 0.5, 1] });
  for (const t of items) r.observer.observe(t);
  r.leave = () => { if (document.visibilityState === "hidden") send(r); };
  r.away = () => { if (!location.hash.startsWith("#/t/" + encodeURIComponent(id))) stopReading(); };
  window.addEventListener("scroll", r.check, { passive: true });
  window.addEventListener("hashchange", r.away);
  window.addEventListener("pagehide", r.leave);
  document.addEventListener("visibilitychange", r.leave);
  reading = r;
}

// Stops following the transcript being read and sends how far the reader got; resolves
// when the server has it (the Progress view waits for it, to count it).
export function stopReading() {
  const r = reading;
  if (!r) return Promise.resolve();
  reading = null;
  r.observer.disconnect();
  clearTimeout(r.timer);
  window.removeEventListener("scroll", r.check);
  window.removeEventListener("hashchange", r.away);
  window.removeEventListener("pagehide", r.leave);
  document.removeEventListener("visibilitychange", r.leave);
  return send(r);
}

// Sends `r.furthest` when it is further than what was sent. `keepalive` lets the request
// finish when the page is being closed. A refusal (a page left open while the transcript
// was corrected) is only noted in the console: reading goes on undisturbed.
function send(r) {
  if (r.furthest <= r.sent) return Promise.resolve();
  const turn = r.furthest;
  r.sent = turn;
  return fetch("/api/transcripts/" + encodeURIComponent(r.id) + "/read", {
    method: "POST",
    credentials: "same-origin",
    keepalive: true,
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ turn }),
  }).then((res) => {
    if (!res.ok) console.warn("thematic: reading progress for " + r.id + " was not recorded (" + res.status + ")");
  }, () => {
    r.sent = Math.min(r.sent, turn - 1); // not reached the server: try again next time
  });
}

// ---------- the Progress view ----------

// A bar of `parts` ([count, class]) out of `total`, for the eye; the numbers beside it say
// the same for everyone.
function bar(total, parts) {
  const b = el("span", { class: "bar", "aria-hidden": "true" });
  for (const [n, cls] of parts) {
    const fill = el("span", { class: "fill " + cls });
    fill.style.width = (total > 0 ? Math.min(100, (100 * n) / total) : 0) + "%";
    b.append(fill);
  }
  return b;
}

function coderRow(c, total) {
  const you = c.coder === S.study.coder;
  const started = c.transcripts_started ? " · " + num(c.transcripts_started) + " started" : "";
  return el("tr", { "data-coder": c.coder },
    el("th", { scope: "row" }, c.coder, you ? el("span", { class: "muted small" }, " (you)") : null),
    el("td", { class: "progress-cell" },
      bar(total, [[c.transcripts_read, "read"], [c.transcripts_started, "started"]]),
      el("span", { class: "of" }, num(c.transcripts_read) + " of " + num(total), el("span", { class: "muted small" }, started))),
    el("td", { class: "progress-cell" },
      bar(total, [[c.transcripts_coded, "coded"]]),
      el("span", { class: "of" }, num(c.transcripts_coded) + " of " + num(total))),
    el("td", { class: "num" }, num(c.turns_coded)),
    el("td", { class: "num" }, num(c.codings)),
    el("td", { class: "num" }, num(c.memos)),
    el("td", { class: "num" }, num(c.journal)));
}

// One number of the theme development, with where to act on it.
function figure(n, label, href, note) {
  return el("li", { class: "figure" },
    el("a", { href, class: "count" }, num(n)),
    el("span", { class: "what" }, el("a", { href }, label), note ? el("span", { class: "muted small" }, note) : null));
}

function themeLinks(list) {
  return el("ul", { class: "theme-links" }, list.map((t) =>
    el("li", {}, el("a", { href: "#/review/" + encodeURIComponent(t.id) }, t.label),
      el("span", { class: "muted small" }, " · " + plural(t.codes, "code", "codes")))));
}

export async function showStatus(main) {
  await stopReading(); // a transcript just left counts before the numbers are fetched
  const p = await api("GET", "/api/status");
  const t = p.themes;
  const total = p.transcripts;
  const table = el("table", { class: "grid progress" },
    el("thead", {}, el("tr", {},
      el("th", { scope: "col" }, "Coder"),
      el("th", { scope: "col" }, "Transcripts read"),
      el("th", { scope: "col" }, "Transcripts coded"),
      el("th", { scope: "col", class: "num" }, "Turns coded"),
      el("th", { scope: "col", class: "num" }, "Codings"),
      el("th", { scope: "col", class: "num" }, "Memos"),
      el("th", { scope: "col", class: "num" }, "Journal"))),
    el("tbody", {}, p.coders.map((c) => coderRow(c, total))));
  const latest = p.snapshots.latest;
  const figures = el("ul", { class: "figures" },
    figure(t.codes, "codes", "#/board"),
    figure(t.unsorted, "unsorted", "#/board", "in Unsorted or in no theme yet"),
    figure(t.candidates.length, "candidate themes", "#/board"),
    figure(t.defined.length, "defined themes", "#/board", "defined and named"),
    figure(t.miscellaneous, "in Miscellaneous", "#/board"),
    figure(t.shared, "shared codes", "#/board", t.shared ? "in more than one theme: resolve before defining" : null),
    figure(p.snapshots.count, p.snapshots.count === 1 ? "snapshot" : "snapshots", "#/board",
      latest ? "latest “" + latest.name + "”, " + day(latest.recorded).slice(0, 10) + " by " + latest.coder : "none recorded yet"));
  main.replaceChildren(
    el("h1", {}, "Progress"),
    el("p", { class: "phase" }, el("strong", {}, p.phase.name), ": " + p.phase.summary),
    el("p", { class: "muted progress-note" },
      plural(total, "transcript", "transcripts") + " · " + num(p.transcripts_coded) + " coded and " +
      num(p.transcripts_read) + " read to the end by at least one coder. A transcript is read when its last turn has been on screen in the reader (or marked with ",
      el("code", {}, "thematic status --mark-read"), ")."),
    el("h2", {}, "Coders"),
    p.coders.length ? table : el("p", { class: "muted" }, "Nobody has read, coded or written a memo yet."),
    el("h2", {}, "Codes and themes"),
    figures,
    t.candidates.length ? el("section", { class: "theme-list" }, el("h3", {}, "Candidate themes"), themeLinks(t.candidates)) : null,
    t.defined.length ? el("section", { class: "theme-list" }, el("h3", {}, "Defined themes"), themeLinks(t.defined)) : null);
}
