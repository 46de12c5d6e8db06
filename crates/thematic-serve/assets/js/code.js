// A code's page: every extract coded with it, in transcript order, a page at a time, each
// with a link to its place in the reader and its whole turn on demand; filters by
// transcript and participant attribute; downloads with the options of `thematic quotes`;
// and the code's own refinement (rename, colour, definition, parent, merge, retire).
// Blind by default: the acting coder's extracts; "All coders" is the reviewer's switch.

import { render } from "/app.js";
import { pageQuery, pagedList } from "/js/paged.js";
import { checkedDownloads } from "/js/quotes.js";
import { similarSection } from "/js/similar.js";
import { S, api, hideError, sayIn, showError } from "/js/state.js";
import { el, hms, labelOf, num, plural, swatch, themeById } from "/js/util.js";

// One extract: who, where and when, the words, and the turn around them on demand.
function extractItem(q, everyone) {
  const place = "#/t/" + encodeURIComponent(q.transcript) + "?" + new URLSearchParams({ turn: q.turn, hit: q.start + "-" + q.end }).toString();
  const context = el("div", { class: "context", hidden: true });
  const toggle = el("button", {
    type: "button", class: "small", "aria-expanded": "false", onclick: async () => {
      if (!context.hidden) {
        context.hidden = true;
        toggle.setAttribute("aria-expanded", "false");
        return;
      }
      try {
        const turn = await api("GET", "/api/transcripts/" + encodeURIComponent(q.transcript) + "/turns/" + q.turn);
        const chars = Array.from(turn.text);
        const a = Math.max(0, q.start - turn.start), b = Math.min(chars.length, q.end - turn.start);
        context.replaceChildren(el("span", { class: "speaker" }, (turn.speaker || "—") + ": "),
          chars.slice(0, a).join(""), el("mark", {}, chars.slice(a, b).join("")), chars.slice(b).join(""));
        context.hidden = false;
        toggle.setAttribute("aria-expanded", "true");
      } catch (e) {
        showError(e);
      }
    },
  }, "Whole turn");
  const time = q.start_ms === null || q.start_ms === undefined ? null : el("span", { class: "muted" }, " · " + hms(q.start_ms));
  return el("li", { class: "extract" },
    el("div", { class: "where" },
      el("a", { href: place }, q.attribution || q.participant), el("span", { class: "muted" }, " · turn " + q.turn), time,
      everyone ? el("span", { class: "muted" }, " · coded by " + q.coders.join(", ")) : null,
      q.theme !== S.codePage ? el("span", { class: "muted" }, " · as ", swatch(q.theme), " " + q.theme_label) : null,
      " ", toggle),
    el("blockquote", {}, q.text),
    context);
}

// The form that refines the code: each change goes through the codebook editor, as
// `thematic codebook …` does, and the codings follow.
function refineForm(t) {
  const others = S.study.themes.filter((x) => x.id !== t.id);
  const label = el("input", { name: "label", value: t.label, size: 32, "aria-label": "Label" });
  const colour = el("input", { name: "colour", type: "color", value: /^#[0-9a-f]{6}$/i.test(t.colour || "") ? t.colour : "#4e79a7", "aria-label": "Colour" });
  const definition = el("textarea", { name: "definition", rows: 2, "aria-label": "Definition" }, t.definition || "");
  const include = el("textarea", { name: "include", rows: 2, "aria-label": "When to use" }, t.include || "");
  const exclude = el("textarea", { name: "exclude", rows: 2, "aria-label": "When not to use" }, t.exclude || "");
  const parent = el("select", { name: "parent", "aria-label": "Parent" },
    el("option", { value: "" }, "(top level)"),
    others.filter((x) => !x.codable).map((g) => el("option", { value: g.id, selected: g.id === t.parent }, "\u2003".repeat(g.depth) + g.label)));
  const into = el("select", { name: "into", "aria-label": "Merge into" },
    el("option", { value: "" }, "Merge into…"),
    others.filter((x) => x.codable).map((x) => el("option", { value: x.id }, x.label)));
  // Sends one change, then opens `next` (or draws this page again) with what was done.
  const send = async (method, path, body, done, next) => {
    try {
      const res = await api(method, path, body);
      hideError();
      S.study = await api("GET", "/api/study");
      S.flash = done(res);
      if (next && location.hash !== next) location.hash = next;
      else await render();
    } catch (e) {
      showError(e);
    }
  };
  const id = encodeURIComponent(t.id);
  const save = el("form", { class: "refine" },
    el("label", {}, "Label ", label), el("label", {}, "Colour ", colour), el("label", {}, "Under ", parent),
    el("label", { class: "wide" }, "Definition", definition),
    el("label", { class: "wide" }, "When to use", include),
    el("label", { class: "wide" }, "When not to use", exclude),
    el("button", { type: "submit", class: "primary small" }, "Save changes"));
  save.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    await send("PATCH", "/api/codes/" + id, {
      label: label.value, colour: colour.value, parent: parent.value || null,
      definition: definition.value, include: include.value, exclude: exclude.value,
    }, (res) => (res.changed.length ? "Saved: " + res.changed.join(", ") + "." : "Nothing to save: nothing changed."));
  });
  const merge = el("form", { class: "inline-form" }, into, el("button", { type: "submit", class: "small" }, "Merge"));
  merge.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    if (!into.value) return;
    const target = into.value;
    await send("POST", "/api/codes/" + id + "/merge", { into: target }, (res) =>
      "Merged " + t.label + " into " + labelOf(target) + ": " + plural(res.moved, "coding moved", "codings moved") + ".",
    "#/code/" + encodeURIComponent(target));
  });
  const retire = el("button", {
    type: "button", class: "small", onclick: async () => {
      await send("POST", "/api/codes/" + id + "/retire", {}, (res) =>
        "Retired " + t.label + "; its " + plural(res.kept, "coding is", "codings are") + " kept (bring it back with `thematic codebook retire " + t.id + " --undo`).", "#/");
    },
  }, "Retire this code");
  return el("details", { class: "panel refine-panel" }, el("summary", {}, "Refine this code"), save,
    el("div", { class: "refine-actions" }, merge, retire));
}

export async function showCode(main, id, params) {
  const gen = S.generation;
  const t = themeById(id);
  if (!t) throw new Error("there is no code \u201c" + id + "\u201d in the codebook (it may have been merged or retired)");
  S.codePage = id;
  const everyone = params.get("coders") === "all";
  const coders = everyone ? S.study.human_coders.join(",") : S.study.coder;
  const transcript = params.get("transcript") || "";
  const attribute = params.get("attribute") || "";
  const go = (over) => {
    const p = new URLSearchParams({ coders: everyone ? "all" : "", transcript, attribute });
    for (const [k, v] of Object.entries(over)) p.set(k, v);
    for (const k of [...p.keys()]) if (!p.get(k)) p.delete(k);
    location.hash = "#/code/" + encodeURIComponent(id) + (p.toString() ? "?" + p.toString() : "");
  };
  const who = el("select", { "aria-label": "Whose codings", onchange: (ev) => go({ coders: ev.target.value }) },
    el("option", { value: "" }, "Mine (" + S.study.coder + ")"),
    el("option", { value: "all", selected: everyone }, "All coders (reviewer)"));
  const where = el("input", { type: "search", name: "transcript", value: transcript, placeholder: "e.g. P6", size: 10, autocomplete: "off" });
  const attrs = S.study.attributes || {};
  const attrPick = el("select", { name: "attribute", "aria-label": "Participant attribute" },
    el("option", { value: "" }, "Anyone"),
    Object.entries(attrs).map(([name, values]) => el("optgroup", { label: name },
      values.map((v) => el("option", { value: name + ":" + v, selected: attribute === name + ":" + v }, name + ": " + v)))));
  const filters = el("form", { class: "filters", role: "search", "aria-label": "Filter extracts" },
    el("label", {}, "Whose", who), el("label", {}, "Transcript", where), el("label", {}, "Participants", attrPick),
    el("button", { type: "submit" }, "Filter"),
    transcript || attribute ? el("button", { type: "button", onclick: () => go({ transcript: "", attribute: "" }) }, "Clear filters") : null);
  filters.addEventListener("submit", (ev) => {
    ev.preventDefault();
    go({ transcript: where.value.trim(), attribute: attrPick.value });
  });
  const trim = el("input", { type: "checkbox", name: "trim" });
  const balance = el("input", { type: "number", min: 0, size: 4, name: "per_theme", placeholder: "all", "aria-label": "At most this many, spread across participants" });
  const attribution = el("input", { name: "attribution", value: "participant", size: 24, "aria-label": "Attribution fields" });
  const query = () => {
    const q = { coder: coders, theme: id };
    if (transcript) q.participant = transcript;
    if (trim.checked) q.trim = "1";
    if (Number(balance.value) > 0) q.per_theme = balance.value;
    if (attribution.value.trim()) q.attribution = attribution.value.trim();
    return q;
  };
  const [links, pseudonymise, refused] = checkedDownloads(query, id);
  for (const input of [trim, balance, attribution]) input.addEventListener("input", links.relink);
  const downloads = el("details", { class: "downloads" }, el("summary", {}, "Download these extracts"),
    el("label", {}, trim, " whole sentences (trim)"), " ",
    el("label", {}, "at most ", balance, " per participant round"), " ",
    el("label", {}, "attribution ", attribution), el("div", {}, links), pseudonymise, refused);
  const defn = t.definition ? el("p", { class: "definition" }, t.definition) : el("p", { class: "muted" }, "No definition yet: add one under “Refine this code”.");
  const count = el("p", { class: "count", "aria-live": "polite" }, "Loading…");
  const list = el("ol", { class: "extracts" });
  const group = t.parent ? themeById(t.parent) : null;
  main.replaceChildren(
    el("h1", {}, swatch(id), " ", t.label, group ? el("span", { class: "muted small" }, "  in " + group.label) : null),
    defn, filters, count, list);
  const extracts = pagedList({
    page: async (offset) => {
      const res = await api("GET", "/api/quotes?" + pageQuery({ format: "json", inline: "1", coder: coders, theme: id, participant: transcript, attribute }, offset, params));
      return { total: res.total, rows: res.quotes };
    },
    into: list,
    row: (q) => extractItem(q, everyone),
    told: (shown, total) => {
      count.textContent = (shown < total ? num(shown) + " of " : "") + plural(total, "extract", "extracts") + (everyone ? " by all coders" : " of yours") + (transcript ? " in " + transcript : "") + (attribute ? " from participants with " + attribute.replace(":", " = ") : "");
    },
    view: filters,
  });
  await extracts.more();
  if (gen !== S.generation) return;
  main.append(extracts.footer, downloads, similarSection(id, t.codable), refineForm(t));
  sayIn(gen, "");
}
