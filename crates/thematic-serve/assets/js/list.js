// The transcripts list.

import { S, api } from "/js/state.js";
import { day, el, hms, num } from "/js/util.js";

// ---------- transcripts list ----------

// Rows of a long table are added CHUNK at a time, one chunk per task: the first rows show
// at once and the page stays responsive while the rest follow. Measured in headless
// Chromium on a 2,000-transcript study (2 cores): all rows at once were one task of about
// 0.3 s (0.05 s building, 0.25 s layout) before anything showed; in chunks of 200 the first
// rows are laid out in 20–45 ms, no chunk takes 0.1 s, and the table is whole after
// 0.7–0.8 s.
export const CHUNK = 200;

export function appendInChunks(tbody, items, row) {
  let at = 0;
  const next = () => {
    if (at > 0 && !tbody.isConnected) return; // the view has changed meanwhile
    const part = document.createDocumentFragment();
    for (const item of items.slice(at, at + CHUNK)) part.append(row(item));
    tbody.append(part);
    at += CHUNK;
    if (at < items.length) setTimeout(next, 0);
  };
  next();
}

export async function showList(main) {
  const rows = await api("GET", "/api/transcripts");
  const coders = S.study.human_coders;
  const head = el("tr", {},
    el("th", { scope: "col" }, "Transcript"),
    el("th", { scope: "col" }, "Participant"),
    el("th", { scope: "col", class: "num" }, "Turns"),
    el("th", { scope: "col", class: "num" }, "Words"),
    el("th", { scope: "col", class: "num" }, "Length"),
    coders.map((c) => el("th", { scope: "col" }, c === S.study.coder ? c + " (you)" : c))
  );
  const row = (r) => {
    const cells = coders.map((c) => {
      const p = r.progress.find((x) => x.coder === c);
      return el("td", {}, p ? p.turns_coded + " of " + r.turns + " turns · " + day(p.last_touched) : el("span", { class: "muted" }, "—"));
    });
    return el("tr", {},
      el("th", { scope: "row" }, el("a", { href: "#/t/" + encodeURIComponent(r.id) }, r.id)),
      el("td", {}, r.error ? el("span", { class: "muted" }, r.error) : r.participant || ""),
      el("td", { class: "num" }, r.turns),
      el("td", { class: "num" }, num(r.words)),
      el("td", { class: "num" }, hms(r.duration_ms)),
      cells
    );
  };
  const body = el("tbody");
  main.replaceChildren(
    el("h1", {}, "Transcripts", rows.length > CHUNK ? el("span", { class: "muted small" }, "  · " + num(rows.length)) : null),
    el("p", { class: "muted" }, "Open a transcript to code it. Progress is turns with at least one coding, and when each coder last coded there."),
    el("table", { class: "grid" }, el("thead", {}, head), body)
  );
  appendInChunks(body, rows, row);
}
