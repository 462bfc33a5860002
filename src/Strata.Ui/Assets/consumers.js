// The consumers page keeps itself current: every few seconds it re-reads itself and swaps in the fresh tables.
// Without script the page is as current as its last load, and its Refresh link reloads it.
"use strict";
(() => {
  const live = document.getElementById("consumers-live");
  if (!live || !window.fetch || !window.DOMParser) return;
  const summary = document.getElementById("consumers-summary");
  const updated = document.getElementById("consumers-updated");
  const every = 3000, slowest = 60000;
  let failures = 0;

  const copyText = (target, page, id) => {
    const fresh = page.getElementById(id);
    // Only on change: the summary is a status region, and a screen reader announces each change.
    if (target && fresh && target.textContent !== fresh.textContent) target.textContent = fresh.textContent;
  };

  const refresh = async () => {
    if (!document.hidden) {
      try {
        const response = await fetch(window.location.href, { headers: { Accept: "text/html" }, cache: "no-store", credentials: "same-origin" });
        if (!response.ok) throw new Error(`HTTP ${response.status}`);
        const page = new DOMParser().parseFromString(await response.text(), "text/html");
        const fresh = page.getElementById("consumers-live");
        if (!fresh) throw new Error("no consumers on the page");
        live.replaceChildren(...Array.from(fresh.childNodes, node => document.importNode(node, true)));
        for (const name of ["revision", "updated"]) live.dataset[name] = fresh.dataset[name] || "";
        copyText(summary, page, "consumers-summary");
        copyText(updated, page, "consumers-updated");
        copyText(document.getElementById("server-revision"), page, "server-revision");
        failures = 0;
      } catch {
        failures++;
        if (updated) updated.textContent = "Live updates paused; retrying.";
      }
    }
    // Backs off while the server does not answer (restarting, or the session ended).
    setTimeout(refresh, Math.min(every * 2 ** failures, slowest));
  };
  setTimeout(refresh, every);
})();
