// Undo and redo of the coder's own last coding actions (code, remove, change of code, a new
// code), through the server, which derives them from the study's change log exactly as
// `thematic undo` and `thematic redo` do. Ctrl+Z and Ctrl+Shift+Z (or Ctrl+Y) anywhere.

import { render } from "/app.js";
import { reloadReader } from "/js/reader.js";
import { S, api, hideError, sayWith, showError } from "/js/state.js";
import { labelOf } from "/js/util.js";

// What a step did, in the researcher's words: "removed the coding “Empowerment” in P1 turn 4".
function said(res) {
  const code = res.theme ? "“" + labelOf(res.theme) + "”" : "";
  const where = res.transcript ? " in " + res.transcript + " turn " + res.turn : "";
  switch (res.effect) {
    case "removed": return "removed the coding " + code + where;
    case "restored": return "brought back the coding " + code + where;
    case "rethemed": return "the coding" + where + " is " + code + " again";
    case "theme-retired": return "retired the new code " + code + " (kept for history)";
    case "theme-restored": return "the code " + code + " is back";
    case "memo-removed": return "took the memo out";
    case "memo-restored": return "put the memo back";
    default: return res.done;
  }
}

async function step(which) {
  try {
    const res = await api("POST", "/api/" + which);
    hideError();
    S.study = await api("GET", "/api/study");
    if (S.view === "t" && S.reader) await reloadReader(null);
    else await render();
    const other = which === "undo" ? "Redo" : "Undo";
    const note = res.note ? " (" + res.note + ")" : "";
    sayWith((which === "undo" ? "Undone: " : "Redone: ") + said(res) + note + ".", other, which === "undo" ? redo : undo);
  } catch (e) {
    showError(e);
  }
}

export function undo() {
  return step("undo");
}

export function redo() {
  return step("redo");
}
