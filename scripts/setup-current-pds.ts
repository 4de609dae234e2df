/** `npm run setup:current-pds`: installs the pinned Node 24 and the current PDS's tree (idempotent). */
import { ensureCurrentPds } from './toolchain';

ensureCurrentPds();
