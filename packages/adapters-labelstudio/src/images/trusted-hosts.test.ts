import { describe, expect, it } from 'vitest';
import { TrustedHosts } from './trusted-hosts';

describe('TrustedHosts', () => {
  it('matches host names and IP literals, with the port when the entry names one', () => {
    const hosts = new TrustedHosts(['minio.internal:9000', 'Images.Internal', '10.0.0.7', '[fd00::7]:80']);
    expect(hosts.includes(new URL('http://minio.internal:9000/b/a.png'))).toBe(true);
    expect(hosts.includes(new URL('http://minio.internal:9001/b/a.png'))).toBe(false);
    expect(hosts.includes(new URL('https://images.internal/a.png'))).toBe(true);
    expect(hosts.includes(new URL('http://10.0.0.7:1234/a.png'))).toBe(true);
    expect(hosts.includes(new URL('http://[fd00::7]/a.png'))).toBe(true);
    expect(hosts.includes(new URL('http://10.0.0.8/a.png'))).toBe(false);
  });

  it('refuses entries that are not a host', () => {
    expect(() => new TrustedHosts(['http://x/y'])).toThrow(/allow-list/);
    expect(() => new TrustedHosts([''])).toThrow(/allow-list/);
  });
});
