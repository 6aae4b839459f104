// The three stories of DESIGN.md section 1, clicked through in Debian's headless Chromium against a real
// `skillspass serve` on 127.0.0.1 (started by tests/browser.rs, which passes its URL and admin token):
// the provider creates an offer; the worker signs up, accepts it with the code, sees the skill; the employer makes
// a profile-based request; the worker consents (by keyboard only) to exactly the requested skill; the employer
// sees it verified with the coverage; the provider revokes; a new request fails and the employer's page says why.
// On the way: Dutch and English pages, axe-core on every page (no serious or critical violation), and the bad
// inputs: a wrong transaction code, a declined request, an ended session, a form without its CSRF token, another
// account's credential id. Screenshots of the main pages at 1280x800 and 390x844 go to the folder given.
//
// Usage: node story.mjs BASE_URL ADMIN_TOKEN SCREENSHOT_DIR
import { launch, showOpenPages } from "./harness.mjs";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { createRequire } from "node:module";

const [base, adminToken, shots] = process.argv.slice(2);
if (!base || !adminToken || !shots) {
  console.error("usage: node story.mjs BASE_URL ADMIN_TOKEN SCREENSHOT_DIR");
  process.exit(2);
}
fs.mkdirSync(shots, { recursive: true });
// Pictures of QR codes to upload, as a phone would photograph them: kept out of the screenshot folder.
const pictures = fs.mkdtempSync(path.join(os.tmpdir(), "skillspass-qr-"));
const axeSource = fs.readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

const PYTHON = "http://data.europa.eu/esco/skill/ccd0a1d9-afda-43d9-b901-96344886e14d";
const COLLABORATE = "http://data.europa.eu/esco/skill/326809fc-238d-40c2-881e-40042f7f2f0d";
const PROFILE = `title = "Junior data analyst"
employer = "Example Employer BV"

[[essential]]
skill = "${PYTHON}"
label = "Python (computer programming)"

[[optional]]
skill = "${COLLABORATE}"
label = "establish collaborative relations"
`;

let failures = 0;
function check(condition, what) {
  if (condition) {
    console.log(`ok - ${what}`);
  } else {
    failures += 1;
    console.log(`not ok - ${what}`);
  }
}
function must(condition, what) {
  check(condition, what);
  if (!condition) throw new Error(`stopping: ${what}`);
}

const browser = await launch();

const audited = new Set();
const violations = [];
/** axe-core on the page as it is (once per page kind and language), serious and critical violations collected. */
async function audit(page, name) {
  const lang = await page.getAttribute("html", "lang");
  const key = `${name}:${lang}`;
  if (audited.has(key)) return;
  audited.add(key);
  await page.evaluate(axeSource);
  const result = await page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const r = await axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] } });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => n.target.join(" ")).slice(0, 3) }));
  });
  const bad = result.filter((v) => v.impact === "serious" || v.impact === "critical");
  for (const v of bad) violations.push(`${key}: ${v.id} (${v.impact}) ${v.help} at ${v.nodes.join(", ")}`);
  check(bad.length === 0, `axe-core: no serious or critical violation on ${key}${bad.length ? ": " + bad.map((v) => v.id).join(", ") : ""}`);
}

/** Screenshots of the page at desktop and phone size. */
async function shoot(page, name) {
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: path.join(shots, `${name}-desktop.png`), fullPage: false });
  const desktop = page.viewportSize();
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: path.join(shots, `${name}-phone.png`), fullPage: false });
  await page.setViewportSize(desktop);
}

async function person(lang) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: lang, extraHTTPHeaders: { "Accept-Language": lang } });
  const page = await context.newPage();
  page.setDefaultTimeout(30000);
  return { context, page };
}

/** The employer asks by the vacancy profile, from the console's request form. */
async function askByProfile(page) {
  await page.goto(`${base}/employer`);
  await page.fill("#client_name", "Example Employer BV");
  await page.fill("#profile", PROFILE);
  await page.click("button[value=profile]");
}

async function text(page) {
  return (await page.textContent("main")) || "";
}

try {
  // ---------- The provider creates an offer ----------
  const provider = await person("en-GB");
  let page = provider.page;
  await page.goto(`${base}/provider`);
  must(page.url().includes("/console/sign-in"), "the provider's console asks to sign in");
  await audit(page, "console-sign-in");
  await page.fill("#admin_token", "not the token");
  await page.click("button[type=submit]");
  check((await text(page)).includes("That admin token is not right."), "a wrong admin token is refused with a clear message");
  await page.fill("#admin_token", adminToken);
  await page.click("button[type=submit]");
  must(new URL(page.url()).pathname === "/provider", "the right admin token opens the provider's console");
  await page.click("text=New offer");
  await audit(page, "provider-offer-form");
  await page.fill("#provider_name", "Example Academy");
  await page.fill("#name", "Data analysis with Python");
  await page.fill("#description", "Cleaning, exploring and visualising data sets with Python and pandas.");
  await page.fill("#skill_search", "Python (computer programming)");
  await page.click("button[value=add_skill]");
  check((await page.inputValue("input[name=skill]")) === PYTHON, "typing an ESCO label and 'Add skill' chooses that ESCO skill");
  check(await page.inputValue("#name") === "Data analysis with Python", "the rest of the form is kept while choosing skills");
  await page.selectOption("#eqf", "5");
  await page.selectOption("#setting", "non-formal");
  await page.fill("#learner", "sanne@example.org");
  await shoot(page, "provider-offer-form");
  await page.click("button[value=create]");
  must((await text(page)).includes("The offer is ready"), "the offer is created");
  const offerLink = await page.inputValue("#offer-link");
  const code = (await page.textContent("#tx-code")).trim();
  check(offerLink.startsWith("openid-credential-offer://"), "the offer page shows the offer link");
  check(/^[0-9]{6}$/.test(code), "the offer page shows a 6-digit one-time code");
  await audit(page, "provider-offer");
  await shoot(page, "provider-offer");
  const qrPicture = path.join(pictures, "offer-qr.png");
  await page.locator("img.qr").screenshot({ path: qrPicture });

  // ---------- The worker signs up and accepts it ----------
  const worker = await person("nl-NL,nl;q=0.9,en;q=0.5");
  page = worker.page;
  await page.goto(`${base}/app`);
  must(page.url().includes("/app/sign-in"), "the wallet asks to sign in");
  check((await page.getAttribute("html", "lang")) === "nl", "a Dutch browser gets Dutch pages");
  check((await text(page)).includes("Inloggen bij je wallet"), "the sign-in page is in Dutch");
  await audit(page, "wallet-sign-in");
  await page.click("text=Maak er een aan");
  await audit(page, "wallet-sign-up");
  await page.fill("#account", "sanne");
  await page.fill("#passphrase", "kort");
  await page.fill("#repeat", "kort");
  await page.evaluate(() => document.querySelectorAll("[minlength]").forEach((e) => e.removeAttribute("minlength")));
  await page.click("button[type=submit]");
  check((await text(page)).includes("De wachtzin is te kort"), "a short passphrase is refused in Dutch");
  await page.fill("#account", "sanne");
  await page.fill("#passphrase", "Sanne leert elke dag iets nieuws");
  await page.fill("#repeat", "Sanne leert elke dag iets nieuws");
  await page.click("button[type=submit]");
  must(new URL(page.url()).pathname === "/app", "signing up opens the passport");
  check((await text(page)).includes("Je wallet is leeg"), "a new wallet's passport says it is empty");
  await audit(page, "wallet-passport-empty");
  const cookies = await worker.context.cookies();
  const session = cookies.find((c) => c.name === "sp_wallet");
  check(session && session.httpOnly && session.sameSite === "Strict", "the wallet session cookie is HttpOnly and SameSite=Strict");

  await page.click("nav.sub >> text=Ontvangen");
  await audit(page, "wallet-receive");
  await shoot(page, "wallet-receive");
  await page.setInputFiles("#picture", qrPicture);
  await page.click("button[type=submit]");
  must((await text(page)).includes("Er wordt je een credential aangeboden"), "the offer is read from a picture of its QR code");
  check((await text(page)).includes("Data analysis with Python") || (await text(page)).includes("Skill"), "the offer page says what is offered");
  await audit(page, "wallet-offer");
  await page.fill("#tx_code", code === "000000" ? "111111" : "000000");
  await page.click("button[type=submit]");
  check((await text(page)).includes("De aanbieder accepteerde de code niet"), "a wrong transaction code gets a clear message");
  await page.goto(`${base}/app`);
  check((await text(page)).includes("Je wallet is leeg"), "after the wrong code nothing was stored");
  await page.goto(`${base}/app/receive`);
  await page.fill("#offer", offerLink);
  await page.click("button[type=submit]");
  await page.fill("#tx_code", code);
  await page.click("button[type=submit]");
  must(page.url().includes("/app/credentials/"), "with the right code the credential is accepted and shown");
  const credentialPath = new URL(page.url()).pathname;
  check((await text(page)).includes("De handtekening, de sleutel van de uitgever"), "the credential's verification report says it verified");
  check((await page.textContent("#credential-copies")).includes("5 van 5 nog aan geen enkele werkgever getoond"), "the credential came in 5 unlinkable copies, none shown yet");
  await audit(page, "wallet-credential");
  await shoot(page, "wallet-credential");
  await page.click("nav.sub >> text=Paspoort");
  const passport = await text(page);
  check(passport.includes("Python (computer programming)"), "the passport shows the skill by its ESCO label");
  check(passport.includes("Non-formeel leren"), "the passport shows the evidence strength");
  check(passport.includes("Example Academy"), "the passport shows the issuer");
  check(passport.includes("Geldig"), "the passport shows the last known status");
  await audit(page, "wallet-passport");
  await shoot(page, "wallet-passport");

  // The private gap against the vacancy profile.
  await page.click("nav.sub >> text=Vacaturematch");
  await page.fill("#profile", PROFILE);
  await page.click("button[type=submit]");
  check((await text(page)).includes("Essentiële vaardigheden bewezen: 1 van 1"), "the private skills gap shows the coverage");
  await audit(page, "wallet-match");
  await shoot(page, "wallet-match");

  // ---------- The employer asks by a vacancy profile ----------
  const employer = await person("en-US");
  page = employer.page;
  await page.goto(`${base}/employer`);
  await page.fill("#admin_token", adminToken);
  await page.click("button[type=submit]");
  must(new URL(page.url()).pathname === "/employer", "the employer signs in to the console");
  await audit(page, "employer-form");
  await shoot(page, "employer-form");
  await page.fill("#client_name", "Example Employer BV");
  await page.fill("#profile", PROFILE);
  await page.click("button[value=profile]");
  must(page.url().includes("/employer/requests/"), "a request is made from the profile");
  const requestPage = page.url();
  const requestLink = await page.inputValue("#request-link");
  check(requestLink.startsWith("openid4vp://"), "the request page shows the request link");
  check((await text(page)).includes("Waiting for the candidate's wallet"), "the request page says it waits");
  await audit(page, "employer-request-pending");
  await shoot(page, "employer-request-pending");

  // ---------- The worker consents, by keyboard only ----------
  page = worker.page;
  await page.goto(`${base}/app/share`);
  await page.fill("#request", requestLink);
  await page.click("button[type=submit]");
  must((await text(page)).includes("Wil je dit delen?"), "the consent screen appears");
  const consent = await text(page);
  check(consent.includes("Example Employer BV"), "the consent screen says who asks");
  check(consent.includes(PYTHON), "the consent screen lists the requested skill");
  const disclosed = await page.locator(".disclosed li").allTextContents();
  check(disclosed.length > 0 && disclosed.every((d) => !d.includes(COLLABORATE)), "nothing the worker lacks or was not asked is listed");
  check(consent.includes("Deze werkgever krijgt een kopie van het credential die geen andere werkgever heeft gezien"), "the consent screen says the employer gets an unused copy");
  await audit(page, "wallet-consent");
  await shoot(page, "wallet-consent");
  let focused = "";
  for (let i = 0; i < 40 && focused !== "consent"; i += 1) {
    await page.keyboard.press("Tab");
    focused = await page.evaluate(() => (document.activeElement && document.activeElement.getAttribute("value")) || "");
  }
  must(focused === "consent", "the Share button is reached with the Tab key");
  await Promise.all([page.waitForURL("**/app/share/answer"), page.keyboard.press("Enter")]);
  check((await text(page)).includes("Je bewijs is verstuurd"), "sharing by keyboard sends the proof");
  await audit(page, "wallet-shared");

  // ---------- The employer's page shows the result by itself ----------
  page = employer.page;
  await page.waitForFunction(() => document.body.textContent.includes("Answered and verified"), null, { timeout: 20000 });
  const result = await text(page);
  check(result.includes("Verified: every required skill is proven"), "the employer's page says verified");
  check(result.includes("Essential skills proven: 1 of 1"), "the employer's page shows the coverage");
  check(result.includes("Example Academy"), "the employer's page says by whom");
  await audit(page, "employer-request-verified");
  await shoot(page, "employer-request-verified");

  // ---------- Leaving out the optional item sends nothing ----------
  page = employer.page;
  await askByProfile(page);
  const optionalLink = await page.inputValue("#request-link");
  page = worker.page;
  await page.goto(`${base}/app/share`);
  await page.fill("#request", optionalLink);
  await page.click("button[type=submit]");
  const box = page.locator("input[name=include]");
  check((await box.count()) === 1 && (await box.isChecked()), "an optional item has a ticked box (the profile lets the worker answer with gaps)");
  await box.uncheck();
  await page.click("button[value=consent]");
  check((await text(page)).includes("Je hebt geweigerd"), "with every optional item unticked nothing is sent: it is a decline");
  page = employer.page;
  await page.waitForFunction(() => document.body.textContent.includes("The candidate declined"), null, { timeout: 20000 });
  check(true, "the employer's page says declined, and nothing was disclosed");

  // ---------- The provider revokes ----------
  page = provider.page;
  await page.goto(`${base}/provider`);
  check((await text(page)).includes("sanne@example.org"), "the issued list shows the learner's label");
  await audit(page, "provider-issued");
  await page.click("a:has-text('Revoke')");
  check((await text(page)).includes("This is final"), "revoking asks for confirmation");
  await audit(page, "provider-confirm");
  await page.click("button[type=submit]");
  check((await page.textContent("table.issued")).includes("Revoked"), "the credential shows as revoked");
  await shoot(page, "provider-issued");

  // ---------- A new request fails, and says why ----------
  page = employer.page;
  await askByProfile(page);
  const secondLink = await page.inputValue("#request-link");
  const secondPicture = path.join(pictures, "request-qr.png");
  await page.locator("img.qr").screenshot({ path: secondPicture });
  page = worker.page;
  await page.goto(`${base}/app/share`);
  await page.setInputFiles("#picture", secondPicture);
  await page.click("button[type=submit]");
  must((await text(page)).includes("Wil je dit delen?"), "the second request is read from a picture of its QR code");
  await page.click("button[value=consent]");
  page = employer.page;
  await page.waitForFunction(() => document.body.textContent.includes("does not prove what was asked"), null, { timeout: 20000 });
  const failed = await text(page);
  check(failed.includes("Not verified"), "after revocation the employer's page says not verified");
  if (!failed.includes("Not verified")) console.log(failed.replace(/\s+/g, " ").slice(0, 1500));
  check(/revoked/i.test(failed), "and says why: the credential is revoked");
  await shoot(page, "employer-request-failed");
  check(secondLink.startsWith("openid4vp://"), "the second request had a link too");

  // ---------- A declined request ----------
  await page.goto(`${base}/employer`);
  await page.fill("#skill_search", "Python (computer programming)");
  await page.click("button[value=add_skill]");
  await page.click("button[value=skills]");
  const thirdLink = await page.inputValue("#request-link");
  const declinePage = worker.page;
  await declinePage.goto(`${base}/app/share`);
  await declinePage.fill("#request", thirdLink);
  await declinePage.click("button[type=submit]");
  await declinePage.click("button[value=decline]");
  check((await text(declinePage)).includes("Je hebt geweigerd"), "declining says so to the worker");
  await page.waitForFunction(() => document.body.textContent.includes("The candidate declined"), null, { timeout: 20000 });
  check(true, "the employer's page says the candidate declined");
  await declinePage.goto(`${base}/app/history`);
  const history = await text(declinePage);
  check(history.includes("gedeeld") && history.includes("geweigerd"), "the history lists what was shared and what was declined");
  await audit(declinePage, "wallet-history");
  await shoot(declinePage, "wallet-history");

  // ---------- A form without its CSRF token changes nothing ----------
  page = worker.page;
  await page.goto(`${base}${credentialPath}/delete`);
  await page.evaluate(() => document.querySelector("main form input[name=csrf]").remove());
  await page.click("main button[type=submit]");
  check((await text(page)).includes("Dit formulier is verlopen of kwam niet van deze site"), "a form without its CSRF token is refused with a clear message");
  await page.goto(`${base}/app`);
  check((await text(page)).includes("Python (computer programming)"), "and the credential is still there");

  // ---------- Another account's credential id ----------
  const other = await person("en-GB");
  await other.page.goto(`${base}/app/sign-up`);
  await other.page.fill("#account", "jan");
  await other.page.fill("#passphrase", "Jan has his own long passphrase");
  await other.page.fill("#repeat", "Jan has his own long passphrase");
  await other.page.click("button[type=submit]");
  await other.page.goto(`${base}${credentialPath}`);
  check((await text(other.page)).includes("There is no such credential in your wallet."), "another account's credential id shows as unknown");
  check(!(await text(other.page)).includes("Data analysis with Python"), "and nothing of it is shown");
  await other.page.goto(`${base}${credentialPath}/delete`);
  check((await text(other.page)).includes("There is no such credential"), "nor can it be deleted from there");
  await page.goto(`${base}/app`);
  check((await text(page)).includes("Python (computer programming)"), "the owner's credential is untouched");

  // ---------- An ended session ----------
  const before = (await worker.context.cookies()).find((c) => c.name === "sp_wallet");
  await page.click("nav.sub button");
  check(page.url().includes("/app/sign-in"), "signing out goes to the sign-in page");
  await worker.context.addCookies([before]);
  await page.goto(`${base}/app`);
  check((await text(page)).includes("Je sessie is afgelopen"), "an ended session gets a clear message");

  // ---------- The language switch ----------
  await page.click("a[hreflang=en]");
  check((await page.getAttribute("html", "lang")) === "en" && (await text(page)).includes("Your session has ended"), "the switch turns the page to English");
  await page.click("a[hreflang=nl]");
  check((await page.getAttribute("html", "lang")) === "nl", "and back to Dutch");
  await page.goto(`${base}/`);
  await audit(page, "home");
  await shoot(page, "home");

  // ---------- Every page in both languages, checked with axe-core ----------
  const sweep = [
    [other.page, ["/app", "/app/receive", "/app/share", "/app/match", "/app/history", "/app/backup", `${credentialPath}`]],
    [provider.page, ["/provider", "/provider/offers/new"]],
    [employer.page, ["/employer", new URL(requestPage).pathname]],
  ];
  const jan = await other.page.goto(`${base}${credentialPath}`);
  check(jan.status() === 404, "another account's credential id answers 404");
  for (const [visitor, paths] of sweep) {
    for (const tag of ["nl", "en"]) {
      for (const where of paths) {
        const answer = await visitor.goto(`${base}/language/${tag}?back=${encodeURIComponent(where)}`);
        check(answer.ok() || answer.status() === 404, `${where} in ${tag} answers`);
        check((await visitor.getAttribute("html", "lang")) === tag, `${where} is in ${tag}`);
        await audit(visitor, `page ${where.replace(/urn:uuid:[^/]+|requests\/[^/]+/, "{id}")}`);
      }
    }
  }

  // ---------- Headers of the pages ----------
  const answer = await page.request.get(`${base}/app/sign-in`);
  const csp = answer.headers()["content-security-policy"] || "";
  check(csp.includes("frame-ancestors 'none'") && !csp.includes("unsafe-inline") && !csp.includes("unsafe-eval"), "the pages' CSP forbids framing, inline script and eval");
} catch (error) {
  failures += 1;
  console.log(`not ok - ${error.message}`);
  await showOpenPages(browser);
} finally {
  await browser.close();
  fs.rmSync(pictures, { recursive: true, force: true });
}
if (violations.length) console.log(violations.join("\n"));
console.log(failures === 0 ? "# all passed" : `# ${failures} failed`);
process.exit(failures === 0 ? 0 : 1);
