import * as kit from '@/src/oauth/kit';
import { OAUTH_KIT_GLOBAL } from '@/src/oauth/kit-loader';

// The OAuth library's part of the background, in a script of its own that the background loads when a
// sign-in, a renewal or a sign-out needs it (src/oauth/kit-loader.ts). Wiring only.
export default defineUnlistedScript(() => {
  globalThis[OAUTH_KIT_GLOBAL] = kit;
});
