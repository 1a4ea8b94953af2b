// Regenerates docs/imagej-overlay.png: a real ImageJ 1.x's own rendering (Image › Overlay › Flatten) of the overlay the
// plugin writes, for an in-focus BBBC006 field (left) and a defocused MCF-7 field (right), measured with the shipped model.
// Run from the project root after `npm run build`: node docs/imagej-figure.mjs
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { LiveImageJ } from '../build/test/imagej/live-imagej.js';
import { loadModelFromDisk } from '../build/src/node/model-files.js';
import { readImageFile } from '../build/src/node/image-files.js';
import { measureImage } from '../build/src/inference/measure.js';
import { writeResultsMacros } from '../build/src/hosts/imagej/macros/results.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const data = path.join(here, '../test/fixtures/images'); // the repository's own real fixtures
const files = [path.join(data, 'bbbc006-in-focus/BBBC006_a02_s1_w1_z10.tif'), path.join(data, 'mcf7-defocused/mcf7_a19_s2_w1.tif')];
const model = await loadModelFromDisk();
const ij = await LiveImageJ.start();
try {
  for (const [i, file] of files.entries()) {
    const r = await measureImage(model, (await readImageFile(file)).slices[0], {}, {});
    console.log(path.basename(file), 'level', r.level);
    await ij.run(`open("${file}"); run("Enhance Contrast", "saturated=0.35");`);
    for (const m of writeResultsMacros([r], { levels: model.card.levels, border: 3, overlay: true, table: 'Focus Quality', patches: false, select: false })) await ij.run(m);
    await ij.run(`run("Flatten"); rename("F${i}");`);
  }
  await ij.run(`run("Combine...", "stack1=F0 stack2=F1"); run("Size...", "width=928 height=347 interpolation=Bilinear"); saveAs("PNG", "${path.join(here, 'imagej-overlay.png')}");`);
} finally {
  await ij.stop();
  await model.dispose();
}
