/**
 * Our option-string reader agrees with ImageJ's own on tricky strings: `Macro.getValue` (called from a macro) for
 * values, and a real GenericDialog in macro mode for checkboxes. One ImageJ run answers every case.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { getImageJValue, isImageJChecked, optionKeys, parseImageJOptions } from '../../src/hosts/imagej/options.js';
import { macroString } from '../../src/hosts/imagej/macros/code.js';
import { ENC_FUNCTION, decodeCodes, runBatchMacro } from './batch.js';

const NONE = '<none>';
const LABELS = ['Border width', 'Overlay', 'Table title', 'Patches table', 'Slices', 'Select best slice', 'Patch size', 'X:', 'Ünïcode', 'BORDER'];

const STRINGS = [
  'border=2 overlay table=[Focus Quality]',
  'overlay',
  '',
  'table=[Focus [nested] Quality] overlay',
  'table=[with overlay inside] patches',
  'xborder=5 border=3',
  '_border=5 border=3',
  '1border=5',
  'éborder=5 border=3',
  'border=2 border=9',
  "table='quoted value' overlay",
  'table=[unclosed overlay',
  'border= overlay',
  'overlay=1',
  '  overlay   patches  ',
  'Overlay',
  'table=[Focus Quality]overlay select',
  'table=[] overlay',
  'slices=all select',
  'table=[a]] overlay',
  'table=[é 中文 😀] ünïcode=ö overlay',
  'border=2\toverlay',
  'select',
  'x=[overlay] [overlay] overlay',
  'table=[x=y z] overlay',
  'x=1 x:=2',
  'patch=84 border=2 overlay table=[Focus Quality]',
  'border=2 overlay patches slices=all',
  'table=[a [b] c] patches=[x] patches',
  "table='it''s' overlay",
  'overlay border=[2]',
  'select=',
  'slices=[all] patches  select',
];

interface Answer {
  value: string;
  checked: boolean;
}

test('option values and checkboxes read like ImageJ 1.x reads them, on 33 tricky strings', { timeout: 120_000 }, async () => {
  const cases = STRINGS.map((s) => {
    // Labels with '_' are shown with a space by GenericDialog, so they cannot stand for themselves in a dialog.
    const keys = optionKeys(s).filter((k) => k !== '' && !k.includes('_'));
    return { s, keys, labels: [...new Set([...LABELS, ...keys])] };
  });
  let code = `${ENC_FUNCTION}run("Clear Results"); // renames the thread to "Run$_main", which makes Macro.getOptions() see setOptions\nfq = "";\n`;
  cases.forEach(({ s, labels }, ci) => {
    code += `fq_s = ${macroString(s)};\n`;
    for (const [li, l] of labels.entries()) code += `fq = fq + "${ci}\\t${li}\\tv\\t" + fq_enc(call("ij.Macro.getValue", fq_s, ${macroString(l)}, "${NONE}")) + "\\n";\n`;
    // One dialog per label: labels sharing a key ("Border width", "BORDER") would interfere within one dialog.
    for (const [li, l] of labels.entries()) {
      code += `call("ij.Macro.setOptions", fq_s + " ");\nDialog.create("parity");\nDialog.addCheckbox(${macroString(l)}, false);\nDialog.show();\n`;
      code += `fq = fq + "${ci}\\t${li}\\tc\\t" + Dialog.getCheckbox() + "\\n";\ncall("ij.Macro.setOptions", "");\n`;
    }
  });
  code += 'File.saveString(fq, fq_out);\n';
  const out = await runBatchMacro(code, 60);
  const answers = new Map<string, Answer>();
  for (const line of out.split('\n').filter(Boolean)) {
    const [ci, li, kind, v] = line.split('\t');
    const k = `${ci}/${li}`;
    const a = answers.get(k) ?? { value: '', checked: false };
    if (kind === 'v') a.value = decodeCodes(v!);
    else a.checked = v === '1';
    answers.set(k, a);
  }
  let compared = 0;
  const mismatches: string[] = [];
  cases.forEach(({ s, labels }, ci) => {
    labels.forEach((l, li) => {
      const ij = answers.get(`${ci}/${li}`);
      assert.ok(ij, `ImageJ gave no answer for ${JSON.stringify(s)} / ${l}`);
      const ours = { value: getImageJValue(s, l, NONE), checked: isImageJChecked(s, l) };
      if (ours.value !== ij.value || ours.checked !== ij.checked) {
        mismatches.push(`${JSON.stringify(s)} "${l}": ImageJ ${JSON.stringify(ij)}, ours ${JSON.stringify(ours)}`);
      }
      compared++;
    });
  });
  assert.deepEqual(mismatches, []);
  assert.ok(compared > 300, `only ${compared} comparisons`);

  // parseImageJOptions = what ImageJ reads for each written key.
  cases.forEach(({ s, keys, labels }, ci) => {
    const expected = new Map<string, string | true>();
    for (const k of keys) {
      const ij = answers.get(`${ci}/${labels.indexOf(k)}`)!;
      if (ij.value !== NONE) expected.set(k, ij.value);
      else if (ij.checked) expected.set(k, true);
    }
    const ours = new Map([...parseImageJOptions(s)].filter(([k]) => keys.includes(k)));
    assert.deepEqual(ours, expected, JSON.stringify(s));
  });
});
