// Correcting a turn's words: an explicit edit mode for one turn at a time (the reading view
// itself never takes typing). Saving goes through the same path as `thematic transcripts
// update`: every coding of the transcript is kept, moved to its words or orphaned (kept and
// flagged, never lost), and the change is logged. "Check codings" asks first what would
// happen, writing nothing.

import { S, api, hideError, say, showError } from "/js/state.js";
import { el, labelOf, plural, swatch } from "/js/util.js";
import { reloadReader } from "/js/reader.js";

function path(n) {
  return "/api/transcripts/" + encodeURIComponent(S.reader.id) + "/turns/" + n + "/text";
}

// The edit button in a turn's meta column.
export function editButton(t) {
  return el("button", {
    type: "button", class: "edit small linklike", tabindex: "-1",
    title: "Correct this turn's words (e on the turn)", "aria-label": "Correct turn " + t.n,
    onclick: () => openEditor(t.n),
  }, "✎ edit");
}

// "1 kept, 2 moved, 0 orphaned".
function counts(c) {
  return c.kept + " kept, " + c.moved + " moved, " + c.orphaned + " orphaned";
}

// What happened (or would happen) to the coder's codings, one line each.
function outcomes(res) {
  const list = el("ul", { class: "edit-outcomes" });
  for (const c of res.codings) {
    // A coding moved only because words before it changed keeps its words: say so, rather
    // than alarm with "moved".
    const same = c.before === c.after;
    const what = c.outcome === "moved" && same ? "moved with its words" : c.outcome;
    const li = el("li", { class: c.outcome }, swatch(c.theme), " ", el("strong", {}, labelOf(c.theme)), " ",
      el("span", { class: "outcome" }, what), " ");
    if (c.outcome === "orphaned") li.append("“" + c.before + "”: " + (c.reason || "its words are gone"));
    else if (!same) li.append("“" + c.before + "” → “" + c.after + "”");
    else li.append("“" + c.after + "”");
    list.append(li);
  }
  return list;
}

function summary(res, dry) {
  const mine = res.mine.kept + res.mine.moved + res.mine.orphaned;
  const all = res.all.kept + res.all.moved + res.all.orphaned;
  const others = all - mine;
  return (dry ? "If saved, of " : "Of ") + "your " + plural(mine, "coding", "codings") + " of " + S.reader.id + ": " + counts(res.mine) +
    (others > 0 ? "; other coders' " + others + ": " + counts({ kept: res.all.kept - res.mine.kept, moved: res.all.moved - res.mine.moved, orphaned: res.all.orphaned - res.mine.orphaned }) : "") + ".";
}

// Opens turn `n`'s words in a box to correct them; one turn at a time.
export function openEditor(n) {
  const open = document.querySelector(".turn.editing");
  if (open) {
    if (Number(open.dataset.n) !== n) showError(new Error("finish or cancel the correction of turn " + open.dataset.n + " first"));
    const box = open.querySelector(".turn-edit textarea");
    if (box) box.focus();
    return;
  }
  const turn = S.reader.turns[n - 1];
  const row = document.getElementById("turn-" + n);
  if (!turn || !row) return;
  const base = turn.text; // the words as this page read them: the server refuses if they changed
  const text = row.querySelector(".text");
  const area = el("textarea", { "aria-label": "Corrected words of turn " + n, rows: Math.min(12, Math.max(3, Math.ceil(Array.from(base).length / 80) + 1)), spellcheck: "true" });
  area.value = base;
  const result = el("div", { class: "edit-result", role: "status" });
  const close = () => {
    form.remove();
    text.hidden = false;
    row.classList.remove("editing");
    text.focus({ preventScroll: true });
  };
  const send = async (dry) => {
    const words = area.value.replace(/\s*[\r\n]+\s*/g, " ").trim();
    try {
      const res = await api("POST", path(n), { text: words, base, dry_run: dry });
      hideError();
      if (res.unchanged) {
        result.replaceChildren("The words are as they were; nothing to save.");
        return;
      }
      if (dry) {
        result.replaceChildren(el("p", {}, summary(res, true)), outcomes(res));
        return;
      }
      await reloadReader(n);
      say("Turn " + n + " corrected. " + summary(res, false) +
        (res.mine.orphaned ? " Orphaned codings keep their words and are listed by `thematic check`; code the passage again where it is now." : "") +
        " Logged in the study's change log.");
    } catch (e) {
      showError(e);
    }
  };
  const form = el("form", { class: "turn-edit", "aria-label": "Correct turn " + n },
    area,
    el("div", { class: "edit-actions" },
      el("button", { type: "submit", class: "primary small" }, "Save correction"),
      el("button", { type: "button", class: "check small", onclick: () => send(true) }, "Check codings"),
      el("button", { type: "button", class: "small", onclick: close }, "Cancel"),
      el("span", { class: "muted small" }, "Ctrl+Enter saves, Esc cancels. Codings are kept, moved with their words or orphaned (never lost); the change is logged.")),
    result);
  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    send(false);
  });
  area.addEventListener("keydown", (ev) => {
    if (ev.key === "Enter" && (ev.ctrlKey || ev.metaKey)) {
      ev.preventDefault();
      send(false);
    } else if (ev.key === "Escape") {
      ev.preventDefault();
      ev.stopPropagation();
      close();
    }
  });
  text.hidden = true;
  text.after(form);
  row.classList.add("editing");
  area.focus();
}

// e on a turn opens its words to correct.
document.addEventListener("keydown", (ev) => {
  if (S.view !== "t" || !S.reader || ev.key !== "e" || ev.ctrlKey || ev.metaKey || ev.altKey) return;
  const t = ev.target;
  const row = t instanceof Element && t.closest(".turn .text") ? t.closest(".turn") : null;
  if (!row) return;
  ev.preventDefault();
  openEditor(Number(row.dataset.n));
});
