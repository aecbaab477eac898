// The devtools panel's suite (devtoolsPanel.mjs) on an app and a browser of its own: `node --test e2e/devtoolsPanel.test.mjs`.
import { after, before } from "node:test";
import { launchChromium } from "./chromium.mjs";
import { devtoolsPanel } from "./devtoolsPanel.mjs";
import { startTodoApp } from "./todoAppServer.mjs";

const fixture = { app: undefined, browser: undefined };

before(async () => {
  fixture.app = await startTodoApp();
  fixture.browser = await launchChromium();
});

after(async () => {
  await fixture.browser?.close();
  await fixture.app?.stop();
});

devtoolsPanel(fixture);
