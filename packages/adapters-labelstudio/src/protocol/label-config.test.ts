import { describe, expect, it } from 'vitest';
import { BackendError } from '../errors/backend-error';
import { isTag, parseLabelConfig } from './label-config';
import { selectOutputTargets } from './output-targets';

// The labeling config of Label Studio's interactive segmentation template, with a few twists: a comment, an
// entity, a control listing two object tags, a lower-case tag name.
const CONFIG = `<View>
  <!-- the image and its smart tools -->
  <Header value="Click the object &amp; refine"/>
  <Image name="image" value="$image" zoom="true"/>
  <Image name="second" value="$other_url"/>
  <BrushLabels name="tag" toName="image">
    <Label value="Banana" background="#FF0000"/>
    <Label value="Orange" background="#0d14d3"/>
  </BrushLabels>
  <KeyPointLabels name="tag2" toName="image" smart="true">
    <Label value="Banana" smart="true" background="#000000" showInline="true"/>
    <Label value="Orange" smart="true" background="#000000" showInline="true"/>
  </KeyPointLabels>
  <View style="display: none">
    <RectangleLabels name="tag3" toName="image" smart="true">
      <Label value="Banana"/>
    </RectangleLabels>
  </View>
  <polygonlabels name="poly" toName="second, image">
    <Label value="Leaf"/>
  </polygonlabels>
</View>`;

describe('parseLabelConfig', () => {
  const config = parseLabelConfig(CONFIG);

  it('finds the control tags with their toName list and labels, in order', () => {
    expect(config.controls.map((control) => [control.tag, control.name, control.toNames, control.labels])).toEqual([
      ['BrushLabels', 'tag', ['image'], ['Banana', 'Orange']],
      ['KeyPointLabels', 'tag2', ['image'], ['Banana', 'Orange']],
      ['RectangleLabels', 'tag3', ['image'], ['Banana']],
      ['polygonlabels', 'poly', ['second', 'image'], ['Leaf']],
    ]);
    expect(config.controls[1].attributes.smart).toBe('true');
  });

  it('finds the object tags and the task data key of each', () => {
    expect(config.objects.map((object) => [object.tag, object.name, object.dataKey])).toEqual([
      ['Image', 'image', 'image'],
      ['Image', 'second', 'other_url'],
    ]);
  });

  it('refuses malformed XML with a 422 LABEL_CONFIG error naming the problem', () => {
    for (const bad of ['<View><Image name="i" value="$image"></View>', '<View>', 'not xml at all <', '']) {
      let error: unknown;
      try {
        parseLabelConfig(bad);
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(BackendError);
      expect((error as BackendError).status).toBe(422);
      expect((error as BackendError).code).toBe('LABEL_CONFIG');
    }
  });

  it('compares tag names without case', () => {
    expect(isTag('polygonlabels', 'PolygonLabels')).toBe(true);
    expect(isTag('BrushLabels', 'Brush')).toBe(false);
  });
});

describe('selectOutputTargets', () => {
  const config = parseLabelConfig(CONFIG);

  it('auto: the BrushLabels of the image named by to_name', () => {
    const targets = selectOutputTargets(config, 'auto', 'image', 'Orange');
    expect(targets.image.name).toBe('image');
    expect(targets.image.dataKey).toBe('image');
    expect(targets.brush?.name).toBe('tag');
    expect(targets.polygon).toBeUndefined();
  });

  it('auto falls back to PolygonLabels when the image has no BrushLabels', () => {
    const targets = selectOutputTargets(config, 'auto', 'second', undefined);
    expect(targets.image.dataKey).toBe('other_url');
    expect(targets.brush).toBeUndefined();
    expect(targets.polygon?.name).toBe('poly');
  });

  it('both and polygon pick the tags for the image; the first <Image> without to_name', () => {
    const targets = selectOutputTargets(config, 'both', undefined, undefined);
    expect([targets.image.name, targets.brush?.name, targets.polygon?.name]).toEqual(['image', 'tag', 'poly']);
  });

  it('prefers the control that lists the label when several match', () => {
    const two = parseLabelConfig(`<View><Image name="img" value="$url"/>
      <BrushLabels name="animals" toName="img"><Label value="Cat"/></BrushLabels>
      <BrushLabels name="fruit" toName="img"><Label value="Apple"/></BrushLabels></View>`);
    expect(selectOutputTargets(two, 'auto', 'img', 'Apple').brush?.name).toBe('fruit');
    expect(selectOutputTargets(two, 'auto', 'img', 'Cat').brush?.name).toBe('animals');
    expect(selectOutputTargets(two, 'auto', 'img', 'Dog').brush?.name).toBe('animals');
  });

  it('explains what is missing', () => {
    expect(() => selectOutputTargets(config, 'brush', 'second', undefined)).toThrow(/no <BrushLabels toName="second">/);
    expect(() => selectOutputTargets(config, 'auto', 'nope', undefined)).toThrow(/no <Image name="nope">/);
    const keypointsOnly = parseLabelConfig(
      '<View><Image name="image" value="$image"/><KeyPointLabels name="kp" toName="image"><Label value="A"/></KeyPointLabels></View>',
    );
    expect(() => selectOutputTargets(keypointsOnly, 'auto', 'image', 'A')).toThrow(
      /no <BrushLabels> or <PolygonLabels>/,
    );
  });
});
