// (being written) the review view.

import { el } from "/js/util.js";

export async function showReview(main) {
  main.replaceChildren(el("h1", {}, "Review"), el("p", { class: "muted" }, "Not yet."));
}
