// lib.dom is not in this project's tsconfig; Node has WebAssembly as a global, this is the part used here.
declare const WebAssembly: {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { readonly exports: unknown };
};

/** Exports every module of native/ has: its linear memory. */
export interface WasmMemoryExports {
  readonly memory: { readonly buffer: ArrayBuffer };
}

/**
 * One lazily compiled WebAssembly module (embedded as base64) and one instance of it, reused across calls. After a
 * call, `release()` drops the instance when its memory (which can only grow) is above `keepMemoryBytes`, so that
 * one huge image does not keep its memory for the life of the process.
 */
export class WasmInstance<T extends WasmMemoryExports> {
  readonly #base64: string;
  readonly #keepMemoryBytes: number;
  #compiled: object | undefined;
  #cached: T | undefined;

  constructor(base64: string, keepMemoryBytes = 256 * 1024 * 1024) {
    this.#base64 = base64;
    this.#keepMemoryBytes = keepMemoryBytes;
  }

  get(): T {
    if (this.#cached) return this.#cached;
    this.#compiled ??= new WebAssembly.Module(Buffer.from(this.#base64, 'base64'));
    this.#cached = new WebAssembly.Instance(this.#compiled, {}).exports as T;
    return this.#cached;
  }

  release(): void {
    if (this.#cached && this.#cached.memory.buffer.byteLength > this.#keepMemoryBytes) this.#cached = undefined;
  }
}
