export type { Aead, AeadBackend, AeadOpener, DareCipher } from './aead.js';
export { defaultAeadBackend, selectAeadBackend } from './aead-default.js';
export { nobleAeadBackend } from './aead-noble.js';
export { createNodeAeadBackend, loadNodeCrypto } from './aead-node.js';
export { decryptDare, encryptDare } from './buffer.js';
export {
  HEADER_SIZE,
  MAX_CIPHERTEXT_SIZE,
  MAX_PACKAGE_SIZE,
  MAX_PAYLOAD_SIZE,
  MAX_PLAINTEXT_SIZE,
  PACKAGE_OVERHEAD,
  TAG_SIZE,
} from './constants.js';
export { DareDecryptor } from './decryptor.js';
export { DareEncryptor } from './encryptor.js';
export { DareError, type DareErrorCode } from './errors.js';
export { createDareDecryptTransform, createDareEncryptTransform } from './node-streams.js';
export type { DareDecryptOptions, DareEncryptOptions } from './options.js';
export { decryptedSize, encryptedSize } from './sizes.js';
export {
  createDareDecryptStream,
  createDareEncryptStream,
  type DareEngine,
} from './web-streams.js';
