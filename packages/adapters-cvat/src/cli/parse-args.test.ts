import { readFileSync } from 'node:fs';
import { InvalidArgumentError } from '@simpleclick/core';
import { defaultModelPath } from '@simpleclick/model-default';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../test-support/fixtures';
import { ADAPTER_VERSION } from '../version';
import { parseCliArgs } from './parse-args';

describe('parseCliArgs', () => {
  it('reads the serve settings with defaults', () => {
    expect(parseCliArgs(['--model', 'models/x.onnx', '--port', '8080'], {})).toEqual({
      kind: 'serve',
      settings: {
        modelPath: 'models/x.onnx',
        port: 8080,
        host: '127.0.0.1',
        preset: 'interactive',
        replayOrder: 'interleave',
        maxBodyBytes: 64 * 1024 * 1024,
        includePolygon: true,
        quiet: false,
        stopWithStdin: false,
      },
    });
    const all = parseCliArgs(
      [
        '--port',
        '0',
        '--host',
        '0.0.0.0',
        '--preset',
        'parity',
        '--threads',
        '2',
        '--replay-order',
        'positives-first',
        '--max-body-mb',
        '0.5',
        '--max-pixels',
        '1000',
        '--no-polygon',
        '--quiet',
      ],
      { SIMPLECLICK_MODEL: '/m.onnx' },
    );
    expect(all).toEqual({
      kind: 'serve',
      settings: {
        modelPath: '/m.onnx',
        port: 0,
        host: '0.0.0.0',
        preset: 'parity',
        threads: 2,
        replayOrder: 'positives-first',
        maxBodyBytes: 512 * 1024,
        maxPixels: 1000,
        includePolygon: false,
        quiet: true,
        stopWithStdin: false,
      },
    });
    expect(parseCliArgs(['-h'], {})).toEqual({ kind: 'help' });
    expect(parseCliArgs(['--version'], {})).toEqual({ kind: 'version' });
  });

  it('serves the model of @simpleclick/model-default when neither --model nor SIMPLECLICK_MODEL names one', () => {
    expect(parseCliArgs([], {})).toMatchObject({ kind: 'serve', settings: { modelPath: defaultModelPath() } });
    expect(parseCliArgs([], { SIMPLECLICK_MODEL: '' })).toMatchObject({ settings: { modelPath: defaultModelPath() } });
    expect(parseCliArgs([], { SIMPLECLICK_MODEL: 'm.onnx' })).toMatchObject({ settings: { modelPath: 'm.onnx' } });
  });

  it('defaults to a port CVAT does not use (its traefik publishes 8080), and listens on a Unix socket on request', () => {
    const settings = parseCliArgs(['--model', 'x'], {});
    expect(settings.kind === 'serve' && settings.settings.port).toBe(8571);
    expect(parseCliArgs(['--model', 'x', '--socket', '/tmp/s.sock'], {})).toMatchObject({
      settings: { socketPath: '/tmp/s.sock' },
    });
    expect(() => parseCliArgs(['--model', 'x', '--socket', '/tmp/s.sock', '--port', '1'], {})).toThrow(/--socket/);
  });

  it('takes the SIMPLECLICK_* environment as defaults, and refuses a bad value before anything starts', () => {
    const env = { SIMPLECLICK_THREADS: '3', SIMPLECLICK_PRESET: 'parity', SIMPLECLICK_IMAGE_CACHE_MB: '1' };
    expect(parseCliArgs(['--model', 'x'], env)).toMatchObject({
      settings: { threads: 3, preset: 'parity', imageCacheBytes: 1024 * 1024 },
    });
    expect(parseCliArgs(['--model', 'x', '--threads', '1'], env)).toMatchObject({ settings: { threads: 1 } });
    expect(() => parseCliArgs(['--model', 'x'], { SIMPLECLICK_THREADS: 'many' })).toThrow(/SIMPLECLICK_THREADS/);
  });

  it('reads --boundary-refinement, else SIMPLECLICK_BOUNDARY_REFINEMENT; left out, the preset decides', () => {
    const refinement = (argv: string[], env: Record<string, string> = {}) => {
      const command = parseCliArgs(['--model', 'x', ...argv], env);
      return command.kind === 'serve' ? command.settings.boundaryRefinement : 'not serve';
    };
    expect(refinement([])).toBeUndefined();
    expect(refinement(['--boundary-refinement', 'off'])).toBe(false);
    expect(refinement(['--boundary-refinement', 'on', '--preset', 'parity'])).toBe(true);
    expect(refinement(['--boundary-refinement', 'r=8,eps=1e-3,guide=gray,s=1'])).toEqual({
      radiusPx: 8,
      eps: 1e-3,
      guide: 'gray',
      subsample: 1,
    });
    expect(refinement([], { SIMPLECLICK_BOUNDARY_REFINEMENT: 'off' })).toBe(false);
    expect(refinement(['--boundary-refinement', 's=4'], { SIMPLECLICK_BOUNDARY_REFINEMENT: 'off' })).toEqual({
      subsample: 4,
    });
  });

  it('refuses a boundary refinement spec that does not parse or is out of range, naming the flag or variable', () => {
    const bad: [string[], Record<string, string>, RegExp][] = [
      [['--boundary-refinement', 'yes'], {}, /^--boundary-refinement "yes": expected "on", "off"/],
      [['--boundary-refinement', 'eps=x'], {}, /--boundary-refinement/],
      [['--boundary-refinement', 'r=0'], {}, /--boundary-refinement "r=0": .*radiusPx/],
      [['--boundary-refinement', 's=9'], {}, /subsample/],
      [[], { SIMPLECLICK_BOUNDARY_REFINEMENT: 'maybe' }, /SIMPLECLICK_BOUNDARY_REFINEMENT "maybe"/],
    ];
    for (const [argv, env, message] of bad) {
      expect(() => parseCliArgs(['--model', 'x', ...argv], env)).toThrow(InvalidArgumentError);
      expect(() => parseCliArgs(['--model', 'x', ...argv], env)).toThrow(message);
    }
  });

  it('refuses what it cannot use, saying why', () => {
    expect(() => parseCliArgs(['--model', ''], {})).toThrow(/--model must name a file/);
    expect(() => parseCliArgs(['--model', 'x', '--port', '80a'], {})).toThrow(/--port must be an integer/);
    expect(() => parseCliArgs(['--model', 'x', '--port', '70000'], {})).toThrow(/--port/);
    expect(() => parseCliArgs(['--model', 'x', '--preset', 'fast'], {})).toThrow(/--preset/);
    expect(() => parseCliArgs(['--model', 'x', '--replay-order', 'x'], {})).toThrow(/--replay-order/);
    expect(() => parseCliArgs(['--model', 'x', '--max-body-mb', '0'], {})).toThrow(/--max-body-mb/);
    expect(() => parseCliArgs(['--model', 'x', '--bogus'], {})).toThrow(/bogus/);
    expect(() => parseCliArgs(['--model', 'x', 'extra'], {})).toThrow(/extra/);
  });

  it('knows its package version', () => {
    const pkg = JSON.parse(readFileSync(`${REPO_ROOT}packages/adapters-cvat/package.json`, 'utf8')) as {
      version: string;
    };
    expect(ADAPTER_VERSION).toBe(pkg.version);
  });
});
