import type { TopLevelSpec } from 'vega-lite';
import type { PrecisionRecallPoint } from './precisionRecallCurve.js';

/** One named precision/recall curve and its average precision. */
export interface NamedPrecisionRecallCurve {
  readonly name: string;
  readonly averagePrecision: number | null;
  readonly points: readonly PrecisionRecallPoint[];
}

/** Vega-Lite spec of precision/recall curves (one line per curve). */
export function precisionRecallChartSpec(curves: readonly NamedPrecisionRecallCurve[], options: { title?: string } = {}): TopLevelSpec {
  const values = curves.flatMap((curve) => {
    const series = `${curve.name} (AP ${curve.averagePrecision === null ? 'n/a' : curve.averagePrecision.toFixed(3)})`;
    return curve.points.map((p, step) => ({ series, step, recall: p.recall, precision: p.precision }));
  });
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: options.title ?? 'Precision / recall',
    width: 360,
    height: 360,
    data: { values },
    mark: { type: 'line', interpolate: 'step-after', strokeWidth: 2 },
    encoding: {
      x: { field: 'recall', type: 'quantitative', title: 'Recall (sensitivity)', scale: { domain: [0, 1] } },
      y: { field: 'precision', type: 'quantitative', title: 'Precision (positive predictive value)', scale: { domain: [0, 1] } },
      color: { field: 'series', type: 'nominal', title: null, legend: { orient: 'bottom', direction: 'vertical', labelLimit: 0 }, sort: null },
      order: { field: 'step', type: 'quantitative' },
    },
  };
}
