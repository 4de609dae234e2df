import type { Page } from 'playwright-core';

/**
 * Runs `script` against the keyring's database from an extension page (the worker's own origin). Sent as
 * one expression over CDP: the page's CSP, which forbids eval, does not apply to it.
 */
export function inKeyringDb<A, R>(page: Page, script: (db: IDBDatabase, arg: A) => Promise<R>, arg: A): Promise<R> {
  return page.evaluate(`(async () => {
    const db = await new Promise((resolve, reject) => {
      const open = indexedDB.open('at-keyring');
      open.onsuccess = () => resolve(open.result);
      open.onerror = () => reject(open.error);
    });
    try {
      return await (${script.toString()})(db, ${JSON.stringify(arg)});
    } finally {
      db.close();
    }
  })()`) as Promise<R>;
}
