// thematic serve: the coding workspace. Plain JavaScript, no build step, no external assets.
//
// Offsets sent to the server are Unicode code points into the transcript's normalized text
// (as in codings/<coder>.csv). JavaScript strings are UTF-16, so every length here is
// counted with the string iterator (Array.from / for…of), which walks code points.
"use strict";

const S = {
  study: null, // GET /api/study
  view: "",
  reader: null, // { id, turns, codings, memos }
  pending: null, // the last selection in the reader: { n, start, end, text }
  shownTheme: null,
};

// ---------- small helpers ----------

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === "class") e.className = v;
    else if (k === "text") e.textContent = v;
    else if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v === true ? "" : String(v));
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return e;
}

function cpLen(s) {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

function hms(ms) {
  if (ms === null || ms === undefined) return "";
  const neg = ms < 0;
  let s = Math.floor(Math.abs(ms) / 1000);
  const h = Math.floor(s / 3600);
  s -= h * 3600;
  const m = Math.floor(s / 60);
  s -= m * 60;
  const p = (x) => String(x).padStart(2, "0");
  return (neg ? "-" : "") + p(h) + ":" + p(m) + ":" + p(s);
}

const NUMBER = new Intl.NumberFormat("en");

// 325829 → "325,829": counts in the page are read by people, not parsed.
function num(n) {
  return NUMBER.format(n);
}

// "1 quote", "2 quotes".
function plural(n, one, many) {
  return num(n) + " " + (n === 1 ? one : many);
}

function day(rfc) {
  return rfc ? rfc.replace("T", " ").replace(/:\d\dZ$/, "").replace(/Z$/, "") : "";
}

const FALLBACK = ["#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac"];

function themeById(id) {
  return S.study.themes.find((t) => t.id === id);
}

function colourOf(id) {
  const t = themeById(id);
  if (t && t.colour) return t.colour;
  const i = Math.max(0, S.study.themes.findIndex((x) => x.id === id));
  return FALLBACK[i % FALLBACK.length];
}

function tint(hex, alpha) {
  const m = /^#?([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex || "");
  if (!m) return "rgba(120,120,120," + alpha + ")";
  return "rgba(" + parseInt(m[1], 16) + "," + parseInt(m[2], 16) + "," + parseInt(m[3], 16) + "," + alpha + ")";
}

function labelOf(id) {
  const t = themeById(id);
  return t ? t.label : id;
}

function codable() {
  return S.study.themes.filter((t) => t.codable);
}

function swatch(id) {
  const s = el("span", { class: "swatch", "aria-hidden": "true" });
  s.style.background = colourOf(id);
  return s;
}

// ---------- talking to the server ----------

async function api(method, path, body) {
  let res;
  try {
    res = await fetch(path, {
      method,
      credentials: "same-origin",
      headers: body === undefined ? {} : { "Content-Type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (e) {
    throw new Error("cannot reach the thematic server; is `thematic serve` still running?");
  }
  const type = res.headers.get("content-type") || "";
  const data = type.includes("application/json") ? await res.json().catch(() => null) : null;
  if (!res.ok) {
    const msg = data && data.error ? data.error : "the server answered " + res.status + " " + res.statusText;
    throw new Error(msg);
  }
  return data;
}

function showError(e) {
  const box = document.getElementById("error");
  box.replaceChildren(
    el("span", { text: e && e.message ? e.message : String(e) }),
    el("button", { type: "button", class: "small", onclick: hideError }, "Dismiss")
  );
  box.hidden = false;
}

function hideError() {
  const box = document.getElementById("error");
  box.hidden = true;
  box.replaceChildren();
}

function say(text) {
  document.getElementById("status").textContent = text;
}

// ---------- routing ----------

function route() {
  const hash = location.hash.replace(/^#/, "") || "/";
  const [path, query] = hash.split("?");
  const params = new URLSearchParams(query || "");
  const parts = path.split("/").filter(Boolean);
  return { parts, params };
}

function markNav(name) {
  for (const a of document.querySelectorAll(".top nav a")) {
    const target = a.getAttribute("href").replace(/^#\//, "");
    if (target === name) a.setAttribute("aria-current", "page");
    else a.removeAttribute("aria-current");
  }
}

async function render() {
  hideError();
  say("");
  const { parts, params } = route();
  const main = document.getElementById("main");
  S.view = parts[0] || "";
  markNav(S.view === "t" ? "" : S.view);
  try {
    if (S.view === "t" && parts[1]) await showReader(main, decodeURIComponent(parts[1]), params);
    else if (S.view === "compare") await showCompare(main, params);
    else if (S.view === "search") await showSearch(main, params);
    else if (S.view === "quotes") await showQuotes(main, params);
    else if (S.view === "map") showMap(main);
    else await showList(main);
  } catch (e) {
    showError(e);
  }
}

// ---------- transcripts list ----------

// Rows of a long table are added CHUNK at a time, one chunk per task: the first rows show
// at once and the page stays responsive while the rest follow. Measured in headless
// Chromium on a 2,000-transcript study (2 cores): all rows at once were one task of about
// 0.3 s (0.05 s building, 0.25 s layout) before anything showed; in chunks of 200 the first
// rows are laid out in 20–45 ms, no chunk takes 0.1 s, and the table is whole after
// 0.7–0.8 s.
const CHUNK = 200;

function appendInChunks(tbody, items, row) {
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

async function showList(main) {
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

// ---------- the reader ----------

// Splits a turn's text at every coding boundary: [{a, b, ids, hit}], offsets relative to
// the turn, in code points.
function segments(chars, turnStart, codings, hit) {
  const cuts = new Set([0, chars.length]);
  const spans = codings.map((c) => ({
    a: Math.max(0, c.start - turnStart),
    b: Math.min(chars.length, c.end - turnStart),
    id: c.id,
    theme: c.theme,
  })).filter((s) => s.a < s.b);
  for (const s of spans) { cuts.add(s.a); cuts.add(s.b); }
  let h = null;
  if (hit) {
    h = { a: Math.max(0, hit[0] - turnStart), b: Math.min(chars.length, hit[1] - turnStart) };
    if (h.a < h.b) { cuts.add(h.a); cuts.add(h.b); } else h = null;
  }
  const xs = [...cuts].sort((x, y) => x - y);
  const out = [];
  for (let i = 0; i + 1 < xs.length; i++) {
    const a = xs[i], b = xs[i + 1];
    out.push({
      a, b,
      on: spans.filter((s) => s.a <= a && b <= s.b),
      hit: !!(h && h.a <= a && b <= h.b),
    });
  }
  return out;
}

function paintText(container, turn, codings, hit) {
  const chars = Array.from(turn.text);
  for (const seg of segments(chars, turn.start, codings, hit)) {
    const text = chars.slice(seg.a, seg.b).join("");
    if (!seg.on.length && !seg.hit) {
      container.append(document.createTextNode(text));
      continue;
    }
    const span = el("span", {}, text);
    if (seg.on.length) {
      span.className = "hl" + (seg.on.length > 1 ? " overlap" : "");
      const colours = seg.on.map((s) => tint(colourOf(s.theme), 0.38));
      if (colours.length === 1) span.style.backgroundColor = colours[0];
      else {
        const step = 100 / colours.length;
        span.style.backgroundImage = "linear-gradient(" + colours.map((c, i) => c + " " + i * step + "%, " + c + " " + (i + 1) * step + "%").join(", ") + ")";
      }
      span.title = seg.on.map((s) => labelOf(s.theme)).join(" + ");
      span.dataset.themes = seg.on.map((s) => s.theme).join(" ");
    }
    if (seg.hit) span.classList.add("hit");
    container.append(span);
  }
}

function offsetWithin(textEl, node, offset) {
  const r = document.createRange();
  r.setStart(textEl, 0);
  r.setEnd(node, offset);
  return cpLen(r.toString());
}

// The reader's current selection as code-point offsets in the transcript, clipped to the
// turn where it starts and trimmed of white space; null when nothing is selected there.
function selectionInTurns() {
  const sel = window.getSelection();
  if (!sel || sel.rangeCount === 0 || sel.isCollapsed || !S.reader) return null;
  const range = sel.getRangeAt(0);
  const textOf = (n) => {
    const e = n.nodeType === 1 ? n : n.parentElement;
    return e ? e.closest(".turn .text") : null;
  };
  const startEl = textOf(range.startContainer);
  const endEl = textOf(range.endContainer);
  const host = startEl || endEl;
  if (!host) return null;
  const turn = S.reader.turns[Number(host.dataset.n) - 1];
  const chars = Array.from(turn.text);
  let a = startEl ? offsetWithin(host, range.startContainer, range.startOffset) : 0;
  let b = endEl === host ? offsetWithin(host, range.endContainer, range.endOffset) : chars.length;
  while (a < b && /\s/u.test(chars[a])) a++;
  while (b > a && /\s/u.test(chars[b - 1])) b--;
  if (a >= b) return null;
  return { n: turn.n, start: turn.start + a, end: turn.start + b, text: chars.slice(a, b).join("") };
}

function updateSelectionPanel() {
  const box = document.getElementById("selection");
  if (!box) return;
  const p = S.pending;
  if (!p) {
    box.replaceChildren(el("span", { class: "muted" }, "Select words in a turn, then press a number or pick a theme."));
    return;
  }
  const short = Array.from(p.text).length > 90 ? Array.from(p.text).slice(0, 90).join("") + "…" : p.text;
  box.replaceChildren("Turn " + p.n + ": ", el("q", {}, short));
}

document.addEventListener("selectionchange", () => {
  if (S.view !== "t") return;
  const s = selectionInTurns();
  if (s) {
    S.pending = s;
    updateSelectionPanel();
  } else {
    const sel = window.getSelection();
    const node = sel && sel.anchorNode;
    const e = node && (node.nodeType === 1 ? node : node.parentElement);
    if (e && e.closest(".turns")) {
      S.pending = null;
      updateSelectionPanel();
    }
  }
});

async function applyTheme(id) {
  const sel = selectionInTurns() || S.pending;
  if (!sel) {
    showError(new Error("select the words to code first: drag with the mouse, or focus a turn (Tab) and hold Shift with the arrow keys"));
    return;
  }
  try {
    const res = await api("POST", "/api/codings", { transcript: S.reader.id, start: sel.start, end: sel.end, theme: id });
    hideError();
    S.pending = null;
    window.getSelection().removeAllRanges();
    await reloadReader(sel.n);
    say(res.added ? "Coded turn " + sel.n + " as " + labelOf(id) + "." : "Already coded as " + labelOf(id) + "; nothing changed.");
  } catch (e) {
    showError(e);
  }
}

async function reloadReader(focusTurn) {
  const { params } = route();
  const main = document.getElementById("main");
  const y = window.scrollY;
  await showReader(main, S.reader.id, params, true);
  window.scrollTo(0, y);
  if (focusTurn) {
    const t = document.querySelector('.turn[data-n="' + focusTurn + '"] .text');
    if (t) t.focus({ preventScroll: true });
  }
}

function memoForm(about, target, onDone, label) {
  const area = el("textarea", { "aria-label": label || "Memo text", rows: 3 });
  const form = el("form", { class: "inline-form" },
    area,
    el("button", { type: "submit", class: "primary small" }, "Save memo"),
    el("button", { type: "button", class: "small", onclick: () => form.remove() }, "Cancel")
  );
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    try {
      await api("POST", "/api/memos", { about, target, text: area.value });
      form.remove();
      say("Memo saved.");
      if (onDone) await onDone();
    } catch (e) {
      showError(e);
    }
  });
  setTimeout(() => area.focus(), 0);
  return form;
}

function changeForm(coding, chip) {
  const select = el("select", { "aria-label": "New theme" },
    codable().map((t) => el("option", { value: t.id, selected: t.id === coding.theme }, t.label)));
  const form = el("form", { class: "inline-form" },
    select,
    el("button", { type: "submit", class: "primary small" }, "Change"),
    el("button", { type: "button", class: "small", onclick: () => form.remove() }, "Cancel")
  );
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    try {
      await api("PATCH", "/api/codings/" + encodeURIComponent(coding.id), { theme: select.value });
      say("Changed to " + labelOf(select.value) + ".");
      await reloadReader(coding.turn);
    } catch (e) {
      showError(e);
    }
  });
  chip.after(form);
  select.focus();
}

function codingChip(c, memos) {
  const li = el("li", { class: "chip", "data-id": c.id });
  const words = Array.from(c.text);
  li.append(
    swatch(c.theme),
    el("strong", {}, labelOf(c.theme)),
    el("span", { class: "quote", title: c.text }, "“" + (words.length > 60 ? words.slice(0, 60).join("") + "…" : c.text) + "”"),
    el("button", { type: "button", class: "small", onclick: () => li.append(memoForm("coding", c.id, () => reloadReader(c.turn), "Memo on this coding")) }, "Memo"),
    el("button", { type: "button", class: "small", onclick: () => changeForm(c, li) }, "Change theme"),
    el("button", {
      type: "button", class: "small", "aria-label": "Remove coding " + labelOf(c.theme), onclick: async () => {
        try {
          await api("DELETE", "/api/codings/" + encodeURIComponent(c.id));
          say("Removed the coding " + labelOf(c.theme) + ".");
          await reloadReader(c.turn);
        } catch (e) {
          showError(e);
        }
      },
    }, "Remove")
  );
  if (c.memo) li.append(el("div", { class: "memo" }, c.memo));
  for (const m of memos.filter((m) => m.about === "coding" && m.target === c.id)) li.append(el("div", { class: "memo" }, m.text));
  return li;
}

function showThemeCard(id) {
  const box = document.getElementById("codebook");
  const t = themeById(id);
  if (!box || !t) return;
  S.shownTheme = id;
  const parts = [el("h2", {}, swatch(id), " ", t.label)];
  const dl = el("dl", { class: "codebook" });
  const add = (term, text, cls) => {
    if (text) dl.append(el("dt", {}, term), el("dd", { class: cls || null }, text));
  };
  add("Definition", t.definition);
  add("When to use", t.include);
  add("When not to use", t.exclude);
  if (t.examples && t.examples.length) add("Examples", t.examples.map((x) => "“" + x + "”").join("  "), "examples");
  if (!dl.children.length) dl.append(el("dd", { class: "muted" }, "No definition in the codebook yet."));
  parts.push(dl, el("button", {
    type: "button", class: "small", onclick: (ev) => ev.target.after(memoForm("theme", id, null, "Memo on theme " + t.label)),
  }, "Memo on this theme"));
  box.replaceChildren(...parts);
}

function palette() {
  const list = el("ul", { class: "palette", id: "palette" });
  const themes = codable();
  const keyOf = new Map(themes.slice(0, 9).map((t, i) => [t.id, String(i + 1)]));
  let group = null;
  for (const t of S.study.themes) {
    if (!t.codable) {
      group = t;
      list.append(el("li", { class: "group", "data-group": t.id }, t.label));
      continue;
    }
    const key = keyOf.get(t.id);
    const b = el("button", {
      type: "button",
      "data-theme": t.id,
      "aria-keyshortcuts": key || null,
      title: t.definition || t.label,
      onclick: () => applyTheme(t.id),
      onfocus: () => showThemeCard(t.id),
      onmouseenter: () => showThemeCard(t.id),
    }, key ? el("kbd", {}, key) : el("kbd", { class: "nokey", "aria-hidden": "true" }, "0"), swatch(t.id), el("span", {}, t.label));
    list.append(el("li", { "data-label": (t.label + " " + t.id + " " + (group ? group.label : "")).toLowerCase() }, b));
  }
  return list;
}

function filterPalette(q) {
  const words = q.toLowerCase().split(/\s+/).filter(Boolean);
  for (const li of document.querySelectorAll("#palette li[data-label]")) {
    li.hidden = !words.every((w) => li.dataset.label.includes(w));
  }
  for (const g of document.querySelectorAll("#palette li.group")) {
    let n = g.nextElementSibling, any = false;
    while (n && !n.classList.contains("group")) {
      if (!n.hidden) any = true;
      n = n.nextElementSibling;
    }
    g.hidden = !any;
  }
}

async function showReader(main, id, params, keepMessages) {
  const data = await api("GET", "/api/transcripts/" + encodeURIComponent(id));
  S.reader = data;
  if (!keepMessages) S.pending = null;
  const target = Number(params.get("turn")) || null;
  const hit = (params.get("hit") || "").split("-").map(Number);
  const turns = el("div", { class: "turns", role: "list", "aria-label": "Turns of " + id });
  for (const t of data.turns) {
    const mine = data.codings.filter((c) => c.start < t.end && c.end > t.start).sort((a, b) => a.start - b.start || b.end - a.end);
    const text = el("div", {
      class: "text",
      tabindex: "0",
      contenteditable: "true",
      spellcheck: "false",
      role: "textbox",
      "aria-readonly": "true",
      "aria-multiline": "true",
      "aria-label": "Turn " + t.n + ", " + (t.speaker || "no speaker"),
      "data-n": t.n,
    });
    paintText(text, t, mine, target === t.n && hit.length === 2 && hit[0] < hit[1] ? hit : null);
    const chips = el("ul", { class: "chips" }, mine.map((c) => codingChip(c, data.memos)));
    const art = el("div", { class: "turn " + t.role, role: "listitem", id: "turn-" + t.n, "data-n": t.n },
      el("div", { class: "meta" }, el("span", { class: "speaker" }, t.speaker || "—"), "#" + t.n + " ", hms(t.start_ms)),
      text,
      mine.length ? chips : null
    );
    turns.append(art);
  }
  const transcriptMemos = data.memos.filter((m) => m.about === "transcript");
  const memoList = el("div", {}, transcriptMemos.map((m) => el("div", { class: "memo" }, el("span", { class: "muted small" }, day(m.when) + " "), m.text)));
  const filter = el("input", {
    id: "filter", type: "search", placeholder: "Filter themes ( / )", "aria-label": "Filter themes", autocomplete: "off",
    oninput: (ev) => filterPalette(ev.target.value),
    onkeydown: (ev) => {
      if (ev.key === "Enter") {
        ev.preventDefault();
        const first = document.querySelector("#palette li[data-label]:not([hidden]) button");
        if (first) applyTheme(first.dataset.theme);
      } else if (ev.key === "ArrowDown") {
        ev.preventDefault();
        const first = document.querySelector("#palette li[data-label]:not([hidden]) button");
        if (first) first.focus();
      }
    },
  });
  const side = el("aside", { class: "side", "aria-label": "Themes and codebook" },
    el("section", { class: "panel" }, el("h2", {}, "Selection"), el("div", { id: "selection", class: "selection" })),
    el("section", { class: "panel" }, el("h2", {}, "Themes"), filter, palette()),
    el("section", { class: "panel", id: "codebook", "aria-live": "polite" }, el("span", { class: "muted" }, "Hover or focus a theme (or a highlight) to see its definition and when to use it.")),
    el("section", { class: "panel" }, el("h2", {}, "Memos on " + id), memoList,
      el("button", { type: "button", class: "small", onclick: (ev) => ev.target.before(memoForm("transcript", id, () => reloadReader(null), "Memo on transcript " + id)) }, "Add a memo")),
    el("section", { class: "panel keys" }, el("h2", {}, "Keys"),
      el("div", {}, el("kbd", {}, "Tab"), " next turn · ", el("kbd", {}, "Shift"), "+", el("kbd", {}, "→"), " select"),
      el("div", {}, el("kbd", {}, "1"), "–", el("kbd", {}, "9"), " apply a theme · ", el("kbd", {}, "/"), " filter, ", el("kbd", {}, "Enter"), " apply first"))
  );
  main.replaceChildren(
    el("h1", {}, id, el("span", { class: "muted small" }, "  · " + data.codings.length + " coding(s) by " + data.coder + " · ", el("a", { href: "#/compare?t=" + encodeURIComponent(id) }, "compare coders"))),
    el("div", { class: "reader" }, turns, side)
  );
  updateSelectionPanel();
  if (S.shownTheme) showThemeCard(S.shownTheme);
  for (const h of turns.querySelectorAll(".hl")) {
    h.addEventListener("mouseenter", () => showThemeCard(h.dataset.themes.split(" ")[0]));
  }
  if (target && !keepMessages) {
    const t = document.getElementById("turn-" + target);
    if (t) {
      t.scrollIntoView({ block: "center" });
      t.classList.add("target");
      t.querySelector(".text").focus({ preventScroll: true });
    }
  }
}

// The turn text is contenteditable only so that a caret and Shift+arrow selection work
// with the keyboard; every edit is refused.
for (const type of ["beforeinput", "paste", "drop", "cut"]) {
  document.addEventListener(type, (ev) => {
    if (ev.target instanceof Element && ev.target.closest(".turn .text")) ev.preventDefault();
  }, true);
}
document.addEventListener("input", (ev) => {
  if (ev.target instanceof Element && ev.target.closest(".turn .text")) reloadReader(null).catch(showError);
});

document.addEventListener("keydown", (ev) => {
  const t = ev.target;
  if (t instanceof Element && t.matches("input, textarea, select")) {
    if (ev.key === "Escape") t.blur();
    return;
  }
  if (S.view !== "t" || ev.ctrlKey || ev.metaKey || ev.altKey) return;
  if (ev.key === "/") {
    ev.preventDefault();
    const f = document.getElementById("filter");
    if (f) f.focus();
    return;
  }
  if (/^[1-9]$/.test(ev.key)) {
    ev.preventDefault();
    const theme = codable()[Number(ev.key) - 1];
    if (theme) applyTheme(theme.id);
    return;
  }
  const inText = t instanceof Element && t.closest(".turn .text");
  if (inText && (ev.key.length === 1 || ev.key === "Enter" || ev.key === "Backspace" || ev.key === "Delete")) {
    ev.preventDefault();
  }
});

// ---------- compare ----------

async function showCompare(main, params) {
  const coders = S.study.human_coders;
  const a = params.get("a") || S.study.coder;
  const b = params.get("b") || coders.find((c) => c !== a) || "";
  const unit = params.get("unit") || "";
  // An empty transcript asks for the study's first; the answer names it and lists the others.
  const asked = params.get("t") || "";
  const q = new URLSearchParams({ a, b, transcript: asked });
  if (unit) q.set("unit", unit);
  const [cmp, trAsked] = await Promise.all([api("GET", "/api/compare?" + q.toString()),
    asked ? api("GET", "/api/transcripts/" + encodeURIComponent(asked)) : null]);
  const tid = cmp.transcript || "";
  const go = (over) => {
    const p = new URLSearchParams({ t: tid, a, b, unit });
    for (const [k, v] of Object.entries(over)) p.set(k, v);
    if (!p.get("unit")) p.delete("unit");
    location.hash = "#/compare?" + p.toString();
  };
  const pick = (label, value, options, key) => el("label", {}, label,
    el("select", { onchange: (ev) => go({ [key]: ev.target.value }) }, options.map((o) => el("option", { value: o, selected: o === value }, o || "study default"))));
  const headBar = el("div", { class: "compare-head" },
    pick("Transcript", tid, cmp.transcripts, "t"),
    pick("Coder A", a, coders, "a"),
    pick("Coder B", b, coders, "b"),
    pick("Unit", unit, ["", "turn", "sentence", "char"], "unit"));
  main.replaceChildren(el("h1", {}, "Compare coders"), headBar,
    el("p", { class: "muted" }, "A reviewer's view: it shows two coders' codings, which blind coding hides."));
  const tr = trAsked || await api("GET", "/api/transcripts/" + encodeURIComponent(tid));
  const pct = (x) => (x === null || x === undefined ? "n/a" : x.toFixed(3));
  const table = el("table", { class: "grid" },
    el("thead", {}, el("tr", {},
      el("th", { scope: "col" }, "Theme"),
      el("th", { scope: "col", class: "num" }, "Units"),
      cmp.coders.map((c) => el("th", { scope: "col", class: "num" }, c + " applied")),
      el("th", { scope: "col", class: "num" }, "% agree"),
      el("th", { scope: "col", class: "num" }, "κ"),
      el("th", { scope: "col", class: "num" }, "α"),
      el("th", { scope: "col", class: "num" }, "AC1"))),
    el("tbody", {}, cmp.rows.map((r) => el("tr", {},
      el("th", { scope: "row" }, r.theme === "(all themes)" ? "All themes (pooled)" : r.label || r.theme),
      el("td", { class: "num" }, num(r.units)),
      r.applied.map((n) => el("td", { class: "num" }, num(n))),
      el("td", { class: "num" }, pct(r.percent_agreement)),
      el("td", { class: "num" }, pct(r.cohen_kappa)),
      el("td", { class: "num" }, pct(r.krippendorff_alpha)),
      el("td", { class: "num" }, pct(r.gwet_ac1))))));
  // The server sends the disagreements of this transcript only, and a count for every
  // transcript with any (a study of 2,000 interviews has some 100,000).
  const here = cmp.disagreements;
  const elsewhere = cmp.disagreement_counts.filter((c) => c.transcript !== tid);
  const link = (d) => "#/compare?" + new URLSearchParams({ t: d.transcript, a, b, unit, focus: d.turn }).toString();
  const dis = el("ul", {}, here.map((d) => el("li", {},
    el("a", { href: link(d) }, "Turn " + d.turn), " · ", swatch(d.theme), " ", d.label || d.theme,
    " — applied by ", d.applied_by.join(", ") || "nobody", ", not by ", d.not_applied_by.join(", ") || "nobody",
    el("div", { class: "muted small" }, "“" + (Array.from(d.text).length > 120 ? Array.from(d.text).slice(0, 120).join("") + "…" : d.text) + "”"))));
  const links = elsewhere.flatMap((c, i) => [i ? ", " : "",
    el("a", { href: "#/compare?" + new URLSearchParams({ t: c.transcript, a, b, unit }).toString() }, c.transcript + " (" + num(c.count) + ")")]);
  // A long list of other transcripts stays folded until asked for.
  const other = elsewhere.length > 20
    ? el("details", { class: "small elsewhere" }, el("summary", {}, "Elsewhere: " + plural(elsewhere.length, "other transcript", "other transcripts") + " with disagreements"), el("p", {}, links))
    : el("p", { class: "small" }, elsewhere.length ? "Elsewhere: " : "", links);
  const badTurns = new Set(here.map((d) => d.turn));
  const grid = el("div", { class: "pair", role: "table", "aria-label": "Codings of " + a + " and " + b },
    el("div", { class: "colhead", role: "columnheader" }, "Turn"),
    el("div", { class: "colhead", role: "columnheader" }, a),
    el("div", { class: "colhead", role: "columnheader" }, b));
  for (const t of tr.turns) {
    const cell = (codings) => {
      const mine = codings.filter((c) => c.start < t.end && c.end > t.start);
      const c = el("div", { class: "cell " + t.role + (badTurns.has(t.n) ? " disagree" : ""), role: "cell" });
      paintText(c, t, mine, null);
      const names = [...new Set(mine.map((x) => labelOf(x.theme)))];
      if (names.length) c.append(el("span", { class: "themes-note" }, names.join(" · ")));
      return c;
    };
    grid.append(el("div", { class: "n", role: "rowheader", id: "cmp-turn-" + t.n, tabindex: badTurns.has(t.n) ? "0" : null }, "#" + t.n, el("br"), el("span", { class: "small" }, t.speaker || "")),
      cell(cmp.codings[0] || []), cell(cmp.codings[1] || []));
  }
  main.append(
    el("h2", {}, "Agreement, whole study (" + cmp.unit + " units)"), table,
    el("h2", {}, "Disagreements in " + tid + " (" + num(here.length) + " of " + num(cmp.disagreements_total) + " in the study)"),
    here.length ? dis : el("p", { class: "muted" }, "None here."), other,
    el("h2", {}, tid + ": " + a + " and " + b + " side by side"), grid);
  const focus = Number(params.get("focus"));
  if (focus) {
    const f = document.getElementById("cmp-turn-" + focus);
    if (f) {
      f.scrollIntoView({ block: "center" });
      f.focus({ preventScroll: true });
      for (const c of [f.nextElementSibling, f.nextElementSibling && f.nextElementSibling.nextElementSibling]) if (c) c.classList.add("target");
    }
  }
}

// ---------- lists the server sends a page at a time ----------

// The query of one page: `base` without its empty values, the offset, and the page size
// when the address asks for one (`#/quotes?limit=2`); else the server's default (50 hits,
// 100 quotes).
function pageQuery(base, offset, params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(base)) if (v) q.set(k, v);
  q.set("offset", String(offset));
  if (params.get("limit")) q.set("limit", params.get("limit"));
  return q.toString();
}

// A list that the server sends a page at a time. `page(offset)` answers `{total, rows}`;
// `row` makes each row's element, appended to `into`; `told(shown, total)` reports the
// count. `more()` fetches the next page (offset: the rows shown so far) and answers the
// new elements. `footer` holds the "Show more" button, which calls it and moves the focus
// to the first new row's link, so a keyboard goes on reading where the list grew, and how
// many are shown; it hides once everything is. `view` is an element of the view already on the page: once it has gone (another
// view was opened while a page was on its way), an answer changes nothing.
function pagedList({ page, into, row, told, view }) {
  const state = { shown: 0, total: 0 };
  const button = el("button", { type: "button", class: "more" }, "Show more");
  const note = el("span", { class: "muted small" });
  const footer = el("div", { class: "more-bar", hidden: true }, button, note);
  const more = async () => {
    const res = await page(state.shown);
    if (!view.isConnected) return [];
    const items = res.rows.map(row);
    into.append(...items);
    state.shown += items.length;
    state.total = res.total;
    footer.hidden = items.length === 0 || state.shown >= state.total;
    note.textContent = num(state.shown) + " of " + num(state.total) + " shown";
    told(state.shown, state.total);
    return items;
  };
  button.addEventListener("click", async () => {
    button.disabled = true;
    try {
      const items = await more();
      const link = items.length ? items[0].querySelector("a") : null;
      if (link) link.focus({ preventScroll: true });
    } catch (e) {
      showError(e);
    } finally {
      button.disabled = false;
    }
  });
  return { footer, more, state };
}

// ---------- search ----------

function hitItem(h) {
  const chars = Array.from(h.snippet);
  const parts = [];
  let at = 0;
  for (const [a, b] of h.marks) {
    if (a < at || b > chars.length) continue;
    parts.push(chars.slice(at, a).join(""), el("mark", {}, chars.slice(a, b).join("")));
    at = b;
  }
  parts.push(chars.slice(at).join(""));
  const href = "#/t/" + encodeURIComponent(h.transcript) + "?" + new URLSearchParams({ turn: h.turn, hit: h.start + "-" + h.end }).toString();
  return el("li", {}, el("a", { href }, h.transcript + " #" + h.turn), " ", el("span", { class: "muted" }, h.speaker + ": "), parts);
}

async function showSearch(main, params) {
  const q = params.get("q") || "";
  const input = el("input", { type: "search", name: "q", value: q, "aria-label": "Search query", placeholder: "e.g. goal* or \"what matters\" or theme:empowerment" });
  const form = el("form", { class: "searchbar", role: "search" }, input, el("button", { type: "submit", class: "primary" }, "Search"));
  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    const next = new URLSearchParams({ q: input.value });
    if (params.get("limit")) next.set("limit", params.get("limit"));
    location.hash = "#/search?" + next.toString();
  });
  main.replaceChildren(el("h1", {}, "Search"), form);
  if (!q) {
    input.focus();
    main.append(el("p", { class: "muted" }, "Participants' turns, stemmed words; the syntax is that of `thematic search`."));
    return;
  }
  say("Searching…");
  const list = el("ol", { class: "results" });
  const hits = pagedList({
    page: async (offset) => {
      const res = await api("GET", "/api/search?" + pageQuery({ q }, offset, params));
      return { total: res.total, rows: res.hits };
    },
    into: list,
    row: hitItem,
    told: (shown, total) => say(plural(total, "matching turn", "matching turns") + (shown < total ? ", " + num(shown) + " shown" : "")),
    view: form,
  });
  try {
    await hits.more();
  } catch (e) {
    say("");
    throw e;
  }
  if (!form.isConnected) return;
  main.append(hits.state.shown ? list : el("p", { class: "muted" }, "No turn matches."), hits.footer);
}

// ---------- quotes and map ----------

const FORMATS = [["md", "Markdown"], ["csv", "CSV"], ["tex", "LaTeX"], ["html", "HTML"], ["docx", "Word"], ["xlsx", "Excel"], ["json", "JSON"]];

function quoteRow(qt) {
  return el("tr", { "data-theme": qt.theme, "data-participant": qt.participant },
    el("td", {}, swatch(qt.theme), " ", qt.theme_label),
    el("td", {}, el("a", { href: "#/t/" + encodeURIComponent(qt.transcript) + "?" + new URLSearchParams({ turn: qt.turn, hit: qt.start + "-" + qt.end }).toString() }, qt.attribution || qt.participant)),
    el("td", {}, qt.text));
}

// The quote view: a page of the coder's quotes at a time, filtered by theme (with the
// themes under it) and participant on the server; the downloads are the whole table.
async function showQuotes(main, params) {
  const coders = S.study.human_coders;
  const coder = params.get("coder") || S.study.coder;
  const theme = params.get("theme") || "";
  const participant = params.get("participant") || "";
  const go = (over) => {
    const p = new URLSearchParams({ coder, theme, participant, limit: params.get("limit") || "" });
    for (const [k, v] of Object.entries(over)) p.set(k, v);
    for (const k of [...p.keys()]) if (!p.get(k)) p.delete(k);
    location.hash = "#/quotes?" + p.toString();
  };
  const coderPick = el("select", { onchange: (ev) => go({ coder: ev.target.value }) },
    coders.map((c) => el("option", { value: c, selected: c === coder }, c)));
  const themes = S.study.themes.some((t) => t.id === theme) || !theme ? S.study.themes : [...S.study.themes, { id: theme, label: theme, depth: 0 }];
  const themePick = el("select", { name: "theme", onchange: (ev) => go({ theme: ev.target.value }) },
    el("option", { value: "" }, "All themes"),
    themes.map((t) => el("option", { value: t.id, selected: t.id === theme }, "\u2003".repeat(t.depth) + t.label)));
  const who = el("input", { type: "search", name: "participant", value: participant, placeholder: "e.g. P6", autocomplete: "off", size: 10 });
  const filters = el("form", { class: "filters", role: "search", "aria-label": "Filter quotes" },
    el("label", {}, "Coder", coderPick),
    el("label", {}, "Theme (and the themes under it)", themePick),
    el("label", {}, "Participant", who),
    el("button", { type: "submit" }, "Filter"),
    theme || participant ? el("button", { type: "button", onclick: () => go({ theme: "", participant: "" }) }, "Clear filters") : null);
  filters.addEventListener("submit", (ev) => {
    ev.preventDefault();
    go({ participant: who.value.trim() });
  });
  const downloads = el("div", { class: "downloads" }, "Download all of " + coder + "’s quotes: ",
    FORMATS.map(([f, name]) => el("a", { href: "/api/quotes?" + new URLSearchParams({ format: f, coder }).toString(), download: "quotes." + f }, name)));
  const count = el("p", { class: "count", "aria-live": "polite" }, "Loading…");
  const body = el("tbody");
  main.replaceChildren(el("h1", {}, "Quote table"), filters, downloads, count);
  const narrowed = (theme ? " under " + labelOf(theme) : "") + (participant ? " from " + participant : "");
  const quotes = pagedList({
    page: async (offset) => {
      const res = await api("GET", "/api/quotes?" + pageQuery({ format: "json", coder, inline: "1", theme, participant }, offset, params));
      return { total: res.total, rows: res.quotes };
    },
    into: body,
    row: quoteRow,
    told: (shown, total) => {
      count.textContent = (shown < total ? num(shown) + " of " : "") + plural(total, "quote", "quotes") + narrowed;
    },
    view: filters,
  });
  try {
    await quotes.more();
  } catch (e) {
    count.textContent = "";
    throw e;
  }
  if (!filters.isConnected) return;
  if (quotes.state.total === 0) {
    count.replaceWith(el("p", { class: "muted count" }, theme || participant ? "No quotes" + narrowed + "." : "No quotes yet: code some passages first."));
    return;
  }
  main.append(
    el("table", { class: "grid quotes" }, el("thead", {}, el("tr", {}, el("th", { scope: "col" }, "Theme"), el("th", { scope: "col" }, "Participant"), el("th", { scope: "col" }, "Quote"))), body),
    quotes.footer);
}

function showMap(main) {
  main.replaceChildren(el("h1", {}, "Thematic map"),
    el("div", { class: "downloads" }, el("a", { href: "/api/map.svg", download: "thematic-map.svg" }, "Download SVG")),
    el("div", { class: "map" }, el("img", { src: "/api/map.svg", alt: "The thematic map: the codebook's groups and themes, with counts of codings and participants" })));
}

// ---------- start ----------

async function start() {
  if (new URLSearchParams(location.search).has("token")) {
    // The cookie now carries the token; keep it out of the address bar and history.
    history.replaceState(null, "", location.pathname + location.hash);
  }
  try {
    S.study = await api("GET", "/api/study");
  } catch (e) {
    document.getElementById("main").replaceChildren();
    showError(e);
    return;
  }
  document.getElementById("coder").textContent = S.study.coder;
  document.getElementById("study-name").textContent = S.study.name;
  document.title = S.study.name + " · thematic";
  window.addEventListener("hashchange", render);
  await render();
  document.body.dataset.ready = "1";
}

start();
