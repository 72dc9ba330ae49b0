import { ExtractionError, UnsupportedTypeError } from '../../errors/index.js';
import { SUPPORTED_TYPES } from '../sniff.js';

/** A BMP's declared size, from its header (BITMAPINFOHEADER or later). */
export function bmpSize(bytes: Buffer): { width: number; height: number } {
  if (bytes.length < 30) throw new ExtractionError('CORRUPT', 'the BMP image is truncated (no header)');
  return { width: Math.abs(bytes.readInt32LE(18)), height: Math.abs(bytes.readInt32LE(22)) };
}

/**
 * Uncompressed 24- and 32-bit BMPs as raw RGB(A) pixels for sharp (libvips, as sharp ships it,
 * has no BMP loader; tesseract's own decoder runs outside any limit). Other BMPs (paletted,
 * RLE) are refused as unsupported. Call bmpSize and check the pixel cap first.
 */
export function decodeBmp(bytes: Buffer): { pixels: Buffer; width: number; height: number; channels: 3 | 4 } {
  const { width, height } = bmpSize(bytes);
  const dataOffset = bytes.readUInt32LE(10);
  const headerSize = bytes.readUInt32LE(14);
  const bitCount = bytes.readUInt16LE(28);
  const compression = headerSize >= 40 ? bytes.readUInt32LE(30) : 0;
  const topDown = bytes.readInt32LE(22) < 0;
  if ((bitCount !== 24 && bitCount !== 32) || (compression !== 0 && compression !== 3)) {
    throw new UnsupportedTypeError(`unsupported BMP (${bitCount} bits per pixel, compression ${compression}); save it as PNG. Supported: ${SUPPORTED_TYPES.join(', ')}`, SUPPORTED_TYPES, 'image/bmp');
  }
  if (width === 0 || height === 0) throw new ExtractionError('CORRUPT', 'the BMP image has no pixels');
  const bytesPerPixel = bitCount / 8;
  const stride = Math.ceil((width * bytesPerPixel) / 4) * 4;
  if (dataOffset + stride * height > bytes.length) throw new ExtractionError('CORRUPT', 'the BMP image is truncated');
  const pixels = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    const row = dataOffset + (topDown ? y : height - 1 - y) * stride;
    for (let x = 0; x < width; x++) {
      const src = row + x * bytesPerPixel;
      const dst = (y * width + x) * 3;
      pixels[dst] = bytes[src + 2]!;
      pixels[dst + 1] = bytes[src + 1]!;
      pixels[dst + 2] = bytes[src]!;
    }
  }
  return { pixels, width, height, channels: 3 };
}
