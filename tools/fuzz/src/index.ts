/** The fuzz targets of kmskit and the runner they share. Internal: not published. */

import type { FuzzTarget } from './target.js';
import { kesApiKey, minkmsApiKey } from './targets/api-keys.js';
import { builtinCiphertext } from './targets/builtin-ciphertext.js';
import { builtinLegacyJson } from './targets/builtin-legacy-json.js';
import { coreContext } from './targets/core-context.js';
import { coreDataKeyText } from './targets/core-datakey-text.js';
import { coreEndpointList } from './targets/core-endpoint-list.js';
import { darePackage, dareStream } from './targets/dare.js';
import { envConfig } from './targets/env-config.js';
import { kesResponses } from './targets/kes-responses.js';
import { minkmsFrames } from './targets/minkms-frames.js';
import { minkmsResponses } from './targets/minkms-responses.js';
import { objectMetadata } from './targets/object-metadata.js';
import { s3SmallParsers } from './targets/s3-small-parsers.js';
import { sseHeaders } from './targets/sse-headers.js';

export { type ErrorKind, isTypedError, UnexpectedOutcome } from './outcome.js';
export {
  checkOnce,
  type FailureRecord,
  failureHash,
  type RunOptions,
  type RunReport,
  replayFailure,
  runTarget,
} from './run-target.js';
export { fromSerializable, toSerializable } from './serialize.js';
export type { FuzzTarget } from './target.js';

/** Every target, cheapest first. */
export const TARGETS: ReadonlyArray<FuzzTarget<never>> = [
  coreContext,
  coreDataKeyText,
  coreEndpointList,
  kesApiKey,
  minkmsApiKey,
  minkmsFrames,
  builtinCiphertext,
  builtinLegacyJson,
  sseHeaders,
  s3SmallParsers,
  objectMetadata,
  darePackage,
  dareStream,
  envConfig,
  kesResponses,
  minkmsResponses,
] as unknown as ReadonlyArray<FuzzTarget<never>>;

/** Returns the target called `name`. */
export function targetNamed(name: string): FuzzTarget<never> | undefined {
  return TARGETS.find((target) => target.name === name);
}
