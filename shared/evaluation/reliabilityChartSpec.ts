import type { TopLevelSpec } from 'vega-lite';
import type { CalibrationBin } from './calibrationBins.js';

/** Vega-Lite spec of a reliability diagram: observed rate vs mean predicted probability per bin, sized by count. */
export function reliabilityChartSpec(bins: readonly CalibrationBin[], options: { title?: string; expectedCalibrationError?: number | null } = {}): TopLevelSpec {
  const values = bins.filter((b) => b.count > 0).map((b) => ({ predicted: b.meanPredicted, observed: b.observedRate, count: b.count, lo: b.lo, hi: b.hi }));
  const ece = options.expectedCalibrationError;
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: options.title ?? `Reliability diagram, referable DR${ece === undefined || ece === null ? '' : ` (ECE ${ece.toFixed(3)})`}`,
    width: 360,
    height: 360,
    layer: [
      {
        data: { values: [{ x: 0, y: 0 }, { x: 1, y: 1 }] },
        mark: { type: 'line', strokeDash: [4, 4], color: '#999' },
        encoding: { x: { field: 'x', type: 'quantitative' }, y: { field: 'y', type: 'quantitative' } },
      },
      {
        data: { values },
        mark: { type: 'line', point: { filled: true }, color: '#1f77b4' },
        encoding: {
          x: { field: 'predicted', type: 'quantitative', title: 'Mean predicted P(referable)', scale: { domain: [0, 1] } },
          y: { field: 'observed', type: 'quantitative', title: 'Observed fraction referable', scale: { domain: [0, 1] } },
        },
      },
      {
        data: { values },
        mark: { type: 'circle', opacity: 0.35, color: '#1f77b4' },
        encoding: {
          x: { field: 'predicted', type: 'quantitative' },
          y: { field: 'observed', type: 'quantitative' },
          size: { field: 'count', type: 'quantitative', title: 'Images in bin', legend: { orient: 'bottom' } },
        },
      },
    ],
  };
}
