import { describe, expect, it } from 'vitest';
import { analysisMemoryBytes } from '../../shared/http/defaultConcurrentAnalyses.js';
import { readRepoFile } from './bicepText.js';

/** The default Flex Consumption instance size that infra/main.bicep deploys, in MB. */
function defaultInstanceMemoryMb(): number {
  const m = /param\s+functionInstanceMemoryMB\s+int\s*=\s*(\d+)/.exec(readRepoFile('infra/main.bicep'));
  if (!m) throw new Error('Expected a default for functionInstanceMemoryMB in infra/main.bicep but found none');
  return Number(m[1]);
}

describe('host.json blob parallelism', () => {
  it('hands one instance no more photographs than its memory holds (base 512 MiB + one analysis each)', () => {
    const host = JSON.parse(readRepoFile('host.json')) as { extensions?: { blobs?: { maxDegreeOfParallelism?: number } } };
    const parallelism = host.extensions?.blobs?.maxDegreeOfParallelism;
    expect(parallelism, 'host.json must bound extensions.blobs.maxDegreeOfParallelism').toBeTypeOf('number');
    const instanceBytes = defaultInstanceMemoryMb() * 1024 * 1024;
    const baseBytes = 512 * 1024 * 1024;
    expect(parallelism!).toBeGreaterThanOrEqual(1);
    expect(baseBytes + parallelism! * analysisMemoryBytes).toBeLessThanOrEqual(instanceBytes);
  });
});
