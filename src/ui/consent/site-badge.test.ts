import { describe, expect, it } from 'vitest';
import { siteBadge } from './site-badge';

describe('the letter badge', () => {
  it('takes the first letter or digit of the host, without www.', () => {
    expect(siteBadge('https://www.example.com').letter).toBe('E');
    expect(siteBadge('https://bsky.app').letter).toBe('B');
    expect(siteBadge('http://127.0.0.1:5173').letter).toBe('1');
    expect(siteBadge('http://[::1]:8080').letter).toBe('1');
    expect(siteBadge('not a url').letter).toBe('?');
  });
  it('gives sites that share a letter different colours, the same site the same', () => {
    expect(siteBadge('https://bsky.app').hue).toBe(siteBadge('https://bsky.app').hue);
    expect(siteBadge('https://bsky.app').hue).not.toBe(siteBadge('https://bsky.app.evil.example').hue);
    for (const origin of ['https://a.example', 'http://127.0.0.1:1', 'https://zz.example']) {
      expect(siteBadge(origin).hue).toBeGreaterThanOrEqual(0);
      expect(siteBadge(origin).hue).toBeLessThan(360);
    }
  });
});
