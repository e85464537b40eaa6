// Runs the conformance suite for the builtin connector with node:test, from the built packages.
// `test/conformance.test.ts` starts it with `node --test` to prove the node:test adapter works.

import { readFileSync } from 'node:fs';
import * as nodeTest from 'node:test';
import { defineConformanceSuite, runWithNodeTest } from '@kmskit/conformance';
import { createKMS } from '@kmskit/core';
import { createBuiltinConnector } from '../dist/index.js';

const SECRET_KEY = 'my-key:eEm+JI9/q4JhH8QwKvf3LKo4DEBl6QbfvAl1CAbMIv8=';

runWithNodeTest(
  nodeTest,
  defineConformanceSuite({
    name: 'builtin',
    createKms: () => createKMS({ connector: createBuiltinConnector({ secretKey: SECRET_KEY }) }),
    secrets: [SECRET_KEY],
    skip: JSON.parse(readFileSync(new URL('./conformance-skips.json', import.meta.url), 'utf8')),
  }),
);
