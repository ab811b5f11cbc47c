// Keeps the README's "SDK in ten lines" true: the same calls, on the example image and the model the README names.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  ClickPredictor,
  SegmentationSession,
  createNodeModel,
  decodeImageFile,
} from '@simpleclick/core/node';
import { decodeCocoRle, encodeCocoRle } from '@simpleclick/core/formats';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const readme = readFileSync(`${repoRoot}README.md`, 'utf8');
const modelPath = /createNodeModel\('([^']+)'\)/.exec(readme)?.[1];

describe.skipIf(modelPath === undefined || !existsSync(`${repoRoot}${modelPath}`))('README example', () => {
  it('runs as written', async () => {
    const model = await createNodeModel(`${repoRoot}${modelPath}`);
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
