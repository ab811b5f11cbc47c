import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { REPO_ROOT } from '../test-support/fixtures';
import { DEFAULT_NUCLIO_MODEL_PATH } from './env-settings';
import { DEFAULT_SERVICE_PORT } from '../service-port';

const PACKAGE_DIR = `${REPO_ROOT}packages/adapters-cvat/`;

interface FunctionConfig {
  metadata: { name: string; namespace: string; annotations: Record<string, unknown> };
  spec: {
    runtime: string;
    handler: string;
    eventTimeout: string;
    env: { name: string; value: string }[];
    build: { baseImage: string; directives?: Record<string, { kind: string; value: string }[]> };
    triggers: Record<string, { kind: string; maxWorkers: number; attributes: { maxRequestBodySize: number } }>;
  };
}

const load = (path: string) => parse(readFileSync(`${PACKAGE_DIR}${path}`, 'utf8')) as FunctionConfig;

/**
 * How CVAT's lambda manager reads a function's annotations (cvat/apps/lambda_manager/views.py, LambdaFunction):
 * int() for version and min_*_points, json.loads for spec, bool() for startswith_box (so any string is true).
 */
function readLikeCvat(annotations: Record<string, unknown>) {
  const pythonInt = (value: unknown) => {
    const text = String(value).trim();
    if (!/^[-+]?\d+$/.test(text)) throw new Error(`int() fails on ${text}`);
    return Number(text);
  };
  return {
    kind: annotations.type,
    name: annotations.name,
    framework: annotations.framework,
    labels: (JSON.parse((annotations.spec as string) || '[]') as { name: string }[]).map((label) => label.name),
    version: pythonInt(annotations.version ?? '1'),
    minPosPoints: pythonInt(annotations.min_pos_points ?? 1),
    minNegPoints: pythonInt(annotations.min_neg_points ?? -1),
    startsWithBox: 'startswith_box' in annotations ? Boolean(annotations.startswith_box) : false,
  };
}

describe.each([
  ['nuclio/function.yaml', 'python:3.11'],
  ['nuclio/function-gpu.yaml', 'python:3.10'],
  ['python-shim/function.yaml', 'python:3.10'],
])('%s', (path, runtime) => {
  const config = load(path);

  it('declares a CVAT interactor of API version 2 with string annotations and no startswith_box', () => {
    const { annotations } = config.metadata;
    for (const [key, value] of Object.entries(annotations)) expect(typeof value, key).toBe('string');
    expect(annotations).not.toHaveProperty('startswith_box');
    expect(readLikeCvat(annotations)).toEqual({
      kind: 'interactor',
      name: expect.stringMatching(/^SimpleClick/),
      framework: 'onnxruntime',
      labels: [],
      version: 2,
      minPosPoints: 1,
      minNegPoints: 0,
      startsWithBox: false,
    });
    expect(config.metadata.namespace).toBe('cvat');
    expect(config.metadata.name).toMatch(/^[a-z0-9-]+$/);
  });

  it('runs on the expected runtime behind an HTTP trigger that takes CVAT-sized frames', () => {
    expect(config.spec.runtime).toBe(runtime);
    const triggers = Object.values(config.spec.triggers);
    expect(triggers).toHaveLength(1);
    expect(triggers[0].kind).toBe('http');
    expect(triggers[0].attributes.maxRequestBodySize).toBeGreaterThanOrEqual(32 * 1024 * 1024);
    expect(config.spec.eventTimeout).toMatch(/^\d+s$/);
  });
});

/** The python3 each base image brings (nuclio installs its wrapper's wheels for the runtime's version). */
const PYTHON_OF_BASE_IMAGE: Record<string, string> = {
  'node:20-bookworm-slim': 'python:3.11', // Debian 12
  'nvidia/cuda:12.4.1-cudnn-runtime-ubuntu22.04': 'python:3.10', // Ubuntu 22.04
};

describe.each(['nuclio/function.yaml', 'nuclio/function-gpu.yaml'])(
  '%s (Python handler + SimpleClick service)',
  (path) => {
    const config = load(path);
    const directives = config.spec.build.directives ?? {};
    const runs = (phase: string) => (directives[phase] ?? []).filter((d) => d.kind === 'RUN').map((d) => d.value);

    it('calls main.py handler, with the model where the service looks, one worker', () => {
      expect(config.spec.handler).toBe('main:handler');
      const main = readFileSync(`${PACKAGE_DIR}nuclio/main.py`, 'utf8');
      expect(main).toMatch(/^def handler\(context, event\):/m);
      expect(main).toMatch(/^def init_context\(context\):/m);
      expect(config.spec.env).toContainEqual({ name: 'SIMPLECLICK_MODEL', value: DEFAULT_NUCLIO_MODEL_PATH });
      expect(Object.values(config.spec.triggers)[0].maxWorkers).toBe(1);
      // CVAT's lambda manager waits 120 s: the function must answer (even a timeout) before that.
      expect(Number.parseInt(config.spec.eventTimeout, 10)).toBeLessThanOrEqual(120);
    });

    it("builds on a Node 20 image with a python3 of the runtime's version, and installs with install.sh", () => {
      expect(PYTHON_OF_BASE_IMAGE[config.spec.build.baseImage]).toBe(config.spec.runtime);
      const node = [config.spec.build.baseImage, ...(directives.preCopy ?? []).map((d) => d.value)].join('\n');
      expect(node).toMatch(/node:20-bookworm-slim/);
      expect(runs('preCopy').join('\n')).toMatch(/apt-get install .*python3 python3-venv/);
      // nuclio's build runs `python -m pip install` for its wrapper: a venv provides `python` and allows pip.
      expect(directives.preCopy).toContainEqual({ kind: 'ENV', value: 'PATH=/opt/simpleclick-python/bin:$PATH' });
      expect(runs('postCopy')).toEqual(['sh /opt/nuclio/install.sh']);
    });
  },
);

describe('nuclio/function-gpu.yaml', () => {
  const config = load('nuclio/function-gpu.yaml');

  it('asks for a GPU, the CUDA provider first (CPU as fallback) and installs onnxruntime-node CUDA 12 files', () => {
    expect(
      (config.spec as unknown as { resources: { limits: Record<string, unknown> } }).resources.limits['nvidia.com/gpu'],
    ).toBe(1);
    expect(config.spec.env).toContainEqual({ name: 'SIMPLECLICK_EXECUTION_PROVIDERS', value: 'cuda,cpu' });
    expect(config.spec.build.directives?.preCopy).toContainEqual({
      kind: 'ENV',
      value: 'SIMPLECLICK_ONNXRUNTIME_INSTALL=cuda12',
    });
    expect(config.metadata.name).not.toBe(load('nuclio/function.yaml').metadata.name);
  });
});

describe('python-shim/function.yaml', () => {
  it('points at a service port CVAT does not use (its traefik publishes 8080)', () => {
    const url = load('python-shim/function.yaml').spec.env.find((v) => v.name === 'SIMPLECLICK_CVAT_URL')?.value ?? '';
    expect(new URL(url).port).toBe(String(DEFAULT_SERVICE_PORT));
    expect(readFileSync(`${PACKAGE_DIR}python-shim/main.py`, 'utf8')).toContain(`:${DEFAULT_SERVICE_PORT}/`);
  });
});
