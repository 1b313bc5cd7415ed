import { describe, expect, it } from 'vitest';
import { fuzzTargets } from '../../fuzz/fuzzTargets.js';

// The short run of `npm run fuzz` (which takes 10 000 inputs per target): the same targets and seed, 500 inputs.
const inputs = 500;

describe('fuzzing (short run)', () => {
  it.each(Object.keys(fuzzTargets))('%s: every input ends in a typed error or a valid result, no crash, no hang', async (name) => {
    const report = await fuzzTargets[name]!({ inputs, seed: 15 });
    expect(report.findings).toEqual([]);
    expect(report).toMatchObject({ inputs, crashes: 0, hangs: 0, untypedErrors: 0 });
    expect(report.ok + report.typedErrors).toBe(inputs);
    // The generators reach past the first check: some inputs make it through to a valid result.
    expect(report.ok).toBeGreaterThan(0);
  });
});
