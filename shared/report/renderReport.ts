import type { QualityReason } from '../analysis/AnalysisResult.js';
import { annotationColours } from '../annotate/drawAnnotations.js';
import { lesionClasses } from '../lesions/lesionClasses.js';
import { invalidArgument } from '../errors.js';
import { researchDisclaimer, type GradeResult } from '../grading/GradeResult.js';
import { gradeTable } from '../grading/gradeTable.js';
import { escapeHtml } from './escapeHtml.js';

/** A pixel size. */
export interface PixelSize {
  readonly width: number;
  readonly height: number;
}

/** Options of {@link renderReport}. */
export interface RenderReportOptions {
  /**
   * The photograph to show, encoded (PNG, JPEG or WebP), embedded as a data URI. Pass the un-annotated image
   * (original or enhanced): the findings are drawn over it as switchable SVG layers. `null` = no image (rejected).
   */
  readonly image: { readonly bytes: Uint8Array; readonly mimeType: 'image/png' | 'image/jpeg' | 'image/webp' } | null;
  /** Pixel size of the embedded image (the overlay's coordinate system). */
  readonly imageSize: PixelSize;
  /**
   * Size of the source photograph, the coordinate system of `result.lesions` and `result.landmarks`; the embedded
   * image is taken to be the whole source, resized. @default imageSize
   */
  readonly sourceSize?: PixelSize;
  /** Heading, e.g. the image's file name. @default 'Fundus photograph' */
  readonly title?: string;
  /** Radius of the macula circle in disc diameters around the fovea (the lesion search region). @default 2 */
  readonly maculaDiscDiameters?: number;
  /** Link back to the batch index, relative to the report. @default none */
  readonly indexHref?: string;
}

const reasonText: Record<QualityReason, string> = {
  not_a_fundus: 'Not a fundus photograph',
  out_of_focus: 'Out of focus',
  too_dark: 'Too dark',
  overexposed: 'Overexposed',
  uneven_illumination: 'Uneven illumination',
  fov_too_small: 'Field of view too small',
  fov_cut: 'Field of view cut off',
  image_too_small: 'Image too small',
  low_contrast: 'Low contrast',
  optic_disc_not_found: 'Optic disc not found',
  heavy_compression: 'Heavily compressed (JPEG): grade less reliable',
};

/** Colour and title of a lesion class from the one lesion-class table (unknown labels fall back to the kind's colour). */
const classColour = (label: string): string => `rgb(${(lesionClasses.find((c) => c.label === label)?.colour ?? annotationColours.dark).join(',')})`;
const classTitle = (label: string): string => lesionClasses.find((c) => c.label === label)?.title ?? label;

const layers = [
  { id: 'dark', label: `Dark lesions (${lesionClasses.filter((c) => c.kind === 'dark').map((c) => c.title.toLowerCase()).join(', ')})`, colour: annotationColours.dark },
  { id: 'bright', label: `Bright lesions (${lesionClasses.filter((c) => c.kind === 'bright').map((c) => c.title.toLowerCase()).join(', ')})`, colour: annotationColours.bright },
  { id: 'disc', label: 'Optic disc', colour: annotationColours.disc },
  { id: 'fovea', label: 'Fovea', colour: annotationColours.fovea },
  { id: 'macula', label: 'Macula circle', colour: annotationColours.macula },
] as const;

/**
 * One self-contained HTML report for one graded photograph: the photograph with switchable layers (dark lesions,
 * bright lesions, optic disc, fovea, macula circle; pure CSS, works without JavaScript), the grade with its
 * calibrated probabilities, the referable and sight-threatening decisions, quality and its reasons, provenance
 * and the research-use disclaimer. No external assets; readable on a phone. The full result JSON is embedded in
 * `<script type="application/json" id="result-json">` for machines.
 *
 * Stable hooks for tests and tooling: `layer-<id>` / `toggle-<id>` (id in dark, bright, disc, fovea, macula),
 * `grade-value`, `grade-name`, `status-value`, `referable-value`, `sight-threatening-value`, `probability-<g>`,
 * `quality-category`, `quality-reasons`, `disclaimer` (as `data-testid`; layers and toggles also as `id`).
 */
export function renderReport(result: GradeResult, options: RenderReportOptions): string {
  const { imageSize } = options;
  const sourceSize = options.sourceSize ?? imageSize;
  for (const [name, size] of [['imageSize', imageSize], ['sourceSize', sourceSize]] as const) {
    if (!(size.width > 0 && size.height > 0)) throw invalidArgument(name, 'a positive width and height', `${size.width}×${size.height}`);
  }
  const sx = imageSize.width / sourceSize.width;
  const sy = imageSize.height / sourceSize.height;
  const s = Math.sqrt(sx * sy);
  const title = options.title ?? 'Fundus photograph';
  const f = (v: number) => (Math.round(v * 10) / 10).toString();
  // Rings are drawn a little larger than the lesion, with a floor so single-pixel findings stay visible.
  const minRing = Math.max(imageSize.width, imageSize.height) * 0.006;

  const darkMarks = result.lesions.filter((l) => l.kind === 'dark')
    .map((l) => `<circle cx="${f(l.x * sx)}" cy="${f(l.y * sy)}" r="${f(Math.max(minRing, l.radius * s * 1.6))}" stroke="${classColour(l.class)}"><title>${escapeHtml(`${classTitle(l.class)}, score ${l.score.toFixed(2)}`)}</title></circle>`);
  const brightMarks = result.lesions.filter((l) => l.kind === 'bright').map((l) => {
    const half = Math.max(minRing, l.radius * s * 1.6);
    return `<rect x="${f(l.x * sx - half)}" y="${f(l.y * sy - half)}" width="${f(2 * half)}" height="${f(2 * half)}" stroke="${classColour(l.class)}"><title>${escapeHtml(`${classTitle(l.class)}, score ${l.score.toFixed(2)}`)}</title></rect>`;
  });
  const disc = result.landmarks?.opticDisc ?? null;
  const fovea = result.landmarks?.fovea ?? null;
  const discMarks = disc ? [`<circle cx="${f(disc.x * sx)}" cy="${f(disc.y * sy)}" r="${f(disc.radius * s)}"><title>Optic disc</title></circle>`] : [];
  const arm = minRing * 2;
  const foveaMarks = fovea ? [`<path d="M${f(fovea.x * sx - arm)} ${f(fovea.y * sy)}h${f(2 * arm)}M${f(fovea.x * sx)} ${f(fovea.y * sy - arm)}v${f(2 * arm)}"><title>Fovea</title></path>`] : [];
  const maculaDd = options.maculaDiscDiameters ?? 2;
  const maculaMarks = fovea && disc ? [`<circle cx="${f(fovea.x * sx)}" cy="${f(fovea.y * sy)}" r="${f(maculaDd * 2 * disc.radius * s)}" stroke-dasharray="8 6"><title>${escapeHtml(`Macula: ${maculaDd} disc diameters around the fovea`)}</title></circle>`] : [];
  const marks: Record<(typeof layers)[number]['id'], string[]> = { dark: darkMarks, bright: brightMarks, disc: discMarks, fovea: foveaMarks, macula: maculaMarks };

  const rgb = (c: readonly number[]) => `rgb(${c.join(',')})`;
  const toggles = layers.map((l) =>
    `<input type="checkbox" id="toggle-${l.id}" data-testid="toggle-${l.id}" class="toggle" checked><label for="toggle-${l.id}"><span class="swatch" style="border-color:${rgb(l.colour)}"></span>${escapeHtml(l.label)} <span class="count">(${marks[l.id].length})</span></label>`).join('\n');
  const layerGroups = layers.map((l) =>
    `<g id="layer-${l.id}" data-testid="layer-${l.id}" class="layer" stroke="${rgb(l.colour)}" fill="none">${marks[l.id].join('')}</g>`).join('\n');
  const hideRules = layers.map((l) => `#toggle-${l.id}:not(:checked) ~ .figure #layer-${l.id} { display: none; }`).join('\n');

  const figure = options.image === null
    ? '<p class="noimage">No image: the file could not be read as a photograph.</p>'
    : `<svg class="figure" viewBox="0 0 ${imageSize.width} ${imageSize.height}" role="img" aria-label="${escapeHtml(title)} with findings">
<image href="data:${options.image.mimeType};base64,${Buffer.from(options.image.bytes).toString('base64')}" width="${imageSize.width}" height="${imageSize.height}"/>
${layerGroups}
</svg>`;

  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} · drgrade report</title>
<style>
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { font: 16px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 0; color: #1b1b1b; background: #fafafa; }
main { max-width: 1280px; margin: 0 auto; padding: .75rem; display: grid; gap: 1rem; grid-template-columns: minmax(0, 3fr) minmax(0, 2fr); }
header, footer { max-width: 1280px; margin: 0 auto; padding: .75rem; }
h1 { font-size: 1.3rem; margin: .2rem 0; word-break: break-all; }
h2 { font-size: 1.05rem; margin: 1rem 0 .4rem; }
.disclaimer { background: #fff4d6; border: 1px solid #e0b84c; padding: .5rem .75rem; border-radius: 6px; margin: .4rem 0; }
.viewer { background: #111; border-radius: 8px; padding: .5rem; color: #eee; align-self: start; }
.figure { display: block; width: 100%; height: auto; }
.layer * { vector-effect: non-scaling-stroke; stroke-width: 2px; }
.toggle { position: absolute; opacity: 0; }
.toggle + label { display: inline-flex; align-items: center; gap: .35rem; margin: .2rem .6rem .2rem 0; padding: .25rem .5rem; border-radius: 999px; border: 1px solid #555; cursor: pointer; font-size: .9rem; user-select: none; }
.toggle:checked + label { background: #333; }
.toggle:not(:checked) + label { opacity: .55; text-decoration: line-through; }
.toggle:focus-visible + label { outline: 2px solid #6cf; }
.swatch { width: .9rem; height: .9rem; border: 3px solid; border-radius: 50%; display: inline-block; }
${hideRules}
.card { background: #fff; border: 1px solid #ddd; border-radius: 8px; padding: .75rem 1rem; }
.grade { font-size: 2.6rem; font-weight: 700; line-height: 1; }
.decision { display: inline-block; padding: .15rem .5rem; border-radius: 4px; font-weight: 600; }
.yes { background: #ffd9d6; color: #8a1008; } .no { background: #d8f3dc; color: #12512a; }
table { border-collapse: collapse; width: 100%; }
td, th { padding: .2rem .4rem; border-bottom: 1px solid #eee; text-align: left; vertical-align: top; }
.bar { background: #e8eef7; height: .8rem; border-radius: 3px; min-width: 2.5rem; }
.bar span { display: block; height: 100%; background: #3b6fb6; border-radius: 3px; }
.mono { font-family: ui-monospace, Menlo, Consolas, monospace; font-size: .85rem; word-break: break-all; }
.noimage { padding: 2rem; text-align: center; }
@media (max-width: 800px) { main { grid-template-columns: minmax(0, 1fr); } .grade { font-size: 2.1rem; } }
</style>
</head>
<body>
<header>
${options.indexHref === undefined ? '' : `<p><a href="${escapeHtml(options.indexHref)}" data-testid="index-link">← All photographs</a></p>`}
<h1 data-testid="title">${escapeHtml(title)}</h1>
<p class="disclaimer" data-testid="disclaimer">${escapeHtml(researchDisclaimer)}</p>
</header>
<main>
<section class="viewer" aria-label="Photograph and findings">
${toggles}
${figure}
</section>
<section>
${gradeCard(result)}
${qualityCard(result)}
${provenanceCard(result)}
</section>
</main>
<footer><p>${escapeHtml(result.disclaimer || researchDisclaimer)}</p></footer>
<script type="application/json" id="result-json">${JSON.stringify(result).replace(/</g, '\\u003c')}</script>
</body>
</html>
`;
}

function gradeCard(result: GradeResult): string {
  const pct = (p: number) => `${(100 * p).toFixed(1)} %`;
  const g = result.grading;
  if (result.status !== 'graded' || g === null) {
    const why = result.status === 'rejected'
      ? `The file was rejected${result.error ? `: ${escapeHtml(result.error.code)} — ${escapeHtml(result.error.message)}` : '.'}`
      : 'The photograph is not gradable (see quality); no grade was given.';
    return `<div class="card"><h2>Grade</h2><p>Status: <strong data-testid="status-value">${escapeHtml(result.status)}</strong></p><p>${why}</p></div>`;
  }
  const info = gradeTable[g.grade];
  const rows = gradeTable.map((row) => {
    const p = g.probabilities[row.grade] ?? 0;
    return `<tr${row.grade === g.grade ? ' style="font-weight:600"' : ''}><td>${row.grade}</td><td>${escapeHtml(row.name)}</td><td data-testid="probability-${row.grade}">${pct(p)}</td><td><div class="bar"><span style="width:${(100 * Math.min(1, Math.max(0, p))).toFixed(1)}%"></span></div></td></tr>`;
  }).join('\n');
  const decision = (yes: boolean, testid: string) => `<span class="decision ${yes ? 'yes' : 'no'}" data-testid="${testid}">${yes ? 'Yes' : 'No'}</span>`;
  return `<div class="card">
<h2>Grade (ICDR scale)</h2>
<p><span class="grade" data-testid="grade-value">${g.grade}</span> <span data-testid="grade-name">${escapeHtml(info?.name ?? g.label)}</span> · status <span data-testid="status-value">${escapeHtml(result.status)}</span></p>
<p>Referable DR (grade ≥ 2): ${decision(g.referable, 'referable-value')} P = ${pct(g.referableProbability)}, operating point ${escapeHtml(g.operatingPoint.name)} (threshold ${g.operatingPoint.threshold})</p>
<p>Sight-threatening DR (grade ≥ 3): ${decision(g.sightThreatening, 'sight-threatening-value')} P = ${pct(g.sightThreateningProbability)}</p>
<table aria-label="Calibrated probabilities"><thead><tr><th>Grade</th><th>Name</th><th>Probability</th><th></th></tr></thead>
${rows}
</table>
</div>`;
}

function qualityCard(result: GradeResult): string {
  const q = result.quality;
  if (q === null) return '';
  const reasons = q.reasons.length === 0 ? '<li>None</li>' : q.reasons.map((r) => `<li data-reason="${escapeHtml(r)}">${escapeHtml(reasonText[r] ?? r)}</li>`).join('');
  const dark = result.lesions.filter((l) => l.kind === 'dark').length;
  const bright = result.lesions.length - dark;
  return `<div class="card">
<h2>Quality</h2>
<p><strong data-testid="quality-category">${escapeHtml(q.category)}</strong> · score ${q.score.toFixed(2)} · ${q.gradable ? 'gradable' : 'not gradable'}</p>
<ul data-testid="quality-reasons">${reasons}</ul>
<h2>Findings</h2>
<p>${dark} dark and ${bright} bright lesion candidate${bright === 1 ? '' : 's'}${result.landmarks?.laterality ? `; ${escapeHtml(result.landmarks.laterality)} eye (disc position)` : ''}.</p>
</div>`;
}

function provenanceCard(result: GradeResult): string {
  const p = result.provenance;
  const rows: [string, string][] = [
    ['Model', p.model ? `${p.model.name} ${p.model.version}` : 'none'],
    ['Model SHA-256', p.model ? p.model.sha256 : '—'],
    ['Execution provider', p.executionProvider ?? '—'],
    ['Analysis version', p.analysisVersion],
    ['Created', p.createdAt],
    ...Object.entries(p.source ?? {}).map(([k, v]): [string, string] => [`Source ${k}`, String(v)]),
  ];
  if (result.timingsMs.total !== undefined) rows.push(['Processing time', `${Math.round(result.timingsMs.total)} ms`]);
  return `<div class="card"><h2>Provenance</h2><table data-testid="provenance">${rows.map(([k, v]) => `<tr><th>${escapeHtml(k)}</th><td class="mono">${escapeHtml(v)}</td></tr>`).join('')}</table></div>`;
}
