import type { WrappedPdfiumModule } from '@embedpdf/pdfium';
import { ExtractionError } from '../../errors/index.js';

export type Pdfium = WrappedPdfiumModule;
/** Emscripten's views of the linear memory (re-read each time: growing the memory replaces them). */
interface Heaps {
  readonly HEAPU8: Uint8Array;
  readonly HEAP32: Int32Array;
  readonly HEAPF32: Float32Array;
  readonly HEAPF64: Float64Array;
}
export const heaps = (pdfium: Pdfium): Heaps => pdfium.pdfium as unknown as Heaps;

/** malloc'd blocks of one parse, freed together. */
export class Heap {
  readonly #blocks: number[] = [];
  constructor(private readonly pdfium: Pdfium) {}
  alloc(size: number): number {
    const ptr = this.pdfium.pdfium.wasmExports.malloc(size);
    if (!ptr) throw new ExtractionError('EXTRACTION_RESOURCE_LIMIT', 'PDFium ran out of memory');
    this.#blocks.push(ptr);
    return ptr;
  }
  copyIn(bytes: Uint8Array): number {
    const ptr = this.alloc(bytes.length);
    heaps(this.pdfium).HEAPU8.set(bytes, ptr);
    return ptr;
  }
  f64(ptr: number): number {
    return heaps(this.pdfium).HEAPF64[ptr / 8]!;
  }
  freeAll(): void {
    for (const ptr of this.#blocks) this.pdfium.pdfium.wasmExports.free(ptr);
    this.#blocks.length = 0;
  }
}
