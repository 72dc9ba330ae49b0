export { detectFormat, SUPPORTED_TYPES, type InputFormat } from './formats.js';
export { extractDocument } from './extract.js';
