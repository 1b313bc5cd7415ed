/** Runs a CLI command's `run` in-process and returns its exit code and what it wrote to stdout. */
export async function captureStdout(run: (args: string[]) => Promise<number>, args: string[]): Promise<{ code: number; stdout: string }> {
  let stdout = '';
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((chunk: string | Uint8Array) => {
    stdout += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    return true;
  }) as typeof process.stdout.write;
  try {
    return { code: await run(args), stdout };
  } finally {
    process.stdout.write = write;
  }
}
