// "More like these" on a code's page: turns that resemble your extracts of the code and
// that you have not coded with it, best first, to code or dismiss one by one. Nothing is
// coded without you: "Code this turn" is an ordinary coding of the whole turn (undone with
// Ctrl+Z like any other), and a dismissed turn is not suggested for the code again.

import { api, hideError, say, showError } from "/js/state.js";
import { el, hms, labelOf, marked, num, plural } from "/js/util.js";

function suggestion(id, s, codable, onDone) {
  const place = "#/t/" + encodeURIComponent(s.transcript) + "?" + new URLSearchParams({ turn: s.turn }).toString();
  const li = el("li", { class: "suggestion" });
  const act = async (what) => {
    try {
      if (what === "code") {
        await api("POST", "/api/codings", { transcript: s.transcript, start: s.start, end: s.end, theme: id });
        say("Coded " + s.transcript + " turn " + s.turn + " as " + labelOf(id) + " (Ctrl+Z undoes it).");
      } else {
        await api("POST", "/api/codes/" + encodeURIComponent(id) + "/similar/dismiss", { transcript: s.transcript, turn: s.turn });
        say("Dismissed " + s.transcript + " turn " + s.turn + ": it will not be suggested for " + labelOf(id) + " again.");
      }
      hideError();
      li.remove();
      onDone();
    } catch (e) {
      showError(e);
    }
  };
  const time = s.time_ms === null || s.time_ms === undefined ? "" : " · " + hms(s.time_ms);
  li.append(
    el("div", { class: "where" }, el("a", { href: place }, s.participant || s.transcript), el("span", { class: "muted" }, " · turn " + s.turn + time + " · " + (s.speaker || "—")), " ",
      // A group is not coded directly: its suggestions can be read and dismissed.
      codable ? el("button", { type: "button", class: "small primary", onclick: () => act("code") }, "Code this turn") : null, " ",
      el("button", { type: "button", class: "small", onclick: () => act("dismiss") }, "Dismiss")),
    el("blockquote", {}, marked(s.snippet, s.marks || [])));
  return li;
}

// The section, folded until asked for (finding the turns reads the search index).
export function similarSection(id, codable) {
  const list = el("ol", { class: "suggestions" });
  const about = el("p", { class: "muted small" });
  const more = el("button", { type: "button", class: "more", hidden: true }, "Show more");
  let offset = 0;
  const load = async () => {
    const res = await api("GET", "/api/codes/" + encodeURIComponent(id) + "/similar?" + new URLSearchParams({ offset: String(offset) }).toString());
    offset += res.suggestions.length;
    list.append(...res.suggestions.map((s) => suggestion(id, s, codable, () => {})));
    about.textContent = res.coded_turns === 0
      ? "Code some turns with " + labelOf(id) + " first: its extracts are what is looked for."
      : "Like your " + plural(res.coded_turns, "coded turn", "coded turns") + " (" + num(res.examples) + " read), looking for: " + res.terms.slice(0, 12).join(", ") + (res.terms.length > 12 ? "…" : "") + ".";
    more.hidden = !res.more;
    if (!list.children.length && res.coded_turns > 0) list.append(el("li", { class: "muted" }, "Nothing more like these: every resembling turn is coded or dismissed."));
  };
  more.addEventListener("click", () => load().catch(showError));
  const section = el("details", { class: "panel similar" }, el("summary", {}, "More like these"), about, list, more);
  section.addEventListener("toggle", () => {
    if (section.open && offset === 0 && !list.children.length) load().catch(showError);
  });
  return section;
}


