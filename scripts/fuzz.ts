/**
 * Deterministic fuzzing of real files into hostile ones: a seeded generator, so a file that once
 * broke something is rebuilt byte for byte by its seed. (The inputs come from the shared corpus,
 * which is never copied into this repository.)
 */

/** The C library's LCG: tiny, and the same sequence everywhere. Values in [0, 1]. */
export function lcg(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) & 0x7fffffff;
    return state / 0x7fffffff;
  };
}

/** A copy of `bytes` with 1 … `maxMutations` random bytes overwritten with random values. */
export function mutateBytes(bytes: Uint8Array, seed: number, maxMutations = 200): Buffer {
  const random = lcg(seed);
  const out = Buffer.from(bytes);
  const count = 1 + Math.floor(random() * maxMutations);
  for (let k = 0; k < count; k++) out[Math.floor(random() * out.length)] = Math.floor(random() * 256);
  return out;
}

/**
 * Seeds of `mutateBytes(pdfjs__standard_fonts.pdf, seed)` whose result pdf.js answers (NO_TEXT)
 * and then rejects a promise nobody awaits: found by fuzzing; each used to kill its worker and
 * with it the next upload that worker parsed.
 */
export const STRAY_REJECTION_SEEDS = [17, 23, 30] as const;
export const STRAY_REJECTION_SOURCE = 'pdfjs__standard_fonts.pdf';
