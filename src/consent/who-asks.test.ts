import { describe, expect, it } from 'vitest';
import { whoAsks } from './who-asks';

const never = { hasGrant: false, answeredBefore: false };

describe('who asks', () => {
  it('says first time only for a site with no grant that the user never answered', () => {
    expect(whoAsks({ origin: 'https://a.example' }, never).firstTime).toBe(true);
    expect(whoAsks({ origin: 'https://a.example' }, { hasGrant: true, answeredBefore: false }).firstTime).toBe(false);
    expect(whoAsks({ origin: 'https://a.example' }, { hasGrant: false, answeredBefore: true }).firstTime).toBe(false);
  });

  it('names the tab’s site beside a frame, and every plain-http origin among them', () => {
    expect(whoAsks({ origin: 'http://127.0.0.1:5173' }, never)).toEqual({
      origin: 'http://127.0.0.1:5173',
      firstTime: true,
      plainHttp: ['http://127.0.0.1:5173'],
    });
    expect(whoAsks({ origin: 'https://a.example', topOrigin: 'http://localhost:3000' }, never)).toEqual({
      origin: 'https://a.example',
      topOrigin: 'http://localhost:3000',
      firstTime: true,
      plainHttp: ['http://localhost:3000'],
    });
    expect(whoAsks({ origin: 'https://a.example', topOrigin: 'https://top.example' }, never).plainHttp).toEqual([]);
  });
});
