import { describe, expect, it } from 'vitest';
import { BackendError } from '../errors/backend-error';
import { parseInteractiveContext } from './interactive-context';
import { parsePredictRequest, parseSetupRequest } from './predict-request';

function keypoint(x: number, y: number, extra: Record<string, unknown> = {}, valueExtra: Record<string, unknown> = {}) {
  return {
    id: `kp${x}`,
    type: 'keypointlabels',
    from_name: 'tag2',
    to_name: 'image',
    original_width: 640,
    original_height: 480,
    image_rotation: 0,
    value: { x, y, width: 0.3, keypointlabels: ['Banana'], ...valueExtra },
    ...extra,
  };
}

describe('parseInteractiveContext', () => {
  it('no context or an empty result is no interaction', () => {
    expect(parseInteractiveContext(undefined)).toBeUndefined();
    expect(parseInteractiveContext(null)).toBeUndefined();
    expect(parseInteractiveContext({})).toBeUndefined();
    expect(parseInteractiveContext({ result: [] })).toBeUndefined();
  });

  it('keypoints become clicks in order, with label, to_name and the original size', () => {
    const context = parseInteractiveContext({
      result: [keypoint(10, 20, { is_positive: true }), keypoint(30, 40, { is_positive: false }), keypoint(50, 60)],
    });
    expect(context).toEqual({
      keypoints: [
        { xPercent: 10, yPercent: 20, isPositive: true },
        { xPercent: 30, yPercent: 40, isPositive: false },
        { xPercent: 50, yPercent: 60, isPositive: true },
      ],
      label: 'Banana',
      toName: 'image',
      originalWidthPx: 640,
      originalHeightPx: 480,
    });
  });

  it('polarity: value.positive first, then is_positive (boolean or 0/1), else positive', () => {
    const polarity = (region: unknown) => parseInteractiveContext({ result: [region] })?.keypoints[0].isPositive;
    expect(polarity(keypoint(1, 1, {}, { positive: false }))).toBe(false);
    expect(polarity(keypoint(1, 1, { is_positive: true }, { positive: false }))).toBe(false);
    expect(polarity(keypoint(1, 1, { is_positive: false }))).toBe(false);
    expect(polarity(keypoint(1, 1, { is_positive: 0 }))).toBe(false);
    expect(polarity(keypoint(1, 1, { is_positive: 1 }))).toBe(true);
    expect(polarity(keypoint(1, 1))).toBe(true);
    expect(() => polarity(keypoint(1, 1, { is_positive: 'yes' }))).toThrow(/is_positive must be a boolean/);
  });

  it('a rectangle becomes the box (the last one wins); other region types are ignored', () => {
    const rectangle = (x: number) => ({
      type: 'rectanglelabels',
      to_name: 'image',
      value: { x, y: 5, width: 20, height: 30, rotation: 0, rectanglelabels: ['Orange'] },
    });
    const context = parseInteractiveContext({
      result: [{ type: 'choices', value: { choices: ['x'] } }, rectangle(1), rectangle(2)],
    });
    expect(context?.keypoints).toEqual([]);
    expect(context?.box).toEqual({ xPercent: 2, yPercent: 5, widthPercent: 20, heightPercent: 30, rotationDeg: 0 });
    expect(context?.label).toBe('Orange');
  });

  it('refuses malformed regions with 400 naming the field', () => {
    const bad = (context: unknown) => {
      try {
        parseInteractiveContext(context);
      } catch (error) {
        expect(error).toBeInstanceOf(BackendError);
        expect((error as BackendError).status).toBe(400);
        return (error as Error).message;
      }
      throw new Error('expected a BackendError');
    };
    expect(bad('text')).toMatch(/context must be an object/);
    expect(bad({ result: 'x' })).toMatch(/must be an array/);
    expect(bad({ result: [keypoint(Number.NaN, 3)] })).toMatch(/result\[0\]\.value\.x must be a finite number/);
    expect(bad({ result: [{ type: 'keypointlabels', value: { y: 3 } }] })).toMatch(/value\.x/);
    expect(bad({ result: [keypoint(1, 2, { original_width: -5 })] })).toMatch(/original_width/);
    expect(bad({ result: [{ type: 'choices', value: {} }] })).toMatch(/no keypoint or rectangle/);
  });
});

describe('parsePredictRequest / parseSetupRequest', () => {
  it('reads tasks, project id, label config and context', () => {
    const request = parsePredictRequest({
      tasks: [{ id: 7, data: { image: '/data/upload/1/a.png' } }],
      project: '3.1700000000',
      label_config: '<View/>',
      params: { login: null, password: null, context: { result: [keypoint(1, 2)] } },
    });
    expect(request.tasks).toEqual([{ id: 7, data: { image: '/data/upload/1/a.png' } }]);
    expect(request.projectId).toBe('3');
    expect(request.labelConfig).toBe('<View/>');
    expect(request.context?.keypoints).toHaveLength(1);
  });

  it('a request without params is a batch request (no context)', () => {
    expect(parsePredictRequest({ tasks: [] }).context).toBeUndefined();
  });

  it('refuses bodies that are not shaped as Label Studio sends them', () => {
    expect(() => parsePredictRequest([])).toThrow(/must be a JSON object/);
    expect(() => parsePredictRequest({})).toThrow(/"tasks" must be an array/);
    expect(() => parsePredictRequest({ tasks: [{}] })).toThrow(/tasks\[0\]\.data must be an object/);
    expect(() => parsePredictRequest({ tasks: [{ data: {}, id: {} }] })).toThrow(/id must be a number or a string/);
    expect(() => parsePredictRequest({ tasks: [], label_config: 5 })).toThrow(/label_config/);
    expect(() => parsePredictRequest({ tasks: [], params: 'x' })).toThrow(/"params" must be an object/);
  });

  it('setup reads project, schema, hostname and access_token', () => {
    expect(
      parseSetupRequest({ project: '12.1699999999', schema: '<View/>', hostname: 'http://ls', access_token: 'k' }),
    ).toEqual({
      projectId: '12',
      labelConfig: '<View/>',
      hostname: 'http://ls',
      accessToken: 'k',
    });
    expect(parseSetupRequest({ project: '3', hostname: 7, access_token: null })).toEqual({ projectId: '3' });
    expect(parseSetupRequest({ project: 4 })).toEqual({ projectId: '4' });
    expect(() => parseSetupRequest('x')).toThrow(/must be a JSON object/);
    expect(() => parseSetupRequest({ schema: 3 })).toThrow(/"schema" must be a string/);
  });
});
