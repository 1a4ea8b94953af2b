/**
 * One worker per model setting for every element on a page: a page with twenty `<focus-quality-view>`s loads the
 * model once, not twenty times.
 */
import { createWorkerClient, type WorkerClient } from '../../inference/worker-client.js';
import type { BackendPreference } from '../../inference/worker-protocol.js';

export interface SharedClientKey {
  readonly modelUrl?: string | undefined;
  readonly ortUrl?: string | undefined;
  readonly backend?: BackendPreference | undefined;
}

const clients = new Map<string, WorkerClient>();

/** The page-wide client for these settings, started on first use. */
export function sharedClient(key: SharedClientKey): WorkerClient {
  const id = JSON.stringify([key.modelUrl ?? '', key.ortUrl ?? '', key.backend ?? 'auto']);
  let client = clients.get(id);
  if (!client) {
    client = createWorkerClient({
      ...(key.modelUrl ? { modelUrl: key.modelUrl } : {}),
      ...(key.ortUrl ? { ortUrl: key.ortUrl } : {}),
      ...(key.backend ? { backend: key.backend } : {}),
    });
    clients.set(id, client);
  }
  return client;
}
