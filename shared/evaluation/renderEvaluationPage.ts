import { researchDisclaimer } from '../grading/GradeResult.js';
import { binaryTasks, type BinaryTaskName } from '../grading/gradeTable.js';
import { escapeHtml } from '../report/escapeHtml.js';
import type { EvaluationReport } from './evaluate.js';

/** Options of {@link renderEvaluationPage}. */
export interface RenderEvaluationPageOptions {
  /** Page heading. @default 'drgrade evaluation' */
  readonly title?: string;
  /** Free text shown under the heading (e.g. model name and version, data set). */
  readonly subtitle?: string;
  /** ISO timestamp shown in the footer. */
  readonly createdAt?: string;
}

/**
 * One self-contained HTML page with the evaluation's numbers and its charts (SVG inline, no external assets).
 *
 * @param charts SVG strings by chart name (e.g. from `renderChartSvg`), shown in insertion order.
 */
export function renderEvaluationPage(report: EvaluationReport, charts: Readonly<Record<string, string>>, options: RenderEvaluationPageOptions = {}): string {
  const pct = (v: number | null) => (v === null ? 'n/a' : `${(100 * v).toFixed(1)} %`);
  const num = (v: number | null) => (v === null ? 'n/a' : v.toFixed(3));
  const r = report.referable;
  const taskRows = (Object.keys(binaryTasks) as BinaryTaskName[]).map((task) => {
    const t = report.tasks[task];
    return `<tr><th scope="row">${escapeHtml(task)}</th><td>${t.n}</td><td>${num(t.auc)}</td><td>${pct(t.accuracy)}</td><td>${pct(t.sensitivity)}</td><td>${pct(t.specificity)}</td></tr>`;
  }).join('\n');
  const pointRows = report.operatingPoints.map((p) =>
    `<tr><th scope="row">${escapeHtml(p.name)}</th><td>${p.threshold.toFixed(3)}</td><td>${pct(p.sensitivity)}</td><td>${pct(p.specificity)}</td></tr>`).join('\n');
  const figures = Object.entries(charts).map(([name, svg]) =>
    `<figure data-testid="chart-${escapeHtml(name)}">${svg.replace(/^<\?xml[^>]*>\s*/, '')}<figcaption>${escapeHtml(name)}</figcaption></figure>`).join('\n');
  const title = options.title ?? 'drgrade evaluation';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 0 auto; max-width: 1200px; padding: 1rem; color: #1b1b1b; }
.disclaimer { background: #fff4d6; border: 1px solid #e0b84c; padding: .6rem .8rem; border-radius: 6px; }
table { border-collapse: collapse; margin: .5rem 0 1.2rem; }
th, td { border: 1px solid #ccc; padding: .3rem .6rem; text-align: right; }
th[scope=row], thead th { text-align: left; background: #f4f4f4; }
.charts { display: flex; flex-wrap: wrap; gap: 1rem; }
figure { margin: 0; max-width: 100%; overflow-x: auto; }
figure svg { max-width: 100%; height: auto; }
figcaption { font-size: .85rem; color: #555; }
</style>
</head>
<body>
<h1>${escapeHtml(title)}</h1>
${options.subtitle === undefined ? '' : `<p>${escapeHtml(options.subtitle)}</p>`}
<p class="disclaimer" data-testid="disclaimer">${escapeHtml(researchDisclaimer)}</p>
<h2>Summary</h2>
<table data-testid="summary">
<tr><th scope="row">Images with a result</th><td>${report.images}</td></tr>
<tr><th scope="row">Ungradable or rejected (excluded)</th><td>${report.ungradable}</td></tr>
<tr><th scope="row">Referable DR AUC (95 % bootstrap CI)</th><td>${num(r.auc)} (${num(r.aucCi95[0])}–${num(r.aucCi95[1])})</td></tr>
<tr><th scope="row">Referable accuracy / sensitivity / specificity at ${r.threshold.toFixed(3)}</th><td>${pct(r.accuracy)} / ${pct(r.sensitivity)} / ${pct(r.specificity)}</td></tr>
<tr><th scope="row">Five-class accuracy</th><td>${pct(report.fiveClass.accuracy)}</td></tr>
<tr><th scope="row">Quadratic weighted kappa</th><td>${num(report.fiveClass.quadraticKappa)}</td></tr>
</table>
<h2>Binary tasks</h2>
<table data-testid="tasks">
<thead><tr><th>Task</th><th>n</th><th>AUC</th><th>Accuracy</th><th>Sensitivity</th><th>Specificity</th></tr></thead>
${taskRows}
</table>
<h2>Operating points (referable DR)</h2>
<table data-testid="operating-points">
<thead><tr><th>Name</th><th>Threshold</th><th>Sensitivity</th><th>Specificity</th></tr></thead>
${pointRows}
</table>
<h2>Charts</h2>
<div class="charts">
${figures}
</div>
<footer><p>${options.createdAt === undefined ? '' : `Created ${escapeHtml(options.createdAt)}. `}${escapeHtml(researchDisclaimer)}</p></footer>
</body>
</html>
`;
}
