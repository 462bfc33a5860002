// The namespace page: a JSON check as you type, and live updates from the watch stream. The page works without it.
"use strict";
(function () {
  const form = document.getElementById("settings-form");
  if (!form) return;

  function jsonCheck(area) {
    const status = document.getElementById("j-" + area.closest("[data-key]").dataset.key);
    if (!status) return;
    try {
      JSON.parse(area.value);
      status.textContent = "Valid JSON.";
      status.classList.remove("error");
      area.removeAttribute("aria-invalid");
    } catch (e) {
      status.textContent = "Not valid JSON yet: " + e.message;
      status.classList.add("error");
      area.setAttribute("aria-invalid", "true");
    }
  }
  for (const area of form.querySelectorAll("textarea[data-json]")) {
    area.addEventListener("input", () => jsonCheck(area));
  }

  // A field the user is editing: it has focus, or it differs from the text it was rendered with.
  function editing(key, field) {
    if (!field) return false;
    if (document.activeElement === field) return true;
    const orig = document.getElementById("orig-" + key);
    if (!orig) return false;
    if (field.type === "checkbox") return String(field.checked) !== (orig.value || "false");
    if (field.type === "password") return field.value !== "";
    return field.value !== orig.value;
  }

  function text(value) {
    return typeof value === "string" ? value : JSON.stringify(value);
  }

  function fieldText(setting, value) {
    if (setting.dataset.type === "json") return JSON.stringify(value, null, 2);
    return text(value);
  }

  function sourceText(change) {
    switch (change.source) {
      case "override": return "override at scope " + change.scope;
      case "environment": return "environment variable";
      case "yaml": return "YAML default";
      default: return "code default";
    }
  }

  function time(at) {
    return at ? at.replace("T", " ").replace(/\.\d+Z$/, "").replace(/Z$/, "") + " UTC" : "";
  }

  function set(setting, role, value) {
    const node = setting.querySelector('[data-role="' + role + '"]');
    if (node) node.textContent = value;
  }

  // Most specific first, global last: an override at a scope shadows those after it.
  const chain = (form.dataset.chain || "global").split(",").map((s) => s.toLowerCase());
  function rank(scope) {
    const at = scope ? chain.indexOf(scope.toLowerCase()) : -1;
    return at < 0 ? chain.length : at;
  }

  function apply(event) {
    const target = form.dataset.target;
    for (const change of event.changes || []) {
      if (change.namespace.toLowerCase() !== form.dataset.ns.toLowerCase()) continue;
      const setting = form.querySelector('[data-key="' + CSS.escape(change.key) + '"]');
      if (!setting) continue;
      const key = setting.dataset.key;
      const override = !change.removed && change.source === "override";
      // An override written at a broader scope than the one that wins here changes nothing this chain sees.
      if (override && rank(change.scope) > rank(setting.dataset.winner)) continue;
      const masked = change.masked || setting.dataset.sensitive === "true";
      const shown = change.removed ? "(none)" : masked ? "********" : text(change.value);
      set(setting, "value", shown);
      set(setting, "source", change.removed ? "no value" : sourceText(change));
      set(setting, "version", override ? String(change.version) : "no override");
      set(setting, "changed", override ? time(event.at) + " by " + event.actor : "never");
      setting.dataset.winner = override ? change.scope : "";

      const field = document.getElementById("f-" + key);
      const orig = document.getElementById("orig-" + key);
      const version = document.getElementById("ver-" + key);
      if (!field || !orig || field.disabled) continue;
      const atTarget = change.scope.toLowerCase() === target.toLowerCase();
      if (editing(key, field)) {
        // Left as the user has it, and the version too: saving then shows the conflict.
        const flag = setting.querySelector('[data-role="flag"]');
        flag.textContent = "Changed by " + event.actor + " to " + shown + " while you were editing.";
        flag.hidden = false;
        setting.classList.add("changed-underneath");
        continue;
      }
      if (!masked) {
        const value = change.removed ? "" : fieldText(setting, change.value);
        if (field.type === "checkbox") field.checked = value === "true";
        else field.value = value;
        orig.value = value;
      }
      if (atTarget && version) version.value = String(change.version);
    }
    if (event.revision) {
      const revision = document.getElementById("revision");
      if (revision) revision.textContent = String(event.revision);
    }
  }

  if (typeof EventSource === "undefined" || !form.dataset.watch) return;
  const source = new EventSource(form.dataset.watch);
  source.addEventListener("change", (message) => {
    try { apply(JSON.parse(message.data)); } catch (e) { /* a malformed event changes nothing on the page */ }
  });
})();
