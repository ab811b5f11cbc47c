import { describe, expect, it } from 'vitest';
import { decodeBase64Image, hashImageBytes } from './image-bytes';

describe('decodeBase64Image', () => {
  it('decodes standard base64 with or without whitespace and a data URL prefix', () => {
    const bytes = Uint8Array.from([0, 1, 2, 250, 251, 252, 253]);
    const text = Buffer.from(bytes).toString('base64');
    expect(decodeBase64Image(text)).toEqual(bytes);
    expect(decodeBase64Image(`data:image/png;base64,${text.slice(0, 4)}\n${text.slice(4)}`)).toEqual(bytes);
    expect(decodeBase64Image(text.replace(/=+$/, ''))).toEqual(bytes);
  });

  it('refuses text that is not base64 instead of skipping characters as Buffer.from does', () => {
    expect(() => decodeBase64Image('abc$def')).toThrow(/not valid base64/);
    expect(() => decodeBase64Image('AAAAA')).toThrow(/not valid base64/);
    expect(() => decodeBase64Image('====')).toThrow(/not valid base64/);
    expect(() => decodeBase64Image(' == ')).toThrow(/no bytes/);
  });
});

describe('hashImageBytes', () => {
  it('is SHA-256 hex of the bytes', () => {
    expect(hashImageBytes(new TextEncoder().encode('abc'))).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
  });
});
