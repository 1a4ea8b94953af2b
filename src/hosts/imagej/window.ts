/**
 * Finding ImageJ.JS from the plugin. Inside ImageJ.JS (`?plugin=` URL) `api.getWindow("ImageJ.JS")` is answered by
 * ImageJ.JS itself. In the ImJoy app it is null until an ImageJ.JS window is open, so the plugin opens one
 * (`api.createWindow({src: "https://ij.imjoy.io", name: "ImageJ.JS"})`); when that fails too, the error says what to do.
 */
import { ImageContentError } from '../../core/errors.js';
import type { ImageJService, ImJoyApi } from './host.js';

export const IMAGEJ_JS_URL = 'https://ij.imjoy.io';
export const WINDOW_NAME = 'ImageJ.JS';

/** What to do when no ImageJ.JS can be reached; `pluginUrl` is where this plugin file is served, when known. */
export function noImageJAdvice(pluginUrl?: string): string {
  const direct = pluginUrl ? `open ${IMAGEJ_JS_URL}/?plugin=${pluginUrl} (ImageJ.JS with this plugin loaded), or ` : '';
  return `no ImageJ.JS to work with: ${direct}open ImageJ.JS (${IMAGEJ_JS_URL}) in this ImJoy workspace first, then run Focus Quality again.`;
}

export async function connectImageJ(api: ImJoyApi, pluginUrl?: string): Promise<ImageJService> {
  const open = await api.getWindow(WINDOW_NAME);
  if (open) return open;
  if (!api.createWindow) throw new ImageContentError(noImageJAdvice(pluginUrl));
  try {
    return await api.createWindow({ src: IMAGEJ_JS_URL, name: WINDOW_NAME });
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    throw new ImageContentError(`${noImageJAdvice(pluginUrl)} (Opening ${IMAGEJ_JS_URL} failed: ${why})`, { cause: e });
  }
}
