import { describe, expect, it } from 'vitest';
import { generateVapidKeys } from '../../adapters/webpush/index.js';
import { loadConfig } from '../../src/config.js';
import { resolveVapidKeys, webPushOptions, webPushPayload, webPushTopic, WEBPUSH_TTL_CRITICAL_SEC, WEBPUSH_TTL_NORMAL_SEC } from '../../src/core/news-webpush.js';
import type { NewsItem } from '../../src/domain/news.js';
import { DEFAULT_PUSH_HOSTS, parsePushHostRule, parsePushHostRules, pushEndpointAllowed } from '../../src/domain/web-push.js';
import { MemorySecretRepo } from '../fakes/memory-secrets.js';

/** The pure parts of Web Push: the endpoint allow-list, the send options and payload, the VAPID keys' origin, the configuration. */

const defaults = parsePushHostRules(DEFAULT_PUSH_HOSTS);

describe('push endpoint allow-list', () => {
  it('When endpoints of the real push services are checked, then they are allowed over https only', () => {
    for (const endpoint of [
      'https://fcm.googleapis.com/fcm/send/abc:def',
      'https://updates.push.services.mozilla.com/wpush/v2/gAAA',
      'https://wns2-par02p.notify.windows.com/w/?token=BQYAAA',
      'https://web.push.apple.com/QGx3',
    ]) {
      expect(pushEndpointAllowed(endpoint, defaults), endpoint).toBe(true);
    }
    expect(pushEndpointAllowed('http://fcm.googleapis.com/fcm/send/abc', defaults)).toBe(false);
    expect(pushEndpointAllowed('https://fcm.googleapis.com:8443/fcm/send/abc', defaults)).toBe(false);
  });

  it('When an endpoint names another host, a look-alike, credentials or an odd scheme, then it is refused', () => {
    for (const endpoint of [
      'https://fcm.googleapis.com.attacker.example/x',
      'https://push.apple.com/x',
      'https://evilnotify.windows.com/x',
      'https://user:pw@fcm.googleapis.com/x',
      'https://fcm.googleapis.com/x#frag',
      'ftp://fcm.googleapis.com/x',
      'https://127.0.0.1/x',
      'https://169.254.169.254/latest/meta-data',
      'not a url',
      `https://fcm.googleapis.com/${'a'.repeat(2100)}`,
    ]) {
      expect(pushEndpointAllowed(endpoint, defaults), endpoint).toBe(false);
    }
  });

  it('When http is listed explicitly with a port, then only that host and port may use it', () => {
    const rules = parsePushHostRules('http://127.0.0.1:4100,https://push.example.gov.vn:8443');
    expect(pushEndpointAllowed('http://127.0.0.1:4100/push/1', rules)).toBe(true);
    expect(pushEndpointAllowed('http://127.0.0.1:4101/push/1', rules)).toBe(false);
    expect(pushEndpointAllowed('https://127.0.0.1:4100/push/1', rules)).toBe(false);
    expect(pushEndpointAllowed('https://push.example.gov.vn:8443/p', rules)).toBe(true);
    expect(pushEndpointAllowed('https://push.example.gov.vn/p', rules)).toBe(false);
  });

  it('When a rule is malformed, then parsing says so', () => {
    expect(() => parsePushHostRule('*.example.com:443')).toThrow();
    expect(() => parsePushHostRule('http://*.example.com')).toThrow();
    expect(() => parsePushHostRule('exa mple.com')).toThrow();
    expect(() => parsePushHostRule('https://example.com:99999')).toThrow();
    expect(parsePushHostRule('*.Push.Apple.com')).toEqual({ scheme: 'https', host: 'push.apple.com', wildcard: true, port: '' });
  });
});

const item = (over: Partial<NewsItem> = {}): NewsItem => ({
  id: 'f00dcafe-0000-4000-8000-000000000001',
  topics: ['y-te'],
  title: 'Tiêm chủng',
  urgency: 'normal',
  publishedAt: new Date(),
  receivedAt: new Date(),
  source: { kind: 'editor', accountId: 'a' },
  announce: true,
  ...over,
});

describe('send options and payload', () => {
  it('When an item is normal or critical, then TTL is at most 24 h or 6 h and urgency normal or high, with a stable 32-character topic', () => {
    expect(webPushOptions(item())).toEqual({ ttlSec: WEBPUSH_TTL_NORMAL_SEC, urgency: 'normal', topic: webPushTopic(item().id) });
    expect(webPushOptions(item({ urgency: 'critical' }))).toMatchObject({ ttlSec: WEBPUSH_TTL_CRITICAL_SEC, urgency: 'high' });
    expect(WEBPUSH_TTL_NORMAL_SEC).toBeLessThanOrEqual(24 * 3600);
    expect(WEBPUSH_TTL_CRITICAL_SEC).toBeLessThanOrEqual(6 * 3600);
    expect(webPushTopic('x')).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(webPushTopic('x')).toBe(webPushTopic('x'));
    expect(webPushTopic('y')).not.toBe(webPushTopic('x'));
  });

  it('When the browser speaks Khmer and the item has no Khmer version, then the Vietnamese text goes; long text is clipped', () => {
    const long = 'Đ'.repeat(1500);
    const payload = webPushPayload(item({ summary: long, link: 'https://portal.example/1' }), 'km', '/');
    expect(payload.title).toBe('Tiêm chủng');
    expect([...payload.body]).toHaveLength(1000);
    expect(payload.url).toBe('https://portal.example/1');
  });
});

describe('VAPID keys', () => {
  it('When keys are configured, then they are used and nothing is stored', async () => {
    const secrets = new MemorySecretRepo();
    const configured = generateVapidKeys();
    expect(await resolveVapidKeys({ configured, secrets, generate: generateVapidKeys })).toEqual({ keys: configured, source: 'config' });
    expect(secrets.writes).toHaveLength(0);
  });

  it('When two processes start together without configured keys, then both end with the one pair stored', async () => {
    const secrets = new MemorySecretRepo({ delayMs: 5 });
    const [a, b] = await Promise.all([resolveVapidKeys({ configured: undefined, secrets, generate: generateVapidKeys }), resolveVapidKeys({ configured: undefined, secrets, generate: generateVapidKeys })]);
    expect(a.keys).toEqual(b.keys);
    expect(secrets.writes).toHaveLength(1);
    const later = await resolveVapidKeys({ configured: undefined, secrets, generate: generateVapidKeys });
    expect(later).toEqual({ keys: a.keys, source: 'store' });
  });
});

describe('Web Push configuration', () => {
  it('When nothing is set, then keys are left to the store, the default push services are allowed and the subject is a placeholder', () => {
    const config = loadConfig({});
    expect(config.webPush.vapid).toBeUndefined();
    expect(config.webPush.allowedHosts).toEqual(defaults);
    expect(config.webPush.subject).toMatch(/^mailto:/);
  });

  it('When only one VAPID key or a bad host is given, then both problems are reported by name', () => {
    const keys = generateVapidKeys();
    expect(() => loadConfig({ WEB_PUSH_VAPID_PUBLIC_KEY: keys.publicKey, WEB_PUSH_ALLOWED_HOSTS: 'fcm.googleapis.com,http://*.x' })).toThrow(/WEB_PUSH_ALLOWED_HOSTS[\s\S]*WEB_PUSH_VAPID_PRIVATE_KEY|WEB_PUSH_VAPID_PRIVATE_KEY[\s\S]*WEB_PUSH_ALLOWED_HOSTS/);
    const config = loadConfig({ WEB_PUSH_VAPID_PUBLIC_KEY: keys.publicKey, WEB_PUSH_VAPID_PRIVATE_KEY: keys.privateKey, WEB_PUSH_SUBJECT: 'https://1022.example.gov.vn' });
    expect(config.webPush.vapid).toEqual(keys);
    expect(config.webPush.subject).toBe('https://1022.example.gov.vn');
  });
});
