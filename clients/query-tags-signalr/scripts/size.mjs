// The minified and gzipped size of the core entry as an app's bundler would add it: dist/index.js bundled
// with esbuild, its peers (SignalR, TanStack Query) left out.
import { build } from "esbuild";
import { gzipSync } from "node:zlib";
import { fileURLToPath } from "node:url";

const entry = fileURLToPath(new URL("../dist/index.js", import.meta.url));
const { outputFiles } = await build({
  entryPoints: [entry],
  bundle: true,
  minify: true,
  format: "esm",
  target: "es2022",
  external: ["@microsoft/signalr", "@tanstack/query-core"],
  write: false,
});
const code = outputFiles[0].contents;
const gzipped = gzipSync(code, { level: 9 }).length;
console.log(`core entry (dist/index.js, peers external): ${code.length} B minified, ${gzipped} B minified + gzipped`);
// The goal: 8 KB. Sharing one connection among tabs costs about 0.9 KB of it; failures with hints, paced
// refetches, apply() and the state store about 2 KB more (see the README's Size).
if (gzipped > 8 * 1024) {
  console.error("over the 8 KB goal");
  process.exitCode = 1;
}
