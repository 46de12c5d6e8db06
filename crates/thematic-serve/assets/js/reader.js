// The reader: a transcript's turns with the coder's codings, and coding a selection.

import { S, api, hideError, route, say, sayWith, showError } from "/js/state.js";
import { codable, colourOf, cpLen, day, el, labelOf, num, numbered, snapToWords, swatch, themeById, tint } from "/js/util.js";
import { identifierMenu } from "/js/anonymise.js";
import { trackReading } from "/js/status.js";
import { redo, undo } from "/js/undo.js";
import { dockPlayer, playerDrawn, playerKeys, timeOf } from "/js/player.js";
import { editButton } from "/js/turn-edit.js";

// ---------- the reader ----------

// Splits a turn's text at every coding boundary: [{a, b, ids, hit}], offsets relative to
// the turn, in code points.
export function segments(chars, turnStart, codings, hit) {
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

export function paintText(container, turn, codings, hit) {
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

export function offsetWithin(textEl, node, offset) {
  const r = document.createRange();
  r.setStart(textEl, 0);
  r.setEnd(node, offset);
  return cpLen(r.toString());
}

// The reader's current selection as code-point offsets in the transcript, clipped to the
// turn where it starts and trimmed of white space; null when nothing is selected there.
export function selectionInTurns() {
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
  // Whole words, unless the researcher asked for exact characters (the setting, or Alt
  // held when the selection was made).
  if (!S.exact && !S.exactOnce) [a, b] = snapToWords(chars, a, b);
  // A coding lies within one turn: a selection running on into the next is cut at the end of
  // the turn where it starts, and the panel says so.
  const crosses = !!endEl && endEl !== host;
  return { n: turn.n, start: turn.start + a, end: turn.start + b, text: chars.slice(a, b).join(""), crosses };
}

export function updateSelectionPanel() {
  const box = document.getElementById("selection");
  if (!box) return;
  const p = S.pending;
  if (!p) {
    box.replaceChildren(el("span", { class: "muted" }, "Select words in a turn, then press a number, pick a code, or type a new one above."));
    return;
  }
  const short = Array.from(p.text).length > 90 ? Array.from(p.text).slice(0, 90).join("") + "…" : p.text;
  box.replaceChildren("Turn " + p.n + ": ", el("q", {}, short),
    p.crosses ? el("div", { class: "note" }, "Only the words in turn " + p.n + " are coded: a coding lies within one turn. Code the next turn's words on their own.") : "",
    identifierMenu(p));
}

// Alt held while selecting with the mouse keeps that selection's exact characters.
document.addEventListener("mouseup", (ev) => {
  S.exactOnce = ev.altKey;
});
document.addEventListener("keyup", (ev) => {
  if (ev.key === "Shift" || ev.key.startsWith("Arrow")) S.exactOnce = ev.altKey;
});

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

export async function applyTheme(id) {
  const sel = selectionInTurns() || S.pending;
  if (!sel) {
    showError(new Error("select the words to code first: drag with the mouse, or focus a turn (Tab) and hold Shift with the arrow keys"));
    return;
  }
  try {
    // The words go along with the offsets: if the transcript was corrected since this page
    // read it, the server codes these words where they are now (or refuses), not the offsets.
    const res = await api("POST", "/api/codings", { transcript: S.reader.id, start: sel.start, end: sel.end, theme: id, text: sel.text });
    hideError();
    S.pending = null;
    window.getSelection().removeAllRanges();
    await reloadReader(sel.n);
    say(res.added ? "Coded turn " + sel.n + " as " + labelOf(id) + "." : "Already coded as " + labelOf(id) + "; nothing changed.");
  } catch (e) {
    showError(e);
  }
}

// Creates a code labelled `label` (under the parent chosen for new codes, else the
// codebook's "Unsorted" group) and applies it to the selection, in one request.
export async function createAndApply(label, inVivo) {
  const sel = selectionInTurns() || S.pending;
  const name = (label || "").trim();
  if (!name) {
    showError(new Error(inVivo ? "select the words to make a code of first" : "type a name for the new code"));
    return;
  }
  const parent = localStorage.getItem("thematic.newParent") || null;
  const body = { label: name, parent: parent || null };
  if (sel) body.apply = { transcript: S.reader.id, start: sel.start, end: sel.end, text: sel.text };
  try {
    const res = await api("POST", "/api/codes", body);
    hideError();
    S.study = await api("GET", "/api/study");
    S.pending = null;
    window.getSelection().removeAllRanges();
    await reloadReader(sel ? sel.n : null);
    const what = res.created ? "Created the code " : "Used the existing code ";
    say(what + "“" + labelOf(res.id) + "”" + (sel ? " and coded turn " + sel.n + " with it." : "."));
  } catch (e) {
    showError(e);
  }
}

export async function reloadReader(focusTurn) {
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

export function memoForm(about, target, onDone, label) {
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

export function changeForm(coding, chip) {
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

export function codingChip(c, memos) {
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
          await reloadReader(c.turn);
          sayWith("Removed the coding " + labelOf(c.theme) + ".", "Undo", undo);
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

export function showThemeCard(id) {
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

export function palette() {
  const list = el("ul", { class: "palette", id: "palette" });
  const themes = codable();
  const keyOf = new Map(numbered().map((t, i) => [t.id, String(i + 1)]));
  const counts = S.counts || {};
  list.append(el("li", { class: "create", id: "create-code", hidden: true },
    el("button", { type: "button", id: "create-button", onclick: () => createAndApply(document.getElementById("filter").value, false) })));
  if (!themes.length) {
    // A new study's codebook is empty: reflexive thematic analysis makes its codes as it reads.
    list.append(el("li", { class: "invite" }, "No codes yet. Select some words, type a name for a code in the box above and press Enter — or press ", el("kbd", {}, "v"), " to name it with the words themselves."));
  }
  let group = null;
  for (const t of S.study.themes) {
    if (!t.codable) {
      group = t;
      list.append(el("li", { class: "group", "data-group": t.id }, t.label));
      continue;
    }
    const key = keyOf.get(t.id);
    const used = counts[t.id] ? counts[t.id].codings : 0;
    const b = el("button", {
      type: "button",
      "data-theme": t.id,
      "aria-keyshortcuts": key || null,
      title: t.definition || t.label,
      onclick: () => applyTheme(t.id),
      onfocus: () => showThemeCard(t.id),
      onmouseenter: () => showThemeCard(t.id),
    }, key ? el("kbd", {}, key) : el("kbd", { class: "nokey", "aria-hidden": "true" }, "0"), swatch(t.id), el("span", {}, t.label),
      el("span", { class: "count", title: num(used) + " of your codings" }, num(used)));
    const extracts = el("a", { class: "extracts", href: "#/code/" + encodeURIComponent(t.id), title: "Every extract of " + t.label, "aria-label": "Extracts of " + t.label }, "↗");
    list.append(el("li", { "data-label": (t.label + " " + t.id + " " + (group ? group.label : "")).toLowerCase() }, b, extracts));
  }
  return list;
}

// A word's stem, crudely: enough that "story" finds "stories" and "empower" "empowerment".
function stem(w) {
  return w.replace(/(ies|es|s|ing|ed|ment|ness)$/u, "").replace(/y$/u, "");
}

export function filterPalette(q) {
  const words = q.toLowerCase().split(/\s+/).filter(Boolean).map(stem).filter(Boolean);
  const exact = q.trim().toLowerCase();
  let shown = 0, same = false;
  for (const li of document.querySelectorAll("#palette li[data-label]")) {
    const label = li.dataset.label;
    const labelWords = label.split(/\s+/).map(stem);
    // Any word of the label (or its stem) may match each word typed.
    li.hidden = !words.every((w) => label.includes(w) || labelWords.some((l) => l.startsWith(w)));
    if (!li.hidden) shown++;
    const b = li.querySelector("button");
    if (b && labelOf(b.dataset.theme).toLowerCase() === exact) same = true;
  }
  for (const g of document.querySelectorAll("#palette li.group")) {
    let n = g.nextElementSibling, any = false;
    while (n && !n.classList.contains("group")) {
      if (!n.hidden) any = true;
      n = n.nextElementSibling;
    }
    g.hidden = !any;
  }
  const create = document.getElementById("create-code");
  if (create) {
    create.hidden = !exact || same;
    document.getElementById("create-button").replaceChildren("＋ Create code “" + q.trim() + "”", shown ? el("kbd", {}, "Ctrl+Enter") : el("kbd", {}, "Enter"));
  }
  return { shown, same };
}

// Where new codes go: a group the researcher picks, else "Unsorted".
function newParentChoice() {
  const groups = S.study.themes.filter((t) => !t.codable);
  const current = localStorage.getItem("thematic.newParent") || "";
  return el("label", { class: "small" }, "New codes go under ",
    el("select", {
      "aria-label": "Where new codes go",
      onchange: (ev) => localStorage.setItem("thematic.newParent", ev.target.value),
    }, el("option", { value: "" }, "Unsorted"),
      groups.filter((g) => g.id !== "unsorted").map((g) => el("option", { value: g.id, selected: g.id === current }, g.label))));
}

export async function showReader(main, id, params, keepMessages) {
  const [data, counts] = await Promise.all([
    api("GET", "/api/transcripts/" + encodeURIComponent(id)),
    api("GET", "/api/counts").catch(() => null),
  ]);
  S.reader = data;
  S.counts = counts ? counts.counts : {};
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
      el("div", { class: "meta" }, el("span", { class: "speaker" }, t.speaker || "—"), "#" + t.n + " ", timeOf(t), editButton(t)),
      text,
      mine.length ? chips : null
    );
    turns.append(art);
  }
  const transcriptMemos = data.memos.filter((m) => m.about === "transcript");
  const memoList = el("div", {}, transcriptMemos.map((m) => el("div", { class: "memo" }, el("span", { class: "muted small" }, day(m.when) + " "), m.text)));
  const filter = el("input", {
    id: "filter", type: "search", placeholder: "Find or create a code ( / )", "aria-label": "Find a code, or type a new one's name", autocomplete: "off",
    oninput: (ev) => filterPalette(ev.target.value),
    onkeydown: (ev) => {
      if (ev.key === "Enter") {
        ev.preventDefault();
        const typed = ev.target.value.trim();
        const { shown, same } = filterPalette(ev.target.value);
        const exact = [...document.querySelectorAll("#palette li[data-label] button")]
          .find((b) => labelOf(b.dataset.theme).toLowerCase() === typed.toLowerCase());
        // Ctrl+Enter always makes a new code; Enter applies the code of that name, else
        // makes one when nothing matches, else applies the first match.
        if (typed && (ev.ctrlKey || ev.metaKey || (!shown && !same))) createAndApply(typed, false);
        else if (exact) applyTheme(exact.dataset.theme);
        else {
          const first = document.querySelector("#palette li[data-label]:not([hidden]) button");
          if (first) applyTheme(first.dataset.theme);
        }
      } else if (ev.key === "ArrowDown") {
        ev.preventDefault();
        const first = document.querySelector("#palette li[data-label]:not([hidden]) button");
        if (first) first.focus();
      }
    },
  });
  const side = el("aside", { class: "side", "aria-label": "Themes and codebook" },
    el("section", { class: "panel" }, el("h2", {}, "Selection"), el("div", { id: "selection", class: "selection" })),
    el("section", { class: "panel" }, el("h2", {}, "Codes"), filter, newParentChoice(), palette()),
    el("section", { class: "panel", id: "codebook", "aria-live": "polite" }, el("span", { class: "muted" }, "Hover or focus a theme (or a highlight) to see its definition and when to use it.")),
    el("section", { class: "panel" }, el("h2", {}, "Memos on " + id), memoList,
      el("button", { type: "button", class: "small", onclick: (ev) => ev.target.before(memoForm("transcript", id, () => reloadReader(null), "Memo on transcript " + id)) }, "Add a memo")),
    el("section", { class: "panel keys" }, el("h2", {}, "Keys"),
      el("div", {}, el("kbd", {}, "Tab"), " next turn · ", el("kbd", {}, "Shift"), "+", el("kbd", {}, "→"), " select"),
      el("div", {}, el("kbd", {}, "1"), "–", el("kbd", {}, "9"), " apply a code · ", el("kbd", {}, "/"), " find or create, ", el("kbd", {}, "Enter"), " apply"),
      el("div", {}, el("kbd", {}, "v"), " in vivo: a new code named by the selected words"),
      el("div", {}, el("kbd", {}, "Ctrl"), "+", el("kbd", {}, "Z"), " undo · ", el("kbd", {}, "Ctrl"), "+", el("kbd", {}, "Shift"), "+", el("kbd", {}, "Z"), " redo"),
      el("div", {}, el("kbd", {}, "e"), " on a turn: correct its words"),
      playerKeys(),
      el("label", { class: "small" }, el("input", {
        type: "checkbox", checked: S.exact, onchange: (ev) => {
          S.exact = ev.target.checked;
          localStorage.setItem("thematic.exact", S.exact ? "1" : "0");
        },
      }), " Exact characters (else whole words; or hold Alt while selecting)"))
  );
  const dock = dockPlayer(data); // the recording, if linked: the same element across redraws
  main.replaceChildren(
    el("h1", {}, id, el("span", { class: "muted small" }, "  · " + data.codings.length + " coding(s) by " + data.coder + " · ", el("a", { href: "#/compare?t=" + encodeURIComponent(id) }, "compare coders"))),
    el("div", { class: "reader" }, el("div", { class: dock ? "reading docked" : "reading" }, dock, turns), side)
  );
  trackReading(id, turns); // how far the coder reads: the Progress view's "read"
  updateSelectionPanel();
  playerDrawn();
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
  if ((ev.ctrlKey || ev.metaKey) && !ev.altKey && (ev.key === "z" || ev.key === "Z" || ev.key === "y")) {
    ev.preventDefault();
    if (ev.shiftKey || ev.key === "y") redo();
    else undo();
    return;
  }
  if (S.view !== "t" || ev.ctrlKey || ev.metaKey || ev.altKey) return;
  if (ev.key === "v") {
    ev.preventDefault();
    const sel = selectionInTurns() || S.pending;
    if (sel) createAndApply(sel.text, true);
    else showError(new Error("select the words to make a code of first"));
    return;
  }
  if (ev.key === "/") {
    ev.preventDefault();
    const f = document.getElementById("filter");
    if (f) f.focus();
    return;
  }
  if (/^[1-9]$/.test(ev.key)) {
    ev.preventDefault();
    const theme = numbered()[Number(ev.key) - 1];
    if (theme) applyTheme(theme.id);
    return;
  }
  const inText = t instanceof Element && t.closest(".turn .text");
  if (inText && (ev.key.length === 1 || ev.key === "Enter" || ev.key === "Backspace" || ev.key === "Delete")) {
    ev.preventDefault();
  }
});
