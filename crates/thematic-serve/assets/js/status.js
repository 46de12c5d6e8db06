// (being written) the status view.

import { el } from "/js/util.js";

export async function showStatus(main) {
  main.replaceChildren(el("h1", {}, "Status"), el("p", { class: "muted" }, "Not yet."));
}
