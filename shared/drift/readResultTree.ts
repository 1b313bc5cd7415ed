import { readFile, readdir } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import type { GradeResult } from '../grading/GradeResult.js';
import type { DriftInput } from './computeDrift.js';

/**
 * Every photograph result (`*.result.json`, not `exam.result.json`) under `root`, with its path relative to the
 * root. Unreadable or foreign JSON files are skipped and counted.
 */
export async function readResultTree(root: string): Promise<{ inputs: DriftInput[]; skipped: number }> {
  const inputs: DriftInput[] = [];
  let skipped = 0;
  const walk = async (dir: string): Promise<void> => {
    for (const entry of (await readdir(dir, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name))) {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) { await walk(full); continue; }
      if (!entry.name.endsWith('.result.json') || entry.name === 'exam.result.json') continue;
      try {
        const result = JSON.parse(await readFile(full, 'utf8')) as GradeResult;
        if (typeof result.status !== 'string' || typeof result.provenance !== 'object') { skipped++; continue; }
        inputs.push({ relativePath: relative(root, full).split(sep).join('/'), result });
      } catch {
        skipped++;
      }
    }
  };
  await walk(root);
  return { inputs, skipped };
}
