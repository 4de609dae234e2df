import { inject } from 'vitest';
import { siteAccessScenario } from './scenarios/site-access';
import { launchFirefoxDriver } from './support/driver';

// Firefox asks before granting host access (a doorhanger nobody answers in a headless run); this pref
// grants what permissions.request asks for inside a click, as the user's "Allow" would.
const prefs = { 'extensions.webextOptionalPermissionPrompts': false };

siteAccessScenario((profileDir) => launchFirefoxDriver(inject('firefoxExtensionPath'), profileDir, { prefs }), {
  name: 'Firefox',
  otherHost: 'localhost',
  withdrawsAllSites: true,
});
