import { inject } from 'vitest';
import { coreScenario } from './scenarios/core';
import { launchChromiumDriver } from './support/driver';

coreScenario((profileDir) => launchChromiumDriver(inject('chromeExtensionPath'), profileDir), 'Chromium');
