// Browser tabs for the load generator's herd scenario (HerdScenario.cs), run in Node: each one is the real npm client
// (clients/query-tags-signalr/dist, built by `npm run build` there) with its own TanStack QueryClient and
// connectTagInvalidation, as an app has. Usage: node herd-clients.mjs HUB_URL DATA_URL COUNT
// Every tab caches two tagged queries whose query functions GET DATA_URL: one on screen (an observer), one off screen
// (cached, no observer), and refetches both on an invalidation (refetchType "all": an app that keeps its cache warm).
// It prints "ready <connected>" once every tab is connected and has fetched, then answers "report" on standard input
// with "report {resets, spreadMs, failed}" (the resets its tabs heard, the longest window they were told, fetches that
// failed); it ends when standard input closes.
import { createRequire } from "node:module";
import { createInterface } from "node:readline";

const clientPackage = new URL("../../clients/query-tags-signalr/", import.meta.url);
const { createTagInvalidationClient, connectTagInvalidation, withTags } = await import(new URL("dist/index.js", clientPackage));
const { QueryClient, QueryObserver } = await import(createRequire(clientPackage).resolve("@tanstack/query-core"));

const [hubUrl, dataUrl, countText] = process.argv.slice(2);
const count = Number(countText);
const silent = { log() {} };
let failed = 0;
let resets = 0;
let spreadMs = 0;
const tabs = [];

async function openTab(index) {
  const client = createTagInvalidationClient({ url: hubUrl, shareConnection: false, logger: silent });
  const queryClient = new QueryClient({ defaultOptions: { queries: { staleTime: Infinity, retry: false, refetchOnWindowFocus: false, refetchOnReconnect: false } } });
  const queryFn = async ({ queryKey }) => {
    const response = await fetch(`${dataUrl}?tab=${index}&query=${queryKey[0]}`).catch(() => undefined);
    if (!response?.ok) {
      failed++;
      throw new Error(`GET ${dataUrl} failed`);
    }

    return response.json();
  };
  const disconnect = connectTagInvalidation({ queryClient, client, refetchType: "all" });
  client.listen((event) => event.type === "reset" && (resets++, (spreadMs = Math.max(spreadMs, event.spreadMs))));
  const onScreen = new QueryObserver(queryClient, withTags({ queryKey: ["todos", index], queryFn }, [["todos"]]));
  const stopObserving = onScreen.subscribe(() => {});
  await queryClient.prefetchQuery(withTags({ queryKey: ["archive", index], queryFn }, [["todos"], ["archive", index]]));
  await client.start();
  tabs.push({ client, queryClient, close: () => (stopObserving(), disconnect(), client.stop()) });
}

// A few at a time, as tabs open over a moment, not in one burst of negotiates.
for (let next = 0; next < count; next += 50) {
  await Promise.all(Array.from({ length: Math.min(50, count - next) }, (_, i) => openTab(next + i)));
}

// start() resolves once the tab's tags are subscribed; a subscribe answered gave it a cursor.
console.log(`ready ${tabs.filter(({ client }) => client.status.get() === "connected" && client.cursor !== null).length}`);

createInterface({ input: process.stdin })
  .on("line", (line) => line === "report" && console.log(`report ${JSON.stringify({ resets, spreadMs, failed })}`))
  .on("close", async () => {
    await Promise.allSettled(tabs.map(({ close }) => close()));
    process.exit(0);
  });
