import { describe, expect, it } from 'vitest';
import { renderBatchIndex } from '../../../shared/report/renderBatchIndex.js';
import { rejectedResult, syntheticGradedResult, ungradableResult } from './reportFixture.js';

describe('renderBatchIndex', () => {
  const graded = syntheticGradedResult({ seed: 4, width: 200, grade: 2 }).result;
  const html = renderBatchIndex([
    { name: 'a&b.jpg', reportHref: 'reports/a.html', resultHref: 'results/a.result.json', result: graded },
    { name: 'c.jpg', reportHref: 'reports/c.html', result: ungradableResult },
    { name: 'd.gif', reportHref: 'reports/d.html', result: rejectedResult },
  ], { title: 'Batch 7', createdAt: '2026-01-01T00:00:00Z' });

  it('links every report, escaped, with one row each', () => {
    expect(html.match(/data-testid="row"/g)).toHaveLength(3);
    expect(html).toContain('<a href="reports/a.html" data-testid="report-link">a&amp;b.jpg</a>');
    expect(html).toContain('href="results/a.result.json"');
    expect(html).toContain('href="reports/d.html"');
  });

  it('summarises the batch and shows grade, status and reasons', () => {
    expect(html).toContain('3 photographs: 1 graded (1 referable), 1 ungradable, 1 rejected.');
    expect(html).toContain('<strong>2</strong> Moderate non-proliferative DR');
    expect(html).toContain('not_a_fundus, too_dark');
    expect(html).toContain('UNSUPPORTED_FORMAT');
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
  });
});
