import type { SessionState } from '@simpleclick/core/web';
import { objectColor } from './object-colors';

export interface ObjectListActions {
  readonly select: (objectId: number) => void;
  readonly remove: (objectId: number) => void;
}

/** The objects of the session, in creation order: colour, clicks, current one highlighted; click to edit one. */
export function renderObjectList(list: HTMLOListElement, state: SessionState, actions: ObjectListActions): void {
  list.replaceChildren();
  for (const object of state.objects) {
    const isCurrent = object.id === state.currentObjectId;
    const item = document.createElement('li');
    item.className = isCurrent ? 'current' : '';
    item.dataset.objectId = String(object.id);
    item.title = isCurrent ? 'The object being edited' : 'Click to edit this object again';
    const swatch = document.createElement('span');
    swatch.className = 'swatch';
    swatch.style.background = objectColor(object.id);
    const name = document.createElement('span');
    name.className = 'object-name';
    const clicks = object.clicks.length;
    const origin = object.startedFromMask ? ', from an imported mask' : '';
    const empty = clicks === 0 && !object.startedFromMask;
    name.textContent = `Object ${object.id}: ${empty ? 'new, click on it' : `${clicks} click${clicks === 1 ? '' : 's'}${origin}`}`;
    const remove = document.createElement('button');
    remove.type = 'button';
    remove.className = 'delete';
    remove.textContent = '\u00d7';
    remove.title = `Delete object ${object.id} (cannot be undone)`;
    remove.addEventListener('click', (event) => {
      event.stopPropagation();
      actions.remove(object.id);
    });
    item.addEventListener('click', () => {
      if (!isCurrent) actions.select(object.id);
    });
    item.append(swatch, name);
    if (!empty) item.append(remove);
    list.append(item);
  }
}
