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
});
