// Debian's Chromium, driven by playwright-core (which downloads no browser of its own).
import { chromium } from "playwright-core";

export const chromiumPath = "/usr/bin/chromium";

/**
 * Launches headless Chromium. Playwright gives every launch a fresh, temporary user-data dir of its own (it
 * refuses --user-data-dir in args), so no profile carries over between runs. Playwright turns the back/forward cache
 * off; `backForwardCache` leaves it on, as a person's browser has it.
 */
export function launchChromium({ backForwardCache = false } = {}) {
  return chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    ignoreDefaultArgs: backForwardCache ? ["--disable-back-forward-cache"] : undefined,
    // Without the --disable-* flags, Chromium keeps calling home and, with no network here, floods refused
    // connections; --no-sandbox because the tests may run as root.
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
  });
}
