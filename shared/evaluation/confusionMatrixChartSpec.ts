import type { TopLevelSpec } from 'vega-lite';
import { gradeTable } from '../grading/gradeTable.js';

/** Vega-Lite spec of the five-class confusion matrix (`confusion[truth][predicted]`) as a heat map with counts. */
export function confusionMatrixChartSpec(confusion: readonly (readonly number[])[], options: { title?: string } = {}): TopLevelSpec {
  const name = (grade: number) => `${grade} ${gradeTable[grade]?.label ?? ''}`.trim();
  const order = confusion.map((_, g) => name(g));
  const values = confusion.flatMap((row, truth) => {
    const rowTotal = row.reduce((a, b) => a + b, 0);
    return row.map((count, predicted) => ({ truth: name(truth), predicted: name(predicted), count, share: rowTotal === 0 ? 0 : count / rowTotal }));
  });
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: options.title ?? 'Confusion matrix (rows: reference grade)',
    width: 320,
    height: 320,
    data: { values },
    encoding: {
      x: { field: 'predicted', type: 'ordinal', sort: order, title: 'Predicted grade', axis: { labelAngle: -30 } },
      y: { field: 'truth', type: 'ordinal', sort: order, title: 'Reference grade' },
    },
    layer: [
      {
        mark: 'rect',
        encoding: { color: { field: 'share', type: 'quantitative', title: 'Share of row', scale: { scheme: 'blues', domain: [0, 1] } } },
      },
      {
        mark: { type: 'text', fontSize: 13 },
        encoding: {
          text: { field: 'count', type: 'quantitative' },
          color: { condition: { test: 'datum.share > 0.5', value: 'white' }, value: 'black' },
        },
      },
    ],
  };
}
