/**
 * The provider contract is one module (sdk/src/contract.ts): the extension
 * and the SDK use the same objects, the SDK exports all of it, and the
 * contract document lists every code, reason and capability it defines.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as extensionContract from '../../src/protocol/contract';
import {
  ErrorCode as ExtensionErrorCode,
  LIMITS as ExtensionLimits,
  PAGE_METHODS,
  PROVIDER_INFO,
} from '../../src/protocol/page';
import * as contract from '../src/contract';
import { ErrorCode } from '../src/errors';
import * as sdk from '../src/index';

const read = (path: string) => readFileSync(new URL(path, import.meta.url), 'utf8');

describe('one contract', () => {
  it('the SDK and the extension use the same contract module (the same objects, not copies)', () => {
    expect(ErrorCode).toBe(contract.ErrorCode);
    expect(sdk.ErrorCode).toBe(contract.ErrorCode);
    expect(ExtensionErrorCode).toBe(contract.ErrorCode);
    expect(ExtensionLimits).toBe(contract.LIMITS);
    expect(PAGE_METHODS).toBe(contract.PROVIDER_METHODS);
    // src/protocol/contract re-exports the SDK's module, all of it.
    expect(Object.keys(extensionContract).sort()).toEqual(Object.keys(contract).sort());
    for (const [name, value] of Object.entries(contract))
      expect((extensionContract as Record<string, unknown>)[name], name).toBe(value);
  });

  it('the SDK re-exports every constant of the contract', () => {
    for (const [name, value] of Object.entries(contract))
      expect((sdk as Record<string, unknown>)[name], name).toBe(value);
  });

  it('every data.reason names a known code; the contract objects are frozen', () => {
    const codes = new Set<number>(Object.values(contract.ErrorCode));
    for (const [reason, code] of Object.entries(contract.ERROR_REASONS)) expect(codes.has(code), reason).toBe(true);
    for (const value of [
      contract.ErrorCode,
      contract.ERROR_REASONS,
      contract.LIMITS,
      contract.CAPABILITIES,
      contract.PROVIDER_METHODS,
    ]) {
      expect(Object.isFrozen(value)).toBe(true);
    }
    expect(contract.CONTRACT_VERSION).toMatch(/^\d+\.\d+$/);
  });
});

describe('the contract module', () => {
  it('has no imports (no runtime dependencies, nothing outside the SDK)', () => {
    const source = read('../src/contract.ts');
    expect(source).not.toMatch(/^\s*import\b/m);
    expect(source).not.toMatch(/\bfrom\s+['"]/);
    expect(source).not.toMatch(/\brequire\(|\bimport\(/);
  });

  it('is what the extension announces', () => {
    expect(PROVIDER_INFO.contractVersion).toBe(contract.CONTRACT_VERSION);
    expect(PROVIDER_INFO.capabilities).toBe(contract.CAPABILITIES);
    expect(PROVIDER_INFO.rdns).toBe(contract.ATKEYRING_RDNS);
  });
});

describe('docs/provider-api.md', () => {
  const doc = read('../../docs/provider-api.md');
  /** The rows of the markdown table under a heading, as arrays of cells. */
  const table = (heading: string): string[][] => {
    const start = doc.indexOf(`\n${heading}\n`);
    expect(start, heading).toBeGreaterThan(-1);
    const rows: string[][] = [];
    for (const line of doc.slice(start + heading.length + 2).split('\n')) {
      if (line.startsWith('|'))
        rows.push(
          line
            .split('|')
            .slice(1, -1)
            .map((c) => c.trim()),
        );
      else if (rows.length) break;
    }
    return rows.slice(2);
  };

  it('is the version of the contract module', () => {
    expect(doc.split('\n')[0]).toContain(`v${contract.CONTRACT_VERSION}`);
  });

  it('lists every error code, and every data.reason with its code', () => {
    const rows = table('## Error codes');
    expect(rows.map((r) => Number(r[0])).sort()).toEqual(Object.values(contract.ErrorCode).sort());
    for (const [reason, code] of Object.entries(contract.ERROR_REASONS)) {
      const row = rows.find((r) => Number(r[0]) === code)!;
      expect(row[2], `${reason} in the row of ${code}`).toContain(`\`${reason}\``);
    }
    // ... and no reason the contract does not define.
    for (const row of rows) {
      for (const [, name] of row[2]!.matchAll(/`([a-z-]+)`/g)) {
        if (name !== 'retryAfterMs') expect(Object.keys(contract.ERROR_REASONS), name).toContain(name);
      }
    }
  });

  it('describes every capability', () => {
    const rows = table('### Capabilities');
    expect(rows.map((r) => r[0])).toEqual(contract.CAPABILITIES.map((c) => `\`${c}\``));
  });

  it('lists every method', () => {
    for (const method of contract.PROVIDER_METHODS) expect(doc).toContain(`| \`${method}\` |`);
  });
});
