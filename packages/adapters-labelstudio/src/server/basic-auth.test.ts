import { describe, expect, it } from 'vitest';
import { basicAuthMatches, parseBasicAuthPair } from './basic-auth';

const header = (pair: string) => `Basic ${Buffer.from(pair).toString('base64')}`;

describe('basic auth', () => {
  it('parses user:pass, the password may hold colons', () => {
    expect(parseBasicAuthPair('ann:se:cret')).toEqual({ username: 'ann', password: 'se:cret' });
    expect(() => parseBasicAuthPair('nocolon')).toThrow(/user:password/);
    expect(() => parseBasicAuthPair(':pass')).toThrow(/user:password/);
  });

  it('accepts exactly the configured credentials', () => {
    const expected = { username: 'ann', password: 'se:cret' };
    expect(basicAuthMatches(header('ann:se:cret'), expected)).toBe(true);
    expect(basicAuthMatches(header('ann:se:cre'), expected)).toBe(false);
    expect(basicAuthMatches(header('bob:se:cret'), expected)).toBe(false);
    expect(basicAuthMatches(undefined, expected)).toBe(false);
    expect(basicAuthMatches('Bearer abc', expected)).toBe(false);
    expect(basicAuthMatches(header('annse'), expected)).toBe(false);
  });
});
