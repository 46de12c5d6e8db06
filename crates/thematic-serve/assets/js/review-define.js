// Defining and naming a theme (phase 5): its short name, a longer title, the central
// organising concept, its scope and boundaries, the definition, and the extracts the
// author starred as illustrative. Saved through the codebook editor (PATCH
// /api/codes/{id}), as `thematic codebook define` does; "Mark as defined" is refused, with
// the editor's reason, while a code of the theme sits in another candidate theme too.

import { render } from "/app.js";
import { S, api, hideError, showError } from "/js/state.js";
import { el, labelOf } from "/js/util.js";

const enc = encodeURIComponent;

// The extracts the acting coder starred for the theme, with their words.
export function starredList(r) {
  const items = r.stars.map((s) => el("li", {},
    s.text === null || s.text === undefined
      ? el("span", { class: "muted" }, "(coding " + s.coding + " is no longer there)")
      : el("q", {}, s.text),
    el("span", { class: "muted small" }, " — " + s.transcript + (s.code ? ", " + labelOf(s.code) : "") + (s.coder !== S.study.coder ? ", coded by " + s.coder : ""))));
  return el("div", { id: "starred-list", class: "starred-list" },
    el("h3", {}, "Illustrative extracts you starred (" + r.stars.length + ")"),
    items.length ? el("ol", {}, items) : el("p", { class: "muted small" }, "None yet: star extracts above (\u2606); they come first in this theme's quotes."));
}

function field(label, name, value, rows, hint) {
  const input = rows
    ? el("textarea", { name, rows, "aria-label": label }, value || "")
    : el("input", { name, value: value || "", size: 40, "aria-label": label });
  return [el("label", { class: rows ? "wide" : "" }, label, hint ? el("span", { class: "hint" }, hint) : null, input), input];
}

export function defineSection(r, id, starred) {
  const t = r.theme;
  const [labelBox, label] = field("Short name", "label", t.label, 0, "the name the paper uses");
  const [titleBox, title] = field("Longer title", "title", t.title, 0, "e.g. a phrase from the data");
  const [conceptBox, concept] = field("Central organising concept", "concept", t.concept, 2, "the idea that holds the theme together");
  const [includeBox, include] = field("Scope: what it includes", "include", t.include, 2);
  const [excludeBox, exclude] = field("Boundaries: what it is not", "exclude", t.exclude, 2);
  const [definitionBox, definition] = field("Definition", "definition", t.definition, 3);
  const message = el("p", { class: "refusal", role: "alert", hidden: true });
  const form = el("form", { class: "refine define-form" },
    labelBox, titleBox, conceptBox, includeBox, excludeBox, definitionBox,
    el("div", { class: "refine-actions" }, el("button", { type: "submit", class: "primary small" }, "Save")));
  const send = async (body, done) => {
    try {
      const res = await api("PATCH", "/api/codes/" + enc(id), body);
      hideError();
      message.hidden = true;
      S.study = await api("GET", "/api/study");
      S.flash = done(res);
      await render();
    } catch (err) {
      message.textContent = err.message;
      message.hidden = false;
      showError(err);
    }
  };
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    await send({
      label: label.value, title: title.value, concept: concept.value,
      include: include.value, exclude: exclude.value, definition: definition.value,
    }, (res) => (res.changed.length ? "Saved: " + res.changed.join(", ") + " (in the codebook, logged)." : "Nothing to save: nothing changed."));
  });
  const status = t.codable
    ? el("p", { class: "muted small" }, "A code is defined by its definition; themes are marked as defined.")
    : el("p", { class: "status-line" },
      t.defined ? "Defined and named. " : "A candidate theme. ",
      el("button", {
        type: "button", class: "small" + (t.defined ? "" : " primary"), onclick: () => send({ defined: !t.defined },
          () => (t.defined ? t.label + " is a candidate theme again." : t.label + " is defined.")),
      }, t.defined ? "Back to candidate" : "Mark as defined"));
  const blocked = !t.codable && !t.defined && r.shared.length
    ? el("p", { class: "blocked" }, "Shared with another theme: " + r.shared.map((x) => x.label).join(", ") + ". Keep each in one theme (under Shared codes) before marking this theme defined.")
    : null;
  return el("section", { class: "panel define", "aria-label": "Define and name" },
    el("h2", {}, "Define and name"),
    el("p", { class: "muted small" }, "Phase 5: say what is unique and specific about the theme, what it includes and what it is not, and pick the extracts that tell its story."),
    status, blocked, message, form, starred);
}
