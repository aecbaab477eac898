// The docs' link check: every relative link in README.md and docs/*.md must resolve: the file (or folder) it names
// exists, and an #anchor names a heading (or an id) of the Markdown file it points into, as GitHub renders it.
// Links to other sites (https:, mailto:) are not fetched. Code blocks and code spans are not links.
// Prints each broken link as FILE:LINE: TARGET: why, and last "links: N checked in N files, N broken";
// exits 1 when one is broken. Usage: node tests/Docs/check-links.mjs [REPOSITORY ROOT]
import { existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(process.argv[2] ?? join(dirname(fileURLToPath(import.meta.url)), "..", ".."));
const pages = ["README.md", ...readdirSync(join(root, "docs")).filter((name) => name.endsWith(".md")).map((name) => `docs/${name}`)];

// The lines of a Markdown file that are prose, with code spans blanked out (fenced blocks are skipped whole).
function proseLines(text) {
  const lines = text.split("\n");
  let fence = null;
  return lines.map((line) => {
    const marker = /^\s*(`{3,}|~{3,})/.exec(line)?.[1];
    if (fence) {
      if (marker && marker[0] === fence[0] && marker.length >= fence.length) fence = null;
      return "";
    }
    if (marker) {
      fence = marker;
      return "";
    }
    return line.replace(/(`+)(?:(?!\1).)+?\1/g, (span) => " ".repeat(span.length));
  });
}

// GitHub's anchor for a heading: its text as rendered (links and emphasis reduced to their text, code spans to
// their content), lower-cased, punctuation other than "-" and "_" dropped, each space a "-"; a repeat gets -1, -2, …
function slug(heading) {
  const text = heading
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, "$1")
    .replace(/<[^>]+>/g, "")
    .replace(/[`*]/g, "")
    .trim()
    .toLowerCase();
  return text.replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, "").replace(/ /g, "-");
}

const anchorsOf = new Map();
function anchors(file) {
  if (!anchorsOf.has(file)) {
    const found = new Set();
    const counts = new Map();
    const text = readFileSync(file, "utf8");
    const lines = text.split("\n");
    let fence = null;
    for (const line of lines) {
      const marker = /^\s*(`{3,}|~{3,})/.exec(line)?.[1];
      if (fence) {
        if (marker && marker[0] === fence[0] && marker.length >= fence.length) fence = null;
        continue;
      }
      if (marker) {
        fence = marker;
        continue;
      }
      const heading = /^ {0,3}#{1,6}\s+(.*?)\s*#*\s*$/.exec(line)?.[1];
      if (heading !== undefined) {
        const base = slug(heading);
        const seen = counts.get(base) ?? 0;
        counts.set(base, seen + 1);
        found.add(seen === 0 ? base : `${base}-${seen}`);
      }
      for (const id of line.matchAll(/<a\s+(?:id|name)="([^"]+)"/g)) found.add(id[1]);
    }
    anchorsOf.set(file, found);
  }
  return anchorsOf.get(file);
}

// Inline links and images, [text](target "title"), and reference definitions, [label]: target.
function linksOf(line) {
  const targets = [];
  for (const match of line.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) targets.push(match[1]);
  const definition = /^ {0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s+.*)?$/.exec(line);
  if (definition) targets.push(definition[1]);
  return targets;
}

let checked = 0;
const broken = [];
for (const page of pages) {
  const file = join(root, page);
  proseLines(readFileSync(file, "utf8")).forEach((line, index) => {
    for (const target of linksOf(line)) {
      if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // https:, mailto: and the like
      checked++;
      const [path, anchor] = target.split("#", 2);
      const destination = path === "" ? file : resolve(dirname(file), decodeURIComponent(path));
      const where = `${page}:${index + 1}: ${target}`;
      if (!destination.startsWith(root)) {
        broken.push(`${where}: points outside the repository`);
      } else if (!existsSync(destination)) {
        broken.push(`${where}: no such file ${relative(root, destination)}`);
      } else if (anchor !== undefined && destination.endsWith(".md") && statSync(destination).isFile()
        && !anchors(destination).has(decodeURIComponent(anchor).toLowerCase())) {
        broken.push(`${where}: ${relative(root, destination)} has no heading #${anchor}`);
      }
    }
  });
}

for (const problem of broken) console.log(`broken link ${problem}`);
console.log(`links: ${checked} checked in ${pages.length} files, ${broken.length} broken`);
process.exit(broken.length === 0 ? 0 : 1);
