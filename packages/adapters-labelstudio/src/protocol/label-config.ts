import { SaxesParser } from 'saxes';
import { BackendError } from '../errors/backend-error';

/**
 * A control tag of a Label Studio labeling config: a tag with `name` and `toName` (`<BrushLabels>`,
 * `<KeyPointLabels>`, `<PolygonLabels>`, `<Choices>`...), with the `value`s of its `<Label>` children.
 */
export interface LabelConfigControl {
  /** Tag name as written, e.g. `BrushLabels`. */
  readonly tag: string;
  /** `name`: the `from_name` of the regions this control makes. */
  readonly name: string;
  /** `toName`, split at commas: the object tags it labels (the regions' `to_name`). */
  readonly toNames: readonly string[];
  /** `value` of each `<Label>` inside it, in order. */
  readonly labels: readonly string[];
  /** Every attribute as written. */
  readonly attributes: Readonly<Record<string, string>>;
}

/** An object tag: a tag with `name` whose `value` names a task data field (`<Image name="image" value="$image">`). */
export interface LabelConfigObject {
  /** Tag name as written, e.g. `Image`. */
  readonly tag: string;
  readonly name: string;
  /** The task data key, `value` without its leading `$` (`image` for `value="$image"`). */
  readonly dataKey: string;
  readonly attributes: Readonly<Record<string, string>>;
}

/** What the backend needs from a labeling config. */
export interface LabelConfig {
  readonly controls: readonly LabelConfigControl[];
  readonly objects: readonly LabelConfigObject[];
}

/** Longest labeling config accepted (Label Studio's own templates are a few KB). */
const MAX_LABEL_CONFIG_CHARS = 1_000_000;

/**
 * Parses a Label Studio labeling config (the project's XML `label_config`) into its control and object tags.
 * Tag names are kept as written; compare them with {@link isTag} (case-insensitive, as Label Studio is lenient).
 *
 * @throws BackendError 422 `LABEL_CONFIG` when the text is not well-formed XML or is too long.
 */
export function parseLabelConfig(xml: string): LabelConfig {
  if (typeof xml !== 'string' || xml.trim() === '') {
    throw new BackendError(422, 'LABEL_CONFIG', 'the labeling config is empty');
  }
  if (xml.length > MAX_LABEL_CONFIG_CHARS) {
    throw new BackendError(
      422,
      'LABEL_CONFIG',
      `the labeling config is longer than ${MAX_LABEL_CONFIG_CHARS} characters`,
    );
  }
  const controls: {
    tag: string;
    name: string;
    toNames: string[];
    labels: string[];
    attributes: Record<string, string>;
  }[] = [];
  const objects: LabelConfigObject[] = [];
  // For each open element: the control it is (labels go to the innermost enclosing control), or null.
  const openControls: (number | null)[] = [];

  const parser = new SaxesParser();
  parser.on('opentag', (node) => {
    const attributes = { ...(node.attributes as Record<string, string>) };
    let controlIndex: number | null = null;
    const name = attributes.name;
    if (isTag(node.name, 'Label')) {
      const owner = innermostControl(openControls);
      if (owner !== null && typeof attributes.value === 'string') controls[owner].labels.push(attributes.value);
    } else if (name !== undefined && attributes.toName !== undefined) {
      controlIndex = controls.length;
      controls.push({
        tag: node.name,
        name,
        toNames: attributes.toName
          .split(',')
          .map((part) => part.trim())
          .filter((part) => part !== ''),
        labels: [],
        attributes,
      });
    } else if (name !== undefined && typeof attributes.value === 'string' && attributes.value.startsWith('$')) {
      objects.push({ tag: node.name, name, dataKey: attributes.value.slice(1), attributes });
    }
    openControls.push(controlIndex);
  });
  parser.on('closetag', () => {
    openControls.pop();
  });
  let firstError: Error | undefined;
  parser.on('error', (error) => {
    firstError ??= error;
  });
  try {
    parser.write(xml).close();
  } catch (error) {
    firstError ??= error as Error;
  }
  if (firstError !== undefined) {
    throw new BackendError(422, 'LABEL_CONFIG', `the labeling config is not well-formed XML: ${firstError.message}`, {
      cause: firstError,
    });
  }
  return { controls, objects };
}

/** Whether a tag name is `expected`, ignoring case (`BrushLabels`, `brushlabels`). */
export function isTag(tag: string, expected: string): boolean {
  return tag.toLowerCase() === expected.toLowerCase();
}

function innermostControl(open: readonly (number | null)[]): number | null {
  for (let i = open.length - 1; i >= 0; i--) if (open[i] !== null) return open[i];
  return null;
}
