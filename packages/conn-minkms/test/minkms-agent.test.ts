import { describe, expect, it } from 'vitest';
import { MinkmsAgents } from '../src/minkms-agent.js';
import { resolveOptions } from '../src/minkms-options.js';

const DAY_MS = 24 * 60 * 60 * 1000;

describe('MinKMS agents', () => {
  const options = resolveOptions({
    endpoints: ['127.0.0.1:7373'],
    enclave: 'e',
    apiKey: 'k1:d7cY_5k8HbBGkZpoy2hGmvkxg83QDBXsA_nFXDfTk2E',
  });

  it('renews the certificate before expiry', async () => {
    let now = Date.now();
    const agents = new MinkmsAgents(options, () => now);
    const first = await agents.current('generateKey');
    now += 80 * DAY_MS;
    expect(await agents.current('generateKey')).toBe(first);
    now += 4 * DAY_MS;
    const renewed = await agents.current('generateKey');
    expect(renewed).not.toBe(first);
    expect(await agents.current('generateKey')).toBe(renewed);
    await agents.close();
  });

  it('fails after close', async () => {
    const agents = new MinkmsAgents(options);
    await agents.current('generateKey');
    await agents.close();
    await expect(agents.current('decrypt')).rejects.toMatchObject({ code: 'kms:DecryptionFailed' });
  });
});
