// Test-only: a SegmentationModel that needs no weights. Its logits are positive inside the positive click disks
// and where the previous mask was on, negative inside negative disks: the mask grows click by click and depends on
// the state, so replaying clicks and reusing states can be compared exactly. A 4 x 4 blob in the crop's top-left
// corner is always on: a component no click is on (for the clean-up options).
import { encodeRgbPng } from '@simpleclick/core/formats';
import {
  type ModelMetadata,
  type NetInput,
  type NetOutput,
  type RgbImage,
  type SegmentationModel,
} from '@simpleclick/core';

export const FAKE_MODEL_SIZE_PX = 64;

export function createFakeModel(): SegmentationModel & { runs: number } {
  const metadata: ModelMetadata = {
    variant: 'fake',
    inputSizePx: FAKE_MODEL_SIZE_PX,
    patchSizePx: 16,
    trainingData: 'none',
    version: '0.0.0',
    trained: false,
    raw: {},
  };
  const model = {
    metadata,
    runs: 0,
    async run(input: NetInput): Promise<NetOutput> {
      model.runs++;
      const plane = input.sizePx * input.sizePx;
      const logits = new Float32Array(input.batchSize * plane);
      for (let b = 0; b < input.batchSize; b++) {
        const base = b * 3 * plane;
        for (let i = 0; i < plane; i++) {
          const cornerBlob = i % input.sizePx < 4 && i < 4 * input.sizePx ? 1 : 0;
          const previous = input.clickMaps[base + i];
          const positive = input.clickMaps[base + plane + i];
          const negative = input.clickMaps[base + 2 * plane + i];
          logits[b * plane + i] = 8 * positive + 8 * (previous > 0.5 ? 1 : 0) + 8 * cornerBlob - 16 * negative - 4;
        }
      }
      return { logits };
    },
    async close(): Promise<void> {},
  };
  return model;
}

/** A small RGB test picture: a warm disk on a cool gradient. */
export function makeTestImage(
  width: number,
  height: number,
  centre: [number, number] = [width / 2, height / 2],
): RgbImage {
  const data = new Uint8Array(width * height * 3);
  const radius = Math.min(width, height) / 4;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const inside = (x - centre[0]) ** 2 + (y - centre[1]) ** 2 < radius ** 2;
      data.set(inside ? [220, 60, 40] : [(40 + x) % 256, 90, (120 + y) % 256], (y * width + x) * 3);
    }
  }
  return { width, height, data };
}

/** `data:image/png;base64,...` of an image. */
export function pngDataUrl(image: RgbImage): string {
  return `data:image/png;base64,${Buffer.from(encodeRgbPng(image)).toString('base64')}`;
}

/** The labeling config of the interactive brush template (names as Label Studio's SAM example). */
export const BRUSH_CONFIG = `<View>
  <Image name="image" value="$image" zoom="true"/>
  <BrushLabels name="tag" toName="image">
    <Label value="Banana" background="#FF0000"/>
    <Label value="Orange" background="#0d14d3"/>
  </BrushLabels>
  <KeyPointLabels name="tag2" toName="image" smart="true">
    <Label value="Banana" smart="true" background="#000000" showInline="true"/>
    <Label value="Orange" smart="true" background="#000000" showInline="true"/>
  </KeyPointLabels>
  <RectangleLabels name="tag3" toName="image" smart="true">
    <Label value="Banana" background="#000000" showInline="true"/>
  </RectangleLabels>
</View>`;

/** The same with polygons instead of brushes. */
export const POLYGON_CONFIG = BRUSH_CONFIG.replace(/BrushLabels name="tag"/, 'PolygonLabels name="poly"').replace(
  '</BrushLabels>',
  '</PolygonLabels>',
);

/** A keypoint region of the interactive context, as the frontend sends it. */
export function keypointRegion(
  xPercent: number,
  yPercent: number,
  isPositive: boolean,
  width: number,
  height: number,
  label = 'Orange',
) {
  return {
    id: `kp-${xPercent}-${yPercent}`,
    type: 'keypointlabels',
    from_name: 'tag2',
    to_name: 'image',
    original_width: width,
    original_height: height,
    image_rotation: 0,
    is_positive: isPositive,
    value: { x: xPercent, y: yPercent, width: 0.5, keypointlabels: [label] },
    origin: 'manual',
  };
}

/** A `/predict` body for one task with the given context regions. */
export function predictBody(imageUrl: string, regions: unknown[], options: { taskId?: number; config?: string } = {}) {
  return {
    tasks: [{ id: options.taskId ?? 1, data: { image: imageUrl } }],
    model_version: 'x',
    project: '1.1700000000',
    label_config: options.config ?? BRUSH_CONFIG,
    params: { login: null, password: null, context: { result: regions } },
  };
}
