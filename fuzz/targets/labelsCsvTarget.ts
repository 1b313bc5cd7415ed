import fc from 'fast-check';
import { parseLabelsCsv } from '../../shared/evaluation/parseLabelsCsv.js';
import type { FuzzTarget } from '../FuzzTarget.js';

const field = fc.oneof(
  fc.constantFrom('image', 'dr_grade_icdr', 'IDRiD_001.jpg', 'a/b\\c.png', '0', '4', '5', '-1', '2.5', '', ' 3 ', 'NaN', '1e0', '0x2', '\uFEFF'),
  fc.string({ maxLength: 12 }),
  fc.string({ unit: 'binary', maxLength: 12 }),
);
const cell = fc.tuple(field, fc.constantFrom('plain', 'quoted', 'broken')).map(([text, style]) =>
  style === 'plain' ? text : style === 'quoted' ? `"${text.replace(/"/g, '""')}"` : `"${text}`,
);
const row = fc.array(cell, { maxLength: 5 }).map((cells) => cells.join(','));
const eol = fc.constantFrom('\n', '\r\n', '\r', '');
const structured = fc
  .tuple(fc.constantFrom('image,dr_grade_icdr', 'dr_grade_icdr,image,od_x', '\uFEFFimage,dr_grade_icdr', 'image', ''), fc.array(fc.tuple(row, eol), { maxLength: 12 }))
  .map(([header, rows]) => `${header}\n${rows.map(([r, e]) => r + e).join('')}`);

/** The labels CSV reader (`drgrade evaluate --labels`) on structured CSV with broken quoting and on random text. */
export async function labelsCsvTarget(): Promise<FuzzTarget<string>> {
  return {
    name: 'labelsCsv',
    arbitrary: fc.oneof({ weight: 3, arbitrary: structured }, { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 512 }) }),
    deadlineMs: 5_000,
    run: async (text) => {
      parseLabelsCsv(text);
    },
    close: async () => undefined,
  };
}
