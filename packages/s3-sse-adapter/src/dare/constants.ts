/** Byte layout of DARE (minio/sio) packages, shared by versions 1.0 and 2.0. */

/** Size of a package header in bytes. */
export const HEADER_SIZE = 16;

/** Size of the AEAD tag that ends every package, in bytes. */
export const TAG_SIZE = 16;

/** Header plus tag: what every package adds to its payload. */
export const PACKAGE_OVERHEAD = HEADER_SIZE + TAG_SIZE;

/** Largest payload of one package: 64 KiB. Every non-final 2.0 package carries exactly this much. */
export const MAX_PAYLOAD_SIZE = 65_536;

/** Size of a full package (65 568 bytes). */
export const MAX_PACKAGE_SIZE = MAX_PAYLOAD_SIZE + PACKAGE_OVERHEAD;

/** Size of the AEAD nonce and of the 2.0 header nonce field. */
export const NONCE_SIZE = 12;

/** Size of the AEAD keys: 256 bits. */
export const KEY_SIZE = 32;

/** First header byte of a version 1.0 package. */
export const VERSION_10 = 0x10;

/** First header byte of a version 2.0 package. */
export const VERSION_20 = 0x20;

/** Bit 7 of header byte 4 marks the final package of a 2.0 stream. */
export const FINAL_FLAG = 0x80;

/** Largest sequence number: sequence numbers are unsigned 32-bit integers. */
export const MAX_SEQUENCE_NUMBER = 0xffff_ffff;

/** Largest plaintext DARE can encrypt: 2^48 bytes (2^32 packages of 64 KiB). */
export const MAX_PLAINTEXT_SIZE = 2 ** 48;

/** Largest valid DARE ciphertext: 2^48 + 2^37 bytes (2^32 packages of 65 568 bytes). */
export const MAX_CIPHERTEXT_SIZE = 2 ** 48 + 2 ** 37;
