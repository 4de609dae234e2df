import type { RelayPort } from './relay';

/** The two runtime calls the relay makes, as both browsers have them natively in MV3. */
interface NativeRuntime {
  sendMessage(message: unknown): Promise<unknown>;
  onMessage: {
    addListener(
      listener: (message: unknown, sender: unknown, sendResponse: (answer: unknown) => void) => boolean | undefined,
    ): void;
  };
}

/**
 * The relay's port on the extension's runtime API without webextension-polyfill (2.7 KiB gzip of the relay,
 * which every http(s) frame loads): `sendMessage` returns a promise natively in Chrome's MV3 and in Firefox,
 * and an answer to the background is given with `sendResponse`, which both have. Firefox names the API
 * `browser`, Chrome `chrome`.
 */
export function runtimePort(): RelayPort {
  const scope = globalThis as unknown as {
    browser?: { runtime?: NativeRuntime };
    chrome?: { runtime?: NativeRuntime };
  };
  const runtime = (scope.browser?.runtime ?? scope.chrome?.runtime) as NativeRuntime;
  return {
    send: (message) => runtime.sendMessage(message),
    onMessage: (listener) =>
      runtime.onMessage.addListener((message, _sender, sendResponse) => {
        const answer = listener(message);
        // Tells the background whether the event reached the document it was for; no answer to anything else.
        if (answer !== undefined) sendResponse(answer);
        return false;
      }),
  };
}
