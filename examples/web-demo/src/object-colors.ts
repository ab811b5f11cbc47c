/**
 * Mask colours per object id (1, 2, ...), repeating after ten objects. Green and red are left out of the first
 * ones: they are the colours of positive and negative clicks.
 */
const OBJECT_COLORS: readonly string[] = Object.freeze([
  '#3b82f6', // blue
  '#d946ef', // fuchsia
  '#06b6d4', // cyan
  '#f59e0b', // amber
  '#8b5cf6', // violet
  '#eab308', // yellow
  '#ec4899', // pink
  '#14b8a6', // teal
  '#6366f1', // indigo
  '#f97316', // orange
]);

/** The CSS colour of an object. */
export function objectColor(objectId: number): string {
  return OBJECT_COLORS[(objectId - 1) % OBJECT_COLORS.length];
}

/** An object's colour as [r, g, b] bytes. */
export function objectRgb(objectId: number): [number, number, number] {
  const hex = objectColor(objectId);
  return [parseInt(hex.slice(1, 3), 16), parseInt(hex.slice(3, 5), 16), parseInt(hex.slice(5, 7), 16)];
}
