// Test-only stand-in for `npm install` in a prepared nuclio function folder (install.sh calls it), so the install
// step runs offline and fast: unpacks vendor/*.tgz (the packed @simpleclick packages) into node_modules and links
// every other dependency they declare from the repository's node_modules, where `npm ci` put the same versions.
// Usage: node fake-npm.mjs install [npm flags]   (run in the function folder; REPO_NODE_MODULES must be set)
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';

const [command] = process.argv.slice(2);
if (command !== 'install') {
  console.error(`fake npm: only "install" is supported, got ${process.argv.slice(2).join(' ')}`);
  process.exit(2);
}
const repoModules = process.env.REPO_NODE_MODULES;
if (!repoModules) throw new Error('fake npm: REPO_NODE_MODULES is not set');
const dependencies = new Set();
for (const tarball of readdirSync('vendor').filter((name) => name.endsWith('.tgz'))) {
  const staging = join('node_modules', '.staging', tarball);
  mkdirSync(staging, { recursive: true });
  execFileSync('tar', ['-xzf', join('vendor', tarball), '-C', staging, '--strip-components=1']);
  const manifest = JSON.parse(readFileSync(join(staging, 'package.json'), 'utf8'));
  const target = join('node_modules', manifest.name);
  mkdirSync(dirname(target), { recursive: true });
  execFileSync('mv', [staging, target]);
  for (const name of Object.keys({ ...manifest.dependencies, ...manifest.peerDependencies })) dependencies.add(name);
}
for (const name of dependencies) {
  const target = join('node_modules', name);
  if (name.startsWith('@simpleclick/') || existsSync(target) || !existsSync(join(repoModules, name))) continue;
  mkdirSync(dirname(target), { recursive: true });
  symlinkSync(join(repoModules, name), target);
}
console.log(
  `fake npm: installed ${readdirSync('vendor').length} packed packages, linked ${dependencies.size} dependencies`,
);
