// Keeps the README's "SDK in ten lines" true: the same calls, on the example image and the model the README names
// (@simpleclick/model-default's; scripts/test-packed-install.mjs runs the README's block itself from the packed packages).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_MODEL_FILE_NAME, MODEL_DIRECTORY, defaultModelPath } from '@simpleclick/model-default';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ClickPredictor, SegmentationSession, createNodeModel, decodeImageFile } from '@simpleclick/core/node';
import { decodeCocoRle, encodeCocoRle } from '@simpleclick/core/formats';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const readme = readFileSync(`${repoRoot}README.md`, 'utf8');
const haveDefaultModel = existsSync(join(MODEL_DIRECTORY, DEFAULT_MODEL_FILE_NAME));
if (!haveDefaultModel)
  console.warn('README example skipped: run "npm run build" (it copies the default model into packages/model-default)');

describe.skipIf(!haveDefaultModel)('README example', () => {
  it('runs as written', async () => {
    expect(readme).toContain('createNodeModel(defaultModelPath())');
    const model = await createNodeModel(defaultModelPath());
    const predictor = await ClickPredictor.create(model, { preset: 'interactive' });
    const image = await decodeImageFile(`${repoRoot}examples/images/fruit.png`);
    const session = await SegmentationSession.create(predictor, image, { ownsPredictor: true });
    const revisions: number[] = [];
    session.on('prediction', (event) => revisions.push(event.revision));
    await session.addClick({ xPx: 300, yPx: 270, isPositive: true });
    const afterFirstClick = session.getMask();
    await session.addClick({ xPx: 520, yPx: 280, isPositive: false });
    await session.undo();
    const rle = encodeCocoRle(session.getMask());
    expect(rle.size).toEqual([image.height, image.width]);
    expect(decodeCocoRle(rle).data).toEqual(afterFirstClick.data);
    expect(revisions).toEqual([1, 2, 3]);
    await session.close();
  });
});
