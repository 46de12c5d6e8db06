// A theme's review (phase 4 of reflexive thematic analysis) and its definition (phase 5):
// every extract of the theme grouped by code, a page at a time, with a star on each for the
// illustrative ones; who carries the theme; which themes are coded in the same turns; the
// codes it shares with other candidate themes, to resolve before it is defined; review
// notes (memos about the theme); the define-and-name form; and two coders' differences on
// it, to discuss. Blind by default: the acting coder's extracts; "All coders" pools them.

import { render } from "/app.js";
import { defineSection, starredList } from "/js/review-define.js";
import { discussSection } from "/js/review-discuss.js";
import { S, api, say, sayIn, showError } from "/js/state.js";
import { day, el, hms, labelOf, num, plural, swatch } from "/js/util.js";

const enc = encodeURIComponent;

// How many more extracts "Show more" asks for.
const MORE = 20;

// The extract's star: the acting coder stars it as illustrative of theme `id` (or takes
// the star off); starred extracts come first in the theme, here and in the quote tables.
function starButton(e, id, onChange) {
  const b = el("button", { type: "button", class: "star" });
  const paint = () => {
    b.textContent = e.mine ? "\u2605" : "\u2606";
    b.setAttribute("aria-pressed", e.mine ? "true" : "false");
    b.setAttribute("aria-label", e.mine ? "Starred as illustrative: take the star off" : "Star as an illustrative extract");
    b.title = e.mine ? "Starred: it comes first in this theme's quotes" : "Star: illustrative of this theme (comes first in its quotes)";
  };
  paint();
  b.addEventListener("click", async () => {
    const refs = e.codings || [];
    if (!refs.length) return;
    b.disabled = true;
    try {
      if (e.mine) {
        for (const r of refs) await api("DELETE", "/api/stars", { coder: r.coder, coding: r.id, theme: id });
        e.mine = false;
        say("Star taken off.");
      } else {
        const r = refs.find((x) => x.coder === S.study.coder) || refs[0];
        await api("POST", "/api/stars", { coder: r.coder, coding: r.id, theme: id, transcript: e.transcript });
        e.mine = true;
        e.starred = true;
        say("Starred: it comes first in this theme's extracts and in `thematic quotes`.");
      }
      paint();
      if (onChange) await onChange();
    } catch (err) {
      showError(err);
    } finally {
      b.disabled = false;
    }
  });
  return b;
}

// One extract: its star, where and when, the words, and the turn around them on demand.
function extractItem(e, id, everyone, onStar) {
  const place = "#/t/" + enc(e.transcript) + "?" + new URLSearchParams({ turn: e.turn, hit: e.start + "-" + e.end }).toString();
  const context = el("div", { class: "context", hidden: true });
  const toggle = el("button", {
    type: "button", class: "small", "aria-expanded": "false", onclick: async () => {
      if (!context.hidden) {
        context.hidden = true;
        toggle.setAttribute("aria-expanded", "false");
        return;
      }
      try {
        const turn = await api("GET", "/api/transcripts/" + enc(e.transcript) + "/turns/" + e.turn);
        const chars = Array.from(turn.text);
        const a = Math.max(0, e.start - turn.start), b = Math.min(chars.length, e.end - turn.start);
        context.replaceChildren(el("span", { class: "speaker" }, (turn.speaker || "—") + ": "),
          chars.slice(0, a).join(""), el("mark", {}, chars.slice(a, b).join("")), chars.slice(b).join(""));
        context.hidden = false;
        toggle.setAttribute("aria-expanded", "true");
      } catch (err) {
        showError(err);
      }
    },
  }, "Whole turn");
  const time = e.start_ms === null || e.start_ms === undefined ? null : el("span", { class: "muted" }, " · " + hms(e.start_ms));
  const li = el("li", { class: "extract review-extract" + (e.starred ? " starred" : "") },
    starButton(e, id, onStar),
    el("div", { class: "body" },
      el("div", { class: "where" },
        el("a", { href: place }, e.participant), el("span", { class: "muted" }, " · turn " + e.turn), time,
        everyone ? el("span", { class: "muted" }, " · coded by " + e.coders.join(", ")) : null,
        e.stars && e.stars.length ? el("span", { class: "muted" }, " · \u2605 " + e.stars.map((x) => (x.by === S.study.coder ? "you" : x.by) + (x.theme === id ? "" : " for " + labelOf(x.theme))).join(", ")) : null,
        " ", toggle),
      el("blockquote", {}, e.text),
      context));
  li.dataset.coding = (e.codings[0] || {}).id || "";
  return li;
}

// One code of the theme: its heading with counts, its first page of extracts, "Show more".
function codeBlock(c, id, r, everyone, onStar) {
  const list = el("ol", { class: "extracts" });
  const shown = { n: 0 };
  const add = (rows) => {
    list.append(...rows.map((e) => extractItem(e, id, everyone, onStar)));
    shown.n += rows.length;
  };
  add(c.page);
  const more = el("button", { type: "button", class: "more small" }, "Show more of " + c.label);
  const left = el("span", { class: "muted small" });
  const bar = el("div", { class: "more-bar" }, more, left);
  const tell = () => {
    bar.hidden = shown.n >= c.extracts;
    left.textContent = num(shown.n) + " of " + num(c.extracts) + " shown";
  };
  tell();
  more.addEventListener("click", async () => {
    more.disabled = true;
    try {
      const q = new URLSearchParams({ code: c.id, offset: String(shown.n), limit: String(MORE) });
      if (everyone) q.set("coders", "all");
      const page = await api("GET", "/api/review/" + enc(id) + "/extracts?" + q.toString());
      const before = list.children.length;
      add(page.extracts);
      tell();
      const first = list.children[before];
      if (first) first.querySelector("a").focus({ preventScroll: true });
    } catch (err) {
      showError(err);
    } finally {
      more.disabled = false;
    }
  });
  const badges = [];
  if (c.via === "also") badges.push(el("span", { class: "review-badge" }, "also sits here"));
  if (c.shared_with.length) badges.push(el("span", { class: "review-badge warn" }, "shared with " + c.shared_with.map((t) => t.label).join(", ")));
  return el("section", { class: "code-block", "aria-label": c.label },
    el("h3", {}, swatch(c.id), " ", el("a", { href: "#/code/" + enc(c.id) }, c.label), " ",
      el("span", { class: "muted small" }, plural(c.extracts, "extract", "extracts") + " · " + plural(c.participants, "participant", "participants")), " ", badges),
    c.extracts ? list : el("p", { class: "muted small" }, "No extracts " + (everyone ? "by anyone" : "of yours") + " yet."),
    c.extracts ? bar : null);
}

// Who carries the theme: a bar per participant, and the reviewer's question when one or two
// participants carry it.
function coveragePanel(r) {
  const cov = r.coverage;
  const max = Math.max(1, ...cov.participants.map(([, n]) => n));
  const shown = cov.participants.slice(0, 24);
  const rows = shown.map(([p, n]) => {
    const fill = el("span", { class: "fill" });
    fill.style.width = Math.max(4, Math.round((100 * n) / max)) + "%";
    return el("li", {}, el("a", { href: "#/t/" + enc(p) }, p), el("span", { class: "bar", "aria-hidden": "true" }, fill), el("span", { class: "n" }, num(n)));
  });
  const rest = cov.participants.length - shown.length;
  return el("section", { class: "panel coverage", "aria-label": "Participant coverage" },
    el("h2", {}, "Participants"),
    el("p", { class: "small" }, num(cov.participants.length) + " of " + num(cov.of) + " participants contribute"),
    cov.warning ? el("p", { class: "warn", role: "note" }, cov.warning.charAt(0).toUpperCase() + cov.warning.slice(1)) : null,
    rows.length ? el("ol", { class: "bars" }, rows) : el("p", { class: "muted small" }, "No extracts yet."),
    rest > 0 ? el("p", { class: "muted small" }, "…and " + plural(rest, "more participant", "more participants")) : null);
}

// Which themes are coded in the same turns.
function overlapPanel(r) {
  const items = r.overlap.map((o) => el("li", {},
    swatch(o.id), " ", el("a", { href: "#/review/" + enc(o.id) }, o.label),
    el("span", { class: "muted small" }, " " + plural(o.both, "turn", "turns") + " · Jaccard " + o.jaccard.toFixed(2))));
  return el("section", { class: "panel overlap", "aria-label": "Overlap with other themes" },
    el("h2", {}, "Overlap with other themes"),
    el("p", { class: "muted small" }, "Turns coded with this " + (r.theme.codable ? "code" : "theme") + " and another, of its " + plural(r.units, "turn", "turns") + "; the Jaccard index is shared turns over turns with either."),
    items.length ? el("ol", { class: "overlaps" }, items) : el("p", { class: "muted small" }, "None in the same turns."));
}

// The codes the theme shares with other candidate themes: keep one here, or go to the board.
function sharedPanel(r, id) {
  if (!r.shared.length) {
    return r.theme.codable ? null : el("section", { class: "panel shared", "aria-label": "Shared codes" },
      el("h2", {}, "Shared codes"), el("p", { class: "muted small" }, "None: each code sits in this theme alone."));
  }
  const items = r.shared.map((s) => {
    const keep = el("button", {
      type: "button", class: "small", onclick: async () => {
        keep.disabled = true;
        try {
          const res = await api("POST", "/api/review/" + enc(id) + "/keep", { code: s.code });
          S.study = await api("GET", "/api/study");
          S.flash = s.label + " now sits in " + r.theme.label + " only" + (res.left.length ? " (it left " + res.left.join(", ") + ")." : ".");
          await render();
        } catch (err) {
          showError(err);
          keep.disabled = false;
        }
      },
    }, "Keep in " + r.theme.label + " only");
    return el("li", {}, el("strong", {}, s.label), " sits in " + s.themes.map((t) => t.label).join(" and ") + ". ", keep);
  });
  return el("section", { class: "panel shared", "aria-label": "Shared codes" },
    el("h2", {}, "Shared codes"),
    el("p", { class: "warn" }, "Resolve before defining: a defined theme's codes sit in it alone."),
    el("ul", {}, items),
    el("p", { class: "small" }, el("a", { href: "#/board" }, "Resolve on the theme board")));
}

// Review notes: the acting coder's memos about the theme, and a form for another.
function notesPanel(r, id) {
  const list = el("ol", { class: "notes" }, r.notes.map(noteItem));
  const text = el("textarea", { name: "note", rows: 3, "aria-label": "Review note", placeholder: "Does it cohere? Is it a pattern across the data, or two people's story?" });
  const form = el("form", { class: "inline-form note-form" }, text, el("button", { type: "submit", class: "small" }, "Add note"));
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    if (!text.value.trim()) return;
    try {
      const memo = await api("POST", "/api/memos", { about: "theme", target: id, text: text.value });
      list.append(noteItem(memo));
      empty.hidden = true;
      text.value = "";
      say("Note added to memos/" + S.study.coder + ".md.");
    } catch (err) {
      showError(err);
    }
  });
  const empty = el("p", { class: "muted small", hidden: r.notes.length > 0 }, "No notes yet.");
  return el("section", { class: "panel notes-panel", "aria-label": "Review notes" },
    el("h2", {}, "Review notes"), empty, list, form);
}

function noteItem(m) {
  return el("li", { class: "note" }, el("span", { class: "muted small" }, day(m.when)), el("div", {}, m.text));
}

export async function showReview(main, id, params) {
  const gen = S.generation;
  const everyone = params.get("coders") === "all";
  const q = everyone ? "?coders=all" : "";
  const r = await api("GET", "/api/review/" + enc(id) + q);
  if (gen !== S.generation) return;
  const t = r.theme;
  const kind = t.codable ? "Code" : t.defined ? "Defined theme" : "Candidate theme";
  const go = (coders) => {
    location.hash = "#/review/" + enc(id) + (coders ? "?coders=" + coders : "");
  };
  const who = el("select", { "aria-label": "Whose codings", onchange: (ev) => go(ev.target.value) },
    el("option", { value: "" }, "Mine (" + S.study.coder + ")"),
    el("option", { value: "all", selected: everyone }, "All coders, pooled"));
  const others = el("select", { "aria-label": "Review another theme", onchange: (ev) => { if (ev.target.value) location.hash = "#/review/" + enc(ev.target.value); } },
    el("option", { value: "" }, "Review another…"),
    S.study.themes.filter((x) => !x.retired && x.id !== id).map((x) => el("option", { value: x.id }, "\u2003".repeat(x.depth || 0) + x.label)));
  const path = r.path.length ? el("p", { class: "muted small crumbs" }, "in ", r.path.flatMap((p, i) => [i ? " › " : "", el("a", { href: "#/review/" + enc(p.id) }, p.label)])) : null;
  const lead = [];
  if (t.title) lead.push(el("p", { class: "theme-title" }, t.title));
  if (t.concept) lead.push(el("p", { class: "concept" }, el("strong", {}, "Central organising concept: "), t.concept));
  else lead.push(el("p", { class: "muted" }, "No central organising concept yet: write one under “Define and name” when the theme coheres."));
  const summary = el("p", { class: "count" },
    plural(r.extracts, "extract", "extracts") + " in " + plural(r.codes.length, "code", "codes") + " from " +
    num(r.coverage.participants.length) + " of " + plural(r.coverage.of, "participant", "participants") + (everyone ? ", all coders" : ", yours"));
  const starred = starredList(r);
  // The define section's list of starred extracts follows the stars.
  const blocks = r.codes.map((c) => codeBlock(c, id, r, everyone, async () => {
    try {
      const fresh = await api("GET", "/api/review/" + enc(id) + "?per_code=0" + (everyone ? "&coders=all" : ""));
      const next = starredList(fresh);
      document.getElementById("starred-list").replaceWith(next);
    } catch (err) {
      showError(err);
    }
  }));
  const extracts = el("section", { class: "review-codes", "aria-label": "Extracts by code" },
    el("h2", {}, "Extracts by code"),
    r.codes.length ? blocks : el("p", { class: "muted" }, "No codes sit in this theme yet: put codes in it on ", el("a", { href: "#/board" }, "the theme board"), "."));
  const aside = el("aside", { class: "side review-side" }, coveragePanel(r), overlapPanel(r), sharedPanel(r, id), notesPanel(r, id));
  // replaceChildren writes "null" for a missing part: leave those out.
  main.replaceChildren(...[
    el("h1", {}, swatch(id), " ", t.label, " ", el("span", { class: "review-badge" + (t.defined ? " ok" : "") }, kind)),
    path, ...lead,
    el("div", { class: "filters review-tools" },
      el("label", {}, "Whose", who), el("label", {}, "Theme", others),
      el("a", { href: "#/board" }, "Theme board"),
      el("a", { href: "#/quotes?" + new URLSearchParams({ theme: id }).toString() }, "Quote table")),
    summary,
    el("div", { class: "review" }, extracts, aside),
    defineSection(r, id, starred),
    discussSection(r, id, params.get("discuss"))].filter(Boolean));
  sayIn(gen, "");
}
