/**
 * Security finding 4: a ~200-character `labelers` value from a page with no
 * grant froze the background for 42 s (exponential regex backtracking), and
 * every site and the popup with it. Here a page with no grant floods the
 * background with pathological values for every patterned field while a
 * connected site and the popup keep asking for their accounts: every bad
 * request must be refused with -32602 (4100 where the value is valid but the
 * site is not connected) and the others must stay fast.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { privilegedRequestMessage } from '../../src/protocol/privileged';
import type { ExtensionBrowser } from '../support/chromium';
import { launchSignedIn } from '../support/keyring';
import { connectApproved, request } from '../support/site';
import { startTestSite, type TestSite } from '../support/test-site';

const pds = inject('pds');
const extensionPath = inject('chromeExtensionPath');
const { alice } = pds.accounts;

interface Probe {
  label: string;
  method: 'atproto_xrpc' | 'atproto_serviceAuth';
  params: Record<string, unknown>;
  /** -32602 for a malformed value; 4100 for a valid one from a site with no grant. */
  expected: -32602 | 4100;
}

const xrpc = (label: string, field: string, value: unknown, expected: Probe['expected'] = -32602): Probe => ({
  label,
  method: 'atproto_xrpc',
  params: { nsid: 'app.bsky.feed.getTimeline', noPrompt: true, [field]: value },
  expected,
});
const serviceAuth = (label: string, field: string, value: unknown, expected: Probe['expected'] = -32602): Probe => ({
  label,
  method: 'atproto_serviceAuth',
  params: { aud: 'did:web:feed.example', noPrompt: true, [field]: value },
  expected,
});

/** Each at (or just under) its field's length bound, plus a few over it and a few valid ones. */
const PROBES: Probe[] = [
  // labelers (4096): the finding's ~200-character value, then the worst shapes at full length.
  xrpc('labelers: the finding (201 chars)', 'labelers', `${'did:a:a:'.repeat(25)}!`),
  xrpc('labelers: did:a:a: ×511 !', 'labelers', `${'did:a:a:'.repeat(511)}!`),
  xrpc('labelers: did:a:aaaa…;', 'labelers', `did:a:${'a'.repeat(4089)};`),
  xrpc('labelers: "did:plc:x, " ×372 !', 'labelers', `${'did:plc:x, '.repeat(372)}!`),
  xrpc('labelers: did:a:a;redact, ×272 !', 'labelers', `${'did:a:a;redact,'.repeat(272)}!`),
  xrpc('labelers: did:a:a; redact, ×240 ;', 'labelers', `${'did:a:a; redact, '.repeat(240)};`),
  xrpc('labelers: ", " ×2048', 'labelers', ', '.repeat(2048)),
  xrpc('labelers: did:a: nested', 'labelers', `did:a:${'did:a:'.repeat(680)} `),
  xrpc('labelers: over the bound', 'labelers', 'did:a:a:'.repeat(600)),
  xrpc('labelers: valid, 4090 chars', 'labelers', 'did:plc:x, '.repeat(372).slice(0, -2), 4100),
  // nsid (317)
  xrpc('nsid: a. ×158 -', 'nsid', `${'a.'.repeat(158)}-`),
  xrpc('nsid: a.a- ×104 .1', 'nsid', `a${'.a-'.repeat(104)}.1`),
  xrpc('nsid: aaaa….a.a!', 'nsid', `${'a'.repeat(312)}.a.a!`),
  xrpc('nsid: a…', 'nsid', `a${'.'.repeat(316)}`),
  xrpc('nsid: over the bound', 'nsid', `${'a.'.repeat(200)}b`),
  xrpc(
    'nsid: valid, 317 chars',
    'nsid',
    `${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(63)}.${'e'.repeat(61)}`,
    4100,
  ),
  // proxy (2048)
  xrpc('proxy: did:a: ×341 #', 'proxy', `${'did:a:'.repeat(341)}#`),
  xrpc('proxy: did:a:a#  ×256', 'proxy', 'did:a:a#'.repeat(256)),
  xrpc('proxy: did:a:a:a:… #!', 'proxy', `did:a:${'a:'.repeat(1020)}#!`),
  xrpc('proxy: did:a:%%%…#a', 'proxy', `did:a:${'%'.repeat(2040)}#a`),
  xrpc('proxy: over the bound', 'proxy', `did:a:${'a'.repeat(2048)}#svc`),
  xrpc('proxy: valid, 2048 chars', 'proxy', `did:web:${'a'.repeat(2036)}#svc`, 4100),
  // encoding (255)
  xrpc('encoding: a/a ;a=a ×62 ;', 'encoding', `a/a${';a=a'.repeat(62)};`),
  xrpc('encoding: a/a  ; a=" ×41', 'encoding', `a/a${' ; a="'.repeat(41)}`),
  xrpc('encoding: a/a spaces !', 'encoding', `a/a${' '.repeat(251)}!`),
  xrpc('encoding: a/a;a=" spaces', 'encoding', `a/a;a="${' '.repeat(248)}`),
  xrpc('encoding: a/a; a="" ×41 space', 'encoding', `a/a${'; a=""'.repeat(41)} `),
  xrpc('encoding: CRLF injection', 'encoding', 'text/plain;\r\nx-evil: 1'),
  xrpc('encoding: over the bound', 'encoding', `a/${'a'.repeat(300)}`),
  // did (2048), on both methods
  xrpc('did: did:a: ×341 !', 'did', `${'did:a:'.repeat(341)}!`),
  xrpc('did: did:a:a:a:…', 'did', `did:a:${'a:'.repeat(1021)}`),
  xrpc('did: did:a:a%a%…', 'did', `did:a:${'a%'.repeat(1021)}`),
  xrpc('did: over the bound', 'did', `did:plc:${'a'.repeat(2048)}`),
  serviceAuth('did (serviceAuth): did:a: ×341 !', 'did', `${'did:a:'.repeat(341)}!`),
  // aud (2048)
  serviceAuth('aud: did:a: ×341 !', 'aud', `${'did:a:'.repeat(341)}!`),
  serviceAuth('aud: did:a:a#a#a…', 'aud', `did:a:a${'#a'.repeat(1020)}`),
  serviceAuth('aud: did:a:a:a:…', 'aud', `did:a:${'a:'.repeat(1021)}`),
  serviceAuth('aud: did:a:a#~~~… space', 'aud', `did:a:a#${'~'.repeat(2039)} `),
  serviceAuth('aud: over the bound', 'aud', `did:web:${'a'.repeat(2048)}`),
  serviceAuth('aud: valid, 2048 chars', 'aud', `did:web:${'a'.repeat(2032)}#bsky_fg`, 4100),
  // lxm is an nsid too
  serviceAuth('lxm: a. ×158 -', 'lxm', `${'a.'.repeat(158)}-`),
  // query parameter names (256)
  xrpc('params key: a. ×127 space', 'params', { [`${'a.'.repeat(127)} `]: 1 }),
];

let closeBrowser: () => Promise<void>;
let browser: ExtensionBrowser;
let popup: Page;
let hostileSite: TestSite;
let bystanderSite: TestSite;
let hostile: Page;
let bystander: Page;

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
};

describe('linear-time validation of page input (Chromium, local PDS)', () => {
  beforeAll(async () => {
    [hostileSite, bystanderSite] = await Promise.all([startTestSite(), startTestSite()]);
    ({ browser, popup, close: closeBrowser } = await launchSignedIn(extensionPath, pds, alice));
    hostile = await browser.context.newPage();
    await hostile.goto(hostileSite.origin);
    bystander = await browser.context.newPage();
    await bystander.goto(bystanderSite.origin);
    expect(await connectApproved(browser.context, bystander, { scope: 'atproto' })).toMatchObject({
      ok: true,
      result: { did: alice.did },
    });
  });
  afterAll(async () => {
    await closeBrowser?.();
    await Promise.all([hostileSite?.close(), bystanderSite?.close()]);
  });

  it('answers each pathological value on its own, quickly, with the right code', async () => {
    // One at a time first, so a slow field is named (and the flood below is not the first contact).
    expect(await request(hostile, 'atproto_accounts')).toEqual({ ok: true, result: [] });
    const rows: string[] = [];
    for (const probe of PROBES) {
      const started = Date.now();
      const outcome = await request(hostile, probe.method, probe.params);
      const ms = Date.now() - started;
      rows.push(`${probe.label.padEnd(38)} ${outcome.ok ? 'ok' : outcome.error.code} in ${ms} ms`);
      expect(outcome, probe.label).toMatchObject({ ok: false, error: { code: probe.expected } });
      expect(ms, probe.label).toBeLessThan(2_000);
    }
    console.log(`one by one:\n${rows.join('\n')}`);
  });

  it('refuses an own __proto__ key in the params (it would set the prototype)', async () => {
    const outcome = await hostile.evaluate(async () => {
      const params = JSON.parse(
        '{"nsid": "com.atproto.repo.createRecord", "body": {"repo": "x", "__proto__": {"collection": "app.bsky.graph.block"}}}',
      );
      try {
        await (window as any).atproto.request({ method: 'atproto_xrpc', params });
        return 'resolved';
      } catch (e: any) {
        return { code: e.code, message: e.message };
      }
    });
    expect(outcome).toMatchObject({ code: -32602 });
  });

  it('keeps a connected site and the popup fast while a site with no grant floods every field', async () => {
    const FLOOD_MS = 8_000;
    // A wave of every probe each second: under the per-origin refill rate (50/s),
    // so none is rate-limited and each is answered on its merits.
    const flood = hostile.evaluate(
      async ({ probes, floodMs }) => {
        const results: { label: string; code: number | 'ok'; ms: number }[] = [];
        const until = performance.now() + floodMs;
        const inFlight: Promise<void>[] = [];
        while (performance.now() < until) {
          for (const probe of probes) {
            const started = performance.now();
            inFlight.push(
              (window as any).atproto.request({ method: probe.method, params: probe.params }).then(
                () => void results.push({ label: probe.label, code: 'ok', ms: performance.now() - started }),
                (e: any) => void results.push({ label: probe.label, code: e.code, ms: performance.now() - started }),
              ),
            );
          }
          await new Promise((r) => setTimeout(r, 1000));
        }
        await Promise.all(inFlight);
        return results;
      },
      { probes: PROBES, floodMs: FLOOD_MS },
    );
    // Meanwhile the connected site asks for its accounts, one call after another.
    const site = bystander.evaluate(async (floodMs) => {
      const times: number[] = [];
      const answers = new Set<string>();
      const until = performance.now() + floodMs;
      while (performance.now() < until) {
        const started = performance.now();
        const accounts = await (window as any).atproto.request({ method: 'atproto_accounts' });
        times.push(performance.now() - started);
        answers.add(JSON.stringify(accounts.map((a: any) => a.did)));
        await new Promise((r) => setTimeout(r, 20));
      }
      return { times, answers: [...answers] };
    }, FLOOD_MS);
    // And so does the popup.
    const popupTimes = popup.evaluate(
      async ({ floodMs, request }) => {
        const times: number[] = [];
        const until = performance.now() + floodMs;
        while (performance.now() < until) {
          const started = performance.now();
          const answer = await (globalThis as any).chrome.runtime.sendMessage(request);
          if (!answer?.ok) throw new Error(`accounts.list: ${JSON.stringify(answer)}`);
          times.push(performance.now() - started);
          await new Promise((r) => setTimeout(r, 50));
        }
        return times;
      },
      { floodMs: FLOOD_MS, request: privilegedRequestMessage('accounts.list') },
    );

    const [results, bystanderRun, popupRun] = await Promise.all([flood, site, popupTimes]);

    // Every flood request answered, with the code its value deserves.
    const waves = results.length / PROBES.length;
    expect(Number.isInteger(waves) && waves >= 5).toBe(true);
    const expected = new Map(PROBES.map((p) => [p.label, p.expected]));
    const wrong = results.filter((r) => r.code !== expected.get(r.label));
    expect(wrong).toEqual([]);
    const floodTimes = results.map((r) => r.ms);

    expect(bystanderRun.answers).toEqual([JSON.stringify([alice.did])]);
    const summary = (times: number[]) =>
      `${times.length} calls, p50 ${percentile(times, 50).toFixed(1)} ms, p95 ${percentile(times, 95).toFixed(1)} ms, max ${Math.max(...times).toFixed(1)} ms`;
    console.log(
      `flood: ${results.length} pathological requests (${waves} waves of ${PROBES.length}) in ${FLOOD_MS / 1000} s, answered in ${summary(floodTimes)}\n` +
        `bystander site atproto_accounts: ${summary(bystanderRun.times)}\n` +
        `popup accounts.list: ${summary(popupRun)}`,
    );
    expect(bystanderRun.times.length).toBeGreaterThan(50);
    expect(percentile(bystanderRun.times, 95)).toBeLessThan(500);
    expect(percentile(popupRun, 95)).toBeLessThan(500);
    expect(Math.max(...floodTimes)).toBeLessThan(5_000);

    // Nothing was granted to the flooding origin; the bystander's grant is intact.
    expect(await request(hostile, 'atproto_accounts')).toEqual({ ok: true, result: [] });
    expect(await request(bystander, 'atproto_accounts')).toMatchObject({ ok: true, result: [{ did: alice.did }] });
  });
});
