import type { TopLevelSpec } from 'vega-lite';
import { binaryTasks, type BinaryTaskName } from '../grading/gradeTable.js';
import { binaryTaskScores } from './binaryTaskScores.js';
import { calibrationBins } from './calibrationBins.js';
import { confusionMatrixChartSpec } from './confusionMatrixChartSpec.js';
import type { ScoredCase } from './EvaluationCase.js';
import type { EvaluationReport } from './evaluate.js';
import { precisionRecallChartSpec, type NamedPrecisionRecallCurve } from './precisionRecallChartSpec.js';
import { precisionRecallCurve } from './precisionRecallCurve.js';
import { reliabilityChartSpec } from './reliabilityChartSpec.js';
import { rocChartSpec, type NamedRocCurve } from './rocChartSpec.js';
import { rocCurve } from './rocCurve.js';

/** The four evaluation charts, as Vega-Lite specs; keys are also the output file names. */
export interface EvaluationCharts {
  readonly roc: TopLevelSpec;
  readonly 'precision-recall': TopLevelSpec;
  readonly 'confusion-matrix': TopLevelSpec;
  readonly reliability: TopLevelSpec;
}

const taskTitles: Record<BinaryTaskName, string> = {
  noDrVsNonSightThreatening: 'No DR vs non-sight-threatening',
  noDrVsSightThreatening: 'No DR vs sight-threatening',
  nonSightThreateningVsSightThreatening: 'Non-sight-threatening vs sight-threatening',
};

/**
 * Builds the ROC and precision/recall curves (referable DR and the three binary tasks), the confusion matrix
 * and the referable reliability diagram from the scored cases and their report.
 */
export function evaluationCharts(scored: readonly ScoredCase[], report: EvaluationReport, options: { calibrationBins?: number } = {}): EvaluationCharts {
  const series: { name: string; scores: number[]; labels: boolean[] }[] = [
    { name: 'Referable DR (grade ≥ 2)', scores: scored.map((c) => c.referableScore), labels: scored.map((c) => c.truthGrade >= 2) },
    ...(Object.keys(binaryTasks) as BinaryTaskName[]).map((task) => ({ name: taskTitles[task], ...binaryTaskScores(task, scored) })),
  ];
  const rocs: NamedRocCurve[] = [];
  const prs: NamedPrecisionRecallCurve[] = [];
  for (const s of series) {
    const points = rocCurve(s.scores, s.labels);
    if (points.length === 0) continue;
    const auc = points.reduce((area, p, i) => (i === 0 ? 0 : area + ((p.fpr - points[i - 1]!.fpr) * (p.tpr + points[i - 1]!.tpr)) / 2), 0);
    rocs.push({ name: s.name, auc, points });
    const pr = precisionRecallCurve(s.scores, s.labels);
    prs.push({ name: s.name, averagePrecision: Number.isFinite(pr.averagePrecision) ? pr.averagePrecision : null, points: pr.points });
  }
  const referable = series[0]!;
  const calibration = calibrationBins(referable.scores.map((p) => Math.min(1, Math.max(0, p))), referable.labels, { bins: options.calibrationBins ?? 10 });
  return {
    roc: rocChartSpec(rocs),
    'precision-recall': precisionRecallChartSpec(prs),
    'confusion-matrix': confusionMatrixChartSpec(report.fiveClass.confusion),
    reliability: reliabilityChartSpec(calibration.bins, {
      expectedCalibrationError: Number.isFinite(calibration.expectedCalibrationError) ? calibration.expectedCalibrationError : null,
    }),
  };
}
