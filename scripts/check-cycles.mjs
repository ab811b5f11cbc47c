// Fails when the TypeScript sources of the workspace packages import each other in a circle (issue 11: each file
// has one job, and jobs depend one way). Every import counts, as madge counts them (`npx madge --circular
// --extensions ts packages/*/src` gives the same answer): static, type-only, re-exports and dynamic `import()`.
// Relative specifiers resolve to .ts files or folders' index.ts; @simpleclick/<package>[/<subpath>] to that
// package's entry source, so a cycle between packages is found too. Tests included.
// Run by CI (.ci/run) as `npm run check:cycles`. No dependency beyond TypeScript (madge 8 wants TypeScript 5).
import ts from 'typescript';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));
const PACKAGES_DIR = join(REPO_ROOT, 'packages');

/** `@simpleclick/<name>` and its subpaths -> source entry files, from the source-mapping tsconfig typedoc uses. */
const entrySources = new Map(
  Object.entries(
    ts.readConfigFile(join(REPO_ROOT, 'tsconfig.typedoc.json'), (file) => ts.sys.readFile(file)).config.compilerOptions
      .paths,
  ).map(([specifier, [target]]) => [specifier, resolve(REPO_ROOT, target)]),
);

function sourceFiles(folder) {
  const files = [];
  for (const name of readdirSync(folder)) {
    if (name === 'node_modules') continue;
    const path = join(folder, name);
    if (statSync(path).isDirectory()) files.push(...sourceFiles(path));
    else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) files.push(path);
  }
  return files;
}

function resolveSpecifier(from, specifier) {
  if (entrySources.has(specifier)) return entrySources.get(specifier);
  if (!specifier.startsWith('.')) return undefined; // a third-party package or a Node built-in
  const base = resolve(dirname(from), specifier.replace(/\.(m?js)$/, ''));
  for (const candidate of [`${base}.ts`, join(base, 'index.ts')]) if (existsSync(candidate)) return candidate;
  return undefined;
}

const files = readdirSync(PACKAGES_DIR)
  .map((name) => join(PACKAGES_DIR, name, 'src'))
  .filter((folder) => existsSync(folder))
  .flatMap(sourceFiles);
const graph = new Map();
for (const file of files) {
  const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
  const targets = importedFiles.map(({ fileName }) => resolveSpecifier(file, fileName)).filter(Boolean);
  graph.set(file, [...new Set(targets)]);
}

// Depth-first search; a back edge to a file on the current path closes a cycle.
const cycles = [];
const state = new Map(); // file -> 'open' | 'done'
const path = [];
function visit(file) {
  state.set(file, 'open');
  path.push(file);
  for (const target of graph.get(file) ?? []) {
    if (state.get(target) === 'open') cycles.push([...path.slice(path.indexOf(target)), target]);
    else if (!state.has(target)) visit(target);
  }
  path.pop();
  state.set(file, 'done');
}
for (const file of graph.keys()) if (!state.has(file)) visit(file);

if (cycles.length > 0) {
  for (const cycle of cycles) console.error(`cycle: ${cycle.map((file) => relative(REPO_ROOT, file)).join(' -> ')}`);
  console.error(`check:cycles: ${cycles.length} circular import chain(s) in packages/*/src`);
  process.exit(1);
}
console.log(`check:cycles: no circular imports among ${graph.size} files of packages/*/src`);
