import { describe, expect, it } from 'vitest';
import { evaluate } from '../../../shared/evaluation/evaluate.js';
import { evaluationCharts } from '../../../shared/evaluation/evaluationCharts.js';
import { scoreCases } from '../../../shared/evaluation/EvaluationCase.js';
import { renderChartSvg } from '../../../shared/evaluation/renderChartSvg.js';
import { renderEvaluationPage } from '../../../shared/evaluation/renderEvaluationPage.js';
import { researchDisclaimer } from '../../../shared/grading/GradeResult.js';
import { handCases } from './evaluationFixture.js';

describe('evaluation charts and page', () => {
  const report = evaluate(handCases, { bootstrap: { resamples: 50 } });
  const charts = evaluationCharts(scoreCases(handCases).scored, report);

  it('builds the four Vega-Lite charts from the scored cases', () => {
    expect(Object.keys(charts)).toEqual(['roc', 'precision-recall', 'confusion-matrix', 'reliability']);
    const rocText = JSON.stringify(charts.roc);
    expect(rocText).toContain('Referable DR (grade ≥ 2) (AUC 0.889)');
    expect(rocText).toContain('No DR vs non-sight-threatening (AUC 0.750)');
    const confusion = JSON.stringify(charts['confusion-matrix']);
    expect(confusion).toContain('"truth":"3 severe_npdr","predicted":"2 moderate_npdr","count":1');
  });

  it('renders each chart to SVG with Vega, axes and legend included', async () => {
    const svg = await renderChartSvg(charts.roc);
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('Sensitivity (true-positive rate)');
    expect(svg).toContain('AUC 0.889');
    const confusionSvg = await renderChartSvg(charts['confusion-matrix']);
    expect(confusionSvg).toContain('Predicted grade');
  });

  it('writes a self-contained page with the numbers, inline charts and the disclaimer', async () => {
    const svgs = { roc: await renderChartSvg(charts.roc), reliability: await renderChartSvg(charts.reliability) };
    const html = renderEvaluationPage(report, svgs, { title: 'Model <x> & data', createdAt: '2026-01-01T00:00:00Z' });
    expect(html).toContain('Model &lt;x&gt; &amp; data');
    expect(html).toContain(researchDisclaimer);
    expect(html).toContain('0.889');
    expect(html).toContain('data-testid="chart-roc"><svg');
    expect(html).not.toMatch(/(src|href)="https?:/);
    expect(html).not.toContain('<script');
  });
});
