/**
 * Node entry (`focus-quality/node`): the CLI's `main` and the Node helpers that read models and images from disk.
 *
 * @example
 * import { loadModelFromDisk, readImageFile, measureStack, modelMeasurer } from 'focus-quality/node';
 * const model = await loadModelFromDisk();            // the bundled model and its card
 * const { best } = await measureStack(modelMeasurer(model), await readImageFile('cells.tif'));
 * console.log(best.level, best.inFocus);
 * await model.dispose();
 */
export { main } from './main.js';
export { parseCliArgs, USAGE, type CliArgs } from './args.js';
export { parseShard, shardFiles, type Shard } from './shard.js';
export { expandInputs } from '../../node/inputs.js';
export { readImageFile } from '../../node/image-files.js';
export { loadModelFromDisk, readModelCard, defaultModelPath, cardPathFor, readFileBytes } from '../../node/model-files.js';
export { createFocusQuality } from '../../node/focus-quality.js';
export { measureImage, modelMeasurer } from '../../inference/measure.js';
export { measureStack, planesOf } from '../../core/measure-stack.js';
