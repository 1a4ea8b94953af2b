/**
 * One clear line for each way a camera or screen capture can fail to start, from the DOMException names of
 * `getUserMedia` / `getDisplayMedia` (Media Capture and Streams; Screen Capture), saying what to do about it.
 */
export type SourceKind = 'camera' | 'screen';

export function describeMediaError(err: unknown, kind: SourceKind): string {
  const name = typeof err === 'object' && err !== null && 'name' in err ? String((err as { name: unknown }).name) : '';
  const detail = typeof err === 'object' && err !== null && 'message' in err ? String((err as { message: unknown }).message) : String(err);
  const what = kind === 'camera' ? 'camera' : 'screen capture';
  switch (name) {
    case 'NotAllowedError':
    case 'PermissionDeniedError':
      return kind === 'camera'
        ? 'Camera access was denied. Allow the camera for this page (the icon in the address bar or the site settings), then press Start camera again.'
        : 'Screen capture was cancelled or denied. Press Share a screen or window and pick the microscope software window.';
    case 'NotFoundError':
    case 'DevicesNotFoundError':
      return kind === 'camera' ? 'No camera was found. Connect one (or use Share a screen or window for the microscope software).' : 'There is nothing to capture.';
    case 'NotReadableError':
    case 'TrackStartError':
      return `The ${what} could not be started: another program may be using it.`;
    case 'OverconstrainedError':
      return `The ${what} cannot deliver the requested format.`;
    case 'SecurityError':
    case 'TypeError':
      return `The ${what} is only available on a secure page (https:// or http://localhost).`;
    case 'AbortError':
      return `Starting the ${what} was interrupted; try again.`;
    default:
      return `The ${what} could not be started: ${detail}`;
  }
}
