import type { TopLevelSpec } from 'vega-lite';
import type { RocPoint } from './rocCurve.js';

/** One named ROC curve and its AUC. */
export interface NamedRocCurve {
  readonly name: string;
  readonly auc: number | null;
  readonly points: readonly RocPoint[];
}

/** Vega-Lite spec of ROC curves (one line per curve, chance diagonal dashed). */
export function rocChartSpec(curves: readonly NamedRocCurve[], options: { title?: string } = {}): TopLevelSpec {
  const values = curves.flatMap((curve) => {
    const series = `${curve.name} (AUC ${curve.auc === null ? 'n/a' : curve.auc.toFixed(3)})`;
    return curve.points.map((p, step) => ({ series, step, fpr: p.fpr, tpr: p.tpr }));
  });
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: options.title ?? 'ROC curves',
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
        mark: { type: 'line', point: false, strokeWidth: 2 },
        encoding: {
          x: { field: 'fpr', type: 'quantitative', title: '1 − specificity (false-positive rate)', scale: { domain: [0, 1] } },
          y: { field: 'tpr', type: 'quantitative', title: 'Sensitivity (true-positive rate)', scale: { domain: [0, 1] } },
          color: { field: 'series', type: 'nominal', title: null, legend: { orient: 'bottom', direction: 'vertical', labelLimit: 0 }, sort: null },
          order: { field: 'step', type: 'quantitative' },
        },
      },
    ],
  };
}
