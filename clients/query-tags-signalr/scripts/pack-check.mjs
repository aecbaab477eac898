// Packs the package as npm publishes it (prepack builds dist/ and copies the LICENSE in), checks the tarball
// and the manifest, then installs the tarball into a fresh Vite + React app in a temporary folder, where it
// imports both entry points in Node, compiles a consumer under tsc --strict (NodeNext), type-checks the app
// (tsc --noEmit, bundler resolution) and builds it with vite build. Each check is counted; the last line reads
// "pack check: N passed, M failed", and the exit code is non-zero when one failed. PACK_CHECK_KEEP=1 keeps the app's
// folder for a look.
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const repository = join(root, "..", "..");
const manifest = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
const run = (command, args, cwd) => execFileSync(command, args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });

// The versions the sample SPA is built with (its lock file), so the install is served from npm's cache.
const sampleLock = JSON.parse(readFileSync(join(repository, "samples", "TodoApp", "ClientApp", "package-lock.json"), "utf8"));
const sampleVersion = (name) => {
  const version = sampleLock.packages[`node_modules/${name}`]?.version;
  if (!version) {
    throw new Error(`the sample SPA's package-lock.json has no ${name}`);
  }

  return version;
};
const versions = (names) => Object.fromEntries(names.map((name) => [name, sampleVersion(name)]));

let passed = 0;
let failed = 0;
// After a check that later ones need fails, the later ones fail too (not run), so the count stays honest.
let blockedBy;

function check(name, action) {
  if (blockedBy) {
    failed++;
    console.error(`not ok - ${name} (not run: ${blockedBy} failed)`);
    return;
  }

  try {
    action();
    passed++;
    console.log(`ok - ${name}`);
  } catch (error) {
    failed++;
    const output = [error.stdout, error.stderr].filter(Boolean).join("\n").trim().split("\n").slice(-30).join("\n");
    console.error(`not ok - ${name}: ${error.message.split("\n")[0]}${output ? `\n${output}` : ""}`);
    return false;
  }

  return true;
}

const needed = (name, action) => check(name, action) === false && (blockedBy = name);

const app = mkdtempSync(join(tmpdir(), "querytags-pack-"));
try {
  let tarball;
  let packed = [];
  needed("npm pack (prepack builds dist/ and adds the LICENSE)", () => {
    // Not --ignore-scripts: packing must work as a user's npm pack does, prepack included.
    const [result] = JSON.parse(run("npm", ["pack", "--json", "--pack-destination", app], root));
    tarball = result.filename;
    packed = result.files.map((file) => file.path);
  });

  check("the tarball holds its entries with their types, the README and the repository's LICENSE", () => {
    const required = ["package.json", "README.md", "LICENSE", "dist/index.js", "dist/index.d.ts", "dist/react/index.js", "dist/react/index.d.ts", "dist/persist/index.js", "dist/persist/index.d.ts", "dist/devtools/index.js", "dist/devtools/index.d.ts", "dist/devtools/react/index.js", "dist/devtools/react/index.d.ts"];
    const missing = required.filter((path) => !packed.includes(path));
    if (missing.length > 0) {
      throw new Error(`the tarball lacks ${missing.join(", ")}`);
    }

    if (readFileSync(join(root, "LICENSE"), "utf8") !== readFileSync(join(repository, "LICENSE"), "utf8")) {
      throw new Error("the packed LICENSE differs from the repository's");
    }
  });

  check("package.json names its license and repository", () => {
    const lacks = [
      !manifest.license && "license",
      !manifest.repository?.url && "repository.url",
      manifest.repository?.directory !== "clients/query-tags-signalr" && "repository.directory (clients/query-tags-signalr)",
      !manifest.homepage && "homepage",
      !manifest.bugs?.url && "bugs.url",
    ].filter(Boolean);
    if (lacks.length > 0) {
      throw new Error(`package.json lacks ${lacks.join(", ")}`);
    }
  });

  needed("the tarball installs into a fresh Vite + React app", () => {
    writeApp(app, tarball);
    run("npm", ["install", "--no-audit", "--no-fund", "--prefer-offline"], app);
  });

  check("the three entries import in Node", () => run("node", ["imports.mjs"], app));
  check("a consumer compiles under tsc --strict (NodeNext)", () => run(join(app, "node_modules", ".bin", "tsc"), ["-p", "tsconfig.nodenext.json"], app));
  check("the app type-checks (tsc --noEmit)", () => run(join(app, "node_modules", ".bin", "tsc"), ["-p", "tsconfig.json"], app));
  check("vite build bundles the app with the client in it", () => {
    run(join(app, "node_modules", ".bin", "vite"), ["build", "--logLevel", "warn"], app);
    const assets = join(app, "dist", "assets");
    const bundle = readdirSync(assets).filter((file) => file.endsWith(".js")).map((file) => readFileSync(join(assets, file), "utf8")).join("\n");
    // A sentence of the factory: the client's code is in the bundle, not left out or stubbed.
    if (!bundle.includes("createTagInvalidationClient: url is missing")) {
      throw new Error("the bundle lacks the client's code");
    }
  });
} finally {
  if (process.env.PACK_CHECK_KEEP) {
    console.log(`kept ${app}`);
  } else {
    rmSync(app, { recursive: true, force: true });
  }
}

console.log(`pack check: ${manifest.name}@${manifest.version}, ${passed} passed, ${failed} failed`);
process.exitCode = failed > 0 ? 1 : 0;

// A Vite + React app as a user starts one, depending on the tarball, plus the Node and NodeNext consumers.
function writeApp(dir, tarball) {
  const write = (path, text) => writeFileSync(join(dir, path), text.trimStart());
  mkdirSync(join(dir, "src"), { recursive: true });
  write("package.json", JSON.stringify({
    name: "fresh-vite-app",
    private: true,
    type: "module",
    dependencies: {
      "@querytags/signalr": `file:./${tarball}`,
      // query-core at the version react-query pins: npm would otherwise give this package's peer the newest 5.x
      // beside react-query's own copy, and meta.tags would be typed on the copy react-query does not read.
      ...versions(["@microsoft/signalr", "@tanstack/query-core", "@tanstack/react-query", "react", "react-dom"]),
    },
    devDependencies: versions(["@types/node", "@types/react", "@types/react-dom", "@vitejs/plugin-react", "typescript", "vite"]),
  }, null, 2));

  write("index.html", `
<!doctype html>
<html lang="en">
  <head><meta charset="UTF-8" /><title>fresh app</title></head>
  <body>
    <div id="root"></div>
    <script type="module" src="/src/main.tsx"></script>
  </body>
</html>
`);

  // The dev-server proxy the client's README shows: the hub (with its WebSockets) and the API on the ASP.NET Core app.
  write("vite.config.ts", `
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

export default defineConfig({
  plugins: [react()],
  server: {
    proxy: {
      "/api": "http://localhost:5080",
      "/hubs": { target: "http://localhost:5080", ws: true },
    },
  },
});
`);

  write("src/main.tsx", `
import { QueryClient, QueryClientProvider, useQuery } from "@tanstack/react-query";
import { createTagInvalidationClient, defineTags, withTags } from "@querytags/signalr";
import { TagInvalidationProvider, useTagInvalidationStatus } from "@querytags/signalr/react";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";

const appTags = defineTags({ todos: { list: () => ["todos"], byId: (id: number) => ["todo", id] } });
const queryClient = new QueryClient();
const client = createTagInvalidationClient({ url: "/hubs/invalidation" });

async function fetchTodo(id: number): Promise<{ title: string }> {
  const response = await fetch(\`/api/todos/\${id}\`);
  return response.json();
}

function Todo({ id }: { id: number }) {
  const { data } = useQuery(withTags({ queryKey: ["todo", id], queryFn: () => fetchTodo(id) }, [appTags.todos.byId(id)]));
  const status = useTagInvalidationStatus();
  return <p title={status}>{data?.title}</p>;
}

createRoot(document.getElementById("root")!).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <TagInvalidationProvider client={client} queryClient={queryClient}>
        <Todo id={5} />
      </TagInvalidationProvider>
    </QueryClientProvider>
  </StrictMode>,
);
`);

  write("tsconfig.json", JSON.stringify({
    compilerOptions: {
      target: "ES2022", lib: ["ES2022", "DOM", "DOM.Iterable"], module: "ESNext", moduleResolution: "Bundler", jsx: "react-jsx",
      strict: true, noEmit: true, isolatedModules: true, verbatimModuleSyntax: true, skipLibCheck: true, types: [],
    },
    include: ["src", "vite.config.ts"],
  }, null, 2));

  write("imports.mjs", `
import * as core from "@querytags/signalr";
import * as react from "@querytags/signalr/react";
import * as persist from "@querytags/signalr/persist";
const missing = [
  ...["createTagInvalidationClient", "TagInvalidationClient", "TagInvalidationConnectionError", "connectTagInvalidation", "defineTags", "withTags", "canonicalTag", "tagMatches", "readTag"].filter((name) => typeof core[name] !== "function"),
  ...["TagInvalidationProvider", "useTagInvalidationStatus", "useTagInvalidationState", "useTagInvalidationClient"].filter((name) => typeof react[name] !== "function"),
  ...["trackQueryCursors"].filter((name) => typeof persist[name] !== "function"),
];
if (missing.length > 0) throw new Error("missing exports: " + missing.join(", "));
const client = core.createTagInvalidationClient({ url: "http://127.0.0.1:1/hubs/invalidation" });
if (!(client instanceof core.TagInvalidationClient) || client.status.get() !== "disconnected" || core.canonicalTag(["todo", 5]) !== '["todo",5]') throw new Error("the core entry does not work");
if (core.readTag([1.5]).rule !== "segment-type") throw new Error("readTag does not name the rule");
`);

  // Type-checks the declarations themselves too (no skipLibCheck), under Node's own module resolution.
  write("consumer.tsx", `
import { QueryClient, useQuery } from "@tanstack/react-query";
import {
  connectTagInvalidation, createTagInvalidationClient, defineTags, readTag, withTags,
  type Tag, type TagInvalidationClient, type TagInvalidationClientOptions, type TagInvalidationEvent, type TagInvalidationStatus,
  type TagInvalidationState, type TagInvalidationConnectionError,
} from "@querytags/signalr";
import { TagInvalidationProvider, useTagInvalidationState, useTagInvalidationStatus } from "@querytags/signalr/react";
import { queryCursorsKey, trackQueryCursors, type QueryCursors } from "@querytags/signalr/persist";

const appTags = defineTags({ todos: { list: () => ["todos"], byId: (id: number) => ["todo", id] } });
const options: TagInvalidationClientOptions = { url: "/hubs/invalidation" };
const client: TagInvalidationClient = createTagInvalidationClient(options);
const queryClient = new QueryClient();
const stop: () => void = connectTagInvalidation({ queryClient, client, refetchType: "active", onError: (error: Error) => console.error(error.message) });
stop();
// React Query's QueryClient fits the persist entry's shape too.
const stopTracking: () => void = trackQueryCursors({ queryClient, client, identity: () => null });
stopTracking();
const record: QueryCursors | undefined = queryClient.getQueryData<QueryCursors>(queryCursorsKey);
client.listen((event: TagInvalidationEvent) => (event.type === "failed" || event.type === "error") && console.error(event.error.message));
const tags: readonly Tag[] | undefined = queryClient.getQueryCache().getAll()[0]?.meta?.tags;
const read = readTag(["todo", 5]);
const reason: string | undefined = read.tag ? undefined : read.reason;

function Todo({ id }: { id: number }) {
  const { data } = useQuery(withTags({ queryKey: ["todo", id], queryFn: async () => ({ title: "a" }) }, [appTags.todos.byId(id)]));
  const title: string | undefined = data?.title;
  const status: TagInvalidationStatus = useTagInvalidationStatus();
  const state: TagInvalidationState = useTagInvalidationState();
  const hint: string | undefined = (state.error as TagInvalidationConnectionError | undefined)?.hint;
  // @ts-expect-error meta.tags holds tags, not strings
  useQuery({ queryKey: ["todos"], queryFn: async () => 1, meta: { tags: ["todos"] } });
  return <p>{status} {state.role} {hint} {title} {tags?.length} {reason} {record?.identity}</p>;
}

export const app = (
  <TagInvalidationProvider client={client} queryClient={queryClient}>
    <Todo id={5} />
  </TagInvalidationProvider>
);
`);
  write("tsconfig.nodenext.json", JSON.stringify({
    compilerOptions: { strict: true, noEmit: true, target: "ES2022", lib: ["ES2022", "DOM"], module: "NodeNext", moduleResolution: "NodeNext", jsx: "react-jsx", types: [] },
    files: ["consumer.tsx"],
  }, null, 2));
}
