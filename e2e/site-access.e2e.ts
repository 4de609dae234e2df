import { inject } from 'vitest';
import { siteAccessScenario } from './scenarios/site-access';
import { launchChromiumDriver } from './support/driver';

siteAccessScenario((profileDir) => launchChromiumDriver(inject('chromeExtensionPath'), profileDir), {
  name: 'Chromium',
  otherHost: '127.0.0.1',
  withdrawsAllSites: false,
});
