import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { readOnnxInitializerData, readOnnxMetadataProps } from '@simpleclick/core/internal';
import { weightsSha256 } from '@simpleclick/core/node';
import { afterAll, describe, expect, it } from 'vitest';
import { EXIT_FAILURE, EXIT_OK, EXIT_USAGE } from '../cli-errors';
import { runCli, temporaryDirectory } from '../test-support/capture-io';
import { VARIANTS } from './checkpoint-model';
import { EXTERNAL_DATA_THRESHOLD_BYTES, findTemplate, GraphTemplate, loadTemplateIndex } from './graph-template';
import { packageTemplatesDirectory } from './convert-checkpoint';
import {
  checkpointZip,
  FIXTURE_ONNX,
  FIXTURE_PTH,
  FIXTURE_TEMPLATES,
  pythonUnavailable,
  runPython,
  runPythonCode,
} from './test-support';

const folder = temporaryDirectory();
afterAll(() => folder.remove());

async function convert(argv: string[]) {
  const { status, io } = await runCli(['convert', ...argv], { cwd: folder.path });
  const stderr = io
    .stderrText()
    .split('\n')
    .filter((line) => line.trim() !== '');
  return { status, stderr };
}

describe('simpleclick convert: the checkpoint written by the official code', () => {
  it("gives the Python exporter's file byte for byte (default settings)", async () => {
    const out = join(folder.path, 'fixture.onnx');
    const { status, stderr } = await convert([FIXTURE_PTH, '--out', out, '--templates', FIXTURE_TEMPLATES]);
    expect(stderr.join('\n')).toMatch(
      /^converted .*plainvit-small-official-v1\.0\.pth -> .*fixture\.onnx \(1\.0 MB, variant custom, S=448, weights float32; layout from checkpoint config; trained not stated \(unknown\), training data unknown\)/,
    );
    expect(status).toBe(EXIT_OK);
    const written = readFileSync(out);
    expect(written.equals(readFileSync(FIXTURE_ONNX))).toBe(true);
    // and the SDK's own reader agrees with the recorded weights digest
    expect(weightsSha256(written)).toBe(readOnnxMetadataProps(written)['simpleclick.weights_sha256']);
  });

  it('external data (--external-data always): every tensor of 991+ bytes in <out>.data, in graph order', async () => {
    const out = join(folder.path, 'external.onnx');
    const { status } = await convert([
      FIXTURE_PTH,
      '--out',
      out,
      '--templates',
      FIXTURE_TEMPLATES,
      '--external-data',
      'always',
    ]);
    expect(status).toBe(EXIT_OK);
    const model = readFileSync(out);
    const data = readFileSync(`${out}.data`);
    expect(model.length).toBeLessThan(200_000);
    // the data file is the inline file's tensors of at least 991 bytes, concatenated in graph order (onnx 1.12:
    // sys.getsizeof(raw_data) >= 1024); the smaller ones stay in the .onnx
    const inline = readFileSync(FIXTURE_ONNX);
    const tensors = readOnnxInitializerData(inline).tensorBytes as Uint8Array[];
    const large = tensors.filter((t) => t.length >= 991);
    expect(large.length).toBeGreaterThan(10);
    expect(large.length).toBeLessThan(tensors.length);
    expect(data.equals(Buffer.concat(large))).toBe(true);
    const kept = readOnnxInitializerData(model).tensorBytes;
    expect(kept.filter((t) => t !== null).map((t) => Buffer.from(t).toString('hex'))).toEqual(
      tensors.filter((t) => t.length < 991).map((t) => Buffer.from(t).toString('hex')),
    );
    const props = readOnnxMetadataProps(model);
    expect(props['simpleclick.weights_sha256']).toBe(readOnnxMetadataProps(inline)['simpleclick.weights_sha256']);
    expect(weightsSha256(model)).toBeUndefined(); // core cannot hash external data from the .onnx alone
    // a later inline conversion to the same name removes the stale .data (as the exporter does)
    expect((await convert([FIXTURE_PTH, '--out', out, '--templates', FIXTURE_TEMPLATES, '-q'])).status).toBe(EXIT_OK);
    expect(existsSync(`${out}.data`)).toBe(false);
  });

  it('without a template for the layout: one line naming what exists and the Python exporter', async () => {
    const { status, stderr } = await convert([FIXTURE_PTH, '--out', join(folder.path, 'x.onnx')]);
    expect(status).toBe(EXIT_FAILURE);
    expect(stderr).toHaveLength(1);
    expect(stderr[0]).toMatch(
      /^error: no graph template for the custom layout at 448 px with float32 weights \(templates: .*xtiny \(448\/672\).*\); convert it with the Python exporter/,
    );
    expect(existsSync(join(folder.path, 'x.onnx'))).toBe(false);
  });

  it('--size outside 448/672 is a usage error', async () => {
    expect((await convert([FIXTURE_PTH, '--out', 'y.onnx', '--size', '512'])).status).toBe(EXIT_USAGE);
  });
});

describe('simpleclick convert: files that are not usable checkpoints give one typed line and write nothing', () => {
  const MARKER = '/tmp/SIMPLECLICK_PWNED_MARKER';
  /** {'state_dict': {}, 'config': <os.system('touch MARKER') via GLOBAL + REDUCE>} (CPython pickle.dumps, protocol 2). */
  const EVIL_DICT =
    '80027d710028580a00000073746174655f6469637471017d71025806000000636f6e666967710363706f7369780a73797374656d0a71045823000000746f756368202f746d702f53494d504c45434c49434b5f50574e45445f4d41524b45527105857106527107752e';
  /** The bare os.system REDUCE as the whole file's object. */
  const EVIL =
    '800263706f7369780a73797374656d0a71005823000000746f756368202f746d702f53494d504c45434c49434b5f50574e45445f4d41524b455271018571025271032e';

  const cases: Array<[string, () => Buffer, RegExp]> = [
    [
      'truncated archive (first half of the fixture)',
      () => readFileSync(FIXTURE_PTH).subarray(0, 500_000),
      /^error: cut\.pth is truncated or corrupt \(its zip archive cannot be read/,
    ],
    ['empty file', () => Buffer.alloc(0), /^error: cut\.pth is empty$/],
    [
      'legacy (pre-1.6) format',
      () => Buffer.from([0x80, 0x02, 0x8a, 0x0a, 0x6c, 0xfc]),
      /^error: cut\.pth uses PyTorch's legacy \(before 1\.6\) file format/,
    ],
    [
      'not a checkpoint',
      () => Buffer.from('hello'),
      /^error: cut\.pth is not a PyTorch checkpoint \(not a zip archive\)$/,
    ],
    [
      'pickle cut short inside the archive',
      () => checkpointZip(Buffer.from(EVIL_DICT, 'hex').subarray(0, 40)),
      /^error: cut\.pth is truncated or corrupt \(the pickle ends too early\)$/,
    ],
    [
      'os.system in the config (never run)',
      () => checkpointZip(Buffer.from(EVIL_DICT, 'hex')),
      /^error: cut\.pth is not a SimpleClick checkpoint: its 'state_dict' is not a tensor mapping|^error: cut\.pth is not a SimpleClick checkpoint: its state dict lacks patch_embed_coords\.proj\.weight$/,
    ],
    [
      'os.system as the whole object (never run)',
      () => checkpointZip(Buffer.from(EVIL, 'hex')),
      /^error: cut\.pth is not a SimpleClick checkpoint \(it holds a system\)$/,
    ],
  ];
  it.each(cases)('%s', async (_, make, expected) => {
    rmSync(MARKER, { force: true });
    const path = join(folder.path, 'cut.pth');
    writeFileSync(path, make());
    const out = join(folder.path, 'never.onnx');
    const { status, stderr } = await convert([path, '--out', out, '--templates', FIXTURE_TEMPLATES]);
    expect(stderr).toHaveLength(1);
    expect(stderr[0]).toMatch(expected);
    expect(status).toBe(EXIT_FAILURE);
    expect(existsSync(out)).toBe(false);
    expect(existsSync(MARKER)).toBe(false);
  });

  it('a failed conversion keeps an existing output whole and leaves no temporary file', async () => {
    const out = join(folder.path, 'keep.onnx');
    writeFileSync(out, 'previous');
    const path = join(folder.path, 'cut.pth');
    writeFileSync(path, readFileSync(FIXTURE_PTH).subarray(0, 500_000));
    expect((await convert([path, '--out', out, '--templates', FIXTURE_TEMPLATES])).status).toBe(EXIT_FAILURE);
    expect(readFileSync(out, 'utf8')).toBe('previous');
  });
});

describe('the committed templates of the released layouts', () => {
  it('cover xTiny, ViT-B, ViT-L and ViT-H at 448 and 672, fp32 and fp16, and are intact', async () => {
    const directory = packageTemplatesDirectory();
    expect(directory).toBeDefined();
    const index = await loadTemplateIndex(directory as string);
    let total = 0;
    for (const name of ['xtiny', 'base', 'large', 'huge']) {
      for (const size of [448, 672]) {
        for (const dtype of ['float32', 'float16'] as const) {
          const found = findTemplate([index], VARIANTS[name], size, dtype);
          expect(found, `${name} ${size} ${dtype}`).toBeDefined();
          const template = await GraphTemplate.load(index, found!.entry);
          expect(template.metadata.get('simpleclick.variant')).toBe(name);
          expect(template.metadata.get('simpleclick.input_size')).toBe(String(size));
          expect(found!.layout.state_dict.length).toBeGreaterThan(template.initializers.length);
          // --external-data auto decides as the exporter: only ViT-H fp32 (2.6 GB) is over 1.8 GB of weights
          expect(template.weightBytes > EXTERNAL_DATA_THRESHOLD_BYTES, `${name} ${size} ${dtype}`).toBe(
            name === 'huge' && dtype === 'float32',
          );
          total += statSync(join(directory as string, found!.entry.file)).size;
        }
      }
    }
    expect(total).toBeLessThan(2_000_000);
  });
});

// With the Python toolchain installed, compare with fresh exports: the other settings of the fixture, and an
// official layout (xTiny, random weights saved as an official-format checkpoint) through the committed templates.
const noPython = pythonUnavailable();
if (noPython !== null) {
  describe('convert vs the Python exporter', () => {
    it.skip(`skipped: ${noPython}`, () => undefined);
  });
} else {
  describe('convert vs the Python exporter (fresh exports, --no-verify)', () => {
    it.each([
      ['fp16', ['--fp16'], []],
      ['672', ['--size', '672'], ['--size', '672']],
      ['external data', ['--external-data', 'always'], ['--external-data', 'always']],
      ['training data stated by the user', ['--training-data', 'SBD'], ['--training-data', 'SBD']],
    ])('fixture, %s: identical files', async (name, pythonArgs, cliArgs) => {
      // Same file name in two folders: external data records the data file's name.
      const reference = join(folder.path, 'py', `${name.replace(/\W/g, '')}.onnx`);
      const ours = join(folder.path, 'ts', `${name.replace(/\W/g, '')}.onnx`);
      mkdirSync(dirname(reference), { recursive: true });
      mkdirSync(dirname(ours), { recursive: true });
      runPython(['export', '--checkpoint', FIXTURE_PTH, '--out', reference, '--no-verify', ...pythonArgs]);
      const args = pythonArgs.includes('--fp16') ? ['--fp16', ...cliArgs] : cliArgs;
      const { status, stderr } = await convert([FIXTURE_PTH, '--out', ours, '--templates', FIXTURE_TEMPLATES, ...args]);
      expect(stderr.join('\n')).toMatch(/^converted/);
      expect(status).toBe(EXIT_OK);
      expect(readFileSync(ours).equals(readFileSync(reference))).toBe(true);
      expect(existsSync(`${ours}.data`)).toBe(existsSync(`${reference}.data`));
      if (existsSync(`${reference}.data`))
        expect(readFileSync(`${ours}.data`).equals(readFileSync(`${reference}.data`))).toBe(true);
    });

    it('an official-format xTiny checkpoint (official file name: guessed provenance) through the committed templates', async () => {
      const checkpoint = join(folder.path, 'sbd_vit_xtiny.pth');
      runPythonCode(
        'from simpleclick.network import build_network; from simpleclick.checkpoint import save_official_checkpoint; ' +
          'import torch; net = build_network("xtiny", seed=3); ' +
          'state = {k: v for k, v in net.state_dict().items()}; ' +
          'torch.save({"state_dict": state, "config": __import__("simpleclick.checkpoint", fromlist=["x"]).official_config(net.config)}, ' +
          `${JSON.stringify(checkpoint)})`,
      );
      for (const fp16 of [false, true]) {
        const reference = join(folder.path, `py-xtiny-${fp16}.onnx`);
        const ours = join(folder.path, `ts-xtiny-${fp16}.onnx`);
        runPython([
          'export',
          '--checkpoint',
          checkpoint,
          '--out',
          reference,
          '--no-verify',
          ...(fp16 ? ['--fp16'] : []),
        ]);
        const { status, stderr } = await convert([checkpoint, '--out', ours, ...(fp16 ? ['--fp16'] : [])]);
        expect(stderr.join('\n')).toMatch(
          /variant xtiny, S=448.*trained true \(file-name guess\), training data SBD \(guessed from the file name\)/,
        );
        expect(status).toBe(EXIT_OK);
        expect(readFileSync(ours).equals(readFileSync(reference))).toBe(true);
      }
    });

    // SIMPLECLICK_SLOW=1 (as the Python suite): ViT-B, 388 MB checkpoint, about 3 minutes on 2 shared cores.
    it.runIf(process.env.SIMPLECLICK_SLOW === '1')(
      'ViT-B (official file name) at 448 fp32 and 672 fp16',
      { timeout: 900_000 },
      async () => {
        const checkpoint = join(folder.path, 'cocolvis_vit_base.pth');
        runPythonCode(
          'import torch; from simpleclick.network import build_network; from simpleclick.checkpoint import official_config; ' +
            'net = build_network("base", seed=5); ' +
            `torch.save({"state_dict": net.state_dict(), "config": official_config(net.config)}, ${JSON.stringify(checkpoint)})`,
        );
        for (const args of [[], ['--fp16', '--size', '672']]) {
          const reference = join(folder.path, 'py-base.onnx');
          const ours = join(folder.path, 'ts-base.onnx');
          runPython(['export', '--checkpoint', checkpoint, '--out', reference, '--no-verify', ...args]);
          const { status } = await convert([checkpoint, '--out', ours, '-q', ...args]);
          expect(status).toBe(EXIT_OK);
          expect(readFileSync(ours).equals(readFileSync(reference))).toBe(true);
          rmSync(reference);
          rmSync(ours);
        }
        rmSync(checkpoint);
      },
    );
  });
}
