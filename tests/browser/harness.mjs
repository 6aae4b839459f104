// What the browser scripts share: Debian's headless Chromium started as the house rules say, and, when a script
// stops on an error, what every open page showed (its URL and the start of its main text) for the test's log.
import { chromium } from "playwright-core";

export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
      "--disable-component-update", "--disable-sync"],
  });
}

export async function showOpenPages(browser) {
  for (const context of browser.contexts()) {
    for (const open of context.pages()) {
      console.log(`# ${open.url()}\n# ${((await open.textContent("main").catch(() => "")) || "").replace(/\s+/g, " ").slice(0, 600)}`);
    }
  }
}
