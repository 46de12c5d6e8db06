// Undo and redo of the coder's own last coding actions (code, remove, change of code, a new
// code), through the server, which derives them from the study's change log exactly as
// `thematic undo` and `thematic redo` do. Ctrl+Z and Ctrl+Shift+Z (or Ctrl+Y) anywhere.

import { render } from "/app.js";
import { reloadReader } from "/js/reader.js";
import { S, api, hideError, sayWith, showError } from "/js/state.js";

async function step(which) {
  try {
    const res = await api("POST", "/api/" + which);
    hideError();
    S.study = await api("GET", "/api/study");
    if (S.view === "t" && S.reader) await reloadReader(null);
    else await render();
    const other = which === "undo" ? "Redo" : "Undo";
    sayWith((which === "undo" ? "Undone: " : "Redone: ") + res.done + ".", other, which === "undo" ? redo : undo);
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
