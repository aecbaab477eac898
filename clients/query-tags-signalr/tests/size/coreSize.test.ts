import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { expect, test } from "vitest";

// The core entry an app adds must stay under 8 KB minified and gzipped. It measures what ships, dist/ (npm run build
// comes first, as in ./test.sh), with scripts/size.mjs: the same figure the README gives.
const root = fileURLToPath(new URL("../..", import.meta.url));

test("the core entry is at most 8,192 bytes minified and gzipped", async () => {
  expect(existsSync(`${root}/dist/index.js`), "dist/index.js is missing: run npm run build first").toBe(true);
  const { stdout } = await promisify(execFile)(process.execPath, ["scripts/size.mjs"], { cwd: root }).catch((failed: { stdout: string }) => failed);
  const gzipped = Number(/core entry .*?, (\d+) B minified \+ gzipped/.exec(stdout)?.[1]);

  expect(gzipped, stdout).toBeGreaterThan(0);
  expect(gzipped, stdout).toBeLessThanOrEqual(8192);
});
