import { encode } from 'fast-png';
import { levelColor } from '../../src/core/colormap.js';
import type { FocusResult } from '../../src/core/types.js';
import type { FocusQualityView } from '../../src/hosts/element/focus-quality-view.js';
import '../../src/hosts/element/register.js';
import { DATA, IN_FOCUS, MODEL_URL, ORT_URL, assert, assertEqual, fetchBytes, loadData, within } from './helpers.js';

function nextEvent<T>(target: EventTarget, type: string): Promise<CustomEvent<T>> {
  return within(60_000, new Promise((resolve) => target.addEventListener(type, (e) => resolve(e as CustomEvent<T>), { once: true })), `event ${type}`);
}

/** A second element on the page with the test model, for tests that must not disturb the shared one. */
function addedView(): FocusQualityView {
  const view = document.createElement('focus-quality-view');
  view.setAttribute('model-url', MODEL_URL);
  view.setAttribute('ort-url', ORT_URL);
  document.body.append(view);
  return view;
}

function shadow(el: FocusQualityView, selector: string): HTMLElement | null {
  return el.shadowRoot!.querySelector<HTMLElement>(selector);
}

describe('<focus-quality-view>', () => {
  let el: FocusQualityView;
  let first: FocusResult;

  before(async () => {
    el = document.createElement('focus-quality-view');
    el.setAttribute('model-url', MODEL_URL);
    el.setAttribute('ort-url', ORT_URL);
    el.setAttribute('border-width', '3');
    document.body.append(el);
  });
  after(() => el.remove());

  it('renders a src image and fires a bubbling, composed focus-quality-result', async () => {
    const event = nextEvent<{ result: FocusResult; source: string }>(document, 'focus-quality-result');
    el.src = DATA + IN_FOCUS;
    const { detail, bubbles, composed } = await event;
    assert(bubbles && composed, 'event bubbles out of the shadow root');
    first = detail.result;
    assert(first.patches.length > 0, 'result has patches');
    assertEqual(el.result, first, 'result property');
    await el.updateComplete;
    const summary = shadow(el, '[part=summary]')?.textContent ?? '';
    assert(summary.includes(`level ${first.level}`) && summary.includes(`${first.patches.length} patches`), `summary: ${summary}`);
    assertEqual(el.shadowRoot!.querySelectorAll('[part=legend] .swatch').length, first.probs.length, 'one legend swatch per level');
  });

  it('draws each patch border in its level colour with opacity = certainty', async () => {
    const overlay = shadow(el, 'canvas.overlay') as HTMLCanvasElement;
    assertEqual(overlay.width, first.width, 'overlay canvas at image resolution');
    const ctx = overlay.getContext('2d')!;
    // Edge patches overlap their neighbour (the grid's last row/column is shifted to the border): skip probes another patch covers.
    const alone = (p: FocusResult['patches'][number]) =>
      !first.patches.some((q) => q !== p && p.x + 1 >= q.x && p.x + 1 < q.x + q.w && p.y + p.h / 2 >= q.y && p.y + p.h / 2 < q.y + q.h);
    const sure = first.patches.filter((p) => p.certainty > 0.2 && alone(p)).slice(0, 5);
    assert(sure.length > 0, 'some patch is certain enough to see');
    for (const p of sure) {
      const [r, g, b, a] = ctx.getImageData(p.x + 1, p.y + Math.floor(p.h / 2), 1, 1).data;
      const want = levelColor(p.level, 1, first.probs.length);
      assert(Math.abs(a! - 255 * p.certainty) <= 2, `alpha at patch (${p.x},${p.y}) is ${a}, certainty ${p.certainty}`);
      // Canvas stores premultiplied alpha: un-premultiplying costs up to 255/a of rounding.
      const tol = 2 + 255 / a!;
      assert(Math.abs(r! - want.r) <= tol && Math.abs(g! - want.g) <= tol && Math.abs(b! - want.b) <= tol, `colour at (${p.x},${p.y}) is ${[r, g, b]}, level ${p.level} wants ${[want.r, want.g, want.b]}`);
      const [, , , inside] = ctx.getImageData(p.x + Math.floor(p.w / 2), p.y + Math.floor(p.h / 2), 1, 1).data;
      assertEqual(inside, 0, 'patch interior is not painted');
    }
  });

  it('shows a tooltip with level, certainty and every probability on hover', async () => {
    const overlay = shadow(el, 'canvas.overlay') as HTMLCanvasElement;
    const box = overlay.getBoundingClientRect();
    const p = first.patches[0]!;
    const k = box.width / first.width;
    overlay.dispatchEvent(new PointerEvent('pointermove', { pointerType: 'mouse', clientX: box.left + (p.x + p.w / 2) * k, clientY: box.top + (p.y + p.h / 2) * k, bubbles: true }));
    await el.updateComplete;
    const tip = shadow(el, '[part=tooltip]');
    assert(tip, 'tooltip shown');
    assert(tip.textContent!.includes(`Level ${p.level}`) && tip.textContent!.includes(p.certainty.toFixed(2)), `tooltip: ${tip.textContent}`);
    assertEqual(tip.querySelectorAll('.bar').length, p.probs.length, 'one bar per level');
  });

  it('says in words what the overlay shows: patches per level, in-focus levels (from the model card) together', async () => {
    await el.updateComplete;
    const card = el.card;
    assert(card, 'the card was read from the loaded model');
    const text = shadow(el, '[part=description]')?.textContent ?? '';
    const sharp = first.patches.filter((p) => p.level <= card.inFocusMaxLevel).length;
    assert(text.startsWith(`${first.patches.length} patches: `), text);
    if (sharp > 0) assert(text.includes(`${sharp} at levels 0–${card.inFocusMaxLevel} (in focus)`), text);
    for (const level of new Set(first.patches.map((p) => p.level).filter((l) => l > card.inFocusMaxLevel))) {
      assert(text.includes(`${first.patches.filter((p) => p.level === level).length} at level ${level}`), `level ${level} missing: ${text}`);
    }
    const stage = shadow(el, '.stage')!;
    assertEqual(stage.getAttribute('aria-describedby'), 'description', 'the patch map is described by the sentence');
    assertEqual(stage.tabIndex, 0, 'the patch map is focusable');
  });

  it('legend digits meet WCAG AA contrast (4.5:1) on every level colour', async () => {
    const rgb = (s: string) => s.match(/\d+/g)!.slice(0, 3).map(Number) as [number, number, number];
    const lum = ([r, g, b]: [number, number, number]) => [r, g, b].map((c) => ((c /= 255) <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4)).reduce((a, c, i) => a + c * [0.2126, 0.7152, 0.0722][i]!, 0);
    for (const swatch of el.shadowRoot!.querySelectorAll<HTMLElement>('[part=legend] .swatch')) {
      const style = getComputedStyle(swatch);
      const [a, b] = [lum(rgb(style.color)), lum(rgb(style.backgroundColor))].sort((x, y) => y - x) as [number, number];
      const ratio = (a + 0.05) / (b + 0.05);
      assert(ratio >= 4.5, `level ${swatch.textContent}: ${style.color} on ${style.backgroundColor} is ${ratio.toFixed(2)}:1`);
    }
  });

  it('arrow keys highlight a patch and the live region reads its level and certainty; Escape clears it', async () => {
    const stage = shadow(el, '.stage')!;
    stage.focus();
    const key = async (k: string) => {
      stage.dispatchEvent(new KeyboardEvent('keydown', { key: k, bubbles: true, composed: true, cancelable: true }));
      await el.updateComplete;
      return shadow(el, '.patch-info [role=status]')?.textContent ?? '';
    };
    const p0 = first.patches.find((p) => p.x === 0 && p.y === 0)!;
    assert((await key('ArrowRight')).includes(`x 0, y 0: level ${p0.level}`), 'first key: top-left patch');
    const text = await key('ArrowDown');
    const p = first.patches.find((q) => q.x === 0 && q.y === 84)!;
    assert(text.includes(`x 0, y 84: level ${p.level}`) && text.includes(`certainty ${p.certainty.toFixed(2)}`), text);
    assertEqual(await key('Escape'), '', 'cleared');
  });

  it('measures the slice asked for (again when it changes); a slice the stack does not have is an error, never clamped', async () => {
    const gray = (await loadData(IN_FOCUS)).slices[0]!;
    const planes = [gray, { ...gray, data: gray.data.map((v) => v >> 1) }, gray];
    const stack = { width: gray.width, height: gray.height, bitDepth: gray.bitDepth, slices: planes, warnings: [] };
    const view = addedView();
    try {
      view.slice = 1;
      const done = nextEvent<{ result: FocusResult }>(view, 'focus-quality-result');
      view.image = stack;
      assertEqual((await done).detail.result.slice, 1, 'slice 1 measured');
      const again = nextEvent<{ result: FocusResult }>(view, 'focus-quality-result');
      view.slice = 2;
      assertEqual((await again).detail.result.slice, 2, 'slice 2 measured after the change');
      const failed = nextEvent<{ name: string; message: string }>(view, 'focus-quality-error');
      view.slice = 3; // a new slice is measured at once
      const { detail } = await failed;
      assertEqual(detail.name, 'ImageContentError', detail.message);
      assert(/slice 3 does not exist: the stack has 3 slice/.test(detail.message), detail.message);
      assertEqual(view.result?.slice, 2, 'the earlier result stays');
    } finally {
      view.remove();
    }
  });

  it('a hyperstack plane: the summary says its channel, z and frame (a slice index alone does not); a plain stack says none', async () => {
    const gray = (await loadData(IN_FOCUS)).slices[0]!;
    const planes = [gray, { ...gray, data: gray.data.map((v) => v >> 1) }, gray, { ...gray, data: gray.data.map((v) => v >> 2) }];
    // 2 channels × 2 z in ImageJ's order (channel fastest): plane 3 is channel 1 at z 1
    const hyper = { width: gray.width, height: gray.height, bitDepth: gray.bitDepth, slices: planes, warnings: [],
      dimensions: { channels: 2, slices: 2, frames: 1, order: 'CZT' as const } };
    const view = addedView();
    try {
      view.slice = 3;
      const done = nextEvent<{ result: FocusResult }>(view, 'focus-quality-result');
      view.image = hyper;
      const { result } = (await done).detail;
      assertEqual(JSON.stringify(result.position), JSON.stringify({ channel: 1, z: 1, frame: 0 }), 'position of plane 3');
      await view.updateComplete;
      const summary = shadow(view, '[part=summary]')?.textContent?.replace(/\s+/g, ' ') ?? '';
      assert(summary.includes('slice 3: channel 1, z 1, frame 0'), `summary: ${summary}`);
      const plain = nextEvent<{ result: FocusResult }>(view, 'focus-quality-result');
      view.image = { width: gray.width, height: gray.height, bitDepth: gray.bitDepth, slices: planes, warnings: [] };
      await plain;
      await view.updateComplete;
      const text = shadow(view, '[part=summary]')?.textContent ?? '';
      assert(!text.includes('channel'), `a plain stack names no channel: ${text}`);
    } finally {
      view.remove();
    }
  });

  it('pixel-size resamples to the model\'s native pixels and measures again when it changes; unset, the file\'s own; a bad value is an error', async () => {
    const view = document.createElement('focus-quality-view');
    view.setAttribute('model-url', MODEL_URL);
    view.setAttribute('ort-url', ORT_URL);
    view.setAttribute('pixel-size', '0.325');
    document.body.append(view);
    try {
      const done = nextEvent<{ result: FocusResult }>(view, 'focus-quality-result');
      view.src = DATA + IN_FOCUS;
      const fine = (await done).detail.result;
      // The card's native pixel is 0.65 µm: a patch of 84 native pixels covers 168 pixels of 0.325 µm.
      assert(fine.patches.length > 0 && fine.patches.every((p) => p.w === 168 && p.h === 168), `patch sizes: ${[...new Set(fine.patches.map((p) => p.w))]}`);
      assertEqual(JSON.stringify(fine.resampled), JSON.stringify({ width: Math.round(fine.width / 2), height: Math.round(fine.height / 2) }), 'resampled size');
      const again = nextEvent<{ result: FocusResult }>(view, 'focus-quality-result');
      view.removeAttribute('pixel-size');
      const own = (await again).detail.result;
      assert(own.patches.every((p) => p.w === 84), 'the file states no pixel size: its own pixels');
      assert((own.warnings ?? []).some((w) => /pixel size unknown/.test(w)), `warnings: ${own.warnings}`);
      const failed = nextEvent<{ name: string; message: string }>(view, 'focus-quality-error');
      view.pixelSize = '0,65 µm';
      const { detail } = await failed;
      assertEqual(detail.name, 'OptionsError', detail.message);
      assert(/pixelSize/.test(detail.message), detail.message);
      assertEqual(view.result, own, 'the earlier result stays');
    } finally {
      view.remove();
    }
  });

  const badInputs: [string, () => Promise<Blob>, RegExp, string][] = [
    ['a text file named .tif', async () => new Blob(['plate 3, well B4: see notes\n']), /not a TIFF or PNG.*text/, 'ImageFormatError'],
    ['a 1×1 image', async () => new Blob([encode({ width: 1, height: 1, data: new Uint8Array([7]), channels: 1, depth: 8 })]), /1×1.*smaller than one/, 'ImageContentError'],
    ['a truncated TIFF', async () => new Blob([(await fetchBytes(DATA + IN_FOCUS)).slice(0, 5000)]), /truncated|corrupt/i, 'ImageFormatError'],
    // Decoded in the worker: issue 12's page-freezing file (its page chain loops) now fails alone (web-test-runner.config.mjs makes it).
    ['a TIFF whose page chain loops', async () => new Blob([await fetchBytes('/__tiff/ifd-loop.tif')]), /loops/, 'ImageFormatError'],
  ];
  for (const [what, make, pattern, name] of badInputs) {
    it(`${what}: shows a clear message naming the file, fires focus-quality-error and keeps the earlier result`, async () => {
      const fileName = `bad-${name}.tif`;
      const event = nextEvent<{ name: string; message: string }>(el, 'focus-quality-error');
      await within(30_000, el.loadFile(await make(), fileName), 'loadFile');
      const { detail } = await event;
      assertEqual(detail.name, name, `error name (${detail.message})`);
      assert(pattern.test(detail.message) && detail.message.includes(fileName), `message: ${detail.message}`);
      await el.updateComplete;
      assertEqual(shadow(el, '[part=error]')?.textContent, detail.message, 'message shown in the element');
      assertEqual(el.result, first, 'earlier result kept');
      assert(shadow(el, '[part=summary]')?.textContent?.includes(`level ${first.level}`), 'earlier summary kept');
    });
  }

  it('an RGB PNG is measured as its luminance with a visible warning', async () => {
    const gray = (await loadData(IN_FOCUS)).slices[0]!;
    const [w, h] = [200, 200];
    const rgb = new Uint8Array(w * h * 3);
    for (let i = 0; i < w * h; i++) rgb.fill(Math.min(255, gray.data[(Math.floor(i / w) * gray.width + (i % w))]! >> 4), 3 * i, 3 * i + 3);
    const event = nextEvent<{ result: FocusResult }>(el, 'focus-quality-result');
    await el.loadFile(new Blob([encode({ width: w, height: h, data: rgb, channels: 3, depth: 8 })]), 'colour.png');
    const { detail } = await event;
    assertEqual(detail.result.width, w, 'measured width');
    await el.updateComplete;
    const warning = shadow(el, '[part=warning]')?.textContent ?? '';
    assert(/RGB.*luminance/.test(warning), `warning shown: ${warning}`);
    assertEqual(shadow(el, '[part=error]'), null, 'no error left over');
  });
});
