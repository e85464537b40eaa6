export {
  decryptedPartSizes,
  type EncryptedRange,
  getEncryptedRange,
  type RangeSegment,
} from './encrypted-range.js';
export { InvalidRangeError } from './errors.js';
export {
  type HttpRange,
  parseRangeHeader,
  type ResolvedRange,
  resolveRange,
} from './http-range.js';
export { derivePartKey, derivePartNonce } from './part-keys.js';
export {
  createDareRangeDecryptStream,
  createDareRangeDecryptTransform,
  DareRangeDecryptor,
  decryptDareRange,
  type PartKeyLookup,
  type RangeDecryptOptions,
} from './range-decryptor.js';
