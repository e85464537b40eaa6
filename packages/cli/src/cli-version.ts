/**
 * The package version, read from `package.json`. This file sits one folder below the package
 * root both as source (`src/`) and bundled (`dist/`), so the relative path works in both.
 */

import { readFileSync } from 'node:fs';

/** The version of `@kmskit/cli`. */
export const CLI_VERSION: string = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    version: string;
  }
).version;
