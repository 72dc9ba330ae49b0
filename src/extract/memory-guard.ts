/**
 * Caps the memory a parse may hold outside the V8 heap. `EXTRACT_MAX_HEAP_MB` (resourceLimits)
 * bounds only the heap; a PDF whose content stream inflates without end fills ArrayBuffers
 * instead (measured: a 1 MiB Flate bomb took pdf.js to 3.8 GB of ArrayBuffers in 16 s), and a
 * WASM engine fills its linear memory. Neither engine offers a decoded-size limit, so the worker
 * checks at the point of allocation:
 *
 * - the typed-array and ArrayBuffer constructors of this worker's global scope are wrapped, and an
 *   allocation of 1 MiB or more that would take this thread's ArrayBuffer memory
 *   (`process.memoryUsage().arrayBuffers`, per worker thread) past the cap throws instead;
 * - `DecompressionStream` is removed (pdf.js then inflates in JS, through those constructors);
 * - `WebAssembly.Memory.prototype.grow` refuses to grow a memory past the cap (an Emscripten
 *   module then sees malloc fail, as on a machine without memory).
 *
 * A refused allocation marks the parse: whatever the engine does with the error (pdf.js swallows
 * some to keep going), the task is answered 422 EXTRACTION_RESOURCE_LIMIT. Only this worker's
 * global bindings change; Node's internals use their own captured constructors.
 */

import v8 from 'node:v8';
import vm from 'node:vm';

/** Smaller allocations are not checked: they cannot pass the cap by much, and they are many. */
const CHECK_FROM_BYTES = 1024 * 1024;
const WASM_PAGE_BYTES = 65_536;

interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(delta: number): number;
}

export class MemoryLimitError extends RangeError {
  constructor(readonly limitBytes: number) {
    super(`the parse needed more than ${Math.round(limitBytes / 1048576)} MB of buffer memory`);
    this.name = 'MemoryLimitError';
  }
}

let limitBytes = Infinity;
let tripped: MemoryLimitError | null = null;

/** Starts a parse with a clean slate. */
export function resetMemoryGuard(): void {
  tripped = null;
}

/** The limit error when this parse was refused an allocation (even one the engine swallowed). */
export function memoryLimitHit(): MemoryLimitError | null {
  return tripped;
}

function refuse(): never {
  tripped = new MemoryLimitError(limitBytes);
  throw tripped;
}

/**
 * A full collection, when V8 lets us have one: buffers a finished parse left for the GC must not
 * count against the next one. (`--expose-gc` cannot be given to a worker's execArgv; set here, it
 * only adds gc() to contexts created afterwards, such as this one.) Runs only near the cap.
 */
let collectGarbage: (() => void) | null = null;

const arrayBufferBytes = (): number => process.memoryUsage().arrayBuffers;

/** A full collection now, where the guard could get one (an engine dropping a large instance). */
export function collectGarbageNow(): void {
  collectGarbage?.();
}

function check(bytes: number): void {
  if (bytes < CHECK_FROM_BYTES || arrayBufferBytes() + bytes <= limitBytes) return;
  collectGarbage?.();
  if (arrayBufferBytes() + bytes > limitBytes) refuse();
}

/** Bytes a typed-array constructor call allocates (none when it views an existing buffer). */
function allocatedBytes(args: readonly unknown[], bytesPerElement: number): number {
  const [first] = args;
  if (typeof first === 'number') return first * bytesPerElement;
  if (first instanceof ArrayBuffer || (typeof SharedArrayBuffer !== 'undefined' && first instanceof SharedArrayBuffer)) return 0;
  const length = (first as { length?: unknown } | null)?.length;
  return typeof length === 'number' ? length * bytesPerElement : 0;
}

const TYPED_ARRAYS = [
  'Int8Array',
  'Uint8Array',
  'Uint8ClampedArray',
  'Int16Array',
  'Uint16Array',
  'Int32Array',
  'Uint32Array',
  'Float32Array',
  'Float64Array',
  'BigInt64Array',
  'BigUint64Array',
] as const;

let installed = false;

/** Installs the checks in this thread (an extraction worker); `maxBytes` per parse. */
export function installMemoryGuard(maxBytes: number): void {
  limitBytes = maxBytes;
  if (installed) return;
  installed = true;
  try {
    v8.setFlagsFromString('--expose-gc');
    collectGarbage = vm.runInNewContext('gc') as () => void;
  } catch {
    collectGarbage = null; // the cap then also counts garbage: stricter, never looser
  }
  const scope = globalThis as unknown as Record<string, unknown>;
  for (const name of TYPED_ARRAYS) {
    const Target = scope[name] as { new (...args: unknown[]): object; BYTES_PER_ELEMENT: number };
    scope[name] = new Proxy(Target, {
      construct(target, args, newTarget) {
        check(allocatedBytes(args, target.BYTES_PER_ELEMENT));
        return Reflect.construct(target, args, newTarget);
      },
    });
  }
  const RealArrayBuffer = ArrayBuffer;
  scope['ArrayBuffer'] = new Proxy(RealArrayBuffer, {
    construct(target, args, newTarget) {
      check(typeof args[0] === 'number' ? args[0] : 0);
      return Reflect.construct(target, args, newTarget);
    },
  });
  // pdf.js inflates content streams with DecompressionStream when there is one, in Node's zlib,
  // whose buffers no JS constructor sees, and ~250 MB of that native memory stayed with the
  // process after a refused Flate bomb (attack suite). Without it pdf.js inflates in JS, through
  // the guarded constructors; pdf.js is only the fallback engine now (PDFium inflates in WASM).
  delete scope['DecompressionStream'];
  // Typed here: the build's lib has no WebAssembly declarations.
  const memory = (globalThis as { WebAssembly?: { Memory: { prototype: WasmMemory } } }).WebAssembly?.Memory.prototype;
  if (memory) {
    const grow = memory.grow;
    memory.grow = function guardedGrow(this: WasmMemory, delta: number): number {
      if (this.buffer.byteLength + delta * WASM_PAGE_BYTES > limitBytes) refuse();
      return grow.call(this, delta);
    };
  }
}
