import { describe, expect, it } from 'vitest';
import { toBackendError } from '../errors/backend-error';
import { createFakeModel, keypointRegion, makeTestImage, pngDataUrl, predictBody } from '../test-support/fake-model';
import { SimpleClickBackend } from './simpleclick-backend';

// Issue 10 item 10: negative clicks alone used to return a mask (the model's guess). As the SDK's predictor
// (NoPositiveClickError: an object starts with a positive click) and the CVAT interactor (min_pos_points 1) do,
// the request is refused with a reason, before any download or model run.
describe('only negative clicks', () => {
  const image = makeTestImage(40, 30);
  const negative = keypointRegion(20, 20, false, 40, 30);
  const positive = keypointRegion(50, 50, true, 40, 30);

  it('are refused with INVALID_CLICK (422) and a reason; nothing is downloaded or run', async () => {
    const model = createFakeModel();
    const backend = await SimpleClickBackend.create({ model: async () => model });
    const refused = await backend
      .predict(predictBody(pngDataUrl(image), [negative, keypointRegion(80, 80, false, 40, 30)]))
      .catch(toBackendError);
    expect(refused).toMatchObject({
      status: 422,
      code: 'INVALID_CLICK',
      message: expect.stringMatching(/no positive click yet: the first click on an object must be positive/),
    });
    expect(model.runs).toBe(0);
    expect(backend.stats().imageFetches).toBe(0);
    await backend.close();
  });

  it('an object starting with a negative click is refused too; starting with a positive one, negatives refine it', async () => {
    const backend = await SimpleClickBackend.create({ model: async () => createFakeModel() });
    await expect(backend.predict(predictBody(pngDataUrl(image), [negative, positive]))).rejects.toMatchObject({
      code: 'INVALID_CLICK',
    });
    const answer = await backend.predict(predictBody(pngDataUrl(image), [positive, negative]));
    expect(answer.results[0].result.length).toBeGreaterThan(0);
    await backend.close();
  });
});
