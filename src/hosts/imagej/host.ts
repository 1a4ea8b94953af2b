/**
 * The two sides the plugin talks to, typed: the ImageJ.JS service (`api.getWindow("ImageJ.JS")`) and the ImJoy `api`
 * object of the plugin. Only what the plugin uses; everything optional on the ImJoy side is called defensively,
 * because hosts differ (ImageJ.JS, the ImJoy app, a test page).
 */

export interface MenuItem {
  readonly label: string;
  readonly callback: () => unknown;
  readonly group?: string;
  /** ImJoy: keeps the callback callable more than once across the RPC. */
  readonly _rintf: true;
}

export interface ImageJService {
  getImage(format?: unknown): Promise<unknown>;
  getDimensions(): Promise<readonly number[]>;
  runMacro(code: string, args?: string): Promise<unknown>;
  addMenuItem(item: MenuItem): Promise<unknown>;
  installMacro?(code: string): Promise<unknown>;
  /**
   * Opens an image in ImageJ: an ndarray ([h, w] grey, little-endian) is imported as raw data titled `options.name`.
   * ImageJ.JS does not wait for the image to open before resolving (imjoyAPI.js `viewImage`).
   */
  viewImage?(image: ImageJNdArray | ArrayBuffer, options?: { readonly name?: string }): Promise<unknown>;
}

/** The ndarray form ImageJ.JS exchanges images in. */
export interface ImageJNdArray {
  readonly _rtype: 'ndarray';
  readonly _rvalue: Uint8Array;
  readonly _rshape: readonly number[];
  readonly _rdtype: 'uint8' | 'uint16' | 'float32';
}

export interface ImJoyApi {
  export(api: Record<string, unknown>): unknown;
  /** In ImageJ.JS: its service. In the ImJoy app: the window of that name, or null when none is open. */
  getWindow(name: string): Promise<ImageJService | null | undefined>;
  /** Opens a window (ImJoy app); resolves with the window's exported service once it has loaded. */
  createWindow?(config: { readonly src: string; readonly name: string }): Promise<ImageJService>;
  alert?(message: string): Promise<unknown>;
  prompt?(message: string, defaultValue?: string): Promise<string | null | undefined>;
  confirm?(message: string): Promise<boolean>;
  showProgress?(percent: number): Promise<unknown>;
  showStatus?(text: string): Promise<unknown>;
  getConfig?(key: string): Promise<unknown>;
  setConfig?(key: string, value: string): Promise<unknown>;
}

/** Calls an optional ImJoy function, ignoring hosts that lack it or fail: status and progress are never worth a failed run. */
export async function quietly<T>(call: (() => Promise<T> | undefined) | undefined): Promise<T | undefined> {
  try {
    return await call?.();
  } catch {
    return undefined;
  }
}
