// wechatpay-mock dashboard: progressive enhancement of the server-rendered pages.
// - every 2 s, fetch this same page and swap in those of its live regions (div.live[id])
//   whose server HTML changed, keeping open <details> open and focus on the same button (an
//   unchanged region is left alone, so a click or a text selection in it is never lost);
// - action forms (form.act) call the admin API with fetch instead of posting to
//   /mock/dashboard/act; the fields mean the same as there (see src/dashboard/form.rs).
// No external requests: only this page and /mock/admin on the same origin.
(function () {
  "use strict";
  var ADMIN = document.body.getAttribute("data-admin") || "/mock/admin";
  var PERIOD_MS = 2000;
  var paused = false;
  var statusEl = document.getElementById("status");
  var token = new URLSearchParams(location.search).get("token");
  // The server HTML each live region shows, as this browser serializes it: a refresh that
  // brings the same HTML leaves the region's elements in place.
  var shown = {};
  document.querySelectorAll("div.live[id]").forEach(function (region) { shown[region.id] = region.innerHTML; });

  function say(text) { if (statusEl) { statusEl.textContent = text; } }

  function headers(json) {
    var h = {};
    if (json) { h["Content-Type"] = "application/json"; }
    if (token) { h["Authorization"] = "Bearer " + token; }
    return h;
  }

  // The same rules as form.rs: placeholders fill the path, num.<name> are numbers,
  // <list>[].<member> members of the one object in a list, other non-empty fields strings,
  // merged over _body.
  function toCall(form, submitter) {
    var data = new FormData(form, submitter || undefined);
    var method = "POST", path = "/", body = null, rest = [];
    data.forEach(function (value, name) {
      if (name === "_method") { method = value; }
      else if (name === "_path") { path = value; }
      else if (name === "_body") { body = JSON.parse(value); }
      else if (name === "_back" || name === "_token") { /* only for the no-JS post */ }
      else { rest.push([name, String(value)]); }
    });
    rest.forEach(function (pair) {
      var name = pair[0], value = pair[1], placeholder = "{" + name + "}";
      if (path.indexOf(placeholder) >= 0) { path = path.split(placeholder).join(encodeURIComponent(value)); return; }
      if (value === "") { return; }
      body = body || {};
      var list = name.indexOf("[].");
      if (list > 0) {
        var key = name.slice(0, list), member = name.slice(list + 3);
        if (!Array.isArray(body[key])) { body[key] = []; }
        var items = body[key];
        if (!items.length || typeof items[items.length - 1] !== "object") { items.push({}); }
        items[items.length - 1][member] = value;
        return;
      }
      if (name.indexOf("num.") === 0) {
        var n = Number(value.trim());
        if (!isFinite(n)) { throw new Error(name.slice(4) + " is not a number: " + value); }
        body[name.slice(4)] = n;
      } else { body[name] = value; }
    });
    return { method: method, path: path, body: body };
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.classList.contains("act")) { return; }
    event.preventDefault();
    var call;
    try { call = toCall(form, event.submitter); } catch (e) { say("Not sent: " + e.message); return; }
    var label = call.method + " " + ADMIN + call.path;
    say(label + " …");
    fetch(ADMIN + call.path, {
      method: call.method,
      headers: headers(call.body !== null),
      body: call.body !== null ? JSON.stringify(call.body) : undefined,
      credentials: "same-origin"
    }).then(function (response) {
      return response.text().then(function (text) {
        var detail = "";
        if (!response.ok) {
          try { var j = JSON.parse(text); detail = " " + (j.code || "") + " " + (j.message || ""); } catch (e) { detail = " " + text.slice(0, 200); }
        }
        say(label + ": " + response.status + detail);
        return refresh();
      });
    }).catch(function (e) { say(label + " failed: " + e.message); });
  });

  function refresh() {
    if (paused) { return Promise.resolve(); }
    return fetch(location.href, { headers: headers(false), credentials: "same-origin", cache: "no-store" })
      .then(function (r) { return r.ok ? r.text() : Promise.reject(new Error("HTTP " + r.status)); })
      .then(function (html) {
        var next = new DOMParser().parseFromString(html, "text/html");
        document.querySelectorAll("div.live[id]").forEach(function (region) {
          var fresh = next.getElementById(region.id);
          if (!fresh || shown[region.id] === fresh.innerHTML) { return; }
          shown[region.id] = fresh.innerHTML;
          var open = {};
          region.querySelectorAll("details[open][id]").forEach(function (d) { open[d.id] = true; });
          // Keep keyboard focus on the same control (buttons are named by aria-label).
          var focused = region.contains(document.activeElement) ? document.activeElement.getAttribute("aria-label") : null;
          region.innerHTML = fresh.innerHTML;
          if (focused) {
            region.querySelectorAll("[aria-label]").forEach(function (el) {
              if (el.getAttribute("aria-label") === focused) { el.focus(); }
            });
          }
          Object.keys(open).forEach(function (id) {
            var d = document.getElementById(id);
            if (d) { d.open = true; }
          });
        });
        setNote("Live: refreshed " + new Date().toLocaleTimeString() + ", every " + PERIOD_MS / 1000 + " s.");
      })
      .catch(function (e) { setNote("Live updates failed (" + e.message + "); retrying."); });
  }

  var note = document.getElementById("live-note");
  var noteText = document.createElement("span");
  var toggle = document.createElement("button");
  toggle.type = "button";
  toggle.textContent = "Pause live updates";
  toggle.setAttribute("aria-pressed", "false");
  toggle.addEventListener("click", function () {
    paused = !paused;
    toggle.textContent = paused ? "Resume live updates" : "Pause live updates";
    toggle.setAttribute("aria-pressed", paused ? "true" : "false");
    if (!paused) { refresh(); }
  });
  function setNote(text) { noteText.textContent = text + " "; }
  if (note) { note.textContent = ""; note.appendChild(noteText); note.appendChild(toggle); }
  // Pages without live regions (a request's detail, the payer page) need no refresh.
  if (!document.querySelector("div.live[id]")) { return; }
  setNote("Live: every " + PERIOD_MS / 1000 + " s.");
  setInterval(refresh, PERIOD_MS);
})();
