import { h } from 'preact';
import { beforeAll, describe, expect, it } from 'vitest';
import { useEnglishMessages } from '../locales/messages.fixture';
import { relativeTime } from './format';
import { richText } from './rich-text';

// browser.i18n as the built extension has it: the messages.json generated from the English catalogue.
beforeAll(useEnglishMessages);

describe('richText', () => {
  it('puts each element where the message places it', () => {
    const site = h('span', null, 'https://a.example');
    expect(richText('consent.headingConnect', { site })).toEqual([site, ' wants to connect to your account']);
    const top = h('span', null, 'https://top.example');
    expect(richText('consent.frameNote', { topOrigin: top })).toEqual([
      'Requested by a frame inside ',
      top,
      ', the site open in the tab.',
    ]);
  });

  it('keeps every element when a message uses several', () => {
    const account = h('strong', null, '@alice.test');
    const method = h('code', null, 'com.example.do');
    expect(richText('consent.callNote', { account, method })).toEqual(['As ', account, ', using ', method, ':']);
  });
});

describe('relativeTime', () => {
  it('says the last minute in words from the catalogue', () => {
    expect(relativeTime(1_000 + 30_000, 1_000)).toBe('in less than a minute');
    expect(relativeTime(1_000 - 30_000, 1_000)).toBe('just now');
  });
});
