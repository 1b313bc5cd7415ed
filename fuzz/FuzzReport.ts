/** Counts of one target's run, as `npm run fuzz` prints them. */
export interface FuzzReport {
  readonly inputs: number;
  readonly crashes: number;
  readonly hangs: number;
  readonly untypedErrors: number;
  /** Inputs refused with a typed error. */
  readonly typedErrors: number;
  /** Typed refusals by HTTP status and error code (shows which layers the inputs reached). */
  readonly codes: Readonly<Record<string, number>>;
  /** Inputs that ended in a valid result. */
  readonly ok: number;
  /** First findings, one short line each (error name and message; never the input's bytes). */
  readonly findings: readonly string[];
}
