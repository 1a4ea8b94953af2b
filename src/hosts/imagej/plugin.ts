/**
 * The ImJoy plugin behind `dist/focus-quality.imjoy.html`: adds "Measure Focus Quality", "Compose All-in-Focus" and
 * "Install Focus Quality Macros" to ImageJ.JS's Plugins menu and exports a scripting API.
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
import { measureStack, planesOf } from '../../core/measure-stack.js';
import { parseMetricNames } from '../../core/metrics/registry.js';
import { parsePixelSize } from '../../core/options.js';
import { isNdArray, toImageStack } from '../../image-input.js';
import { createWorkerClient, defaultAssetUrls, type WorkerClientOptions } from '../../inference/worker-client.js';
import { toImageCsv } from '../../io/csv.js';
import { toGeoJSON, type FeatureCollection } from '../../io/geojson.js';
import { measureInImageJ, type CommandResult } from './command.js';
import { composeInImageJ, toComposeOptions, type ComposeResult } from './compose.js';
import { quietly, type ImageJService, type ImJoyApi } from './host.js';
import { installableMacroSet } from './macros/installable.js';
import type { CommandHooks, PluginMeasurer } from './measure-planes.js';
import { DEFAULT_COMMAND_OPTIONS, toMeasureOptions, toOptionsString } from './options.js';
import { connectImageJ } from './window.js';

export const MENU_LABEL = 'Measure Focus Quality';
export const COMPOSE_MENU_LABEL = 'Compose All-in-Focus';
export const MACROS_MENU_LABEL = 'Install Focus Quality Macros';

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
  run(ctx?: { data?: { image?: unknown; pixelSize?: unknown }; config?: Record<string, unknown> }): Promise<FeatureCollection | CommandResult | undefined>;
  measure(options?: string): Promise<CommandResult>;
  /**
   * `measure` with the results as the CLI's CSV text (one row per measured plane): the one result type, besides an
   * ndarray, that ImageJ.JS's `callPlugin` bridge hands back to Java plugins.
   */
  measureText(options?: string): Promise<string>;
  /** The all-in-focus composite of the current stack, opened as a new image (`depth`: the depth map too). */
  compose(options?: string): Promise<ComposeResult>;
  /** Installs the macro set (after the user agrees: it replaces the installed one); true when installed. */
  installMacros(): Promise<boolean>;
  /** The macro set's source, to add to one's own set by hand. */
  macroSet(): string;
  cancel(): void;
}

/** A menu command: its dialog text, where its last options are remembered, and what it runs. */
interface MenuCommand<T> {
  readonly label: string;
  readonly help: string;
  readonly configKey: string;
  readonly defaults: string;
  run(options: string, hooks: Required<Pick<CommandHooks, 'signal'>> & CommandHooks): Promise<T>;
}

/** Builds the exported API and registers it with `api.export`. */
export async function startPlugin(api: ImJoyApi, options: PluginOptions = {}): Promise<FocusQualityPlugin> {
  const measurer =
    options.measurer ?? createWorkerClient({ ...options.worker, workerUrl: workerUrlFor(String(options.worker?.workerUrl ?? defaultAssetUrls().workerUrl)) });
  let ij: ImageJService | undefined;
  let running: AbortController | undefined;
  const remembered = new Map<string, string>();
  let menuAdded = false;
  const status = (text: string): Promise<unknown> => quietly(() => api.showStatus?.(`Focus Quality: ${text}`));

  /** ImageJ.JS, found (or opened, in the ImJoy app) on first use; the menu items go into its menu bar once. */
  async function host(): Promise<ImageJService> {
    ij ??= await connectImageJ(api, options.pluginUrl);
    if (!menuAdded) {
      menuAdded = true;
      // _rintf keeps a callback alive for every click (a plain callback may be called once only over ImJoy's RPC).
      await ij.addMenuItem({ label: MENU_LABEL, group: 'Plugins', callback: () => fromMenu(MEASURE), _rintf: true });
      await ij.addMenuItem({ label: COMPOSE_MENU_LABEL, group: 'Plugins', callback: () => fromMenu(COMPOSE), _rintf: true });
      await ij.addMenuItem({ label: MACROS_MENU_LABEL, group: 'Plugins', callback: () => void installMacros().catch(async (e: unknown) => quietly(() => api.alert?.(alertText(e)))), _rintf: true });
    }
    return ij;
  }

  const macroSet = (): string => installableMacroSet(DEFAULT_COMMAND_OPTIONS.table);

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
    await status('macros installed in Plugins › Macros');
    return true;
  }

  async function rememberedOptions(command: MenuCommand<unknown>): Promise<string> {
    const mine = remembered.get(command.configKey);
    if (mine !== undefined) return mine;
    const saved = await quietly(() => api.getConfig?.(command.configKey));
    return typeof saved === 'string' && saved.trim() !== '' ? saved : command.defaults;
  }

  /** One run at a time: ImageJ has one current image and the worker one model. */
  async function exclusive<T>(command: MenuCommand<T>, optionString: string): Promise<T> {
    if (running) throw new OptionsError('a measurement is already running');
    const controller = new AbortController();
    running = controller;
    try {
      await status(`${command.label}…`);
      return await command.run(optionString, {
        signal: controller.signal,
        // Fractions below 1 read the same everywhere: ImageJ.JS takes p > 1 as a percentage, ImJoy p < 1 as a fraction.
        onProgress: (f) => void quietly(() => api.showProgress?.(Math.min(f, 0.99))),
      });
    } finally {
      running = undefined;
      // 100 = done for ImageJ.JS (÷100 → IJ.showProgress(1.0), which erases the bar) and for ImJoy; 0 would leave an empty bar.
      await quietly(() => api.showProgress?.(100));
    }
  }

  /** A menu click: dialog, run, ImageJ-style message on failure. Never throws (it is an event handler). */
  async function fromMenu(command: MenuCommand<unknown>): Promise<void> {
    if (running) {
      if (await quietly(() => api.confirm?.('Focus Quality is working. Cancel it?'))) running.abort();
      return;
    }
    try {
      const proposed = await rememberedOptions(command);
      const answer = api.prompt ? await api.prompt(`${command.label}\n${command.help}`, proposed) : proposed;
      if (answer === null || answer === undefined) {
        await status('cancelled');
        return;
      }
      const remember = async (): Promise<void> => {
        remembered.set(command.configKey, answer);
        await quietly(() => api.setConfig?.(command.configKey, answer));
      };
      try {
        await exclusive(command, answer);
      } catch (e) {
        // Options that parsed are proposed again next time, even when the run itself failed (no image, …).
        if ((e as Error)?.name !== 'OptionsError') await remember();
        throw e;
      }
      await remember();
    } catch (e) {
      if ((e as Error)?.name === 'CancelledError') await quietly(() => api.showStatus?.(alertText(e)));
      else await quietly(() => (api.alert ? api.alert(alertText(e)) : undefined));
    }
  }

  const MEASURE: MenuCommand<CommandResult> = {
    label: MENU_LABEL,
    help: 'Options (ImageJ style; border=stroke width, overlay, table=[title], patches = per-patch table, slices=current|all, select = go to the best slice, metrics=[plls,focus_score,…] = classic focus metrics as extra columns):',
    configKey: 'measure-options',
    defaults: toOptionsString(DEFAULT_COMMAND_OPTIONS),
    async run(optionString, hooks) {
      const parsed = toMeasureOptions(optionString, DEFAULT_COMMAND_OPTIONS, (await measurer.init()).card.patchSize);
      const result = await measureInImageJ(await host(), measurer, parsed, hooks);
      const r0 = result.results[0];
      await status(result.bestSlice !== undefined ? `best-focused slice ${result.bestSlice} of ${result.slices}` : r0 ? `level ${r0.level}, ${r0.inFocus ? 'in focus' : 'out of focus'}` : 'done');
      for (const w of result.warnings) await status(w);
      return result;
    },
  };

  const COMPOSE: MenuCommand<ComposeResult> = {
    label: COMPOSE_MENU_LABEL,
    help: 'Options (ImageJ style; depth = also open the depth map, the slice each pixel was taken from):',
    configKey: 'compose-options',
    defaults: '',
    async run(optionString, hooks) {
      const result = await composeInImageJ(await host(), measurer, toComposeOptions(optionString), hooks);
      await status(`${result.title}: all-in-focus from ${result.slices} slice(s), best slice ${result.bestSlice}`);
      for (const note of [...result.notes, ...result.warnings]) await status(note);
      return result;
    },
  };

  /** Another viewer's pixels; `pixelSize` (µm: a number, "x,y" or {x, y}) as the API takes it, since an ndarray has no calibration. */
  async function measureNdarray(image: unknown, pixelSize: unknown): Promise<FeatureCollection> {
    if (!isNdArray(image)) throw new ImageFormatError('ctx.data.image must be an ImJoy ndarray ({_rtype: "ndarray", …})');
    const stack = toImageStack(image, 'ctx.data.image');
    const { results } = await measureStack(measurer, planesOf(stack), { slices: 'all', pixelSize: parsePixelSize(pixelSize ?? undefined) });
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
      if (ctx?.data?.image !== undefined) return measureNdarray(ctx.data.image, ctx.data.pixelSize);
      await fromMenu(MEASURE);
      return undefined;
    },
    /** Scripting: an ImageJ option string (absent = the remembered settings); throws on any problem. */
    async measure(optionString) {
      return exclusive(MEASURE, optionString ?? (await rememberedOptions(MEASURE)));
    },
    async measureText(optionString) {
      const r = await plugin.measure(optionString);
      return toImageCsv(r.results.map((result) => ({ file: r.title, slice: result.slice, result })), parseMetricNames(r.options.metrics));
    },
    async compose(optionString) {
      return exclusive(COMPOSE, optionString ?? '');
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
