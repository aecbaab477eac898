// Runs before `npm pack` and `npm publish`: installs the dev dependencies when they are missing (a fresh clone
// has no node_modules, and the build needs tsc), builds dist/, and copies the repository's LICENSE in, so the
// tarball carries the license without a second copy in git.
import { execFileSync } from "node:child_process";
import { copyFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const license = join(root, "..", "..", "LICENSE");

// Inside an npm lifecycle script npm_execpath is the running npm; outside one, npm on the PATH.
const npm = (...args) => {
  const cli = process.env.npm_execpath;
  const [command, commandArgs] = cli && cli.endsWith(".js") ? [process.execPath, [cli, ...args]] : ["npm", args];
  execFileSync(command, commandArgs, { cwd: root, stdio: ["ignore", process.stderr, "inherit"], shell: process.platform === "win32" && command === "npm" });
};

if (!existsSync(join(root, "node_modules", ".bin", "tsc"))) {
  console.error("prepack: node_modules lacks tsc; installing the dev dependencies (npm ci).");
  npm("ci", "--no-audit", "--no-fund");
}

npm("run", "build");

if (!existsSync(license)) {
  throw new Error(`prepack: ${license} is missing; the package is packed from the repository, whose root holds the LICENSE.`);
}

copyFileSync(license, join(root, "LICENSE"));
