/**
 * The ImJoy plugin behind `dist/focus-quality.imjoy.html`: adds "Measure Focus Quality" to ImageJ.JS and exports
 * a scripting API.
 *
 * @example
 *   // inside the plugin file (api = ImJoy's plugin api):
 *   const { startPlugin } = await import('https://…/dist/focus-quality-imagej.js');
 *   await startPlugin(api);
 *   // from another plugin or the console:
 *   const fq = await api.getPlugin('Focus Quality');
 *   const r = await fq.measure('border=2 overlay patches slices=all');
 */
import { ERROR_NAMES, formatError, ImageFormatError, OptionsError } from '../../core/errors.js';
import { installableMacroSet } from './macros/installable.js';
import { DEFAULT_COMMAND_OPTIONS, toMeasureOptions, toOptionsString, type FocusCommandOptions } from './options.js';
import { measureStack, planesOf } from '../../core/measure-stack.js';
import { toImageStack } from '../../image-input.js';
import { createWorkerClient, defaultAssetUrls, type WorkerClientOptions } from '../../inference/worker-client.js';
import { toImageCsv } from '../../io/csv.js';
import { toGeoJSON, type FeatureCollection } from '../../io/geojson.js';
import { parseMetricNames } from '../../core/metrics/registry.js';
import { measureInImageJ, type CommandResult, type PluginMeasurer } from './command.js';
import { quietly, type ImageJService, type ImJoyApi } from './host.js';
import { connectImageJ } from './window.js';
import { isNdArray } from './ndarray.js';

export const MENU_LABEL = 'Measure Focus Quality';
export const MACROS_MENU_LABEL = 'Install Focus Quality Macros';
const CONFIG_KEY = 'measure-options';

export interface PluginOptions {
  /** Where this plugin's file is served (the build writes it into the plugin file), for advice when ImageJ.JS is missing. */
  readonly pluginUrl?: string;
  /** Inference; default: the comlink worker next to this bundle. */
  readonly measurer?: PluginMeasurer & { cancel?(): void };
  readonly worker?: WorkerClientOptions;
}

/** The one line shown for a failure: our errors as `formatError` writes them, anything else flagged as unexpected. */
function alertText(e: unknown): string {
  const known = (ERROR_NAMES as readonly string[]).includes((e as Error)?.name);
  return `Focus Quality: ${known ? '' : 'unexpected error: '}${formatError(e)}`;
}

/**
 * A worker script on another origin cannot be started directly (ImageJ.JS and its plugin frames are not on ours):
 * a same-origin blob module that imports it can, given CORS on our server.
 */
function workerUrlFor(url: string): string {
  const here = globalThis.location?.origin;
  if (!here || new URL(url).origin === here || typeof Blob === 'undefined') return url;
  return URL.createObjectURL(new Blob([`import ${JSON.stringify(url)};\n`], { type: 'text/javascript' }));
}

export interface FocusQualityPlugin {
  setup(): Promise<void>;
  run(ctx?: { data?: { image?: unknown }; config?: Record<string, unknown> }): Promise<FeatureCollection | CommandResult | undefined>;
  measure(options?: string): Promise<CommandResult>;
  /**
   * `measure` with the results as the CLI's CSV text (one row per measured plane): the one result type, besides an
   * ndarray, that ImageJ.JS's `callPlugin` bridge hands back to Java plugins.
   */
  measureText(options?: string): Promise<string>;
  /** Installs the macro set (after the user agrees: it replaces the installed one); true when installed. */
  installMacros(): Promise<boolean>;
  /** The macro set's source, to add to one's own set by hand. */
  macroSet(): string;
  cancel(): void;
}

/** Builds the exported API and registers it with `api.export`. */
export async function startPlugin(api: ImJoyApi, options: PluginOptions = {}): Promise<FocusQualityPlugin> {
  const measurer =
    options.measurer ?? createWorkerClient({ ...options.worker, workerUrl: workerUrlFor(String(options.worker?.workerUrl ?? defaultAssetUrls().workerUrl)) });
  let ij: ImageJService | undefined;
  let running: AbortController | undefined;
  let remembered: string | undefined;

  let menuAdded = false;

  /** ImageJ.JS, found (or opened, in the ImJoy app) on first use; the menu items go into its menu bar once. */
  async function host(): Promise<ImageJService> {
    ij ??= await connectImageJ(api, options.pluginUrl);
    if (!menuAdded) {
      menuAdded = true;
      // _rintf keeps a callback alive for every click (a plain callback may be called once only over ImJoy's RPC).
      await ij.addMenuItem({ label: MENU_LABEL, group: 'Plugins', callback: () => menuCommand(), _rintf: true });
      await ij.addMenuItem({ label: MACROS_MENU_LABEL, group: 'Plugins', callback: () => void installMacros().catch(async (e: unknown) => quietly(() => api.alert?.(alertText(e)))), _rintf: true });
    }
    return ij;
  }

  /**
   * ImageJ.JS's installMacro replaces the whole installed set (MacroInstaller.install), the user's own macros included:
   * so only on request, and only after the user agreed. A host without `confirm` or `installMacro` installs nothing.
   */
  async function installMacros(): Promise<boolean> {
    const target = await host();
    if (!target.installMacro || !api.confirm) return false;
    const yes = await api.confirm(
      'Install the Focus Quality macros ("Focus Quality: Go To Best Slice", "Focus Quality: Remove Overlay") in Plugins › Macros?\n' +
        'ImageJ.JS keeps one macro set: this REPLACES the macros installed there now. To keep yours, add the text of macroSet() to your own set instead.',
    );
    if (!yes) return false;
    await target.installMacro(macroSet());
    await quietly(() => api.showStatus?.('Focus Quality: macros installed in Plugins › Macros'));
    return true;
  }

  const macroSet = (): string => installableMacroSet(DEFAULT_COMMAND_OPTIONS.table);
  const card = async () => (await measurer.init()).card;

  async function rememberedOptions(): Promise<string> {
    if (remembered !== undefined) return remembered;
    const saved = await quietly(() => api.getConfig?.(CONFIG_KEY));
    return typeof saved === 'string' && saved.trim() !== '' ? saved : toOptionsString(DEFAULT_COMMAND_OPTIONS);
  }

  /** One run at a time: ImageJ has one current image and the worker one model. */
  async function exclusive<T>(work: (signal: AbortSignal) => Promise<T>): Promise<T> {
    if (running) throw new OptionsError('a measurement is already running');
    const controller = new AbortController();
    running = controller;
    try {
      return await work(controller.signal);
    } finally {
      running = undefined;
      // 100 = done for ImageJ.JS (÷100 → IJ.showProgress(1.0), which erases the bar) and for ImJoy; 0 would leave an empty bar.
      await quietly(() => api.showProgress?.(100));
    }
  }

  async function measureWith(parsed: FocusCommandOptions, signal: AbortSignal): Promise<CommandResult> {
    await quietly(() => api.showStatus?.('Focus Quality: measuring…'));
    const result = await measureInImageJ(await host(), measurer, parsed, {
      signal,
      // Fractions below 1 read the same everywhere: ImageJ.JS takes p > 1 as a percentage, ImJoy p < 1 as a fraction.
      onProgress: (f) => void quietly(() => api.showProgress?.(Math.min(f, 0.99))),
    });
    const r0 = result.results[0];
    const summary = result.bestSlice !== undefined ? `best-focused slice ${result.bestSlice} of ${result.slices}` : r0 ? `level ${r0.level}, ${r0.inFocus ? 'in focus' : 'out of focus'}` : 'done';
    await quietly(() => api.showStatus?.(`Focus Quality: ${summary}`));
    for (const w of result.warnings) await quietly(() => api.showStatus?.(`Focus Quality: ${w}`));
    return result;
  }

  /** Scripting entry: an ImageJ option string (absent = the remembered settings); throws on any problem. */
  async function measure(optionString?: string): Promise<CommandResult> {
    const s = optionString ?? (await rememberedOptions());
    const parsed = toMeasureOptions(s, DEFAULT_COMMAND_OPTIONS, (await card()).patchSize);
    return exclusive((signal) => measureWith(parsed, signal));
  }

  /** The menu command: dialog, run, ImageJ-style message on failure. Never throws (it is an event handler). */
  async function menuCommand(): Promise<void> {
    if (running) {
      if (await quietly(() => api.confirm?.('Focus Quality is measuring. Cancel it?'))) running.abort();
      return;
    }
    try {
      const proposed = await rememberedOptions();
      const answer = api.prompt
        ? await api.prompt(`${MENU_LABEL}\nOptions (ImageJ style; border=stroke width, overlay, table=[title], patches = per-patch table, slices=current|all, select = go to the best slice, metrics=[plls,focus_score,…] = classic focus metrics as extra columns):`, proposed)
        : proposed;
      if (answer === null || answer === undefined) {
        await quietly(() => api.showStatus?.('Focus Quality: cancelled'));
        return;
      }
      const parsed = toMeasureOptions(answer, DEFAULT_COMMAND_OPTIONS, (await card()).patchSize);
      remembered = answer;
      await quietly(() => api.setConfig?.(CONFIG_KEY, answer));
      await exclusive((signal) => measureWith(parsed, signal));
    } catch (e) {
      const text = alertText(e);
      if ((e as Error)?.name === 'CancelledError') await quietly(() => api.showStatus?.(text));
      else await quietly(() => (api.alert ? api.alert(text) : undefined));
    }
  }

  async function measureNdarray(image: unknown): Promise<FeatureCollection> {
    if (!isNdArray(image)) throw new ImageFormatError('ctx.data.image must be an ImJoy ndarray ({_rtype: "ndarray", …})');
    const stack = toImageStack(image, 'ctx.data.image');
    const { results } = await measureStack(measurer, planesOf(stack), { slices: 'all' });
    const collections = results.map((r) => toGeoJSON(r));
    if (collections.length === 1) return collections[0]!;
    return { type: 'FeatureCollection', features: collections.flatMap((c) => c.features), properties: { slices: collections.map((c) => c.properties), warnings: stack.warnings } };
  }

  const plugin: FocusQualityPlugin = {
    async setup() {
      // Without ImageJ.JS the plugin still loads (a failed setup would leave the user with ImJoy's bare error):
      // it says what to do, and the next run tries again.
      try {
        await host();
      } catch (e) {
        await quietly(() => api.alert?.(alertText(e)));
      }
    },
    async run(ctx) {
      if (ctx?.data?.image !== undefined) return measureNdarray(ctx.data.image);
      await menuCommand();
      return undefined;
    },
    measure,
    async measureText(optionString) {
      const r = await measure(optionString);
      const metrics = parseMetricNames(r.options.metrics);
      return toImageCsv(r.results.map((result) => ({ file: r.title, slice: result.slice, result })), metrics);
    },
    installMacros,
    macroSet,
    cancel() {
      running?.abort();
      measurer.cancel?.();
    },
  };
  await api.export({ ...plugin });
  return plugin;
}
