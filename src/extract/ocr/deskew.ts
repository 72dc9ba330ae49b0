import sharp from 'sharp';

/** Skews searched: −MAX…+MAX degrees, in COARSE steps, then refined in FINE steps around the best. */
const MAX_SKEW_DEGREES = 20;
const COARSE_STEP = 1;
const FINE_STEP = 0.1;
/** Smaller skews are left alone (tesseract reads them as they are). */
const MIN_SKEW_DEGREES = 0.3;
/** The search runs on a copy whose longer side is at most this (lines stay lines; it is fast). */
const SEARCH_SIDE = 800;
/** Darker than this (0-255) is ink. */
const INK_BELOW = 128;

/**
 * The rotation (degrees, clockwise as sharp's rotate() counts) that makes a greyscale image's
 * text lines horizontal — an image turned by `rotate(10)` measures −10 —, by a projection-profile search. Rotated by the right angle, ink
 * concentrates in rows (the lines) with empty rows between them, so the sum of squared row
 * counts peaks; a skewed page smears the rows. tesseract.js's rotateAuto would do this but is
 * unreliable in 7.0.0 (see tesseract.ts), and its OSD finds 90° steps only.
 */
export async function skewAngle(grey: Buffer): Promise<number> {
  const { data, info } = await sharp(grey)
    .resize({ width: SEARCH_SIDE, height: SEARCH_SIDE, fit: 'inside', withoutEnlargement: true })
    .greyscale()
    .raw()
    .toBuffer({ resolveWithObject: true });
  const { width, height } = info;
  const xs: number[] = [];
  const ys: number[] = [];
  const cx = width / 2;
  const cy = height / 2;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (data[(y * width + x) * info.channels]! < INK_BELOW) {
        xs.push(x - cx);
        ys.push(y - cy);
      }
    }
  }
  // Mostly ink (a dark or inverted scan) or almost none: nothing to measure.
  if (xs.length < 50 || xs.length > width * height * 0.5) return 0;
  const diagonal = Math.ceil(Math.hypot(width, height));
  const bins = new Float64Array(diagonal + 2);
  const score = (degrees: number) => {
    const t = (degrees * Math.PI) / 180;
    const sin = Math.sin(t);
    const cos = Math.cos(t);
    bins.fill(0);
    for (let i = 0; i < xs.length; i++) bins[Math.round(xs[i]! * sin + ys[i]! * cos + diagonal / 2)]! += 1;
    let sum = 0;
    for (const b of bins) sum += b * b;
    return sum;
  };
  const best = (from: number, to: number, step: number) => {
    let angle = 0;
    let top = -1;
    for (let a = from; a <= to + 1e-9; a += step) {
      const s = score(a);
      if (s > top) {
        top = s;
        angle = a;
      }
    }
    return angle;
  };
  const coarse = best(-MAX_SKEW_DEGREES, MAX_SKEW_DEGREES, COARSE_STEP);
  const fine = best(coarse - COARSE_STEP, coarse + COARSE_STEP, FINE_STEP);
  // Rows y' = x·sin(t) + y·cos(t) are the lines: rotating the image by t (sharp's sense, image y
  // growing downwards) lays them flat.
  const angle = Math.round(fine * 10) / 10;
  return Math.abs(angle) < MIN_SKEW_DEGREES ? 0 : angle;
}

/** The greyscale PNG straightened (white where the rotation uncovers the background), and the rotation applied. */
export async function deskew(grey: Buffer): Promise<{ png: Buffer; angle: number; height: number }> {
  const angle = await skewAngle(grey);
  if (angle === 0) return { png: grey, angle, height: (await sharp(grey).metadata()).height ?? 0 };
  const { data, info } = await sharp(grey).rotate(angle, { background: '#ffffff' }).greyscale().png({ compressionLevel: 1 }).toBuffer({ resolveWithObject: true });
  return { png: data, angle, height: info.height };
}
