/**
 * Numbers out of a macro. ImageJ.JS's `runMacro` resolves with nothing (and rejects on a returned string), so a macro
 * that must answer writes its numbers as the pixels of a small 32-bit "probe" image, which `getImage` then returns
 * (the current image's current plane), and which is closed again at once.
 */
import { ImageFormatError } from '../../core/errors.js';
import type { ImageJService } from './host.js';
import { block, program, VALUES, type Block } from './macros/code.js';
import { planeFromImageJ } from './ndarray.js';

export const PROBE_TITLE = 'Focus Quality probe';

/**
 * Runs `code`, which sets VALUES to its answer (`count` numbers, exact in float32: integers below 2^24), and returns
 * those numbers. The probe is closed whatever happens; the caller re-selects its image.
 */
export async function macroValues(ij: ImageJService, code: Block, count: number): Promise<number[]> {
  const answer = block(`newImage("${PROBE_TITLE}", "32-bit black", ${count}, 1, 1);
for (fq_i = 0; fq_i < ${count}; fq_i++) setPixel(fq_i, 0, ${VALUES.name}[fq_i]);`, { reads: [VALUES] });
  await ij.runMacro(program([code, answer]));
  try {
    const { plane } = planeFromImageJ(await ij.getImage(), count, 1, PROBE_TITLE);
    if (plane.bitDepth !== 32) throw new ImageFormatError('ImageJ returned another image instead of the probe', { file: PROBE_TITLE });
    return Array.from(plane.data);
  } finally {
    await ij.runMacro(`if (nImages > 0) { if (getTitle() == "${PROBE_TITLE}") close(); }`);
  }
}
