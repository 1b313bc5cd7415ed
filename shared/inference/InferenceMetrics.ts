/**
 * The inference server's metrics, rendered in the Prometheus text exposition format (version 0.0.4,
 * https://prometheus.io/docs/instrumenting/exposition_formats/): requests by route and status, request latency,
 * batch sizes, batch execution time and queue depth. No labels carry request data.
 */
export class InferenceMetrics {
  readonly #requests = new Map<string, number>();
  readonly #latency = new Histogram([0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]);
  readonly #batchRows = new Histogram([1, 2, 4, 8, 16, 32, 64, 128]);
  readonly #execution = new Histogram([0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5]);
  readonly #queueDepth: () => number;
  readonly #info: () => Record<string, string> | undefined;

  /** `queueDepth` and `info` (model name, version, provider) are read at render time. */
  constructor(options: { queueDepth: () => number; info?: () => Record<string, string> | undefined }) {
    this.#queueDepth = options.queueDepth;
    this.#info = options.info ?? (() => undefined);
  }

  /** Counts one finished HTTP request; `route` is the route template, never the raw path. */
  observeRequest(route: string, status: number, seconds: number): void {
    const key = `route="${route}",status="${status}"`;
    this.#requests.set(key, (this.#requests.get(key) ?? 0) + 1);
    if (route === 'infer') this.#latency.observe(seconds);
  }

  /** Records the rows of one batch that started. */
  observeBatch(rows: number): void {
    this.#batchRows.observe(rows);
  }

  /** Records how long one batch ran on the runtime. */
  observeExecution(seconds: number): void {
    this.#execution.observe(seconds);
  }

  /** Total batches started so far (also visible as the batch histogram's count). */
  get batches(): number {
    return this.#batchRows.count;
  }

  /** The exposition text. */
  render(): string {
    const lines: string[] = [];
    lines.push('# HELP drgrade_inference_requests_total HTTP requests by route and status.');
    lines.push('# TYPE drgrade_inference_requests_total counter');
    for (const [labels, n] of [...this.#requests].sort()) lines.push(`drgrade_inference_requests_total{${labels}} ${n}`);
    this.#latency.render(lines, 'drgrade_inference_request_duration_seconds', 'Latency of infer requests, body read to response written.');
    this.#batchRows.render(lines, 'drgrade_inference_batch_size', 'Rows per executed batch.');
    this.#execution.render(lines, 'drgrade_inference_batch_duration_seconds', 'Time one batch spent in the runtime.');
    lines.push('# HELP drgrade_inference_queue_depth Requests waiting in the batch queue.');
    lines.push('# TYPE drgrade_inference_queue_depth gauge');
    lines.push(`drgrade_inference_queue_depth ${this.#queueDepth()}`);
    const info = this.#info();
    if (info !== undefined) {
      lines.push('# HELP drgrade_inference_model_info The model served and the execution provider in use.');
      lines.push('# TYPE drgrade_inference_model_info gauge');
      const labels = Object.entries(info).map(([k, v]) => `${k}="${escapeLabel(v)}"`).join(',');
      lines.push(`drgrade_inference_model_info{${labels}} 1`);
    }
    return `${lines.join('\n')}\n`;
  }
}

/** A cumulative Prometheus histogram with fixed upper bounds. */
class Histogram {
  readonly #bounds: readonly number[];
  readonly #counts: number[];
  #sum = 0;
  count = 0;

  constructor(bounds: readonly number[]) {
    this.#bounds = bounds;
    this.#counts = bounds.map(() => 0);
  }

  observe(value: number): void {
    this.count++;
    this.#sum += value;
    const i = this.#bounds.findIndex((b) => value <= b);
    if (i >= 0) this.#counts[i]!++;
  }

  render(lines: string[], name: string, help: string): void {
    lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} histogram`);
    let cumulative = 0;
    this.#bounds.forEach((bound, i) => {
      cumulative += this.#counts[i]!;
      lines.push(`${name}_bucket{le="${bound}"} ${cumulative}`);
    });
    lines.push(`${name}_bucket{le="+Inf"} ${this.count}`, `${name}_sum ${this.#sum}`, `${name}_count ${this.count}`);
  }
}

function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}
