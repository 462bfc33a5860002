// Search as you type: re-runs the search page's own query (the server renders the results) and swaps in its
// results region, without reloading, a moment after the user stops typing. Without script, the form submits.
"use strict";
(() => {
  const form = document.getElementById("search-form");
  const input = document.getElementById("q");
  const region = document.getElementById("search-results");
  if (!form || !input || !region) return;
  let timer = 0;
  let latest = 0;
  const run = async () => {
    const query = input.value.trim();
    const url = new URL(form.action, location.href);
    if (query) url.searchParams.set("q", query);
    const ticket = ++latest;
    try {
      const response = await fetch(url, { credentials: "same-origin", headers: { Accept: "text/html" } });
      const page = new DOMParser().parseFromString(await response.text(), "text/html");
      const fresh = page.getElementById("search-results");
      // An older answer arriving after a newer one is dropped.
      if (ticket !== latest || !fresh) return;
      region.replaceChildren(...fresh.childNodes);
      history.replaceState(null, "", url);
    } catch {
      // Offline or refused: the form still submits normally.
    }
  };
  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(run, 150);
  });
})();
