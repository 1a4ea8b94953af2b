/** reports/evaluation.md from the results of eval/evaluate.ts. Every number is from that run; the text says which data. */
import type { Block, SourceSummary } from './sources.js';

interface Result {
  readonly generatedAt: string;
  readonly model: { readonly file: string; readonly version: string; readonly sha256: string; readonly aggregation?: string | undefined; readonly verdict: unknown; readonly scaling: unknown };
  readonly protocol: { readonly split: string; readonly seed: number; readonly perSource: number; readonly pixelSizes: readonly number[]; readonly nativePixelSizeUm: number | null };
  readonly summary: SourceSummary;
  readonly plls: { readonly spearmanTypical: number; readonly oursSpearmanTypical: number; readonly perSource: Record<string, number>; readonly oursPerSource: Record<string, number> };
  readonly real: RealImages;
  readonly realOther?: RealImages | undefined;
  readonly realStacks?: { readonly what: string; readonly rows: readonly RealStackRow[] } | undefined;
  readonly wallSeconds: number;
  readonly compare?: { readonly model: { readonly version: string; readonly sha256: string; readonly verdict?: unknown }; readonly protocol: { readonly seed: number; readonly perSource: number }; readonly summary: SourceSummary } | null;
}

/** A real z-stack measured as it is: the plane `--slices best` picks (the makers' order numbers) against theirs. */
export interface RealStackRow { id: string; what: string; source: string; planes: number; stepUm: number; focalOrder: number; pickedOrder: number; offsetPlanes: number; scores: readonly number[] }

interface RealImages { readonly what: string; readonly rows: readonly { file: string; truth: string; level: number; score: number; certainty: number; verdict: string; right: boolean; clear?: boolean }[] }

const pct = (x: number): string => `${(100 * x).toFixed(1)} %`;
const num = (x: number): string => (Number.isFinite(x) ? x.toFixed(3) : '–');

function realTable(r: RealImages): string[] {
  return ['| file | truth | level | score | certainty | verdict |', '|---|---|---|---|---|---|',
    ...r.rows.map((x) => `| ${x.file} | ${x.truth} | ${x.level} | ${x.score.toFixed(2)} | ${x.certainty.toFixed(3)} | ${x.verdict}${x.right ? '' : ' **(wrong)**'} |`)];
}

/** Never-used real images: right, and with the score at least half a level from the in/out boundary (issue 10's target). */
function realOtherSection(r: RealImages | undefined): string[] {
  if (!r || r.rows.length === 0) return ['No real images of other labs were measured (.devdata/real is built by `python3 -m training.real_images`).', ''];
  const right = r.rows.filter((x) => x.right).length;
  const clear = r.rows.filter((x) => x.right && x.clear).length;
  return [`${r.what}: ${right}/${r.rows.length} right, ${clear}/${r.rows.length} right with the score at least 0.5 level from the in/out boundary `
    + `(target: all: ${clear === r.rows.length ? 'met' : '**not met**'}). Too few images for a rate; each is a check.`, '', ...realTable(r), ''];
}

/** Issue 10.6: `--slices best` picks the documented focal plane within ±1 plane. */
function realStackSection(r: Result['realStacks']): string[] {
  if (!r || r.rows.length === 0) return ['No real z-stack of documented focus was measured.', ''];
  const met = r.rows.every((x) => Math.abs(x.offsetPlanes) <= 1);
  return [`${r.what}: the sharpest plane by score against the makers' in-focus plane (target: within ±1 plane: ${met ? 'met' : '**not met**'}).`, '',
    '| stack | planes | step | documented in-focus plane | picked | off by | what |', '|---|---|---|---|---|---|---|',
    ...r.rows.map((x) => `| ${x.id} | ${x.planes} | ${x.stepUm} µm | ${x.focalOrder} | ${x.pickedOrder} | ${x.offsetPlanes > 0 ? '+' : ''}${x.offsetPlanes}${Math.abs(x.offsetPlanes) > 1 ? ' **(off)**' : ''} | ${x.what}; ${x.source} |`), ''];
}

function table(title: string, rows: Readonly<Record<string, Block>>): string[] {
  const out = [`| ${title} | images | within ±1 | exact | Spearman | confident wrong in/out | uncertain |`, '|---|---|---|---|---|---|---|'];
  for (const [k, b] of Object.entries(rows)) out.push(`| ${k} | ${b.n} | ${pct(b.within1)} | ${pct(b.exact)} | ${num(b.spearman)} | ${pct(b.confidentWrong)} | ${pct(b.uncertain)} |`);
  return out;
}

export function writeReport(r: Result): string {
  const s = r.summary;
  const target = (ok: boolean): string => (ok ? 'met' : '**not met**');
  const conds = Object.values(s.byCondition);
  const worstWrong = Math.max(...conds.map((b) => b.confidentWrong));
  const worstUncertain = Math.max(...conds.map((b) => b.uncertain));
  const realRight = r.real.rows.filter((x) => x.right).length;
  const lines = [
    r.protocol.split === 'test' ? '# Evaluation on never-seen sources' : `# Pipeline check on the ${r.protocol.split} sources (not the test report)`, '',
    `Model \`${r.model.file}\` ${r.model.version} (sha256 \`${r.model.sha256.slice(0, 16)}…\`), intensity rule \`${String(r.model.scaling)}\`, `
      + `aggregation ${r.model.aggregation ?? 'argmax'}, verdict rule \`${JSON.stringify(r.model.verdict)}\`. Generated ${r.generatedAt} by \`npm run eval\` in ${r.wallSeconds.toFixed(0)} s.`, '',
    `**Data.** The in-focus fields of the ${s.sources.length} ${r.protocol.split.toUpperCase()} sources of training/DATA.md (${s.sources.join(', ')}; up to ${r.protocol.perSource} fields each), `
      + 'none used for training or for any choice, defocused to all 11 levels by the Born–Wolf PSF of training/psf.py and seen through every camera '
      + 'condition of training/acquisition.py (eval/synthesize.py, seed ' + r.protocol.seed + '). Each image is measured through the product\'s TypeScript '
      + 'path (TIFF decoding, the card\'s intensity rule, patch grid, onnxruntime-web, aggregation, verdict).',
    `The pixel-size conditions are cameras with ${r.protocol.pixelSizes.map((p) => `${p} µm`).join(' and ')} pixels (the native ${r.protocol.nativePixelSizeUm ?? '?'} µm upsampled or area-averaged), `
      + 'measured with that pixel size given, so the product resamples them to the card\'s native pixel size (core/native-scale.ts). '
      + 'The bright-objects condition adds a few spots 4–10× brighter than the field\'s cells to the specimen before the defocus (mitotic nuclei, '
      + 'debris: training/specimen.py), recorded by the typical camera; the haze condition adds broad out-of-focus glow (blobs of σ 15–50 px, '
      + '0.3–1.5× the cells\' brightness: light from objects far from the focal plane) in the same way.', '',
    '## Headline', '',
    `- Whole-image level within ±1: **${pct(s.typical?.within1 ?? s.all.within1)}** with a typical camera, ${pct(s.all.within1)} over all conditions (target ≥ 95 %: ${target(s.all.within1 >= 0.95)}); `
      + `worst source ${s.worstSource.name} ${pct(s.worstSource.within1)} (target ≥ 85 %: ${target(s.worstSource.within1 >= 0.85)}).`,
    `- Spearman (score vs true level): ${num(s.all.spearman)} (target ≥ 0.95: ${target(s.all.spearman >= 0.95)}).`,
    `- Verdicts, worst condition: confident wrong ${pct(worstWrong)} (target ≤ 2 %: ${target(worstWrong <= 0.02)}), uncertain ${pct(worstUncertain)} (target ≤ 25 %: ${target(worstUncertain <= 0.25)}).`,
    // evaluate.ts refuses a --compare of other images, so one that is here was measured on these.
    ...(r.compare ? [
      `- Model ${r.compare.model.version} on the same images: within ±1 ${pct(r.compare.summary.typical?.within1 ?? NaN)} typical camera, `
        + `${pct(r.compare.summary.all.within1)} all conditions, worst source ${pct(r.compare.summary.worstSource.within1)}, Spearman ${num(r.compare.summary.all.spearman)}, `
        + `worst-condition confident wrong ${pct(Math.max(...Object.values(r.compare.summary.byCondition).map((b) => b.confidentWrong)))}`
        + `${r.compare.model.verdict ? '' : ' (no verdict rule in its card)'}.`] : []),
    `- PLLS on the same images (typical camera): Spearman ${num(r.plls.spearmanTypical)} over all ${r.protocol.split} sources together, ours ${num(r.plls.oursSpearmanTypical)}; `
      + 'per source (below) PLLS only ranks the images of one source, since its scale depends on content.', '',
    `## Per acquisition condition (all ${r.protocol.split} sources)`, '', ...table('condition', s.byCondition), '',
    `## Per ${r.protocol.split} source (all conditions)`, '', ...table('source', s.bySource), '',
    '| source | Spearman ours (typical camera) | Spearman PLLS (typical camera) |', '|---|---|---|',
    ...Object.keys(r.plls.perSource).map((k) => `| ${k} | ${num(r.plls.oursPerSource[k]!)} | ${num(r.plls.perSource[k]!)} |`), '',
    '## Real images of other labs (never used for any choice)', '',
    ...realOtherSection(r.realOther),
    '## Real images (in distribution, not a headline)', '',
    `${r.real.what}: ${realRight}/${r.real.rows.length} right.`, '',
    ...realTable(r.real), '',
    '## Real through-focus stacks (never used for any choice)', '',
    ...realStackSection(r.realStacks),
  ];
  return lines.join('\n');
}
