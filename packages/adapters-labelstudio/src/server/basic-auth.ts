import { createHash, timingSafeEqual } from 'node:crypto';
import { InvalidArgumentError } from '@simpleclick/core';

/** HTTP Basic credentials the backend requires (Label Studio: "Use Basic Authentication" in the model settings). */
export interface BasicAuthCredentials {
  readonly username: string;
  readonly password: string;
}

/** Parses `user:pass` (the password may contain colons). Throws {@link InvalidArgumentError} without a colon. */
export function parseBasicAuthPair(text: string): BasicAuthCredentials {
  const colon = text.indexOf(':');
  if (colon <= 0) throw new InvalidArgumentError('basic auth must be given as user:password');
  return { username: text.slice(0, colon), password: text.slice(colon + 1) };
}

/**
 * Whether an `Authorization` header carries exactly these credentials. Compared in constant time (through
 * SHA-256 digests, so lengths leak nothing either).
 */
export function basicAuthMatches(header: string | undefined, expected: BasicAuthCredentials): boolean {
  if (header === undefined) return false;
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
  if (match === null) return false;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return false;
  const userOk = sameSecret(decoded.slice(0, colon), expected.username);
  const passwordOk = sameSecret(decoded.slice(colon + 1), expected.password);
  return userOk && passwordOk;
}

function sameSecret(given: string, expected: string): boolean {
  const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest();
  return timingSafeEqual(digest(given), digest(expected));
}
