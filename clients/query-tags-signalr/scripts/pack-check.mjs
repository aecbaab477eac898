// Packs the package as npm would publish it, installs the tarball into an empty folder with its peers, then
// imports both entry points in Node (ESM) and compiles a consumer file under tsc --strict. Run after the build.
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const manifest = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
// The versions the package is tested with, so the install is served from npm's cache.
const installed = (name) => `${name}@${JSON.parse(readFileSync(join(root, "node_modules", name, "package.json"), "utf8")).version}`;
const run = (command, args, cwd) => execFileSync(command, args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });

if (!existsSync(join(root, "dist", "index.js"))) {
  throw new Error("dist/ is missing: run npm run build first.");
}

const consumer = mkdtempSync(join(tmpdir(), "querytags-pack-"));
try {
  const [{ filename, files }] = JSON.parse(run("npm", ["pack", "--json", "--ignore-scripts", "--pack-destination", consumer], root));
  const packed = files.map((file) => file.path);
  for (const required of ["package.json", "README.md", "dist/index.js", "dist/index.d.ts", "dist/react/index.js", "dist/react/index.d.ts"]) {
    if (!packed.includes(required)) {
      throw new Error(`The tarball lacks ${required}.`);
    }
  }

  writeFileSync(join(consumer, "package.json"), JSON.stringify({ name: "consumer", private: true, type: "module" }));
  run("npm", ["install", "--no-audit", "--no-fund", "--prefer-offline", `./${filename}`,
    ...["@microsoft/signalr", "@tanstack/query-core", "@tanstack/react-query", "react", "@types/react", "typescript"].map(installed)], consumer);

  writeFileSync(join(consumer, "imports.mjs"), `
import * as core from "@querytags/signalr";
import * as react from "@querytags/signalr/react";
const missing = [
  ...["createSignalRInvalidatorClient", "connectTagInvalidation", "defineTags", "withTags", "canonicalTag", "tagMatches"].filter((name) => typeof core[name] !== "function"),
  ...["TagInvalidationProvider", "useTagInvalidationStatus"].filter((name) => typeof react[name] !== "function"),
];
if (missing.length > 0) throw new Error("missing exports: " + missing.join(", "));
const client = core.createSignalRInvalidatorClient({ url: "http://127.0.0.1:1/hubs/invalidation" });
if (client.status.get() !== "disconnected" || core.canonicalTag(["todo", 5]) !== '["todo",5]') throw new Error("the core entry does not work");
`);
  run("node", ["imports.mjs"], consumer);

  writeFileSync(join(consumer, "consumer.tsx"), `
import { QueryClient, useQuery } from "@tanstack/react-query";
import { connectTagInvalidation, createSignalRInvalidatorClient, defineTags, withTags, type Tag, type TagInvalidationStatus } from "@querytags/signalr";
import { TagInvalidationProvider, useTagInvalidationStatus } from "@querytags/signalr/react";

const appTags = defineTags({ todos: { list: () => ["todos"], byId: (id: number) => ["todo", id] } });
const client = createSignalRInvalidatorClient({ url: "/hubs/invalidation" });
const queryClient = new QueryClient();
const stop: () => void = connectTagInvalidation({ queryClient, client, refetchType: "active", onError: (error: Error) => console.error(error.message) });
stop();
const tags: readonly Tag[] | undefined = queryClient.getQueryCache().getAll()[0]?.meta?.tags;

function Todo({ id }: { id: number }) {
  const { data } = useQuery(withTags({ queryKey: ["todo", id], queryFn: async () => ({ title: "a" }) }, [appTags.todos.byId(id)]));
  const title: string | undefined = data?.title;
  const status: TagInvalidationStatus = useTagInvalidationStatus();
  // @ts-expect-error meta.tags holds tags, not strings
  useQuery({ queryKey: ["todos"], queryFn: async () => 1, meta: { tags: ["todos"] } });
  return <p>{status} {title} {tags?.length}</p>;
}

export const app = (
  <TagInvalidationProvider client={client} queryClient={queryClient}>
    <Todo id={5} />
  </TagInvalidationProvider>
);
`);
  writeFileSync(join(consumer, "tsconfig.json"), JSON.stringify({
    compilerOptions: { strict: true, noEmit: true, target: "ES2022", lib: ["ES2022", "DOM"], module: "NodeNext", moduleResolution: "NodeNext", jsx: "react-jsx", types: [] },
    files: ["consumer.tsx"],
  }));
  run(join(consumer, "node_modules", ".bin", "tsc"), ["-p", "tsconfig.json"], consumer);
  console.log(`pack check: ${manifest.name}@${manifest.version} packs ${packed.length} files, installs into an empty folder, imports in Node and compiles under tsc --strict.`);
} catch (error) {
  console.error(`pack check failed: ${error.message}${error.stdout ? `\n${error.stdout}` : ""}${error.stderr ? `\n${error.stderr}` : ""}`);
  process.exitCode = 1;
} finally {
  rmSync(consumer, { recursive: true, force: true });
}
