/**
 * The evaluation's images: synthetic defocus stacks (from eval/synthesize.py's manifest, each image cut into
 * quadrants so two held-out fields give eight fields of content) and the real images in ../shared/data.
 * Images are yielded one at a time so the whole set never sits in memory.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { GrayImage } from '../src/core/types.js';
import { readImageFile } from '../src/node/image-files.js';

export type SampleSet = 'protocol' | 'robustness' | 'real';

export interface SampleInfo {
  readonly id: string;
  readonly set: SampleSet;
  /** Field of view: source image (+ quadrant for synthetic samples); splits and plots group by it. */
  readonly field: string;
  /** True defocus level (synthetic only). */
  readonly level: number | undefined;
  readonly inFocus: boolean;
  readonly gain: number | undefined;
  readonly offset: number | undefined;
  /** Real images our model was trained on (its card's `training.realImages`). */
  readonly seenInTraining: boolean;
}

export interface Sample extends SampleInfo {
  readonly image: GrayImage;
}

interface ManifestItem {
  readonly file: string;
  readonly set: 'protocol' | 'robustness';
  readonly source: string;
  readonly level: number;
  readonly gain: number;
  readonly offset: number;
}

/** Copies a rectangle of a plane, keeping its pixel type and bit depth (the model's scaling depends on them). */
export function cropGray(image: GrayImage, x: number, y: number, w: number, h: number): GrayImage {
  const Ctor = image.data.constructor as new (n: number) => GrayImage['data'];
  const out = new Ctor(w * h);
  for (let row = 0; row < h; row++) out.set(image.data.subarray((y + row) * image.width + x, (y + row) * image.width + x + w), row * w);
  return { data: out, width: w, height: h, bitDepth: image.bitDepth };
}

async function firstPlane(path: string): Promise<GrayImage> {
  const stack = await readImageFile(path);
  return stack.slices[0]!;
}

export async function* syntheticSamples(dir: string, inFocusMaxLevel: number): AsyncGenerator<Sample> {
  const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as { items: ManifestItem[] };
  for (const item of manifest.items) {
    const plane = await firstPlane(join(dir, item.file));
    const hw = Math.floor(plane.width / 2);
    const hh = Math.floor(plane.height / 2);
    const stem = item.source.split('_s1')[0]!;
    for (const [q, x, y] of [['q0', 0, 0], ['q1', hw, 0], ['q2', 0, hh], ['q3', hw, hh]] as const) {
      yield {
        id: `${item.file}#${q}`,
        set: item.set,
        field: `${stem}/${q}`,
        level: item.level,
        inFocus: item.level <= inFocusMaxLevel,
        gain: item.gain,
        offset: item.offset,
        seenInTraining: false,
        image: cropGray(plane, x, y, hw, hh),
      };
    }
  }
}

/** `trainedOn`: file names of real images the model saw in training, from its model card. */
export async function* realSamples(dataDir: string, trainedOn: readonly string[]): AsyncGenerator<Sample> {
  for (const [folder, inFocus] of [['bbbc006-in-focus', true], ['mcf7-defocused', false]] as const) {
    const files = readdirSync(join(dataDir, folder)).filter((f) => /\.tiff?$/i.test(f)).sort();
    for (const file of files) {
      yield {
        id: `${folder}/${file}`,
        set: 'real',
        field: basename(file),
        level: undefined,
        inFocus,
        gain: undefined,
        offset: undefined,
        seenInTraining: trainedOn.includes(file),
        image: await firstPlane(join(dataDir, folder, file)),
      };
    }
  }
}
