import { beforeAll } from 'vitest';
import { useEnglishMessages } from './messages.fixture';

// Every unit test reads the catalogue as the built extension does, in English: code that words things
// (scopes, notifications, the activity log) runs in the background too, not only in pages.
beforeAll(useEnglishMessages);
