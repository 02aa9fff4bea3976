// The trigger's status page: reads the admin API (GET /exports, /exports/{id}, /jobs, /dead-letters)
// and starts exports through it (POST /exports, POST /jobs/{name}/runs). Every value shown comes from
// messages, requests or FHIR servers, so it is treated as hostile: it only ever reaches the DOM as
// text (Node.append / textContent), never as markup.
"use strict";

(() => {
  const REFRESH_MS = 3000;
  const EXPORTS_SHOWN = 20;
  const FINAL = new Set(["LOADED", "FAILED", "CANCELLED"]);
  const ACCEPT = "application/json, application/problem+json";

  /** exportId -> {updatedAt, view}: a final export's status is fetched again only when its record changed. */
  const details = new Map();
  /** exportId -> whether its per-type table is open, as the operator left it across refreshes. */
  const opened = new Map();

  const $ = (id) => document.getElementById(id);

  /** An element whose children are nodes or plain text (strings become text nodes, never markup). */
  function el(tag, className, ...children) {
    const node = document.createElement(tag);
    if (className) {
      node.className = className;
    }
    for (const child of children) {
      if (child !== null && child !== undefined && child !== false) {
        node.append(child instanceof Node ? child : String(child));
      }
    }
    return node;
  }

  // Paths are relative, so the page works behind a proxy that mounts the trigger under a prefix.
  async function call(method, path, body) {
    const init = {method, cache: "no-store", headers: {Accept: ACCEPT}};
    if (body !== undefined) {
      init.headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    const response = await fetch(path, init);
    const text = await response.text();
    let json = null;
    try {
      json = text ? JSON.parse(text) : null;
    } catch (e) {
      json = null;
    }
    return {status: response.status, ok: response.ok, body: json};
  }

  function exportPath(exportId) {
    return "exports/" + encodeURIComponent(exportId);
  }

  function instant(iso) {
    if (!iso) {
      return "—";
    }
    const date = new Date(iso);
    return isNaN(date) ? String(iso) : date.toISOString().replace("T", " ").replace(/\.\d+Z$/, "Z");
  }

  function duration(fromIso, toIso) {
    const ms = Date.parse(toIso) - Date.parse(fromIso);
    if (!Number.isFinite(ms)) {
      return "—";
    }
    const s = Math.max(0, Math.round(ms / 1000));
    if (s < 120) {
      return s + " s";
    }
    const m = Math.floor(s / 60);
    return m < 120 ? m + " min " + (s % 60) + " s" : Math.floor(m / 60) + " h " + (m % 60) + " min";
  }

  function count(n) {
    return Number(n || 0).toLocaleString("en");
  }

  function problemText(answer) {
    const p = answer.body || {};
    const lines = [(p.title || "HTTP " + answer.status) + (p.detail ? ": " + p.detail : "")];
    for (const error of Array.isArray(p.errors) ? p.errors : []) {
      lines.push(error.field + " " + error.problem);
    }
    return lines;
  }

  // --- Starting exports ---

  function showStarted(answer, what) {
    const result = $("start-result");
    if (answer.status === 202 && answer.body && answer.body.exportId) {
      const line = el("p", "started", what + " requested: export ", el("code", null, answer.body.exportId));
      line.dataset.exportId = answer.body.exportId;
      result.replaceChildren(line);
    } else {
      result.replaceChildren(el("ul", "problem", ...problemText(answer).map((l) => el("li", null, l))));
    }
    tick();
  }

  async function startExport(event) {
    event.preventDefault();
    const form = event.target;
    const value = (name) => form.elements[name].value.trim();
    const request = {server: value("server"), level: value("level")};
    if (value("groupId")) {
      request.groupId = value("groupId");
    }
    const types = value("types").split(/[\s,]+/).filter((t) => t);
    if (types.length) {
      request.types = types;
    }
    if (value("since")) {
      request.since = value("since");
    }
    try {
      showStarted(await call("POST", "exports", request), "a " + request.level + " export");
    } catch (e) {
      showStarted({status: 0, body: {title: "The trigger did not answer", detail: e.message}}, "");
    }
  }

  async function runJob(name) {
    try {
      showStarted(await call("POST", "jobs/" + encodeURIComponent(name) + "/runs"), "job " + name);
    } catch (e) {
      showStarted({status: 0, body: {title: "The trigger did not answer", detail: e.message}}, "");
    }
  }

  // --- Jobs ---

  function renderJobs(jobs) {
    $("jobs-body").replaceChildren(...jobs.map((job) => {
      const run = el("button", null, "Run now");
      run.type = "button";
      run.dataset.job = job.name;
      run.addEventListener("click", () => runJob(job.name));
      const off = String(job.cron).toLowerCase() === "off";
      return el("tr", null,
          el("td", null, job.name),
          el("td", null, off ? "off (run by hand)" : job.cron),
          el("td", null, job.server),
          el("td", null, job.level),
          el("td", null, job.watermark ? instant(job.watermark) : "none yet (exports everything)"),
          el("td", "id", job.watermarkExportId || "—"),
          el("td", null, job.nextRun ? instant(job.nextRun) : "—"),
          el("td", null, run));
    }));
  }

  // --- Dead letters (GET /dead-letters may be absent: an older trigger, or a broker it cannot ask) ---

  function renderDeadLetters(answer) {
    const state = $("dead-letters-state");
    if (!answer || !answer.ok || !Array.isArray(answer.body)) {
      state.textContent = "dead letters: unavailable" + (answer && answer.status !== 404 ? " (HTTP " + answer.status
          + ")" : "");
      state.className = "muted";
      $("dead-letters-body").replaceChildren();
      $("dead-letters-table").hidden = true;
      return;
    }
    const queues = answer.body.slice().sort((a, b) => (b.count - a.count)
        || String(a.topic).localeCompare(String(b.topic)) || String(a.subscription).localeCompare(String(b.subscription)));
    const total = queues.reduce((sum, q) => sum + (Number(q.count) || 0), 0);
    state.textContent = total === 0 ? "no dead letters"
        : count(total) + " dead-lettered message(s) in " + queues.filter((q) => q.count > 0).length + " subscription(s)";
    state.className = total === 0 ? "muted" : "problem";
    $("dead-letters-table").hidden = queues.length === 0;
    $("dead-letters-body").replaceChildren(...queues.map((q) =>
        el("tr", q.count > 0 ? "has-dead-letters" : "muted",
            el("td", null, q.topic), el("td", null, q.subscription), el("td", "number", count(q.count)))));
  }

  // --- Exports ---

  function timings(view) {
    const t = view.timings || {};
    const parts = ["created " + instant(t.createdAt)];
    if (t.acceptedAt) {
      parts.push("accepted after " + duration(t.createdAt, t.acceptedAt));
    }
    if (t.exportedAt) {
      parts.push("exported after " + duration(t.createdAt, t.exportedAt));
    }
    if (t.loadedAt) {
      parts.push("loaded after " + duration(t.createdAt, t.loadedAt));
    } else if (FINAL.has(view.status)) {
      parts.push("ended after " + duration(t.createdAt, t.updatedAt));
    } else {
      parts.push("running for " + duration(t.createdAt, new Date().toISOString()));
    }
    if (t.transactionTime) {
      parts.push("transactionTime " + instant(t.transactionTime));
    }
    return parts.join(" · ");
  }

  function requestLine(view) {
    const r = view.request || {};
    const parts = [(r.level || "?") + " export" + (r.groupId ? " of group " + r.groupId : "")];
    parts.push(Array.isArray(r.types) && r.types.length ? "types " + r.types.join(", ") : "all types");
    parts.push(r.since ? "since " + instant(r.since) : "since the beginning");
    parts.push("server " + (view.server || "?"));
    if (view.job) {
      parts.push("job " + view.job);
    }
    if (r.origin) {
      parts.push("from " + r.origin);
    }
    return parts.join(" · ");
  }

  function bar(done, expected) {
    const bar = el("progress");
    bar.max = Math.max(expected, 1);
    bar.value = Math.min(done, bar.max);
    return bar;
  }

  /** The run's error (with the server's diagnostics beneath it) and each failed file or chunk, as list items. */
  function failures(view) {
    const items = [];
    const error = view.error;
    if (error) {
      const diagnostics = Array.isArray(error.diagnostics) ? error.diagnostics : [];
      items.push(el("li", null, (error.stage ? error.stage + ": " : "") + (error.reason || "failed")
          + (error.httpStatus ? " (HTTP " + error.httpStatus + ")" : ""),
          diagnostics.length ? el("ul", null, ...diagnostics.map((d) => el("li", null, d))) : null));
    }
    const progress = view.progress || {};
    for (const f of progress.failedChunks || []) {
      items.push(el("li", null, f));
    }
    return items;
  }

  function typesTable(view) {
    const progress = view.progress || {};
    const types = progress.types || {};
    const landed = progress.filesLanded || {};
    const rows = Object.keys(types).sort().map((name) => {
      const f = types[name] || {};
      const row = el("tr", f.chunksFailed > 0 ? "failed" : null,
          el("td", null, name),
          el("td", null, bar(f.chunksLoaded || 0, f.chunksExpected || 0)),
          el("td", "number", count(f.chunksLoaded) + "/" + count(f.chunksExpected)
              + (f.chunksFailed > 0 ? " (" + count(f.chunksFailed) + " failed)" : "")),
          el("td", "number", count(landed[name]) + "/" + count(f.filesExpected) + " landed, " + count(f.filesSplit)
              + " split"),
          el("td", "number", count(f.rowsLoaded) + (f.manifestCount != null ? " of " + count(f.manifestCount) : "")),
          el("td", "number", count((f.linesRejected || 0) + (f.rowsRejected || 0))));
      row.dataset.type = name;
      return row;
    });
    return el("table", "types",
        el("thead", null, el("tr", null, el("th", null, "type"), el("th", null, "chunks loaded"), el("th"),
            el("th", null, "files"), el("th", null, "rows"), el("th", null, "rejected"))),
        el("tbody", null, ...rows));
  }

  function exportCard(view) {
    const card = el("article", "export status-" + String(view.status).toLowerCase());
    card.dataset.exportId = view.exportId;
    card.append(el("h3", null, el("span", "status", view.status), " ", el("code", "id", view.exportId)));
    card.append(el("p", "request", requestLine(view)));
    card.append(el("p", "timings muted", timings(view)));

    const progress = view.progress;
    if (progress) {
      const figures = Object.values(progress.types || {});
      const loaded = figures.reduce((s, f) => s + (f.chunksLoaded || 0), 0);
      const expected = figures.reduce((s, f) => s + (f.chunksExpected || 0), 0);
      const rows = figures.reduce((s, f) => s + (f.rowsLoaded || 0), 0);
      card.append(el("p", "overall", bar(loaded, expected), " " + count(loaded) + "/" + count(expected)
          + " chunks, " + count(rows) + " rows loaded" + (progress.detail ? " — " + progress.detail : "")));
      if (figures.length) {
        const table = el("details", "per-type", el("summary", null, figures.length + " resource type(s)"),
            typesTable(view));
        // In-flight exports show their types; finished ones only when the operator opens them.
        table.open = opened.has(view.exportId) ? opened.get(view.exportId) : !FINAL.has(view.status);
        table.addEventListener("toggle", () => opened.set(view.exportId, table.open));
        card.append(table);
      }
    }
    const failed = failures(view);
    if (failed.length) {
      card.append(el("ul", "problem failures", ...failed));
    }
    const notes = [];
    for (const m of (progress && progress.mismatches) || []) {
      notes.push("mismatch: " + m);
    }
    if (progress && progress.ignoredEvents > 0) {
      notes.push(count(progress.ignoredEvents) + " event(s) ignored (they did not match this export)");
    }
    if (view.deletes) {
      notes.push("deletes: " + view.deletes);
    }
    if (notes.length) {
      card.append(el("ul", "notes", ...notes.map((l) => el("li", null, l))));
    }
    return card;
  }

  async function exportViews(page) {
    const items = (page && Array.isArray(page.items)) ? page.items : [];
    const views = await Promise.all(items.map(async (item) => {
      const known = details.get(item.exportId);
      if (known && FINAL.has(item.status) && known.updatedAt === item.updatedAt) {
        return known.view;
      }
      const answer = await call("GET", exportPath(item.exportId));
      if (!answer.ok || !answer.body) {
        // Listed but not readable (removed meanwhile): show what the list says.
        return {exportId: item.exportId, status: item.status, job: item.job, server: item.server,
          timings: {createdAt: item.createdAt, updatedAt: item.updatedAt}};
      }
      details.set(item.exportId, {updatedAt: item.updatedAt, view: answer.body});
      return answer.body;
    }));
    const shown = new Set(items.map((i) => i.exportId));
    for (const id of details.keys()) {
      if (!shown.has(id)) {
        details.delete(id);
      }
    }
    return {views, total: page ? page.total : 0};
  }

  function renderExports(result) {
    const list = $("exports-list");
    if (!result.views.length) {
      list.replaceChildren(el("p", "muted", "no exports yet"));
      return;
    }
    list.replaceChildren(...result.views.map(exportCard));
    if (result.total > result.views.length) {
      list.append(el("p", "muted", "the newest " + result.views.length + " of " + count(result.total) + " exports"));
    }
  }

  // --- Refreshing ---

  async function refresh() {
    const deadLetters = call("GET", "dead-letters").catch(() => null);
    try {
      const [page, jobs] = await Promise.all([call("GET", "exports?size=" + EXPORTS_SHOWN), call("GET", "jobs")]);
      if (!page.ok || !jobs.ok) {
        throw new Error("GET " + (page.ok ? "/jobs" : "/exports") + " answered HTTP " + (page.ok ? jobs : page).status);
      }
      renderExports(await exportViews(page.body));
      renderJobs(Array.isArray(jobs.body) ? jobs.body : []);
      $("unreachable").hidden = true;
      $("refreshed").textContent = "updated " + instant(new Date().toISOString()) + ", every "
          + REFRESH_MS / 1000 + " s";
    } catch (e) {
      $("unreachable").textContent = "cannot read the trigger's status: " + e.message;
      $("unreachable").hidden = false;
    }
    renderDeadLetters(await deadLetters);
  }

  let timer;
  let busy = false;
  let again = false;

  /** Refreshes now (or right after the refresh under way, which may have read too early), then every REFRESH_MS. */
  async function tick() {
    clearTimeout(timer);
    if (busy) {
      again = true;
      return;
    }
    busy = true;
    try {
      await refresh();
    } finally {
      busy = false;
      timer = setTimeout(tick, again ? 0 : REFRESH_MS);
      again = false;
    }
  }

  document.addEventListener("DOMContentLoaded", () => {
    $("export-form").addEventListener("submit", startExport);
    tick();
  });
})();
