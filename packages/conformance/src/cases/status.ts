/** Status and version reports. */

import assert from 'node:assert/strict';
import type { ConformanceCase } from '../types.js';

const STATES = ['online', 'offline', 'unauthorized'];

/** Cases of the `kms.status` area. */
export const statusCases: readonly ConformanceCase[] = [
  {
    id: 'kms.status.endpoints',
    title: 'reports status and version',
    async run({ kms }) {
      const status = await kms.status();
      assert.equal(status.type, kms.type, 'the status names the connector type');
      assert.ok(status.endpoints.length > 0, 'at least one endpoint');
      for (const endpoint of status.endpoints) {
        assert.equal(typeof endpoint.endpoint, 'string', 'each endpoint has a name');
        assert.ok(endpoint.endpoint.length > 0, 'the endpoint name is not empty');
        assert.ok(STATES.includes(endpoint.state), `state '${endpoint.state}' is known`);
      }
      assert.ok(
        status.endpoints.some((endpoint) => endpoint.state === 'online'),
        'an endpoint under test is online',
      );
      const version = await kms.version();
      assert.equal(typeof version.version, 'string', 'the version is a string');
      assert.ok(version.version.length > 0, 'the version is not empty');
    },
  },
];
