import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { REPO_ROOT } from '../test-support/fixtures';
import { DEFAULT_NUCLIO_MODEL_PATH } from './env-settings';

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
  ['nuclio/function.yaml', 'nodejs'],
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

describe('nuclio/function.yaml (Node.js runtime)', () => {
  const config = load('nuclio/function.yaml');

  it('points at handler.js exports.handler, the model where the handler looks, and installs the packages', () => {
    expect(config.spec.handler).toBe('handler:handler');
    const handlerModule = createRequire(import.meta.url)(`${PACKAGE_DIR}nuclio/handler.js`) as Record<string, unknown>;
    expect(typeof handlerModule.handler).toBe('function');
    expect(typeof handlerModule.initContext).toBe('function');
    expect(config.spec.env).toContainEqual({ name: 'SIMPLECLICK_MODEL', value: DEFAULT_NUCLIO_MODEL_PATH });
    // glibc (onnxruntime-node and sharp binaries), Node >= 20 (the package's engines).
    expect(config.spec.build.baseImage).toMatch(/^node:(2\d|[3-9]\d)[-.]/);
    expect(config.spec.build.baseImage).not.toMatch(/alpine/);
    const runs = (config.spec.build.directives?.postCopy ?? []).filter((d) => d.kind === 'RUN').map((d) => d.value);
    expect(runs.some((command) => /^npm install\b.*--omit=dev/.test(command))).toBe(true);
    // One worker: the click histories live in its memory.
    expect(Object.values(config.spec.triggers)[0].maxWorkers).toBe(1);
  });
});
