// The minified and gzipped size of the core entry as an app's bundler adds it: dist/index.js bundled with esbuild,
// its peers (SignalR, TanStack Query) left out, and what the core imports lazily (the tab-sharing connection, the
// failures' hints, the page-return listeners) left to chunks of their own, which a page loads when it needs them.
// `--modules` lists each module's share of the entry, minified, largest first.
import { build } from "esbuild";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

/** The goal, enforced by tests/unit/size.test.ts. */
export const coreLimit = 8 * 1024;

const lazyImportsApart = {
  name: "lazy-imports-apart",
  setup(builder) {
    builder.onResolve({ filter: /.*/ }, (args) => (args.kind === "dynamic-import" ? { path: args.path, external: true } : undefined));
  },
};

async function measure(file, plugins) {
  const { outputFiles, metafile } = await build({
    entryPoints: [fileURLToPath(new URL(`../dist/${file}`, import.meta.url))],
    bundle: true,
    minify: true,
    format: "esm",
    target: "es2022",
    external: ["@microsoft/signalr", "@tanstack/query-core"],
    plugins,
    metafile: true,
    write: false,
  });
  const code = outputFiles[0].contents;
  const [output] = Object.values(metafile.outputs);
  return { file, minified: code.length, gzipped: gzipSync(code, { level: 9 }).length, inputs: Object.entries(output.inputs), lazy: output.imports.filter((i) => i.kind === "dynamic-import").map((i) => i.path) };
}

/** The core entry, and each module it imports lazily (bundled alone, so with what it shares with the core). */
export async function measureCore() {
  const entry = await measure("index.js", [lazyImportsApart]);
  const lazy = await Promise.all([...new Set(entry.lazy)].map((path) => measure(path.replace(/^\.\//, ""), [lazyImportsApart])));
  return { entry, lazy };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { entry, lazy } = await measureCore();
  console.log(`core entry (dist/index.js, peers external): ${entry.minified} B minified, ${entry.gzipped} B minified + gzipped`);
  lazy.forEach((chunk) => console.log(`  loaded lazily, dist/${chunk.file}: ${chunk.minified} B minified, ${chunk.gzipped} B minified + gzipped`));
  if (process.argv.includes("--modules")) {
    entry.inputs
      .sort(([, a], [, b]) => b.bytesInOutput - a.bytesInOutput)
      .forEach(([file, { bytesInOutput }]) => console.log(`${String(bytesInOutput).padStart(7)} B  ${file}`));
  }

  if (entry.gzipped > coreLimit) {
    console.error(`over the ${coreLimit} B goal`);
    process.exitCode = 1;
  }
}
