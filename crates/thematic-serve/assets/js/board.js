// (being written) the board view.

import { el } from "/js/util.js";

export async function showBoard(main) {
  main.replaceChildren(el("h1", {}, "Board"), el("p", { class: "muted" }, "Not yet."));
}
