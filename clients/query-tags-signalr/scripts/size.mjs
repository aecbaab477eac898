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
if (gzipped > 5 * 1024) {
  console.error("over the 5 KB goal");
  process.exitCode = 1;
}
