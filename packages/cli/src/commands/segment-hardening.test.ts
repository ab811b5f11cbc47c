/**
 * Issue 10 items on `simpleclick segment` and `info`: atomic --out, --out equal to the input refused, only
 * regular image files, --max-pixels, a negative first click, the weights checksum. The tiny contract model of
 * packages/core (S = 32) keeps each run fast; what the mask looks like does not matter here.
 */
import { execFileSync } from 'node:child_process';
import { linkSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeMaskPng, encodeRgbPng } from '@simpleclick/core/formats';
import { MODEL_METADATA_KEYS } from '@simpleclick/core/internal';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT_FAILURE, EXIT_OK, EXIT_USAGE } from '../cli-errors';
import { runCli, temporaryDirectory } from '../test-support/capture-io';
import { tinyGraphBytes, tinyGraphPath } from '../../../core/test-support/tiny-graph';
import {
  TINY_S32_INITIALIZER,
  TINY_S32_WEIGHTS_SHA256,
  withInitializerFloat,
  withMetadataEntry,
} from '../../../core/test-support/onnx-edit';

const folder = temporaryDirectory();
const WIDTH = 64;
const HEIGHT = 48;
const MODEL = tinyGraphPath('tiny-s32.onnx');
let photo: Uint8Array;

beforeAll(() => {
  const data = new Uint8Array(WIDTH * HEIGHT * 3).map((_, i) => (i * 37) % 256);
  photo = encodeRgbPng({ width: WIDTH, height: HEIGHT, data });
  writeFileSync(join(folder.path, 'photo.png'), photo);
});
afterAll(() => folder.remove());

const segment = (...args: string[]) =>
  runCli(['segment', ...args, '--model', MODEL, '--threads', '1', '-q'], { cwd: folder.path });

describe('segment --out is written atomically', () => {
  it('replaces an existing output by a new file (temporary file + rename), leaving no temporary file', async () => {
    const out = join(folder.path, 'atomic.png');
    writeFileSync(out, 'the previous mask');
    linkSync(out, join(folder.path, 'atomic-witness'));
    const inode = statSync(out).ino;
    const { status } = await segment('photo.png', '-c', '10,10', '--out', 'atomic.png');
    expect(status).toBe(EXIT_OK);
    expect(decodeMaskPng(new Uint8Array(readFileSync(out))).width).toBe(WIDTH);
    // Written in place (the old way), the hard link would see the new bytes and the inode would stay.
    expect(statSync(out).ino).not.toBe(inode);
    expect(readFileSync(join(folder.path, 'atomic-witness'), 'utf8')).toBe('the previous mask');
    expect(readdirSync(folder.path).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });
});

describe('segment refuses --out equal to the input image unless --force', () => {
  for (const [name, prepare] of [
    ['the same path', () => 'photo-a.png'],
    ['the same path written differently', () => './sub/../photo-a.png'],
    ['a symbolic link to it', () => (symlinkSync('photo-a.png', join(folder.path, 'link.png')), 'link.png')],
    [
      'a hard link to it',
      () => (linkSync(join(folder.path, 'photo-a.png'), join(folder.path, 'hard.png')), 'hard.png'),
    ],
  ] as const) {
    it(`refuses ${name}, leaving the photo as it was`, async () => {
      writeFileSync(join(folder.path, 'photo-a.png'), photo);
      execFileSync('mkdir', ['-p', join(folder.path, 'sub')]);
      const out = prepare();
      const { status, io } = await segment('photo-a.png', '-c', '10,10', '--out', out);
      expect(status).toBe(EXIT_USAGE);
      expect(io.stderrText()).toMatch(
        /^error: --out .* is the input image photo-a\.png: writing would replace it; .*--force\n$/,
      );
      expect(new Uint8Array(readFileSync(join(folder.path, 'photo-a.png')))).toEqual(photo);
    });
  }

  it('writes over the input with --force', async () => {
    writeFileSync(join(folder.path, 'photo-b.png'), photo);
    const { status } = await segment('photo-b.png', '-c', '10,10', '--out', 'photo-b.png', '--force');
    expect(status).toBe(EXIT_OK);
    expect(decodeMaskPng(new Uint8Array(readFileSync(join(folder.path, 'photo-b.png')))).width).toBe(WIDTH);
  });
});

describe('segment reads only regular image files', () => {
  it('refuses a named pipe and /dev/zero at once with exit status 1', async () => {
    execFileSync('mkfifo', [join(folder.path, 'pipe.png')]);
    for (const path of ['pipe.png', '/dev/zero']) {
      const { status, io } = await segment(path, '-c', '10,10', '--out', 'never.png');
      expect(status).toBe(EXIT_FAILURE);
      expect(io.stderrText()).toMatch(
        /^error: cannot read image file .*: not a regular file \(a (named pipe|character device)\)\n$/,
      );
    }
  });
});

describe('segment --max-pixels', () => {
  it('refuses an image over the limit, naming the option that raises it', async () => {
    const { status, io } = await segment('photo.png', '-c', '10,10', '--out', 'small.png', '--max-pixels', '1000');
    expect(status).toBe(EXIT_FAILURE);
    expect(io.stderrText()).toMatch(/64 x 48 = 3072 pixels, limit is 1000 \(raise the limit with --max-pixels N/);
  });

  it('accepts an image within a raised or lifted limit, and refuses a malformed value', async () => {
    expect((await segment('photo.png', '-c', '10,10', '--out', 'ok1.png', '--max-pixels', '3072')).status).toBe(
      EXIT_OK,
    );
    expect((await segment('photo.png', '-c', '10,10', '--out', 'ok2.png', '--max-pixels', 'none')).status).toBe(
      EXIT_OK,
    );
    expect((await segment('photo.png', '-c', '10,10', '--out', 'x.png', '--max-pixels', '0')).status).toBe(EXIT_USAGE);
  });
});

describe('segment with a negative first click', () => {
  it('refuses it with exit status 1 and the reason, writing nothing', async () => {
    const { status, io } = await segment('photo.png', '-c', '10,10,neg', '-c', '20,20', '--out', 'neg.png');
    expect(status).toBe(EXIT_FAILURE);
    expect(io.stderrText()).toMatch(/^error: the first --click must be positive \(got 10,10,neg\)/);
    expect(readdirSync(folder.path)).not.toContain('neg.png');
  });
});

describe('info and the weights checksum', () => {
  const recorded = withMetadataEntry(
    tinyGraphBytes('tiny-s32.onnx'),
    MODEL_METADATA_KEYS.weightsSha256,
    TINY_S32_WEIGHTS_SHA256,
  );

  it('says the weights match the recorded sha256', async () => {
    writeFileSync(join(folder.path, 'good.onnx'), recorded);
    const { status, io } = await runCli(['info', 'good.onnx'], { cwd: folder.path });
    expect(status).toBe(EXIT_OK);
    expect(io.stdoutText()).toMatch(
      new RegExp(`^weights sha256  matches the recorded value \\(${TINY_S32_WEIGHTS_SHA256}\\)$`, 'm'),
    );
    expect(io.stdoutText()).toMatch(/^runtime {9}onnxruntime-node loads it/m);
  });

  it('reports a mismatch (flipped weight bytes) and exits 1', async () => {
    writeFileSync(join(folder.path, 'damaged.onnx'), withInitializerFloat(recorded, TINY_S32_INITIALIZER.ramp, 99));
    const { status, io } = await runCli(['info', 'damaged.onnx', '--json'], { cwd: folder.path });
    expect(status).toBe(EXIT_FAILURE);
    expect(JSON.parse(io.stdoutText()).weightsSha256).toMatchObject({
      status: 'mismatch',
      expected: TINY_S32_WEIGHTS_SHA256,
    });
    expect(io.stderrText()).toMatch(/^error: the weights do not match simpleclick\.weights_sha256/);
  });

  it('says when a file records no sha256', async () => {
    const { status, io } = await runCli(['info', MODEL, '--no-check'], { cwd: folder.path });
    expect(status).toBe(EXIT_OK);
    expect(io.stdoutText()).toMatch(/^weights sha256 {2}not recorded/m);
  });
});
