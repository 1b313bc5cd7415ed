import { researchDisclaimer, type GradeResult } from '../grading/GradeResult.js';
import { gradeTable } from '../grading/gradeTable.js';
import { escapeHtml } from './escapeHtml.js';

/** One photograph of a batch. */
export interface BatchIndexEntry {
  /** What the reader sees (e.g. the file name). */
  readonly name: string;
  /** Link to the photograph's report, relative to the index. */
  readonly reportHref: string;
  /** Link to the result JSON, relative to the index. @default none */
  readonly resultHref?: string;
  readonly result: Pick<GradeResult, 'status' | 'grading' | 'quality' | 'lesions' | 'error'>;
}

/** Options of {@link renderBatchIndex}. */
export interface RenderBatchIndexOptions {
  /** @default 'drgrade batch' */
  readonly title?: string;
  /** ISO timestamp shown under the heading. */
  readonly createdAt?: string;
}

/**
 * The batch index: one self-contained HTML page linking every report, with status, grade, referable decision
 * and quality, a summary of counts, and sortable columns (a few lines of inline script; the table is complete
 * and readable without it). Rows carry `data-testid="row"`, links `data-testid="report-link"`.
 */
export function renderBatchIndex(entries: readonly BatchIndexEntry[], options: RenderBatchIndexOptions = {}): string {
  const title = options.title ?? 'drgrade batch';
  const count = (status: string) => entries.filter((e) => e.result.status === status).length;
  const referable = entries.filter((e) => e.result.grading?.referable).length;
  const rows = entries.map((e) => {
    const g = e.result.grading;
    const q = e.result.quality;
    const grade = g ? String(g.grade) : '';
    const gradeName = g ? (gradeTable[g.grade]?.name ?? g.label) : '';
    const note = e.result.status === 'rejected' ? (e.result.error?.code ?? '') : e.result.status === 'ungradable' ? (q?.reasons.join(', ') ?? '') : '';
    const cell = (text: string, sortKey: string | number) => `<td data-sort="${escapeHtml(String(sortKey))}">${text}</td>`;
    return `<tr data-testid="row" data-status="${escapeHtml(e.result.status)}">
${cell(`<a href="${escapeHtml(e.reportHref)}" data-testid="report-link">${escapeHtml(e.name)}</a>${e.resultHref ? ` <a href="${escapeHtml(e.resultHref)}" class="json">JSON</a>` : ''}`, e.name)}
${cell(escapeHtml(e.result.status), e.result.status)}
${cell(g ? `<strong>${grade}</strong> ${escapeHtml(gradeName)}` : '—', g ? g.grade : -1)}
${cell(g ? (g.referable ? '<span class="yes">Yes</span>' : '<span class="no">No</span>') : '—', g ? (g.referable ? 1 : 0) : -1)}
${cell(g ? `${(100 * g.referableProbability).toFixed(1)} %` : '—', g ? g.referableProbability : -1)}
${cell(q ? `${escapeHtml(q.category)} (${q.score.toFixed(2)})` : '—', q ? q.score : -1)}
${cell(String(e.result.lesions.length), e.result.lesions.length)}
${cell(escapeHtml(note), note)}
</tr>`;
  }).join('\n');
  const headers = ['Photograph', 'Status', 'Grade', 'Referable', 'P(referable)', 'Quality', 'Lesion candidates', 'Note'];
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 0 auto; max-width: 1200px; padding: .75rem; color: #1b1b1b; }
.disclaimer { background: #fff4d6; border: 1px solid #e0b84c; padding: .5rem .75rem; border-radius: 6px; }
.scroll { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; }
th, td { padding: .35rem .5rem; border-bottom: 1px solid #e4e4e4; text-align: left; white-space: nowrap; }
th button { font: inherit; font-weight: 600; background: none; border: 0; padding: 0; cursor: pointer; }
th[aria-sort=ascending] button::after { content: " ▲"; } th[aria-sort=descending] button::after { content: " ▼"; }
tr[data-status=ungradable] { background: #f6f6f6; } tr[data-status=rejected] { background: #fdeeee; }
.yes { color: #8a1008; font-weight: 600; } .no { color: #12512a; }
.json { font-size: .8rem; color: #666; }
</style>
</head>
<body>
<h1>${escapeHtml(title)}</h1>
<p class="disclaimer" data-testid="disclaimer">${escapeHtml(researchDisclaimer)}</p>
<p data-testid="summary">${entries.length} photographs: ${count('graded')} graded (${referable} referable), ${count('ungradable')} ungradable, ${count('rejected')} rejected.${options.createdAt ? ` Created ${escapeHtml(options.createdAt)}.` : ''}</p>
<div class="scroll">
<table id="batch">
<thead><tr>${headers.map((h) => `<th scope="col"><button type="button">${escapeHtml(h)}</button></th>`).join('')}</tr></thead>
<tbody>
${rows}
</tbody>
</table>
</div>
<script>
// Sorts by a column's data-sort keys (numeric when both keys are numbers); clicking again reverses.
document.querySelectorAll('#batch th button').forEach(function (button, column) {
  button.addEventListener('click', function () {
    var th = button.parentElement;
    var ascending = th.getAttribute('aria-sort') !== 'ascending';
    document.querySelectorAll('#batch th').forEach(function (h) { h.removeAttribute('aria-sort'); });
    th.setAttribute('aria-sort', ascending ? 'ascending' : 'descending');
    var body = document.querySelector('#batch tbody');
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = a.cells[column].getAttribute('data-sort'), y = b.cells[column].getAttribute('data-sort');
      var nx = parseFloat(x), ny = parseFloat(y);
      var order = !isNaN(nx) && !isNaN(ny) ? nx - ny : x.localeCompare(y);
      return ascending ? order : -order;
    });
    rows.forEach(function (row) { body.appendChild(row); });
  });
});
</script>
</body>
</html>
`;
}
