// Issue 16: the authorization code flow as a learner lives it, in Debian's headless Chromium. The provider ticks
// "The learner signs in on this site" and gets an offer link and a sign-in code; the worker's web wallet (another
// server, another origin) reads the offer, sends the browser to the issuer's sign-in page, where a wrong code is
// refused in the worker's language and the right one sends the browser back to the wallet, which fetches the
// credential (PAR, PKCE, DPoP under the hood) and shows it. axe-core runs on the new pages; screenshots of the
// sign-in page go to the folder given.
//
// Usage: node sign_in.mjs ISSUER_URL ISSUER_ADMIN_TOKEN WALLET_URL SCREENSHOT_DIR
import { launch, showOpenPages } from "./harness.mjs";
import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";

const [issuer, adminToken, walletBase, shots] = process.argv.slice(2);
if (!issuer || !adminToken || !walletBase || !shots) {
  console.error("usage: node sign_in.mjs ISSUER_URL ISSUER_ADMIN_TOKEN WALLET_URL SCREENSHOT_DIR");
  process.exit(2);
}
fs.mkdirSync(shots, { recursive: true });
const axeSource = fs.readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");
const PYTHON = "http://data.europa.eu/esco/skill/ccd0a1d9-afda-43d9-b901-96344886e14d";

let failures = 0;
function check(condition, what) {
  console.log(`${condition ? "ok" : "not ok"} - ${what}`);
  if (!condition) failures += 1;
}
function must(condition, what) {
  check(condition, what);
  if (!condition) throw new Error(`stopping: ${what}`);
}

const browser = await launch();

async function audit(page, name) {
  await page.evaluate(axeSource);
  const result = await page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const r = await axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] } });
    return r.violations.filter((v) => v.impact === "serious" || v.impact === "critical").map((v) => v.id);
  });
  check(result.length === 0, `axe-core: no serious or critical violation on ${name}${result.length ? ": " + result.join(", ") : ""}`);
}

async function shoot(page, name) {
  await page.screenshot({ path: path.join(shots, `${name}-desktop.png`) });
  const desktop = page.viewportSize();
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: path.join(shots, `${name}-phone.png`) });
  await page.setViewportSize(desktop);
}

async function person(lang) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: lang, extraHTTPHeaders: { "Accept-Language": lang } });
  const page = await context.newPage();
  page.setDefaultTimeout(30000);
  return page;
}

const text = async (page) => (await page.textContent("main")) || "";

try {
  // ---------- The provider makes an offer the learner signs in for ----------
  let page = await person("en-GB");
  await page.goto(`${issuer}/provider`);
  await page.fill("#admin_token", adminToken);
  await page.click("button[type=submit]");
  await page.click("text=New offer");
  await page.fill("#provider_name", "Example Academy");
  await page.fill("#name", "Data analysis with Python");
  await page.fill("#description", "Cleaning, exploring and visualising data sets with Python and pandas.");
  await page.fill("#skill_search", "Python (computer programming)");
  await page.click("button[value=add_skill]");
  check((await page.inputValue("input[name=skill]")) === PYTHON, "the ESCO skill is chosen");
  await page.check("#flow");
  await page.click("button[value=create]");
  must((await text(page)).includes("The offer is ready"), "the offer is created");
  const offerLink = await page.inputValue("#offer-link");
  const signInCode = (await page.textContent("#sign-in-code")).trim();
  check(/^[0-9]{8}$/.test(signInCode), "the offer page shows an 8-digit sign-in code for the learner");
  check((await page.locator("#tx-code").count()) === 0, "and no transaction code");
  await audit(page, "provider-offer-sign-in");
  await shoot(page, "provider-offer-sign-in");

  // ---------- The worker accepts it in the web wallet and signs in at the issuer ----------
  page = await person("nl-NL,nl;q=0.9,en;q=0.5");
  await page.goto(`${walletBase}/app/sign-up`);
  await page.fill("#account", "sanne");
  await page.fill("#passphrase", "Sanne leert elke dag iets nieuws");
  await page.fill("#repeat", "Sanne leert elke dag iets nieuws");
  await page.click("button[type=submit]");
  must(new URL(page.url()).pathname === "/app", "the worker has a wallet");
  await page.goto(`${walletBase}/app/receive`);
  await page.fill("#offer", offerLink);
  await page.click("button[type=submit]");
  must((await text(page)).includes("Er wordt je een credential aangeboden"), "the wallet reads the offer");
  check((await text(page)).includes("De uitgever vraagt je in te loggen op zijn website"), "the offer page says the issuer will ask to sign in");
  check((await page.locator("#tx_code").count()) === 0, "no transaction code is asked for");
  await page.click("button[type=submit]");
  must(page.url().startsWith(`${issuer}/authorize?`), "accepting sends the browser to the issuer's sign-in page");
  check((await page.getAttribute("html", "lang")) === "nl", "the issuer's sign-in page is in the worker's language");
  check((await text(page)).includes("Data analysis with Python"), "the sign-in page says what is asked for");
  await audit(page, "learner-sign-in");
  await shoot(page, "learner-sign-in");
  await page.fill("#code", signInCode === "00000000" ? "11111111" : "00000000");
  await page.click("button[type=submit]");
  check((await text(page)).includes("Die code klopt niet. Je kunt het nog 2 keer proberen."), "a wrong sign-in code is refused, with the tries left");
  await audit(page, "learner-sign-in-wrong");
  await shoot(page, "learner-sign-in-wrong");
  await page.fill("#code", signInCode);
  await page.click("button[type=submit]");
  await page.waitForURL(/\/app\/credentials\//);
  must(page.url().startsWith(`${walletBase}/app/credentials/`), "the right code sends the browser back to the wallet, which shows the new credential");
  check((await text(page)).includes("De handtekening, de sleutel van de uitgever"), "the credential verified");
  await page.goto(`${walletBase}/app`);
  check((await text(page)).includes("Python (computer programming)"), "the passport shows the skill");

  // ---------- A second use of the same sign-in is refused ----------
  await page.goBack();
  const again = await page.goto(`${walletBase}/app/receive/finish?state=used&code=x`);
  check(again.status() === 400 && (await text(page)).includes("Deze inlogpoging is onbekend"), "an unknown or used sign-in is refused with a clear message");
} catch (error) {
  failures += 1;
  console.log(`not ok - ${error.message}`);
  await showOpenPages(browser);
} finally {
  await browser.close();
}
console.log(failures === 0 ? "# all passed" : `# ${failures} failed`);
process.exit(failures === 0 ? 0 : 1);
