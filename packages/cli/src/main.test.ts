import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { encodeRgbPng } from '@simpleclick/core/formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT_FAILURE, EXIT_OK, EXIT_USAGE } from './cli-errors';
import {
  REPO_ROOT,
  runCli,
  temporaryDirectory,
  DEFAULT_MODEL_NAME,
  DEFAULT_MODEL_PATH,
  DEFAULT_MODEL_SIZE_PX,
} from './test-support/capture-io';
import { CLI_VERSION } from './version';

const folder = temporaryDirectory();
const imagePath = join(folder.path, 'small.png');

beforeAll(() => {
  const width = 40;
  const height = 30;
  const data = new Uint8Array(width * height * 3).map((_, i) => (i * 7) % 256);
  writeFileSync(imagePath, encodeRgbPng({ width, height, data }));
  writeFileSync(
    join(folder.path, 'corrupt.png'),
    new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]),
  );
  writeFileSync(join(folder.path, 'notes.txt'), 'not an image');
  writeFileSync(join(folder.path, 'fake.onnx'), 'not a model');
});
afterAll(() => folder.remove());

/** Runs a command that must fail before any model runs; returns status and the stderr lines. */
async function failing(argv: string[]) {
  const { status, io } = await runCli(argv, { cwd: folder.path });
  const lines = io
    .stderrText()
    .split('\n')
    .filter((line) => line.trim() !== '');
  return { status, lines, stdout: io.stdoutText() };
}

describe('simpleclick: program', () => {
  it('prints usage and exits 2 without a command', async () => {
    const { status, io } = await runCli([]);
    expect(status).toBe(EXIT_USAGE);
    expect(io.stderrText()).toMatch(/Usage: simpleclick/);
    for (const command of ['segment', 'eval', 'bench', 'info']) expect(io.stderrText()).toContain(command);
  });

  it('--help and --version exit 0 on stdout', async () => {
    const help = await runCli(['segment', '--help']);
    expect(help.status).toBe(EXIT_OK);
    expect(help.io.stdoutText()).toMatch(/--keep-clicked-components/);
    const version = await runCli(['--version']);
    expect(version.status).toBe(EXIT_OK);
    expect(version.io.stdoutText().trim()).toBe(CLI_VERSION);
    const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'packages/cli/package.json'), 'utf8'));
    expect(CLI_VERSION).toBe(pkg.version);
  });

  it('unknown commands and options are usage errors', async () => {
    expect((await failing(['segmnet'])).status).toBe(EXIT_USAGE);
    const unknownOption = await failing(['segment', 'small.png', '--click', '1,1', '--colour', 'red']);
    expect(unknownOption.status).toBe(EXIT_USAGE);
    expect(unknownOption.lines[0]).toMatch(/^error: unknown option '--colour'/);
  });
});

describe('simpleclick segment: bad command lines exit 2 with a one-line error', () => {
  it.each([
    [['segment', 'small.png'], /required option '-c, --click/],
    [['segment', 'small.png', '--click', '10'], /--click <x,y\[,neg\]>' argument '10' is invalid/],
    [['segment', 'small.png', '--click', '10,abc'], /is invalid\. x and y must be numbers/],
    [['segment', 'small.png', '--click', '1,2,sideways'], /third field must be "neg" or "pos"/],
    [
      ['segment', 'small.png', '-c', '1,1', '--format', 'gif'],
      /argument 'gif' is invalid\. Allowed choices are png, polygon/,
    ],
    [['segment', 'small.png', '-c', '1,1', '--threshold', '1.5'], /--threshold <p>' argument '1.5' is invalid/],
    [['segment', 'small.png', '-c', '1,1', '--preset', 'fast'], /Allowed choices are interactive, parity/],
    [['segment', 'small.png', '-c', '1,1', '--fill-holes', '-3'], /--fill-holes <area>' argument '-3' is invalid/],
    [['segment', 'small.png', '-c', '1,1', '-f', 'polygon', '--max-vertices', '2'], /integer >= 3/],
    [
      ['segment', 'small.png', '-c', '1,1', '-f', 'polygon', '--max-vertices', '8', '--epsilon', '1'],
      /cannot be used with option '--epsilon/,
    ],
    [['segment', 'small.png', '-c', '1,1', '-f', 'png', '--epsilon', '1'], /apply only to --format polygon/],
    [
      ['segment', 'small.png', '-c', '1,1', '-f', 'coco', '--ls-type', 'polygon'],
      /--ls-type applies only to --format labelstudio/,
    ],
  ])('%j', async (argv, message) => {
    const { status, lines, stdout } = await failing(argv);
    expect(status).toBe(EXIT_USAGE);
    expect(lines[0]).toMatch(/^error: /);
    expect(lines[0]).toMatch(message);
    expect(stdout).toBe('');
  });

  it('refuses to write a PNG to a terminal', async () => {
    const { captureIo } = await import('./test-support/capture-io');
    const { main } = await import('./main');
    const io = { ...captureIo(folder.path), stdoutIsTerminal: true };
    expect(await main(['segment', 'small.png', '-c', '1,1'], io)).toBe(EXIT_USAGE);
    expect(io.stderrText()).toMatch(/^error: --format png writes binary data: give --out FILE/);
  });
});

describe('simpleclick segment: unusable inputs exit 1 with a one-line error', () => {
  it.each([
    [['segment', 'missing.png', '-c', '1,1'], /^error: cannot read image file .*missing\.png: ENOENT/],
    [['segment', 'corrupt.png', '-c', '1,1'], /^error: .*corrupt\.png: cannot (read|decode) the png/],
    [['segment', 'notes.txt', '-c', '1,1'], /^error: .*notes\.txt: unknown image format/],
    [
      ['segment', 'small.png', '-c', '40,10'],
      /^error: --click 40,10 is outside the 40 x 30 image \(x must be in \[0, 40\), y in \[0, 30\)\)$/,
    ],
    [['segment', 'small.png', '-c', '5,5', '-c', '3,-1,neg'], /^error: --click 3,-1,neg is outside the 40 x 30 image/],
    [
      ['segment', 'small.png', '-c', '5,5', '--model', 'models/nope.onnx'],
      new RegExp(
        `^error: model file not found: models/nope\\.onnx \\(embedded models in .*${DEFAULT_MODEL_NAME}-fp16\\.onnx\\)`,
      ),
    ],
    [['segment', 'small.png', '-c', '5,5', '--model', 'fake.onnx'], /^error: .*(protobuf|metadata|ONNX)/i],
  ])('%j', async (argv, message) => {
    const { status, lines, stdout } = await failing(argv);
    expect(status).toBe(EXIT_FAILURE);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(message);
    expect(stdout).toBe('');
  });
});

describe('simpleclick info', () => {
  it('prints the metadata of the embedded model', async () => {
    const { status, io } = await runCli(['info', DEFAULT_MODEL_PATH]);
    expect(status).toBe(EXIT_OK);
    const out = io.stdoutText();
    expect(out).toMatch(/^variant\s+xtiny-narrow$/m);
    expect(out).toMatch(
      new RegExp(`^input size\\s+${DEFAULT_MODEL_SIZE_PX} x ${DEFAULT_MODEL_SIZE_PX} px \\(patch 16\\)$`, 'm'),
    );
    expect(out).toMatch(/^trained\s+yes$/m);
    expect(out).toMatch(/^sha256\s+[0-9a-f]{64}$/m);
    expect(out).toMatch(/^runtime\s+onnxruntime-node loads it/m);
  });

  it('--json --no-check prints the raw metadata_props', async () => {
    const { status, io } = await runCli(['info', DEFAULT_MODEL_PATH, '--json', '--no-check']);
    expect(status).toBe(EXIT_OK);
    const facts = JSON.parse(io.stdoutText());
    expect(facts.metadata['simpleclick.input_size']).toBe(String(DEFAULT_MODEL_SIZE_PX));
    expect(facts.parsed.variant).toBe('xtiny-narrow');
    expect(facts.runtime).toBeUndefined();
  });

  it('fails on missing and non-model files', async () => {
    const missing = await failing(['info', 'nothing.onnx']);
    expect(missing.status).toBe(EXIT_FAILURE);
    expect(missing.lines).toEqual(['error: model file not found: nothing.onnx (no such file)']);
    const fake = await failing(['info', 'fake.onnx']);
    expect(fake.status).toBe(EXIT_FAILURE);
    expect(fake.lines).toHaveLength(1);
  });
});
