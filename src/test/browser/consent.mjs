// Drives the authorization server's consent page in headless Chromium (the Debian chromium package) the way a
// person would: open the authorization URL, sign in, click Approve or Deny, and follow the redirect.
// usage: node consent.mjs '<json>' with {url, decision: "approve"|"deny", username, password, screenshot, callbackPrefix}
// Prints one JSON line: what the page showed, and where the browser ended up.
import { chromium } from "playwright-core";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const args = JSON.parse(process.argv[2]);
const out = {};
const profile = mkdtempSync(join(tmpdir(), "mcp-auth-chromium-"));
let context;
try {
  // A fresh profile each run (playwright passes it to Chromium as --user-data-dir).
  context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    headless: true,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
           "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    timeout: 60000,
  });
  const page = await context.newPage();
  const consent = await page.goto(args.url, { waitUntil: "load", timeout: 30000 });
  out.consentStatus = consent.status();
  out.consentTitle = await page.title();
  out.scopes = await page.locator("ul.scopes li code").allTextContents();
  out.clientShown = (await page.locator(".who strong").textContent())?.trim();
  if (args.screenshot) {
    await page.screenshot({ path: args.screenshot, fullPage: true });
  }
  await page.fill("#username", args.username ?? "");
  await page.fill("#password", args.password ?? "");
  const leaving = args.decision === "deny" || args.expectRedirect !== false;
  const navigation = leaving
    ? page.waitForURL((u) => u.toString().startsWith(args.callbackPrefix), { timeout: 30000, waitUntil: "load" })
    : page.waitForLoadState("load");
  await page.click(`button[name=decision][value=${args.decision}]`);
  await navigation;
  if (!leaving) {
    await page.waitForSelector("p.error:not(:empty)", { timeout: 30000 });
    out.errorText = (await page.locator("p.error").textContent())?.trim();
  }
  out.finalUrl = page.url();
  out.finalBody = (await page.locator("body").textContent())?.trim().slice(0, 200);
} catch (e) {
  out.error = { name: e?.constructor?.name, message: String(e?.message ?? e).split("\n")[0] };
} finally {
  await context?.close();
  rmSync(profile, { recursive: true, force: true });
}
console.log(JSON.stringify(out));
process.exit(0);
