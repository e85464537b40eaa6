/** Every conformance case, in report order. */

import type { ConformanceCase } from '../types.js';
import { cancelCases } from './cancel.js';
import { ciphertextCases } from './ciphertext.js';
import { concurrencyCases } from './concurrency.js';
import { contextCases } from './context.js';
import { contextEncodingCases } from './context-encoding.js';
import { generateCases } from './generate.js';
import { keyCases } from './keys.js';
import { macCases } from './mac.js';
import { metricsCases } from './metrics.js';
import { nameCases } from './names.js';
import { secretCases } from './secrets.js';
import { statusCases } from './status.js';

/** The cases every connector must pass, unless a capability or a listed skip excludes them. */
export const conformanceCases: readonly ConformanceCase[] = [
  ...generateCases,
  ...contextCases,
  ...contextEncodingCases,
  ...ciphertextCases,
  ...keyCases,
  ...nameCases,
  ...macCases,
  ...cancelCases,
  ...concurrencyCases,
  ...secretCases,
  ...metricsCases,
  ...statusCases,
];
