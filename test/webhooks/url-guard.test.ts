import { describe, expect, it } from 'vitest';
import { addressAllowed, checkWebhookUrl } from '../../functions/webhooks/url-guard.js';

const dns = (answers: Record<string, string[]>) => async (host: string) => {
  const found = answers[host];
  if (!found) throw new Error('ENOTFOUND');
  return found;
};

describe('the webhook URL guard', () => {
  it('allows https to public addresses', async () => {
    expect((await checkWebhookUrl('https://hooks.example.com/signoff', false, dns({ 'hooks.example.com': ['93.184.216.34'] }))).host).toBe(
      'hooks.example.com',
    );
    expect(addressAllowed('2606:4700::1111', false)).toBe(true);
  });

  it.each([
    ['http://hooks.example.com/', 'it must use https'],
    ['https://10.0.0.8/', 'private'],
    ['https://127.0.0.1/', 'loopback'],
    ['https://localhost/', 'loopback'],
    ['https://169.254.169.254/latest/meta-data/', 'link-local'],
    ['https://[fd00:ec2::254]/', 'private'],
    ['https://[::1]/', 'loopback'],
    ['https://[fe80::1]/', 'link-local'],
    ['https://[::ffff:192.168.0.1]/', 'private'],
    ['https://rebind.example/', 'private'],
    ['https://nowhere.example/', 'does not resolve'],
    ['https://user:pw@hooks.example.com/', 'credentials'],
  ])('refuses %s in AWS (%s)', async (url) => {
    const resolve = dns({
      localhost: ['127.0.0.1'],
      'rebind.example': ['93.184.216.34', '10.1.2.3'],
      'hooks.example.com': ['93.184.216.34'],
    });
    await expect(checkWebhookUrl(url, false, resolve)).rejects.toMatchObject({ code: 'url_not_allowed' });
  });

  it('allows loopback, over http too, only where the local stack says so', async () => {
    const resolve = dns({ localhost: ['127.0.0.1', '::1'], 'hooks.example.com': ['93.184.216.34'] });
    await expect(checkWebhookUrl('http://localhost:8010/hooks/demo', true, resolve)).resolves.toBeInstanceOf(URL);
    await expect(checkWebhookUrl('http://localhost:8010/hooks/demo', false, resolve)).rejects.toMatchObject({ code: 'url_not_allowed' });
    // Plain http never leaves the machine, even locally.
    await expect(checkWebhookUrl('http://hooks.example.com/', true, resolve)).rejects.toMatchObject({ code: 'url_not_allowed' });
    await expect(checkWebhookUrl('https://10.0.0.8/', true, resolve)).rejects.toMatchObject({ code: 'url_not_allowed' });
  });

  it('refuses without a lookup a host no resolver could answer, and gives up on a resolver that does not answer', async () => {
    const asked: string[] = [];
    const silent = (host: string) => {
      asked.push(host);
      return new Promise<string[]>(() => {});
    };
    for (const url of ['https://hooks.invalid/', 'https://a_b.example.com/', 'https://-x.example.com/', `https://${'a'.repeat(64)}.com/`]) {
      await expect(checkWebhookUrl(url, false, silent)).rejects.toMatchObject({ code: 'url_not_allowed' });
    }
    expect(asked).toEqual([]);
    await expect(checkWebhookUrl('https://hooks.example.com/', false, silent, 10)).rejects.toMatchObject({
      code: 'url_not_allowed',
      details: { reason: 'its host does not resolve' },
    });
    expect(asked).toEqual(['hooks.example.com']);
  });
});
