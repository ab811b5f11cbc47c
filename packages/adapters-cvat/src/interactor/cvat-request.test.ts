import { describe, expect, it } from 'vitest';
import { SimpleClickError } from '@simpleclick/core';
import { parseCvatInteractorRequest } from './cvat-request';

const codeOf = (body: unknown, maxPoints = 10): string => {
  try {
    parseCvatInteractorRequest(body, maxPoints);
  } catch (error) {
    if (error instanceof SimpleClickError) return error.code;
    throw error;
  }
  return 'OK';
};

describe('parseCvatInteractorRequest', () => {
  it('reads the body CVAT sends (obj_bbox null, no threshold) and a box in either form', () => {
    const parsed = parseCvatInteractorRequest(
      {
        image: 'AAAA',
        pos_points: [[1.5, 2]],
        neg_points: [
          [3, 4],
          [5, 6],
        ],
        obj_bbox: null,
      },
      10,
    );
    expect(parsed).toEqual({
      imageBase64: 'AAAA',
      positivePoints: [[1.5, 2]],
      negativePoints: [
        [3, 4],
        [5, 6],
      ],
      box: null,
      threshold: undefined,
    });
    const box = { x1Px: 1, y1Px: 2, x2Px: 9, y2Px: 8 };
    expect(
      parseCvatInteractorRequest(
        {
          image: 'A',
          pos_points: [],
          obj_bbox: [
            [9, 2],
            [1, 8],
          ],
        },
        10,
      ).box,
    ).toEqual(box);
    expect(parseCvatInteractorRequest({ image: 'A', pos_points: [], obj_bbox: [1, 8, 9, 2] }, 10).box).toEqual(box);
    expect(parseCvatInteractorRequest({ image: 'A', pos_points: [[0, 0]], threshold: '0.3' }, 10).threshold).toBe(0.3);
    expect(parseCvatInteractorRequest({ image: 'A', pos_points: [[0, 0]], threshold: 0 }, 10).threshold).toBe(0);
  });

  it('names what is wrong', () => {
    expect(codeOf([])).toBe('INVALID_FORMAT');
    expect(codeOf({ image: '', pos_points: [[1, 1]] })).toBe('INVALID_FORMAT');
    expect(codeOf({ image: 7, pos_points: [[1, 1]] })).toBe('INVALID_FORMAT');
    expect(codeOf({ image: 'A', pos_points: { x: 1 } })).toBe('INVALID_FORMAT');
    expect(codeOf({ image: 'A', pos_points: [[1, '2']] })).toBe('INVALID_FORMAT');
    expect(codeOf({ image: 'A', pos_points: [[1, 1]], neg_points: null })).toBe('INVALID_FORMAT');
    expect(codeOf({ image: 'A', pos_points: [[1, Infinity]] })).toBe('INVALID_FORMAT');
    // Only negative points: refused with the reason (CVAT's UI never sends them: min_pos_points is 1).
    expect(codeOf({ image: 'A', pos_points: [], neg_points: [[1, 1]] })).toBe('INVALID_CLICK');
    expect(() => parseCvatInteractorRequest({ image: 'A', pos_points: [], neg_points: [[1, 1]] }, 10)).toThrow(
      /no positive point.*min_pos_points 1.*negative points only refine/,
    );
    expect(
      codeOf(
        {
          image: 'A',
          pos_points: [
            [1, 1],
            [2, 2],
          ],
          neg_points: [[3, 3]],
        },
        2,
      ),
    ).toBe('INVALID_FORMAT');
    expect(codeOf({ image: 'A', pos_points: [[1, 1]], obj_bbox: [[1, 1]] })).toBe('INVALID_FORMAT');
    expect(codeOf({ image: 'A', pos_points: [[1, 1]], threshold: -0.1 })).toBe('INVALID_ARGUMENT');
    expect(codeOf({ image: 'A', pos_points: [[1, 1]], threshold: true })).toBe('INVALID_ARGUMENT');
    expect(() => parseCvatInteractorRequest({ image: 'A', pos_points: [[1, 2], [3]] }, 10)).toThrow(/pos_points\[1\]/);
  });
});
