// Compare: two coders' agreement and one transcript's disagreements.

import { paintText } from "/js/reader.js";
import { S, api } from "/js/state.js";
import { el, labelOf, num, plural, swatch } from "/js/util.js";

// ---------- compare ----------

export async function showCompare(main, params) {
  const coders = S.study.human_coders;
  const a = params.get("a") || S.study.coder;
  const b = params.get("b") || coders.find((c) => c !== a) || "";
  const unit = params.get("unit") || "";
  // An empty transcript asks for the study's first; the answer names it and lists the others.
  const asked = params.get("t") || "";
  const intervals = params.get("ci") === "1";
  const q = new URLSearchParams({ a, b, transcript: asked });
  if (unit) q.set("unit", unit);
  if (intervals) q.set("intervals", "1");
  const [cmp, trAsked] = await Promise.all([api("GET", "/api/compare?" + q.toString()),
    asked ? api("GET", "/api/transcripts/" + encodeURIComponent(asked)) : null]);
  const tid = cmp.transcript || "";
  const go = (over) => {
    const p = new URLSearchParams({ t: tid, a, b, unit, ci: intervals ? "1" : "" });
    for (const [k, v] of Object.entries(over)) p.set(k, v);
    for (const k of ["unit", "ci"]) if (!p.get(k)) p.delete(k);
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
  // Coefficients to three places; agreement as a percentage, as a paper reports it.
  const pct = (x) => (x === null || x === undefined ? "n/a" : x.toFixed(3));
  const percent = (x) => (x === null || x === undefined ? "n/a" : (100 * x).toFixed(1) + "%");
  // A value and, when asked for, its 95 % interval under it, as `thematic agree` prints it.
  const cell = (r, key, show) => el("td", { class: "num" }, show(r[key]),
    r.intervals ? el("div", { class: "ci" }, r.intervals[key] ? "[" + show(r.intervals[key][0]) + ", " + show(r.intervals[key][1]) + "]" : "—") : null);
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
      cell(r, "percent_agreement", percent),
      cell(r, "cohen_kappa", pct),
      cell(r, "krippendorff_alpha", pct),
      cell(r, "gwet_ac1", pct)))));
  const ciNote = intervals
    ? el("p", { class: "muted small" }, "Under each estimate, its 95% interval: a bootstrap of 1,000 resamples of whole transcripts, as `thematic agree` prints. ", el("a", { href: "#", onclick: (ev) => { ev.preventDefault(); go({ ci: "" }); } }, "Hide intervals"))
    : el("p", { class: "small" }, el("a", { href: "#", onclick: (ev) => { ev.preventDefault(); go({ ci: "1" }); } }, "Show 95% intervals"), el("span", { class: "muted" }, " (a bootstrap over the transcripts: seconds on a large study)"));
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
    : el("p", { class: "small elsewhere" }, elsewhere.length ? "Elsewhere: " : "", links);
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
    el("h2", {}, "Agreement, whole study (" + cmp.unit + " units)"), table, ciNote,
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
