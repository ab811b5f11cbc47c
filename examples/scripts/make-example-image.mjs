// Draws the example pictures of the repository (no photo, no dataset file: every pixel comes from this script,
// so the images are free to ship). Deterministic: rerunning writes the same bytes.
//
//   node examples/scripts/make-example-image.mjs
//
// Writes
//   examples/images/fruit.png                   640 x 480: an orange fruit with a leaf on a wooden table, its shadow,
//                                               and a blue box beside it (for `simpleclick segment`)
//   examples/images/fruit-mask.png              the fruit's true mask (fruit + leaf, 255 = object)
//   examples/datasets/shapes/images/*.png       three 320 x 240 scenes (fruit, box, ring with a hole) and
//   examples/datasets/shapes/masks/*.png        their masks: a tiny set for `simpleclick eval --layout folder`
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { encode } from 'fast-png';

const examplesDirectory = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Deterministic pseudo-random numbers in [0, 1) (a 32-bit linear congruential generator). */
function randomGenerator(seed) {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

const clamp = (value) => Math.max(0, Math.min(255, Math.round(value)));

/** A scene: background (sky above a wooden table), then shapes drawn in order; `isObject` marks the mask. */
function drawScene(width, height, shapes, seed) {
  const random = randomGenerator(seed);
  const rgb = new Uint8Array(width * height * 3);
  const mask = new Uint8Array(width * height);
  const horizon = Math.round(height * 0.45);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let color;
      if (y < horizon) {
        const t = y / horizon;
        color = [150 + 60 * t, 180 + 40 * t, 225 - 10 * t];
      } else {
        const grain = 14 * Math.sin(x / 9 + 3 * Math.sin(y / 23)) + 8 * Math.sin(y / 3.1);
        color = [150 + grain, 105 + grain * 0.8, 65 + grain * 0.5];
      }
      for (const shape of shapes) {
        const paint = shape.paint(x + 0.5, y + 0.5, width, height);
        if (paint === null) continue;
        color = paint;
        // A later shape covers earlier ones, in the mask too.
        mask[y * width + x] = shape.isObject ? 255 : 0;
      }
      const noise = (random() - 0.5) * 12;
      const i = (y * width + x) * 3;
      rgb[i] = clamp(color[0] + noise);
      rgb[i + 1] = clamp(color[1] + noise);
      rgb[i + 2] = clamp(color[2] + noise);
    }
  }
  return { rgb, mask };
}

function shadow(cx, cy, rx, ry) {
  return {
    isObject: false,
    paint: (x, y) => {
      const d = ((x - cx) / rx) ** 2 + ((y - cy) / ry) ** 2;
      return d <= 1 ? [95 + 30 * d, 70 + 20 * d, 45 + 12 * d] : null;
    },
  };
}

function fruit(cx, cy, r) {
  return {
    isObject: true,
    paint: (x, y) => {
      const leaf =
        (((x - (cx + 0.12 * r)) * 0.8 + (y - (cy - 0.97 * r)) * 0.6) / (0.32 * r)) ** 2 +
        (((y - (cy - 0.97 * r)) * 0.8 - (x - (cx + 0.12 * r)) * 0.6) / (0.14 * r)) ** 2;
      if (leaf <= 1) return [60 + 40 * leaf, 140 - 30 * leaf, 50];
      const d2 = ((x - cx) ** 2 + (y - cy) ** 2) / r ** 2;
      if (d2 > 1) return null;
      // Light from the top left: brighter there, darker towards the bottom right rim.
      const light = 0.55 + 0.45 * Math.max(0, 1 - Math.hypot(x - (cx - 0.4 * r), y - (cy - 0.4 * r)) / (1.6 * r));
      return [250 * light, 140 * light, 20 * light];
    },
  };
}

function box(x0, y0, x1, y1, isObject) {
  return {
    isObject,
    paint: (x, y) => {
      if (x < x0 || x >= x1 || y < y0 || y >= y1) return null;
      const lid = y < y0 + (y1 - y0) * 0.18;
      return lid ? [40, 80, 190] : [30, 60, 150];
    },
  };
}

function ring(cx, cy, outerR, innerR) {
  return {
    isObject: true,
    paint: (x, y) => {
      const d = Math.hypot(x - cx, y - cy);
      if (d > outerR || d < innerR) return null;
      const t = (d - innerR) / (outerR - innerR);
      return [200 - 60 * t, 200 - 60 * t, 210 - 40 * t];
    },
  };
}

function writePng(path, width, height, data, channels) {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, encode({ width, height, data, channels, depth: 8 }));
  console.log(`wrote ${path.slice(examplesDirectory.length - 'examples'.length)}`);
}

function writeScene(imagePath, maskPath, width, height, shapes, seed) {
  const { rgb, mask } = drawScene(width, height, shapes, seed);
  writePng(imagePath, width, height, rgb, 3);
  writePng(maskPath, width, height, mask, 1);
}

// The segment example: the fruit is the object; the shadow and the box are not.
writeScene(
  join(examplesDirectory, 'images/fruit.png'),
  join(examplesDirectory, 'images/fruit-mask.png'),
  640,
  480,
  [shadow(330, 372, 150, 34), box(470, 205, 600, 345, false), fruit(300, 270, 110)],
  1,
);

// The eval example: one object per image, masks named like the images (the `folder` layout).
const shapes = join(examplesDirectory, 'datasets/shapes');
/** @type {[string, Parameters<typeof writeScene>[4]][]} */
const scenes = [
  ['01-fruit', [shadow(165, 186, 75, 17), fruit(150, 135, 55)]],
  ['02-box', [shadow(170, 190, 80, 15), box(105, 95, 225, 190, true)]],
  ['03-ring', [ring(160, 130, 70, 32)]],
];
scenes.forEach(([name, sceneShapes], index) => {
  writeScene(join(shapes, `images/${name}.png`), join(shapes, `masks/${name}.png`), 320, 240, sceneShapes, 10 + index);
});
