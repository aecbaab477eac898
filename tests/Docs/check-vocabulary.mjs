// The vocabulary check: the table under "## Vocabulary" in docs/architecture.md names every public name of both
// languages, each in its own column, in backticks:
// - C#: every public type (class, struct, record, interface, enum, delegate) of src/*/PublicAPI.Shipped.txt and
//   PublicAPI.Unshipped.txt must appear in the "C#" column;
// - TypeScript: every name the package's entries export (clients/query-tags-signalr/src/index.ts, src/react/index.ts,
//   src/persist/index.ts, src/devtools/index.ts and src/devtools/react/index.tsx, re-exports followed) must appear in
//   the "TypeScript" column.
// And the other way: a name in backticks in either column must still exist (in the public API files for C#, in the
// client's source for TypeScript), so a rename leaves no stale word behind.
// Prints each problem, and last "vocabulary: N C# types, N TypeScript exports, N problems"; exits 1 when there is one.
// Usage: node tests/Docs/check-vocabulary.mjs [REPOSITORY ROOT]
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(process.argv[2] ?? join(dirname(fileURLToPath(import.meta.url)), "..", ".."));
const page = "docs/architecture.md";
const clientSource = "clients/query-tags-signalr/src";
const entries = [`${clientSource}/index.ts`, `${clientSource}/react/index.ts`, `${clientSource}/persist/index.ts`, `${clientSource}/devtools/index.ts`, `${clientSource}/devtools/react/index.tsx`];
const identifiers = (text) => text.match(/[A-Za-z_$][A-Za-z0-9_$]*/g) ?? [];

// ---- C#: the public types, from the public API files -------------------------------------------------------
// A type is a line of its own there (`Namespace.Type`, `Namespace.Outer.Inner`, `Namespace.Type<T>`); members carry
// " -> " and their return type. Modifiers may lead; "*REMOVED*" in front of a line marks that line as gone.
const problems = [];
const csharpTypes = new Map(); // name -> the file that declares it
const csharpWords = new Set(); // every identifier of every line, members included
const apiLines = [];
for (const project of readdirSync(join(root, "src"))) {
  for (const name of ["PublicAPI.Shipped.txt", "PublicAPI.Unshipped.txt"]) {
    const file = join(root, "src", project, name);
    if (!existsSync(file)) continue;
    for (const line of readFileSync(file, "utf8").split("\n")) apiLines.push({ line: line.trim(), file: relative(root, file) });
  }
}
const removed = new Set(apiLines.filter(({ line }) => line.startsWith("*REMOVED*")).map(({ line }) => line.slice("*REMOVED*".length)));
for (const { line, file } of apiLines) {
  if (line === "" || line.startsWith("#") || line.startsWith("*REMOVED*") || removed.has(line)) continue;
  for (const word of identifiers(line.replace(/"/g, " "))) csharpWords.add(word);
  if (line.includes("->")) continue;
  const type = line.replace(/^((static|abstract|sealed|readonly|virtual|override|new|const)\s+)+/, "").replace(/<[^>]*>$/, "");
  csharpTypes.set(type.split(".").at(-1), file);
}

// ---- TypeScript: the names the entries export ----------------------------------------------------------------
function moduleFile(from, specifier) {
  const base = resolve(dirname(from), specifier.replace(/\.js$/, ""));
  return [`${base}.ts`, `${base}.tsx`, join(base, "index.ts")].find(existsSync);
}

// The names a module exports: declarations, export lists (local or re-exported, "a as b" gives b) and `export *`
// (the target's names, followed).
function exportsOf(file, seen = new Set()) {
  if (seen.has(file)) return [];
  seen.add(file);
  const text = readFileSync(file, "utf8").replace(/\/\*[\s\S]*?\*\//g, "").replace(/\/\/.*$/gm, "");
  const names = [];
  for (const match of text.matchAll(/^export\s+(?:declare\s+)?(?:default\s+)?(?:abstract\s+)?(?:async\s+)?(?:function\*?|class|interface|type|enum|const|let|var)\s+([A-Za-z_$][\w$]*)/gm)) {
    names.push(match[1]);
  }
  for (const match of text.matchAll(/^export\s+(?:type\s+)?\{([^}]*)\}/gm)) {
    for (const item of match[1].split(",")) {
      const words = item.trim().replace(/^type\s+/, "").split(/\s+as\s+/);
      if (words[0]) names.push(words.at(-1));
    }
  }
  for (const match of text.matchAll(/^export\s+\*\s+as\s+([A-Za-z_$][\w$]*)\s+from/gm)) names.push(match[1]);
  for (const match of text.matchAll(/^export\s+\*\s+from\s+["']([^"']+)["']/gm)) {
    const target = moduleFile(file, match[1]);
    if (target) names.push(...exportsOf(target, seen));
    else problems.push(`${relative(root, file)}: export * from "${match[1]}" names no module`);
  }
  return names;
}

const typescriptExports = new Map(); // name -> the entry that exports it
for (const entry of entries) {
  const file = join(root, entry);
  if (!existsSync(file)) {
    problems.push(`${entry}: no such entry`);
    continue;
  }
  for (const name of exportsOf(file)) if (!typescriptExports.has(name)) typescriptExports.set(name, entry);
}
const typescriptWords = new Set();
(function collect(folder) {
  for (const item of readdirSync(folder, { withFileTypes: true })) {
    const path = join(folder, item.name);
    if (item.isDirectory()) collect(path);
    else if (/\.tsx?$/.test(item.name) && !/\.test\.tsx?$/.test(item.name)) {
      for (const word of identifiers(readFileSync(path, "utf8"))) typescriptWords.add(word);
    }
  }
})(join(root, clientSource));

// ---- the table: the identifiers in backticks of its C# and TypeScript columns ---------------------------------
const lines = readFileSync(join(root, page), "utf8").split("\n");
const start = lines.findIndex((line) => /^##\s+Vocabulary\s*$/.test(line));
const end = start < 0 ? -1 : lines.findIndex((line, index) => index > start && /^##?\s/.test(line));
const section = start < 0 ? [] : lines.slice(start + 1, end < 0 ? undefined : end);
const cells = (line) => line.trim().replace(/^\|/, "").replace(/\|$/, "").split(/(?<!\\)\|/).map((cell) => cell.trim());
const header = section.find((line) => line.trim().startsWith("|"));
const columns = header ? cells(header) : [];
const csharpColumn = columns.indexOf("C#");
const typescriptColumn = columns.indexOf("TypeScript");
if (start < 0) problems.push(`${page}: no "## Vocabulary" section`);
else if (csharpColumn < 0 || typescriptColumn < 0) problems.push(`${page}: the Vocabulary table has no "C#" and "TypeScript" columns`);

const inTable = { csharp: new Map(), typescript: new Map() }; // identifier -> the line of the page
section.forEach((line, index) => {
  if (!line.trim().startsWith("|") || line === header || /^\|[\s|:-]+\|$/.test(line.trim())) return;
  const row = cells(line);
  for (const [language, column] of [["csharp", csharpColumn], ["typescript", typescriptColumn]]) {
    for (const span of (row[column] ?? "").matchAll(/`([^`]+)`/g)) {
      for (const word of identifiers(span[1])) if (!inTable[language].has(word)) inTable[language].set(word, start + 2 + index);
    }
  }
});

for (const [name, file] of [...csharpTypes].sort()) {
  if (!inTable.csharp.has(name)) problems.push(`C# type ${name} (${file}) is not in the C# column of ${page}'s Vocabulary`);
}
for (const [name, entry] of [...typescriptExports].sort()) {
  if (!inTable.typescript.has(name)) problems.push(`TypeScript export ${name} (${entry}) is not in the TypeScript column of ${page}'s Vocabulary`);
}
for (const [word, line] of inTable.csharp) {
  if (!csharpWords.has(word)) problems.push(`${page}:${line}: \`${word}\` in the C# column is in no src/*/PublicAPI.*.txt`);
}
for (const [word, line] of inTable.typescript) {
  if (!typescriptWords.has(word)) problems.push(`${page}:${line}: \`${word}\` in the TypeScript column is nowhere in ${clientSource}`);
}

for (const problem of problems) console.log(problem);
console.log(`vocabulary: ${csharpTypes.size} C# types, ${typescriptExports.size} TypeScript exports, ${problems.length} problems`);
process.exit(problems.length === 0 ? 0 : 1);
