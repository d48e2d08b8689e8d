// The console: a client of dpsd's public API and nothing else. Views are chosen by the URL's hash
// (#/call-offs/12), so every page has an address and the back button works, and dpsd serves one
// static file set. The session token is kept in sessionStorage and sent as a bearer header, never
// in a cookie: a request another site makes the browser send carries no credentials, so there is
// no cross-site request forgery to defend against; sign-out revokes it and clears it.
import { initAll } from "/app/govuk-frontend.min.js";

const view = document.getElementById("view");
const TOKEN_KEY = "dps.session";

// ---- the API

class ApiError extends Error {
  constructor(status, code, message, field) {
    super(message);
    this.status = status;
    this.code = code;
    this.field = field;
  }
}

async function api(method, path, body, accept = "application/json", extra = {}) {
  const headers = { Accept: accept, ...extra };
  const token = sessionStorage.getItem(TOKEN_KEY);
  if (token) headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  if (response.status === 401 && path !== "/v1/sessions") {
    sessionStorage.removeItem(TOKEN_KEY);
    location.hash = "#/sign-in";
    throw new ApiError(401, "unauthenticated", "Your session has ended: sign in again.");
  }
  if (!response.ok) {
    let code = "error", message = `The service answered ${response.status}.`;
    try {
      const e = (await response.json()).error;
      code = e.code;
      message = e.message;
    } catch (_) { /* not the JSON envelope */ }
    // "field: why" names the field at fault (the API's convention for invalid_field and friends).
    const named = /^([a-z_][a-z0-9_.]*): /.exec(message);
    throw new ApiError(response.status, code, message, named ? named[1] : undefined);
  }
  if (accept !== "application/json") return response.blob();
  return response.status === 204 ? null : response.json();
}

// ---- rendering helpers: every value goes in as text, never as HTML

function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    node.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children.flat()) node.append(child instanceof Node ? child : document.createTextNode(String(child ?? "")));
  return node;
}

function show(title, ...content) {
  document.title = `${title} – DPS platform`;
  view.replaceChildren(el("h1", { class: "govuk-heading-l" }, title), ...content);
  initAll({ scope: view });
}

function pounds(pence) {
  if (pence === null || pence === undefined) return "";
  return (pence / 100).toLocaleString("en-GB", { style: "currency", currency: "GBP" });
}

function errorSummary(errors) {
  // errors: [{text, href}] as the GOV.UK error summary wants them
  const summary = el("div", { class: "govuk-error-summary", "data-module": "govuk-error-summary" },
    el("div", { role: "alert" },
      el("h2", { class: "govuk-error-summary__title" }, "There is a problem"),
      el("div", { class: "govuk-error-summary__body" },
        el("ul", { class: "govuk-list govuk-error-summary__list" },
          errors.map((e) => el("li", {}, e.href ? el("a", { href: e.href }, e.text) : e.text))))));
  return summary;
}

function table(caption, columns, rows) {
  return el("div", { class: "app-table-wrapper" },
    el("table", { class: "govuk-table" },
      el("caption", { class: "govuk-table__caption govuk-table__caption--m" }, caption),
      el("thead", { class: "govuk-table__head" },
        el("tr", { class: "govuk-table__row" }, columns.map((c) => el("th", { scope: "col", class: "govuk-table__header" }, c)))),
      el("tbody", { class: "govuk-table__body" },
        rows.map((cells) => el("tr", { class: "govuk-table__row" },
          cells.map((c) => el("td", { class: "govuk-table__cell" }, c)))))));
}

function summaryList(pairs) {
  return el("dl", { class: "govuk-summary-list" },
    pairs.map(([key, value]) => el("div", { class: "govuk-summary-list__row" },
      el("dt", { class: "govuk-summary-list__key" }, key),
      el("dd", { class: "govuk-summary-list__value" }, value))));
}

function failed(title, error) {
  show(title, errorSummary([{ text: error.message }]));
}

// ---- views

async function signIn() {
  document.getElementById("navigation-area").hidden = true;
  const email = el("input", { class: "govuk-input", id: "email", name: "email", type: "email", autocomplete: "username", spellcheck: "false" });
  const password = el("input", { class: "govuk-input", id: "password", name: "password", type: "password", autocomplete: "current-password" });
  const problems = el("div");
  const form = el("form", { novalidate: true },
    el("div", { class: "govuk-form-group" }, el("label", { class: "govuk-label", for: "email" }, "Email address"), email),
    el("div", { class: "govuk-form-group" }, el("label", { class: "govuk-label", for: "password" }, "Password"), password),
    el("button", { type: "submit", class: "govuk-button", "data-module": "govuk-button" }, "Sign in"));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const missing = [];
    if (!email.value.trim()) missing.push({ text: "Enter your email address", href: "#email" });
    if (!password.value) missing.push({ text: "Enter your password", href: "#password" });
    if (missing.length) {
      problems.replaceChildren(errorSummary(missing));
      problems.querySelector(".govuk-error-summary")?.focus();
      return;
    }
    try {
      const session = await api("POST", "/v1/sessions", { email: email.value.trim(), password: password.value });
      sessionStorage.setItem(TOKEN_KEY, session.token);
      location.hash = "#/";
    } catch (e) {
      problems.replaceChildren(errorSummary([{ text: e.status === 401 ? "The email address or password is not right" : e.message, href: "#email" }]));
    }
  });
  show("Sign in", problems, form);
}

async function home() {
  const me = await api("GET", "/v1/me");
  const who = me.tenant ? me.tenant.name : me.provider_organisation ? me.provider_organisation.name : "the platform's operators";
  show(`Signed in to ${who}`,
    summaryList([["Name", me.user.display_name], ["Email", me.user.email], ["Roles", (me.user.roles || []).map((r) => r.role + (r.authority ? ` (${r.authority})` : "")).join(", ")]]),
    el("p", { class: "govuk-body" }, el("a", { class: "govuk-link", href: "#/call-offs" }, "Call-offs you can see")));
}

// One page of the API's keyset pages (limit 100): "Next page" follows next_after, "First page" goes back.
async function callOffs(query) {
  const after = /^[1-9][0-9]{0,17}$/.test(query.get("after") || "") ? query.get("after") : "";
  const list = await api("GET", "/v1/call-offs" + (after ? `?after=${after}` : ""));
  if (!list.items.length && !after) return show("Call-offs", el("p", { class: "govuk-body" }, "There are no call-offs you can see yet."));
  const links = [];
  if (after) links.push(el("div", { class: "govuk-pagination__prev" },
    el("a", { class: "govuk-link govuk-pagination__link", href: "#/call-offs", rel: "prev" },
      el("span", { class: "govuk-pagination__link-title" }, "First page"))));
  if (list.next_after) links.push(el("div", { class: "govuk-pagination__next" },
    el("a", { class: "govuk-link govuk-pagination__link", href: `#/call-offs?after=${list.next_after}`, rel: "next" },
      el("span", { class: "govuk-pagination__link-title" }, "Next page"))));
  show("Call-offs", table(`${list.items.length} call-off${list.items.length === 1 ? "" : "s"}${list.next_after || after ? " on this page" : ""}`,
    ["Title", "Lot", "Status", "Bid deadline"],
    list.items.map((c) => [el("a", { class: "govuk-link", href: `#/call-offs/${c.id}` }, c.title), c.lot_code,
      el("strong", { class: "govuk-tag" }, c.status), el("span", { class: "app-nowrap" }, c.bid_deadline)])),
    links.length ? el("nav", { class: "govuk-pagination", "aria-label": "Pages of call-offs" }, ...links) : "");
}

// "24.50" -> 2450; anything else (a third decimal, a sign, letters) -> null. Money is whole pence.
function pence(text) {
  const m = /^\s*£?(\d{1,6})(?:\.(\d{1,2}))?\s*$/.exec(text);
  return m ? Number(m[1]) * 100 + Number((m[2] || "0").padEnd(2, "0")) : null;
}

function field(id, label, hint, input) {
  return el("div", { class: "govuk-form-group", id: `${id}-group` },
    el("label", { class: "govuk-label", for: id }, label),
    hint ? el("div", { class: "govuk-hint", id: `${id}-hint` }, hint) : "",
    input);
}

// A provider's bid on an open call-off, priced by the hour. Field ids are the API's field names,
// so an error the API names ("hourly_rate_pence: …") links straight to its input.
function bidForm(c) {
  const rate = el("input", { class: "govuk-input govuk-input--width-5", id: "hourly_rate_pence", inputmode: "decimal",
                             "aria-describedby": "hourly_rate_pence-hint" });
  const hours = el("input", { class: "govuk-input govuk-input--width-3", id: "hours_per_week", inputmode: "numeric",
                              value: (c.package || {}).hours_per_week ?? "" });
  const start = el("input", { class: "govuk-input govuk-input--width-10", id: "earliest_start", type: "date", value: c.starts_on || "" });
  const notes = el("textarea", { class: "govuk-textarea", id: "notes", rows: 3 });
  const problems = el("div");
  const form = el("form", { novalidate: true },
    el("h2", { class: "govuk-heading-m" }, "Your bid"),
    field("hourly_rate_pence", "Hourly rate", "In pounds and pence, for example 24.50", el("div", { class: "govuk-input__wrapper" },
      el("div", { class: "govuk-input__prefix", "aria-hidden": "true" }, "£"), rate)),
    field("hours_per_week", "Hours a week", "", hours),
    field("earliest_start", "Earliest start", "", start),
    field("notes", "Notes for the council (optional)", "", notes),
    el("button", { type: "submit", class: "govuk-button", "data-module": "govuk-button" }, "Submit bid"));
  // One key per bid the user means to make: a retry after a lost answer replays it, never doubles it.
  let key = crypto.randomUUID();
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const rate_pence = pence(rate.value);
    const hours_value = /^\d{1,3}$/.test(hours.value.trim()) ? Number(hours.value) : null;
    const missing = [];
    if (rate_pence === null) missing.push({ text: "Enter the hourly rate in pounds and pence, for example 24.50", href: "#hourly_rate_pence" });
    if (hours_value === null) missing.push({ text: "Enter the hours a week as a whole number", href: "#hours_per_week" });
    if (!start.value) missing.push({ text: "Enter the earliest start date", href: "#earliest_start" });
    if (missing.length) return problems.replaceChildren(errorSummary(missing));
    try {
      const bid = await api("POST", `/v1/call-offs/${c.id}/bids`,
        { hourly_rate_pence: rate_pence, hours_per_week: hours_value, earliest_start: start.value, notes: notes.value || null },
        "application/json", { "Idempotency-Key": key });
      form.replaceWith(el("div", { class: "govuk-panel govuk-panel--confirmation" },
        el("h2", { class: "govuk-panel__title" }, "Bid submitted"),
        el("div", { class: "govuk-panel__body" }, `Reference ${bid.id}: ${pounds(bid.total_pence)} in all`)));
      problems.replaceChildren();
    } catch (e) {
      // A refusal changed nothing, so the next try is a new bid; after a 5xx the outcome may be
      // unknown, and the same key asks again safely.
      if (e.status < 500) key = crypto.randomUUID();
      problems.replaceChildren(errorSummary([{ text: e.message, href: e.field ? `#${e.field.split(".")[0]}` : undefined }]));
    }
  });
  return [problems, form];
}

async function callOff(id) {
  const [c, me] = await Promise.all([api("GET", `/v1/call-offs/${encodeURIComponent(id)}`), api("GET", "/v1/me")]);
  const p = c.package || {};
  const bidding = me.provider_organisation && c.status === "open";
  show(c.title,
    summaryList([["Status", c.status], ["Lot", c.lot_code], ["Bid deadline", c.bid_deadline], ["Starts on", c.starts_on],
      ["Weeks", c.duration_weeks], ["Hours a week", p.hours_per_week ?? ""], ["Area", p.area ?? ""],
      ["Bids received", c.bids_received ?? "sealed until the deadline"]]),
    ...(bidding ? bidForm(c) : []),
    el("p", { class: "govuk-body" }, el("a", { class: "govuk-link", href: "#/call-offs" }, "Back to call-offs")));
}

function financialYearNow() {
  const today = new Date();
  return today.getMonth() >= 3 ? today.getFullYear() : today.getFullYear() - 1; // April to March
}

async function dpsVsSpot(query) {
  const year = Number(query.get("financial_year") || financialYearNow());
  const r = await api("GET", `/v1/reports/dps-vs-spot?financial_year=${year}`);
  const choose = el("form", { method: "get", action: "#/reports/dps-vs-spot", class: "govuk-!-margin-bottom-6" },
    el("div", { class: "govuk-form-group" },
      el("label", { class: "govuk-label", for: "financial-year" }, "Financial year (April to March)"),
      el("select", { class: "govuk-select", id: "financial-year", name: "financial_year" },
        [0, 1, 2, 3].map((back) => el("option", { value: financialYearNow() - back, selected: financialYearNow() - back === year },
          `${financialYearNow() - back} to ${financialYearNow() - back + 1}`)))),
    el("button", { type: "submit", class: "govuk-button govuk-button--secondary", "data-module": "govuk-button" }, "Show year"));
  choose.addEventListener("submit", (event) => {
    event.preventDefault();
    location.hash = `#/reports/dps-vs-spot?financial_year=${choose.elements.financial_year.value}`;
  });
  const download = el("button", { type: "button", class: "govuk-button", "data-module": "govuk-button" }, "Download as CSV");
  download.addEventListener("click", async () => {
    const blob = await api("GET", `/v1/reports/dps-vs-spot?financial_year=${year}`, undefined, "text/csv");
    const link = el("a", { href: URL.createObjectURL(blob), download: `dps-vs-spot-${year}.csv` });
    link.click();
    URL.revokeObjectURL(link.href);
  });
  const rows = [r.total, ...r.by_lot].map((o) => [o.key, o.published, o.awarded_through_dps, o.closed_unfilled_spot_purchase,
    o.placed_through_dps_percent === null ? "" : `${o.placed_through_dps_percent}%`, pounds(o.awarded_value_pence), pounds(o.spot_value_pence)]);
  show("Packages placed through the DPS against spot purchase", choose,
    table(`${r.from} to ${r.to}, by lot`, ["Lot", "Published", "Through the DPS", "Spot purchase", "Pick-up rate", "DPS value", "Spot value"], rows),
    download);
}

async function signOut() {
  try { await api("DELETE", "/v1/sessions/current"); } catch (_) { /* already ended */ }
  sessionStorage.removeItem(TOKEN_KEY);
  location.hash = "#/sign-in";
}

// ---- routing

async function route() {
  const [path, search] = (location.hash.slice(1) || "/").split("?");
  const query = new URLSearchParams(search || "");
  if (path === "/sign-out") return signOut();
  if (!sessionStorage.getItem(TOKEN_KEY) || path === "/sign-in") return signIn();
  document.getElementById("navigation-area").hidden = false;
  const parts = path.split("/").filter(Boolean);
  try {
    if (parts.length === 0) return await home();
    if (parts[0] === "call-offs" && parts.length === 1) return await callOffs(query);
    if (parts[0] === "call-offs" && parts.length === 2) return await callOff(parts[1]);
    if (parts[0] === "reports" && parts[1] === "dps-vs-spot") return await dpsVsSpot(query);
    show("Page not found", el("p", { class: "govuk-body" }, "There is no such page. ", el("a", { class: "govuk-link", href: "#/" }, "Go to the start")));
  } catch (e) {
    if (e.status !== 401) failed("Something went wrong", e);
  }
}

window.addEventListener("hashchange", route);
// GOV.UK Frontend's components start only on a body marked as supported; the template does this
// with an inline script, which this console's Content-Security-Policy forbids, so it is done here.
document.body.classList.add("govuk-frontend-supported");
initAll();
route();
