/** Saving a download from the app. */

/** Offers `data` as a file download named `name`. */
export function download(name: string, data: string | Uint8Array, type: string): void {
  const a = document.createElement('a');
  // Our encoders allocate plain ArrayBuffers (never shared ones), which is what a Blob takes.
  a.href = URL.createObjectURL(new Blob([data as string | Uint8Array<ArrayBuffer>], { type }));
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
}
