// Generates src/gen (and the test server's copy in @kmskit/testing) from proto/ with buf and
// protoc-gen-es, as configured in buf.gen.yaml. Run it with `npm run generate` after changing
// proto/minio/kms/v1/kms.proto, and commit the output: installs never run the generator.

import { spawnSync } from 'node:child_process';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const packageDir = dirname(dirname(fileURLToPath(import.meta.url)));
const binDirs = [
  join(packageDir, 'node_modules', '.bin'),
  join(packageDir, '..', '..', 'node_modules', '.bin'),
];
const env = { ...process.env, PATH: [...binDirs, process.env.PATH ?? ''].join(delimiter) };

const result = spawnSync('buf', ['generate'], { cwd: packageDir, env, stdio: 'inherit' });
if (result.error) {
  console.error(`generate-proto: cannot run buf: ${result.error.message}; run npm install first`);
  process.exit(1);
}
process.exit(result.status ?? 1);
