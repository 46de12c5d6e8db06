// thematic serve: the coding workspace. Plain JavaScript modules, no build step, no
// external assets. This one starts the page and routes between the views.
//
// Offsets sent to the server are Unicode code points into the transcript's normalized text
// (as in codings/<coder>.csv). JavaScript strings are UTF-16, so every length here is
// counted with the string iterator (Array.from / for…of), which walks code points.

import { showAnonymise } from "/js/anonymise.js";
import { showBoard } from "/js/board.js";
import { showCode } from "/js/code.js";
import { showCompare } from "/js/compare.js";
import { showList } from "/js/list.js";
import { showMap, showQuotes } from "/js/quotes.js";
import { showReader } from "/js/reader.js";
import { showReview } from "/js/review.js";
import { showSearch } from "/js/search.js";
import { showStatus } from "/js/status.js";
import { S, api, hideError, route, say, showError } from "/js/state.js";
import { el } from "/js/util.js";

// ---------- routing ----------

function markNav(name) {
  for (const a of document.querySelectorAll(".top nav a")) {
    const target = a.getAttribute("href").replace(/^#\//, "");
    if (target === name) a.setAttribute("aria-current", "page");
    else a.removeAttribute("aria-current");
  }
}

export async function render() {
  hideError();
  say("");
  const { parts, params } = route();
  const main = document.getElementById("main");
  S.view = parts[0] || "";
  S.generation++;
  markNav(S.view === "t" ? "" : S.view);
  try {
    if (S.view === "t" && parts[1]) await showReader(main, decodeURIComponent(parts[1]), params);
    else if (S.view === "code" && parts[1]) await showCode(main, decodeURIComponent(parts[1]), params);
    else if (S.view === "compare") await showCompare(main, params);
    else if (S.view === "search") await showSearch(main, params);
    else if (S.view === "quotes") await showQuotes(main, params);
    else if (S.view === "map") showMap(main, params);
    else if (S.view === "board") await showBoard(main, params);
    else if (S.view === "review" && parts[1]) await showReview(main, decodeURIComponent(parts[1]), params);
    else if (S.view === "status") await showStatus(main, params);
    else if (S.view === "anonymise") await showAnonymise(main, params);
    else await showList(main);
    // A message left by the action that led here (a merge that opened the target's page).
    if (S.flash) say(S.flash);
    S.flash = null;
  } catch (e) {
    // The view could not be drawn: say so in its place rather than leave the last one up.
    main.replaceChildren(el("h1", {}, "This view could not be opened"), el("p", { class: "muted" }, "See the message above; the links at the top open the other views."));
    showError(e);
  }
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
