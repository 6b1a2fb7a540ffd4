// End to end: the settings page in headless Chromium against a real sender and a local
// receiver. Create a webhook (secret shown once), press Test, see the result; the receiver
// checks the signature with the secret the page showed. Writes artifacts/settings.png.
//
//   CSTAR_BIN=path/to/cstar-webhooks node settings.e2e.mjs
import { spawn } from "node:child_process";
import { createHmac } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import http from "node:http";
import { tmpdir } from "node:os";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const here = dirname(fileURLToPath(import.meta.url));
const bin = process.env.CSTAR_BIN;
if (!bin) throw new Error("set CSTAR_BIN to the cstar-webhooks binary");
const chromePath = process.env.CHROMIUM || "/usr/bin/chromium";
const KEY = "e2e-key";

function fail(msg) { console.error("FAIL:", msg); process.exitCode = 1; throw new Error(msg); }

// The receiver: answers 200 and keeps every request.
const got = [];
const receiver = http.createServer((req, res) => {
  const chunks = [];
  req.on("data", (c) => chunks.push(c));
  req.on("end", () => { got.push({ headers: req.headers, body: Buffer.concat(chunks) }); res.writeHead(200, { "content-type": "text/plain" }); res.end("thanks from the e2e receiver"); });
});
await new Promise((r) => receiver.listen(0, "127.0.0.1", r));
const rxPort = receiver.address().port;

const tmp = mkdtempSync(join(tmpdir(), "cstar-e2e-"));
const port = 20000 + Math.floor(Math.random() * 20000);
const base = `http://127.0.0.1:${port}`;
const sender = spawn(bin, ["serve", "--dev", "--db", join(tmp, "e2e.db"), "--listen", `127.0.0.1:${port}`, "--api-key", KEY, "--log", "warn"], { stdio: ["ignore", "ignore", "inherit"] });
let browser;
try {
  for (let i = 0; ; i++) {
    try { if ((await fetch(base + "/healthz")).ok) break; } catch { /* not yet */ }
    if (i > 250) fail("the sender did not start");
    await new Promise((r) => setTimeout(r, 40));
  }
  browser = await chromium.launch({ executablePath: chromePath, headless: true, args: ["--no-sandbox", "--disable-gpu"] });
  const page = await browser.newPage({ viewport: { width: 1100, height: 1400 } });
  const external = [];
  page.on("request", (r) => { if (!r.url().startsWith(base)) external.push(r.url()); });
  await page.goto(base + "/");
  await page.getByLabel(/The key printed/).fill(KEY);
  await page.getByRole("button", { name: "Use key" }).click();
  await page.getByText("Signed in.").waitFor();

  await page.getByRole("button", { name: "Create Webhook" }).click();
  await page.getByLabel("URL", { exact: true }).fill(`http://127.0.0.1:${rxPort}/cstar`);
  await page.getByRole("checkbox", { name: "ticket.created" }).check();
  await page.getByRole("checkbox", { name: "All gamification" }).check();
  if (!(await page.getByRole("checkbox", { name: "gamification.level_up" }).isChecked())) fail("family checkbox did not select its events");
  await page.getByLabel("Name").fill("E2E receiver");
  await page.getByRole("button", { name: "Save" }).click();
  await Promise.race([
    page.locator("#secret-box").waitFor({ state: "visible", timeout: 10000 }),
    page.locator("#create-msg").filter({ hasText: /./ }).waitFor({ timeout: 10000 }),
  ]);
  const createError = await page.locator("#create-msg").textContent();
  if (createError) fail("create failed: " + createError);
  const secret = (await page.locator("#secret-value").textContent()).trim();
  if (!/^whsec_[0-9A-Za-z]{32}$/.test(secret)) fail("no secret shown: " + secret);

  await page.getByRole("button", { name: "Manage E2E receiver" }).click();
  await page.getByRole("button", { name: "Test", exact: true }).click();
  const result = page.locator("#test-result");
  await result.getByText(/Delivered/).waitFor({ timeout: 10000 });
  const text = await result.textContent();
  if (!/status:200/.test(text)) fail("unexpected test result: " + text);
  mkdirSync(join(here, "artifacts"), { recursive: true });
  await page.screenshot({ path: join(here, "artifacts", "settings.png"), fullPage: true });

  // The receiver got the test event, signed with the secret the page showed.
  if (got.length !== 1) fail(`receiver got ${got.length} requests`);
  const r = got[0];
  const sig = r.headers["x-signature"];
  const t = /t=(\d+)/.exec(sig)[1];
  const expected = createHmac("sha256", secret).update(Buffer.concat([Buffer.from(t + "."), r.body])).digest("hex");
  if (!sig.includes("v1=" + expected)) fail("signature does not verify with the shown secret");
  const event = JSON.parse(r.body.toString("utf8"));
  if (!event.id.startsWith("evt_test_ticket_created_")) fail("not a test event id: " + event.id);
  if (external.length) fail("the page loaded external assets: " + external.join(", "));
  console.log(`settings page e2e: ok (webhook created, secret shown once, Test delivered ${event.id}, screenshot in e2e/artifacts/settings.png)`);
} finally {
  if (browser) await browser.close();
  sender.kill("SIGTERM");
  receiver.close();
  rmSync(tmp, { recursive: true, force: true });
}
