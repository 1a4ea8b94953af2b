/**
 * Roving tab index: a list of many items (table rows, result cards, plate tiles, slices) is one stop in the tab order;
 * the arrow keys move within it. A 50-slice stack adds one tab stop, not 50.
 */

/** What a key does in a one-dimensional list of `count` items, from `index`: the new index, or undefined if not ours. */
export function rovingIndex(key: string, index: number, count: number, page = 10): number | undefined {
  if (count <= 0) return undefined;
  const clamp = (i: number): number => Math.min(count - 1, Math.max(0, i));
  switch (key) {
    case 'ArrowDown':
    case 'ArrowRight':
      return clamp(index + 1);
    case 'ArrowUp':
    case 'ArrowLeft':
      return clamp(index - 1);
    case 'Home':
      return 0;
    case 'End':
      return count - 1;
    case 'PageDown':
      return clamp(index + page);
    case 'PageUp':
      return clamp(index - page);
    default:
      return undefined;
  }
}

/** Enter and Space act on the focused item, as a button's would. */
export const isActivation = (ev: KeyboardEvent): boolean => ev.key === 'Enter' || ev.key === ' ';

/**
 * Handles a keydown inside a roving list whose items carry `data-key`. Moves focus along `keys` (in display order)
 * and reports the newly active key; Enter/Space call `activate`. Modified keys are left to the browser.
 */
export function handleRovingKey(ev: KeyboardEvent, keys: readonly string[], onMove: (key: string) => void, activate: (key: string) => void, vertical = true): void {
  if (ev.altKey || ev.ctrlKey || ev.metaKey) return;
  const item = (ev.target as Element | null)?.closest<HTMLElement>('[data-key]');
  const current = item?.dataset.key;
  if (current === undefined) return;
  if (isActivation(ev)) {
    ev.preventDefault();
    activate(current);
    return;
  }
  // In a vertical list Left/Right are left alone (a wide table may scroll sideways with them).
  if (vertical && (ev.key === 'ArrowLeft' || ev.key === 'ArrowRight')) return;
  const next = rovingIndex(ev.key, keys.indexOf(current), keys.length);
  if (next === undefined) return;
  ev.preventDefault();
  onMove(keys[next]!);
}
