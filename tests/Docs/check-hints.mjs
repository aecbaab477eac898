// The troubleshooting page's hint check: every failure hint the two clients can show (tests/vectors/client.json, the
// texts both clients' suites are held to) appears in docs/troubleshooting.md, word for word, as each client words it:
// {url} as <url>, a protocol the vector asks for as <name>, and {accessToken}, {restart} and {start} filled in with the
// client's own API names.
// Prints each missing hint as "CLIENT FAILURE: HINT", and last "hints: N checked, N missing"; exits 1 when one is missing.
// Usage: node tests/Docs/check-hints.mjs [REPOSITORY ROOT]
import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(process.argv[2] ?? join(dirname(fileURLToPath(import.meta.url)), "..", ".."));
const vectors = JSON.parse(readFileSync(join(root, "tests/vectors/client.json"), "utf8"));
const page = readFileSync(join(root, "docs/troubleshooting.md"), "utf8");

const worded = (vector, names) =>
  vector.hint
    .replace(/\{(\w+)\}/g, (placeholder, name) => (name === "url" ? "<url>" : names[name] ?? placeholder))
    .replace(`'${vector.error.handshakeProtocol}'`, "'<name>'");

let checked = 0;
let missing = 0;
for (const [client, names] of Object.entries(vectors.failureNames)) {
  const hints = new Map();
  for (const vector of vectors.failures) {
    if (vector.hint !== undefined) hints.set(worded(vector, names), vector.failure);
  }
  for (const [hint, failure] of hints) {
    checked++;
    if (!page.includes(`\`${hint}\``)) {
      missing++;
      console.log(`${client} ${failure}: \`${hint}\` is not in docs/troubleshooting.md`);
    }
  }
}
console.log(`hints: ${checked} checked, ${missing} missing`);
process.exitCode = missing > 0 ? 1 : 0;
