import type { DriftReport } from './computeDrift.js';

/** Names of the Application Insights custom metrics of a drift report, one of each per group. */
export const driftMetricNames = {
  psi: 'drgrade.drift.psi',
  ungradableRate: 'drgrade.drift.ungradableRate',
  referableRate: 'drgrade.drift.referableRate',
  n: 'drgrade.drift.n',
  alarm: 'drgrade.drift.alarm',
} as const;

/** One custom metric value with its dimensions (`customDimensions` in Application Insights). */
export interface DriftMetric {
  readonly name: (typeof driftMetricNames)[keyof typeof driftMetricNames];
  readonly value: number;
  /**
   * `by` (`site` or `camera`) and `key` (the site folder or camera model: never a patient identifier, so site
   * folders must be pseudonyms); `drgrade.drift.psi` adds `feature`, the feature with the largest PSI.
   */
  readonly properties: Readonly<Record<string, string>>;
}

/**
 * Turns a drift report into custom metrics: per group the largest feature PSI (with its feature), the ungradable
 * and referable rates, the number of results and the alarm as 0 or 1. Groups keep the report's order.
 */
export function driftMetrics(report: DriftReport): DriftMetric[] {
  return report.groups.flatMap((group) => {
    const dimensions = { by: report.by, key: group.key };
    // The feature behind group.psi (the largest); the first one on ties, as the report lists them.
    let feature = '';
    let largest = -Infinity;
    for (const [name, drift] of Object.entries(group.features)) {
      if (drift.psi > largest) {
        largest = drift.psi;
        feature = name;
      }
    }
    return [
      { name: driftMetricNames.psi, value: group.psi, properties: { ...dimensions, feature } },
      { name: driftMetricNames.ungradableRate, value: group.ungradableRate, properties: dimensions },
      { name: driftMetricNames.referableRate, value: group.referableRate, properties: dimensions },
      { name: driftMetricNames.n, value: group.n, properties: dimensions },
      { name: driftMetricNames.alarm, value: group.alarm ? 1 : 0, properties: dimensions },
    ];
  });
}
