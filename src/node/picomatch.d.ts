// The part of picomatch 4's API (github.com/micromatch/picomatch, README) that node/inputs.ts uses; the package ships
// no type declarations.
declare module 'picomatch' {
  interface ScanResult {
    /** The leading folders of the pattern, before its first glob character. */
    readonly base: string;
    /** The rest of the pattern, relative to `base`. */
    readonly glob: string;
    readonly isGlob: boolean;
  }
  interface PicomatchOptions {
    readonly dot?: boolean;
    readonly nocase?: boolean;
  }
  interface Picomatch {
    (glob: string | readonly string[], options?: PicomatchOptions): (path: string) => boolean;
    scan(glob: string): ScanResult;
  }
  const picomatch: Picomatch;
  export default picomatch;
}
