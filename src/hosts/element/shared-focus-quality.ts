/**
 * One focus-quality engine (the library API, its worker and model) per model setting for every element on a page: a
 * page with twenty `<focus-quality-view>`s loads the model once, not twenty times.
 */
import { createFocusQuality, type FocusQuality } from '../../api.js';
import type { BackendPreference } from '../../inference/worker-protocol.js';

export interface SharedKey {
  readonly modelUrl?: string | undefined;
  readonly ortUrl?: string | undefined;
  readonly backend?: BackendPreference | undefined;
}

const engines = new Map<string, FocusQuality>();

/** The page-wide engine for these settings, started on first use. */
export function sharedFocusQuality(key: SharedKey): FocusQuality {
  const id = JSON.stringify([key.modelUrl ?? '', key.ortUrl ?? '', key.backend ?? 'auto']);
  let fq = engines.get(id);
  if (!fq) {
    fq = createFocusQuality({
      ...(key.modelUrl ? { modelUrl: key.modelUrl } : {}),
      ...(key.ortUrl ? { ortUrl: key.ortUrl } : {}),
      ...(key.backend ? { backend: key.backend } : {}),
    });
    engines.set(id, fq);
  }
  return fq;
}
