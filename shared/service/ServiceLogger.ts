/**
 * The logging surface the service core needs; an `InvocationContext` is one. Every call passes one JSON-able
 * object with hashed identifiers only (see `hashIdentifier`).
 */
export interface ServiceLogger {
  info(message: string, fields: Record<string, unknown>): void;
  warn(message: string, fields: Record<string, unknown>): void;
  error(message: string, fields: Record<string, unknown>): void;
}

/** A logger that drops everything. */
export const silentLogger: ServiceLogger = Object.freeze({ info: () => undefined, warn: () => undefined, error: () => undefined });
