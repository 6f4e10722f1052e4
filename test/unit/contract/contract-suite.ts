/**
 * The contract test suite every transport must pass: same calls, same envelopes, same events.
 * (VS Code tests its IPC over an in-memory protocol pair the same way.)
 */
import { describe, expect, it } from 'vitest';
import type { RinnovoApi } from '../../../src/shared/contract/api.js';
import { methodNames, eventNames } from '../../../src/shared/contract/contract.js';
import { listenerName } from '../../../src/shared/contract/api.js';

export interface ContractFixture {
  readonly api: RinnovoApi;
  readonly expectedTransport: 'electron' | 'harness';
  close(): Promise<void>;
}

export function describeContractSuite(name: string, open: () => Promise<ContractFixture>): void {
  describe(`contract over ${name}`, () => {
    it('answers app.getStatus from the real handler with the tool version and this transport', async () => {
      const fixture = await open();
      try {
        const result = await fixture.api.app.getStatus({});
        expect(result).toEqual({
          ok: true,
          value: expect.objectContaining({ productName: 'Rinnovo CNS', version: '1.0.0', transport: fixture.expectedTransport, configuration: 'environment', locale: 'it' }),
        });
      } finally {
        await fixture.close();
      }
    });

    it('keeps the chosen language and tells every listener, until it unsubscribes', async () => {
      const fixture = await open();
      try {
        const seen: string[] = [];
        const unsubscribe = fixture.api.app.onLocaleChanged(({ locale }) => seen.push(locale));
        expect(await fixture.api.app.setLocale({ locale: 'en' })).toEqual({ ok: true, value: { locale: 'en' } });
        await expect.poll(() => seen).toEqual(['en']);
        const status = await fixture.api.app.getStatus({});
        expect(status.ok && status.value.locale).toBe('en');
        unsubscribe();
        await fixture.api.app.setLocale({ locale: 'it' });
        await new Promise((resolve) => setTimeout(resolve, 50));
        expect(seen).toEqual(['en']);
      } finally {
        await fixture.close();
      }
    });

    it('refuses a payload that fails the schema with INVALID_REQUEST naming the field, as data', async () => {
      const fixture = await open();
      try {
        const setLocale = fixture.api.app.setLocale as (request: unknown) => Promise<unknown>;
        expect(await setLocale({ locale: 'de' })).toEqual({ ok: false, error: { code: 'INVALID_REQUEST', detail: { field: 'locale' } } });
        expect(await setLocale({ locale: 'it', extra: 1 })).toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST' } });
        const status = await fixture.api.app.getStatus({});
        expect(status.ok && status.value.locale).toBe('it');
      } finally {
        await fixture.close();
      }
    });

    it('exposes exactly the contract as named functions, nothing generic', async () => {
      const fixture = await open();
      try {
        const exposed = Object.entries(fixture.api).flatMap(([area, functions]) =>
          Object.keys(functions as object).map((fn) => `${area}.${fn}`),
        );
        const expected = [...methodNames, ...eventNames.map((event) => `${event.split('.')[0]}.${listenerName(event)}`)];
        expect(exposed.sort()).toEqual(expected.sort());
        expect(exposed.some((key) => /\.(invoke|send|on)$/.test(key))).toBe(false);
      } finally {
        await fixture.close();
      }
    });
  });
}
