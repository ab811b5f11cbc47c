import { describe, expect, it } from 'vitest';
import * as errors from '../../errors';
import { deserializeError, serializeError } from './serialized-error';

/** A round trip through structured cloning, as postMessage does it. */
function acrossTheBoundary(error: unknown): Error {
  return deserializeError(structuredClone(serializeError(error)));
}

describe('errors across the worker boundary', () => {
  it('rebuilds every SDK error class by name, with its code, message and the worker stack', () => {
    const classes = (Object.values(errors) as unknown[]).filter(
      (value: unknown): value is new (message: string) => errors.SimpleClickError =>
        typeof value === 'function' && value.prototype instanceof errors.SimpleClickError,
    );
    expect(classes.length).toBeGreaterThanOrEqual(12);
    for (const ErrorClass of classes) {
      const original = new ErrorClass('went wrong');
      const rebuilt = acrossTheBoundary(original) as errors.SimpleClickError;
      expect(rebuilt).toBeInstanceOf(ErrorClass);
      expect(rebuilt).toBeInstanceOf(Error);
      expect(rebuilt.constructor).toBe(ErrorClass);
      expect([rebuilt.name, rebuilt.code, rebuilt.message]).toEqual([original.name, original.code, 'went wrong']);
      expect(rebuilt.stack).toContain(original.stack!.split('\n')[1]);
      expect(rebuilt.stack).toContain('received from the SimpleClick worker');
      expect(Object.prototype.toString.call(rebuilt)).toBe('[object Error]');
    }
  });

  it('keeps refinements (NoPositiveClickError is an InvalidClickError) and causes', () => {
    const rebuilt = acrossTheBoundary(
      new errors.ModelLoadError('cannot use the model', { cause: new errors.NoPositiveClickError() }),
    );
    expect(rebuilt).toBeInstanceOf(errors.ModelLoadError);
    const cause = (rebuilt as Error & { cause?: unknown }).cause;
    expect(cause).toBeInstanceOf(errors.NoPositiveClickError);
    expect(cause).toBeInstanceOf(errors.InvalidClickError);
    expect((cause as errors.SimpleClickError).code).toBe('INVALID_CLICK');
  });

  it('rebuilds built-in errors as their class, unknown ones as Error with their name, and non-errors as Error', () => {
    expect(acrossTheBoundary(new TypeError('bad'))).toBeInstanceOf(TypeError);
    const custom = new Error('from onnxruntime');
    custom.name = 'OrtError';
    const rebuilt = acrossTheBoundary(custom);
    expect([rebuilt.constructor, rebuilt.name, rebuilt.message]).toEqual([Error, 'OrtError', 'from onnxruntime']);
    expect(acrossTheBoundary('a string').message).toBe('a string');
  });
});
