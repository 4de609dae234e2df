import { render } from 'preact';
import { ActivityApp } from '@/src/ui/activity/ActivityApp';
import '@/src/ui/popup/popup.css';
import '@/src/ui/consent/consent.css';
import '@/src/ui/activity/activity.css';
import { markPageLanguage } from '@/src/ui/page-language';

const query = new URLSearchParams(location.search);
markPageLanguage();
render(
  <ActivityApp origin={query.get('origin') ?? undefined} did={query.get('did') ?? undefined} />,
  document.getElementById('app')!,
);
