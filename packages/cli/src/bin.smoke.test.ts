import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_MODEL_PATH, REPO_ROOT } from './test-support/capture-io';

// The built executable, as npm links it (`simpleclick` -> dist/cli.mjs). Runs only after `npm run build`.
const BIN = join(REPO_ROOT, 'packages/cli/dist/cli.mjs');
const built = existsSync(BIN) && existsSync(join(REPO_ROOT, 'packages/core/dist/node.mjs'));

describe.skipIf(!built)('built bin (packages/cli/dist/cli.mjs)', () => {
  const run = (args: string[]) =>
    spawnSync(process.execPath, [BIN, ...args], { cwd: '/', encoding: 'utf8', timeout: 60_000 });

  it('starts, prints its version, and reads the embedded model metadata from any directory', () => {
    const version = run(['--version']);
    expect(version.status).toBe(0);
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
    const info = run(['info', DEFAULT_MODEL_PATH, '--no-check']);
    expect(info.status).toBe(0);
    expect(info.stdout).toMatch(/^variant\s+xtiny-narrow$/m);
  });

  it('exits 1 with one line for a missing image and 2 for a malformed click', () => {
    const missing = run(['segment', 'no-such-image.png', '-c', '1,1']);
    expect(missing.status).toBe(1);
    expect(missing.stderr.trim().split('\n')).toHaveLength(1);
    expect(missing.stderr).toMatch(/^error: cannot read image file/);
    const malformed = run(['segment', 'x.png', '-c', '1;1']);
    expect(malformed.status).toBe(2);
    expect(malformed.stderr).toMatch(/^error: option '-c, --click <x,y\[,neg\]>' argument '1;1' is invalid/);
  });
});
