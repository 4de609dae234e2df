/**
 * The main job: a local ATProto network (PLC + PDS with demo accounts), the
 * extension built as shipped, and Chromium with it loaded and pointed at the
 * local network. Headed where a display exists; otherwise headless, printing
 * what to open. Runs until Ctrl-C.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { buildExtension, EXTENSION_PATHS } from '../e2e/support/build';
import { launchWithExtension } from '../e2e/support/chromium';
import { configureNetwork } from '../e2e/support/keyring';
import { startPdsProcess } from '../e2e/support/pds-process';
import { startDemoSite } from './demo-site';

/**
 * Fixed ports (DEMO_PDS_PORT, DEMO_PLC_PORT, DEMO_SITE_PORT override them), so an extension set up by hand in
 * another browser keeps working across restarts, and an SSH tunnel can name them.
 */
const PORTS = {
  pds: Number(process.env.DEMO_PDS_PORT ?? 2583),
  plc: Number(process.env.DEMO_PLC_PORT ?? 2582),
  site: Number(process.env.DEMO_SITE_PORT ?? 8080),
};

async function main() {
  console.log('Building the extension…');
  buildExtension(['chrome']);
  const extensionPath = EXTENSION_PATHS.chrome;

  console.log('Starting the local PDS…');
  const pds = await startPdsProcess(undefined, { pds: PORTS.pds, plc: PORTS.plc });
  const site = await startDemoSite(PORTS.site);

  const headed = Boolean(process.env.DISPLAY || process.env.WAYLAND_DISPLAY);
  if (!headed) process.env.HEADED = '0';
  else process.env.HEADED = '1';
  const profile = await mkdtemp(path.join(os.tmpdir(), 'at-keyring-demo-'));
  const browser = await launchWithExtension(extensionPath, profile);
  const popup = await browser.openPopup();
  await configureNetwork(popup, pds.info);
  const sitePage = await browser.context.newPage();
  await sitePage.goto(site.url);

  const { alice, bob } = pds.info.accounts;
  console.log(`
AT Keyring demo is running.
  PDS:            ${pds.info.pdsUrl}
  Demo site:      ${site.url}
  Extension:      ${extensionPath} (id ${browser.extensionId})
  Popup:          chrome-extension://${browser.extensionId}/popup.html
  Accounts:       ${alice.handle} / ${alice.password}    ${bob.handle} / ${bob.password}
${
  headed
    ? 'Chromium is open: sign in from the AT Keyring popup tab, then use the demo site.'
    : `No display found: Chromium runs headless. To try it by hand, load ${extensionPath} as an unpacked
extension in Chrome, set its Network settings to handle resolver ${pds.info.pdsUrl}, PLC ${pds.info.plcUrl},
"Allow plain http" on, and open ${site.url}. From your own machine:
  ssh -L ${PORTS.pds}:127.0.0.1:${PORTS.pds} -L ${PORTS.plc}:127.0.0.1:${PORTS.plc} -L ${PORTS.site}:127.0.0.1:${PORTS.site} <this box>
then the same addresses work in your browser.`
}
Press Ctrl-C to stop.`);

  const stop = async () => {
    await browser.close().catch(() => {});
    await site.close();
    await pds.stop();
    await rm(profile, { recursive: true, force: true });
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

void main().catch((err) => {
  console.error(err);
  process.exit(1);
});
