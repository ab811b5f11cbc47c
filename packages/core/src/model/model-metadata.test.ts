import { describe, expect, it } from 'vitest';
import { ModelContractError } from '../errors';
import { MODEL_METADATA_KEYS, parseModelMetadata } from './model-metadata';

const VALID = {
  'simpleclick.format_version': '1',
  'simpleclick.variant': 'xtiny',
  'simpleclick.input_size': '448',
  'simpleclick.patch_size': '16',
  'simpleclick.training_data': 'untrained',
  'simpleclick.version': '0.1.0',
  'simpleclick.trained': 'false',
  'simpleclick.source': 'random-init',
  'simpleclick.weights_dtype': 'float32',
};

describe('parseModelMetadata', () => {
  it('reads every key of the contract', () => {
    const metadata = parseModelMetadata(VALID);
    expect(metadata).toMatchObject({
      variant: 'xtiny',
      inputSizePx: 448,
      patchSizePx: 16,
      trainingData: 'untrained',
      version: '0.1.0',
      formatVersion: '1',
      trained: false,
      source: 'random-init',
      weightsDtype: 'float32',
    });
    expect(metadata.raw).toEqual(VALID);
    expect(Object.isFrozen(metadata)).toBe(true);
  });

  it('leaves the optional keys out when absent', () => {
    const { 'simpleclick.trained': _t, 'simpleclick.source': _s, 'simpleclick.weights_dtype': _w, ...required } = VALID;
    const metadata = parseModelMetadata(required);
    expect(metadata.trained).toBeUndefined();
    expect(metadata.weightsDtype).toBeUndefined();
  });

  it('lists every problem in one ModelContractError', () => {
    const bad = { ...VALID, [MODEL_METADATA_KEYS.inputSize]: '44.8', [MODEL_METADATA_KEYS.formatVersion]: '2' };
    delete (bad as Record<string, string>)[MODEL_METADATA_KEYS.variant];
    let error: unknown;
    try {
      parseModelMetadata(bad);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ModelContractError);
    const message = (error as Error).message;
    expect(message).toMatch(/simpleclick.input_size/);
    expect(message).toMatch(/simpleclick.format_version/);
    expect(message).toMatch(/missing "simpleclick.variant"/);
  });

  it.each([
    [{ [MODEL_METADATA_KEYS.inputSize]: '450' }, /multiple of the patch size/],
    [{ [MODEL_METADATA_KEYS.trained]: 'yes' }, /"true" or "false"/],
    [{ [MODEL_METADATA_KEYS.weightsDtype]: 'int8' }, /float32/],
    [{ [MODEL_METADATA_KEYS.patchSize]: '0' }, /positive integer/],
  ])('rejects %o', (override, message) => {
    expect(() => parseModelMetadata({ ...VALID, ...override })).toThrow(message);
  });
});
