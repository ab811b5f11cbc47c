/**
 * What the example page gives Label Studio: a labeling config with a smart keypoint tool and the brush tag the
 * masks go to (the same labels in both, as the plugin and the ML backend expect), and one task with the
 * example image. The image URL is relative to the page, which the example server serves it from.
 */

/**
 * The labeling config: `<KeyPointLabels smart="true" smartOnly="true">` for the clicks (only its smart tool is
 * shown: no plain keypoints), and `<BrushLabels smart="false">` for the masks (its brush and eraser edit them; no
 * smart brush tool). The clicks' labels come first, so that keys 1 and 2 pick them.
 */
export const LABEL_CONFIG = `<View>
  <Image name="image" value="$image" zoom="true"/>
  <KeyPointLabels name="clicks" toName="image" smart="true" smartOnly="true">
    <Label value="Fruit" smart="true" background="#ff7f0e" showInline="true"/>
    <Label value="Box" smart="true" background="#1f77b4" showInline="true"/>
  </KeyPointLabels>
  <BrushLabels name="mask" toName="image" smart="false">
    <Label value="Fruit" background="#ff7f0e"/>
    <Label value="Box" background="#1f77b4"/>
  </BrushLabels>
</View>`;

/** The task: the repository's example image (640 x 480). */
export const TASK = Object.freeze({
  id: 1,
  data: { image: 'examples/images/fruit.png' },
  annotations: [],
  predictions: [],
});

/** The Label Studio interfaces shown: the usual ones plus the auto-annotation toggles. */
export const INTERFACES = Object.freeze([
  'panel',
  'update',
  'submit',
  'controls',
  'side-column',
  'topbar',
  'annotations:menu',
  'annotations:add-new',
  'annotations:delete',
  'predictions:menu',
  'auto-annotation',
]);
