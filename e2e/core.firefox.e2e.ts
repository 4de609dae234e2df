import { inject } from 'vitest';
import { coreScenario } from './scenarios/core';
import { launchFirefoxDriver } from './support/driver';

coreScenario((profileDir) => launchFirefoxDriver(inject('firefoxExtensionPath'), profileDir), 'Firefox');
