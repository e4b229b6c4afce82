// agora's end-to-end tests: the real binary on the demo community, driven in Debian's
// Chromium. A prospect lands, signs up, joins a public group, asks to join a closed one,
// posts a topic, replies and searches; a moderator approves, pins and locks; a member writes
// privately to another, whose request it is until accepted. Screenshots of
// the main pages and every admin page at phone and desktop widths go to e2e/screenshots/,
// each checked to be no wider than the window; axe-core checks each of them for serious or
// critical accessibility violations.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const axeSource = fs.readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
const shots = path.join(here, "screenshots");
const bin = process.env.AGORA_BIN
  || path.join(process.env.CARGO_TARGET_DIR || path.join(here, "..", "target"), "debug", "agora");
const port = 20000 + Math.floor(Math.random() * 20000);
const base = `http://127.0.0.1:${port}`;
const PASSWORD = "voltera-demo-2026";
const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 900 };

let server;
let browser;
let dataDir;

before(async () => {
  if (!fs.existsSync(bin)) {
    throw new Error(`no agora binary at ${bin}: build it (cargo build) and set AGORA_BIN or CARGO_TARGET_DIR`);
  }
  fs.mkdirSync(shots, { recursive: true });
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "agora-e2e-"));
  server = spawn(bin, ["--data-dir", dataDir, "serve", "--demo", "--listen", `127.0.0.1:${port}`], {
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, AGORA_LOG: "warn" },
  });
  let log = "";
  server.stdout.on("data", (d) => { log += d; });
  server.stderr.on("data", (d) => { log += d; });
  for (let i = 0; i < 120; i++) {
    try {
      const r = await fetch(`${base}/health`);
      if (r.ok) break;
    } catch { /* not up yet */ }
    await new Promise((r) => setTimeout(r, 250));
    if (i === 119) throw new Error(`agora did not start:\n${log}`);
  }
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
});

after(async () => {
  await browser?.close();
  server?.kill("SIGTERM");
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
});

async function newPage(viewport = DESKTOP, options = {}) {
  const context = await browser.newContext({ viewport, ...options });
  const page = await context.newPage();
  page.on("pageerror", (e) => { throw e; });
  return page;
}

/** The newest link to `path` in the mails agora wrote to its outbox for `to`. */
function mailedLink(to, path) {
  const dir = path_join(dataDir, "mail", "outbox");
  const mails = fs.readdirSync(dir)
    .filter((f) => f.endsWith(".eml"))
    .map((f) => ({ f, t: fs.statSync(path_join(dir, f)).mtimeMs }))
    .sort((a, b) => a.t - b.t)
    .map(({ f }) => fs.readFileSync(path_join(dir, f), "utf8").replace(/=\r?\n/g, "").replace(/=3D/g, "="))
    .filter((text) => text.split(/\r?\n/).some((l) => l.startsWith("To: ") && l.includes(to)));
  const last = mails.at(-1) || "";
  const match = last.match(new RegExp(`https?://[^\\s]+${path}[A-Za-z0-9_-]+`));
  return match ? match[0] : null;
}
const path_join = path.join;

async function signIn(page, login) {
  await page.goto(`${base}/signin`);
  await page.fill("#login", login);
  await page.fill("#password", PASSWORD);
  await Promise.all([page.waitForNavigation(), page.click("button[type=submit].primary")]);
}

/** Runs axe-core and returns the serious and critical violations. */
async function axe(page) {
  await page.addScriptTag({ content: axeSource });
  const result = await page.evaluate(async () => await window.axe.run(document, { resultTypes: ["violations"] }));
  return result.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(", ")}`);
}

/**
 * Saves the page at phone and desktop widths; returns what was wider than the window (the
 * page scrolls sideways), as "name at 390px: 747px".
 */
async function screenshot(name, url, login) {
  const wide = [];
  for (const [label, viewport] of [["phone", PHONE], ["desktop", DESKTOP]]) {
    const page = await newPage(viewport);
    if (login) await signIn(page, login);
    const response = await page.goto(`${base}${url}`);
    assert.ok(response.status() < 500, `${url}: ${response.status()}`);
    const [width, inner] = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
    if (width > inner) wide.push(`${name} at ${viewport.width}px: ${width}px`);
    await page.screenshot({ path: path.join(shots, `${name}-${label}.png`), fullPage: true });
    await page.context().close();
  }
  return wide;
}

const unique = `trailbrake${Date.now() % 100000}`;
const prospect = `prospect${Date.now() % 100000}`;
let topicUrl;

test("a prospect lands, signs up with one mistake fixed, and is signed in", async () => {
  const page = await newPage();
  const res = await page.goto(`${base}/`);
  assert.equal(res.status(), 200);
  const headers = res.headers();
  assert.match(headers["content-security-policy"], /script-src 'self'/);
  assert.equal(headers["x-content-type-options"], "nosniff");
  assert.ok(await page.isVisible("text=Voltera Riders"));
  assert.ok(await page.isVisible("text=Our netiquette"));
  await page.click("text=Join the community");
  assert.match(page.url(), /\/signup/);
  await page.fill("#username", prospect);
  await page.fill("#email", `${prospect}@example.com`);
  await page.fill("#password", "short");
  assert.ok(await page.isVisible("a[href='/legal/terms']"), "the terms are linked from sign-up");
  await page.check("#accept_documents");
  // A person takes a few seconds over a form; the sign-up page refuses faster submissions.
  await page.waitForTimeout(3100);
  await page.click("button[type=submit].primary");
  assert.equal(await page.inputValue("#username"), prospect, "the input is kept");
  assert.match(await page.textContent("#password-error"), /at least 10 characters/);
  await page.fill("#password", PASSWORD);
  await Promise.all([page.waitForNavigation(), page.click("button[type=submit].primary")]);
  assert.ok(await page.isVisible(`a[href="/u/${prospect}"]`), "signed in");
  assert.ok(await page.isVisible("text=Confirm your email address to post"), "asked to confirm");

  // The verification mail is in the outbox folder (no mail server here): follow its link.
  const link = mailedLink(`${prospect}@example.com`, "/verify/");
  assert.ok(link, "a verification mail was written to the outbox");
  await page.goto(link.replace(/^https?:\/\/[^/]+/, base));
  // Opening the link (as a mail scanner would) only asks; the button confirms.
  await Promise.all([page.waitForNavigation(), page.click("button:has-text('Confirm my address')")]);
  assert.ok(await page.isVisible("text=Email address confirmed"), `after ${link}: ${await page.textContent("main")}`);
  assert.ok(!(await page.isVisible("text=Confirm your email address to post")), "the banner is gone");
  await page.context().close();
});

test("the prospect joins a public group, asks to join a closed one, posts, replies and searches", async () => {
  const page = await newPage();
  await signIn(page, prospect);

  await page.goto(`${base}/g/getting-started`);
  await Promise.all([page.waitForNavigation(), page.click("button:has-text('Join group')")]);
  assert.ok(await page.isVisible("text=You are now a member"));

  await page.goto(`${base}/g/beta-testers`);
  assert.ok(await page.isVisible("text=Members only"));
  await Promise.all([page.waitForNavigation(), page.click("button:has-text('Ask to join')")]);
  assert.ok(await page.isVisible("text=Your request to join is waiting"));

  await page.goto(`${base}/g/getting-started/new`);
  await page.fill("#title", `Which tyres for gravel? ${unique}`);
  await page.fill("#body", `Looking at **${unique}** options for my Trail T5.`);
  await page.waitForSelector("#compose-preview strong", { timeout: 5000 });
  assert.equal(await page.textContent("#compose-preview strong"), unique, "live markdown preview");
  await page.fill("#tags", "tyres, gravel");
  await Promise.all([page.waitForNavigation(), page.click("button:has-text('Post topic')")]);
  topicUrl = new URL(page.url()).pathname;
  assert.match(topicUrl, /^\/t\/\d+\/which-tyres-for-gravel/);
  assert.equal(await page.textContent("h1"), `Which tyres for gravel? ${unique}`);

  await page.fill("#reply-body", "Answering myself: the 45 mm ones roll nicely.");
  await Promise.all([page.waitForNavigation(), page.click("button:has-text('Post reply')")]);
  assert.ok(await page.isVisible("text=the 45 mm ones roll nicely"));

  await page.fill("#site-search", unique);
  await Promise.all([page.waitForNavigation(), page.press("#site-search", "Enter")]);
  assert.ok(await page.isVisible(`mark:has-text("${unique}")`), "highlighted snippet");
  await page.context().close();
});

test("a member asks a question, another answers, the asker accepts it and search shows the best answer", async () => {
  const asker = await newPage();
  await signIn(asker, prospect);
  await asker.goto(`${base}/g/getting-started`);
  await Promise.all([asker.waitForNavigation(), asker.click("a:has-text('Ask a question')")]);
  assert.equal(await asker.textContent("h1"), "Ask a question in Getting Started");
  await asker.fill("#title", `Which charger for ${unique}?`);
  await asker.fill("#body", "The stock one takes 6 hours for the 750 Wh pack.");
  await Promise.all([asker.waitForNavigation(), asker.click("button:has-text('Post question')")]);
  const questionUrl = new URL(asker.url()).pathname;
  assert.ok(await asker.isVisible(".page-head .badge:has-text('Question')"));

  const helper = await newPage();
  await signIn(helper, "frida_k");
  await helper.goto(`${base}${questionUrl}`);
  assert.ok(!(await helper.isVisible("button:has-text('Accept answer')")), "only the asker accepts");
  await helper.fill("#reply-body", `The 4 A fast charger does it in ${unique} 3 hours.`);
  await Promise.all([helper.waitForNavigation(), helper.click("button:has-text('Post reply')")]);
  await helper.context().close();

  await asker.goto(`${base}${questionUrl}`);
  await Promise.all([asker.waitForNavigation(), asker.click("button:has-text('Accept answer')")]);
  assert.ok(await asker.isVisible(".page-head .badge:has-text('Solved')"));
  assert.ok(await asker.isVisible(".best-answer:has-text('4 A fast charger')"), "the best answer under the question");

  await asker.goto(`${base}/g/getting-started/questions?list=solved`);
  assert.ok(await asker.isVisible(`a:has-text("Which charger for ${unique}?")`));
  await asker.goto(`${base}/search?q=${unique}%20is%3Asolved`);
  assert.ok(await asker.isVisible(".featured:has-text('4 A fast charger')"), "the accepted answer in search");
  await asker.context().close();
});

test("a member proposes an idea and votes, staff plan it, then merge it into the original", async () => {
  const member = await newPage();
  await signIn(member, "frida_k");
  await member.goto(`${base}/g/ideas`);
  await Promise.all([member.waitForNavigation(), member.click("a:has-text('Propose an idea')")]);
  await member.fill("#title", `Export rides as GPX files ${unique}`);
  await member.fill("#body", "One file per ride, please.");
  await Promise.all([member.waitForNavigation(), member.click("button:has-text('Post idea')")]);
  const ideaUrl = new URL(member.url()).pathname;
  await Promise.all([member.waitForNavigation(), member.click("button:has-text('Vote for this idea')")]);
  assert.ok(await member.isVisible("button:has-text('Take my vote back')"));
  assert.equal((await member.textContent(".idea-box .votes strong")).trim(), "1");

  const staff = await newPage();
  await signIn(staff, "mara");
  await staff.goto(`${base}${ideaUrl}`);
  await staff.click("summary:has-text('Staff: status and merge')");
  await staff.selectOption("#idea-status", "planned");
  await staff.fill("#idea-note", "On the roadmap for spring.");
  await Promise.all([staff.waitForNavigation(), staff.click("button:has-text('Set status')")]);
  assert.ok(await staff.isVisible(".status-history:has-text('On the roadmap for spring.')"));
  await staff.goto(`${base}/g/ideas/ideas?sort=newest`);
  assert.ok(await staff.isVisible(`a:has-text("Export rides as GPX files ${unique}")`));

  await staff.goto(`${base}${ideaUrl}`);
  await staff.click("summary:has-text('Staff: status and merge')");
  await staff.fill("#idea-into", "/t/22/let-us-export-rides-as-gpx-and-sync-to-strava");
  await Promise.all([staff.waitForNavigation(), staff.click("button:has-text('Merge this duplicate')")]);
  assert.match(new URL(staff.url()).pathname, /^\/t\/22\//, "the staff land on the original");
  await staff.context().close();

  await member.goto(`${base}${ideaUrl}`);
  assert.match(new URL(member.url()).pathname, /^\/t\/22\//, "a merged idea leads to its original");
  assert.ok(await member.isVisible("button:has-text('Take my vote back')"), "the vote moved with the merge");
  await member.context().close();
});

test("a moderator approves the request, pins and locks the topic", async () => {
  const mod = await newPage();
  await signIn(mod, "mara");
  await mod.goto(`${base}/g/beta-testers`);
  await Promise.all([mod.waitForNavigation(), mod.click(`button[aria-label^="Approve"] >> nth=-1`)]);
  assert.ok(await mod.isVisible("text=Request approved"));

  await mod.goto(`${base}${topicUrl}`);
  await Promise.all([mod.waitForNavigation(), mod.click("button:has-text('Pin')")]);
  await Promise.all([mod.waitForNavigation(), mod.click("button:has-text('Lock')")]);
  assert.ok(await mod.isVisible(".page-head .badge.pinned"));
  assert.ok(await mod.isVisible(".page-head .badge.locked"));
  await mod.context().close();

  const page = await newPage();
  await signIn(page, prospect);
  await page.goto(`${base}${topicUrl}`);
  assert.ok(await page.isVisible("text=This topic is locked"));
  assert.equal(await page.$("#reply-body"), null, "no reply box on a locked topic");
  await page.goto(`${base}/g/beta-testers`);
  assert.ok(!(await page.isVisible("text=Members only")), "approved: the closed group reads");
  await page.goto(`${base}/g/getting-started`);
  assert.match(await page.textContent(".topics li:first-child"), new RegExp(unique), "pinned first");
  await page.context().close();
});

test("a secret group looks exactly like a page that never existed", async () => {
  const page = await newPage();
  await signIn(page, prospect);
  const secret = await page.goto(`${base}/g/launch-team-k2`);
  const secretText = await page.textContent("main");
  const never = await page.goto(`${base}/g/no-such-group-anywhere`);
  const neverText = await page.textContent("main");
  assert.equal(secret.status(), 404);
  assert.equal(never.status(), 404);
  assert.equal(secretText, neverText);
  await page.goto(`${base}/search?q=K2+pricing`);
  assert.ok(!(await page.content()).includes("launch-team-k2"));
  await page.context().close();
});

test("everything works with JavaScript off", async () => {
  const page = await newPage(DESKTOP, { javaScriptEnabled: false });
  await signIn(page, "frida_k");
  await page.goto(`${base}/g/getting-started`);
  await page.click(".topics li:nth-child(2) a.title");
  await page.fill("#reply-body", `No-JS reply ${unique}`);
  await Promise.all([page.waitForNavigation(), page.click("button:has-text('Post reply')")]);
  assert.ok(await page.isVisible(`text=No-JS reply ${unique}`));
  await page.context().close();
});

test("a guest reports a post as unlawful, confirms by mail, and a moderator decides the case", async () => {
  const guest = await newPage();
  await guest.goto(`${base}/g/getting-started`);
  await guest.click(".topics li:nth-child(3) a.title");
  const topic = new URL(guest.url()).pathname;
  await guest.click(".post-actions a:has-text('Report a legal problem') >> nth=0");
  assert.match(guest.url(), /\/p\/\d+\/complaint$/);
  await guest.fill("#name", "Petra Vogel");
  await guest.fill("#email", "petra@example.org");
  await guest.selectOption("#kind", "privacy");
  await guest.fill("#statement", "too short");
  await guest.click("button:has-text('File the complaint')");
  assert.ok(await guest.isVisible("#statement-error"), "the error is beside the field");
  assert.equal(await guest.inputValue("#email"), "petra@example.org", "the input is kept");
  await guest.fill("#statement", `This post publishes my home address without my consent (${unique}).`);
  await guest.check("#good_faith");
  await Promise.all([guest.waitForNavigation(), guest.click("button:has-text('File the complaint')")]);
  assert.ok(await guest.isVisible("text=We mailed you a link"));
  const link = mailedLink("petra@example.org", "/legal/complaints/confirm/");
  assert.ok(link, "a confirmation mail was written to the outbox");
  await guest.goto(link.replace(/^https?:\/\/[^/]+/, base));
  // Opening the link (as a mail scanner would) confirms nothing: the page asks.
  await Promise.all([guest.waitForNavigation(), guest.click("button:has-text('Confirm the complaint')")]);
  assert.ok(await guest.isVisible("text=Complaint confirmed"));
  await guest.context().close();

  const mod = await newPage();
  await signIn(mod, "mara");
  await mod.goto(`${base}/admin/cases`);
  // The demo's own open case (LC-DEMO-0001) is listed too: open the one just filed.
  await mod.click("table a:not(:has-text('LC-DEMO')) >> nth=0");
  assert.ok(await mod.isVisible(`text=${unique}`), "the statement is on the case page");
  assert.ok(!(await mod.content()).includes("petra@example.org"), "the complainant's address is never shown");
  await mod.fill("#reason", "The address is the shop's public address, not a home.");
  await Promise.all([mod.waitForNavigation(), mod.click("button:has-text('Not upheld')")]);
  assert.ok(await mod.isVisible(".badge:has-text('restored')"));
  await mod.goto(`${base}${topic}`);
  assert.ok(!(await mod.isVisible("text=This post was deleted")), "the post stayed up for everyone");
  await mod.context().close();
});

test("a member writes privately to another, who accepts the request and replies; the writer sees it counted unread", async () => {
  const writer = await newPage();
  await signIn(writer, "oskar_b");
  await writer.goto(`${base}/u/greta_s`);
  await Promise.all([writer.waitForNavigation(), writer.click("a:has-text('Send a message')")]);
  assert.equal(await writer.inputValue("#to"), "greta_s", "the profile's link fills in whom to");
  await writer.fill("#subject", `Saturday loop ${unique}`);
  await writer.fill("#body", "Joining the **Berlin Riders** loop on Saturday?");
  await Promise.all([writer.waitForNavigation(), writer.click("button.primary:has-text('Send')")]);
  const conversation = new URL(writer.url()).pathname;
  assert.match(conversation, /^\/messages\/\d+$/);
  assert.ok(await writer.isVisible(".people li:has-text('Greta Schmidt') .badge:has-text('not accepted')"),
    "she has not accepted yet, and he is not told more");

  const reader = await newPage();
  await signIn(reader, "greta_s");
  await reader.goto(`${base}/messages`);
  assert.ok(!(await reader.isVisible(`text=Saturday loop ${unique}`)), "a request is not in the inbox");
  await Promise.all([reader.waitForNavigation(), reader.click("a:has-text('Requests (1)')")]);
  assert.ok(await reader.isVisible("text=Joining the Berlin Riders loop"), "the opening words");
  await Promise.all([reader.waitForNavigation(), reader.click(`button[aria-label="Accept: Saturday loop ${unique}"]`)]);
  assert.equal(new URL(reader.url()).pathname, conversation);
  assert.ok(await reader.isVisible("text=Accepted: the conversation is in your messages"));
  await reader.fill("#reply-body", `Count me in, ${unique}!`);
  await Promise.all([reader.waitForNavigation(), reader.click("#reply button.primary")]);
  assert.ok(await reader.isVisible(`text=Count me in, ${unique}!`));
  await reader.context().close();

  await writer.goto(`${base}/latest`);
  assert.equal((await writer.textContent(".nav a[href='/messages'] .badge")).trim(), "1 unread", "the header counts it");
  await Promise.all([writer.waitForNavigation(), writer.click(".nav a[href='/messages']")]);
  await Promise.all([writer.waitForNavigation(), writer.click(`a:has-text("Saturday loop ${unique}")`)]);
  assert.ok(await writer.isVisible(`text=Count me in, ${unique}!`));
  assert.equal(await writer.$(".nav a[href='/messages'] .badge"), null, "read, no longer counted");
  // He likes her reply from the bar under it, as under a post; his own message has no like.
  const reply = `article.post:has-text("Count me in, ${unique}!")`;
  assert.equal(await writer.$(`article.post:has-text("Joining the") button.reaction`), null, "no liking one's own");
  await Promise.all([writer.waitForNavigation(), writer.click(`${reply} button.reaction[name="add"]`)]);
  assert.equal(new URL(writer.url()).pathname, conversation, "back to the conversation");
  assert.equal((await writer.textContent(`${reply} button.reaction[aria-pressed="true"] .count`)).trim(), "1");
  assert.ok(await writer.isVisible(`${reply} a:has-text("Report")`), "her message can be reported");
  await writer.context().close();
});

const mainPages = [
  ["landing", "/", null],
  ["latest", "/latest", null],
  ["latest-top", "/latest?sort=top&period=all", null],
  ["tags", "/tags", null],
  ["tag", "/tags/firmware", null],
  ["api-guide", "/api", null],
  ["groups", "/groups", null],
  ["group-settings", "/g/getting-started/settings", "mara"],
  ["group", "/g/getting-started", null],
  ["group-unanswered", "/g/getting-started?sort=unanswered", null],
  ["topic", "/t/1/x", null],
  // The welcome topic carries the demo's reactions: their buttons as a member sees them.
  ["topic-reactions", "/t/1/x", "frida_k"],
  ["who-reacted", "/items/post/1/reactions", null],
  ["bookmarks", "/bookmarks", "frida_k"],
  ["bookmark", "/items/post/1/bookmark", "frida_k"],
  ["questions", "/g/getting-started/questions?list=solved", null],
  ["question", "/t/16/x", "oskar_b"],
  ["search-solved", "/search?q=firmware%20is%3Asolved", null],
  ["ideas", "/g/ideas/ideas", null],
  ["idea", "/t/23/x", "mara"],
  ["changelog", "/g/ideas/changelog", null],
  ["profile", "/u/frida_k", null],
  ["search", "/search?q=battery", null],
  ["signin", "/signin", null],
  ["signup", "/signup", null],
  ["compose", "/g/getting-started/new", "frida_k"],
  // Every admin page, signed in as the site's admin.
  ["admin", "/admin", "mara"],
  ["admin-members", "/admin/members", "mara"],
  ["admin-groups", "/admin/groups", "mara"],
  ["admin-queue", "/admin/queue", "mara"],
  ["admin-cases", "/admin/cases", "mara"],
  ["admin-case", "/admin/cases/1", "mara"],
  ["admin-trust", "/admin/trust", "mara"],
  ["admin-documents", "/admin/documents", "mara"],
  ["admin-bulletins", "/admin/bulletins", "mara"],
  ["admin-outbox", "/admin/outbox", "mara"],
  ["admin-audit", "/admin/audit", "mara"],
  ["my-trust", "/settings/trust", "frida_k"],
  ["avatar", "/settings/avatar", "frida_k"],
  ["mail-preferences", "/settings/email-preferences", "frida_k"],
  ["flag-member", "/u/mara/flag", "frida_k"],
  ["complaint", "/p/1/complaint", null],
  // Private messages: frida_k has an unread conversation and a request waiting.
  ["messages", "/messages", "frida_k"],
  ["message-requests", "/messages/requests", "frida_k"],
  ["message-request", "/messages/3", "frida_k"],
  ["conversation", "/messages/2", "ola_nilsen"],
  ["new-message", "/messages/new?to=dan_commutes", "frida_k"],
  ["blocks", "/settings/blocks", "frida_k"],
  ["not-found", "/g/launch-team-k2", null],
];

test("the main pages have no serious or critical accessibility violations", async () => {
  const failures = [];
  for (const [name, url, login] of mainPages) {
    for (const viewport of [PHONE, DESKTOP]) {
      // axe-core is injected as a script, which the site's own CSP rightly refuses.
      const page = await newPage(viewport, { bypassCSP: true });
      if (login) await signIn(page, login);
      await page.goto(`${base}${url}`);
      const found = await axe(page);
      if (found.length) failures.push(`${name} at ${viewport.width}px: ${found.join("; ")}`);
      const h1 = await page.$$("h1");
      if (h1.length !== 1) failures.push(`${name}: ${h1.length} h1 elements`);
      assert.equal(await page.getAttribute("html", "lang"), "en");
      await page.context().close();
    }
  }
  assert.deepEqual(failures, []);
});

test("screenshots of the main pages at phone and desktop widths, none wider than the window", async () => {
  const wide = [];
  for (const [name, url, login] of mainPages) {
    wide.push(...await screenshot(name, url, login));
  }
  const files = fs.readdirSync(shots).filter((f) => f.endsWith(".png"));
  assert.ok(files.length >= mainPages.length * 2, `${files.length} screenshots`);
  assert.deepEqual(wide, [], "pages that scroll sideways");
});
