import { render } from 'preact';
import { ConsentApp } from '@/src/ui/consent/ConsentApp';
import '@/src/ui/popup/popup.css';
import '@/src/ui/consent/consent.css';
import { markPageLanguage } from '@/src/ui/page-language';

const promptId = new URLSearchParams(location.search).get('prompt') ?? '';
markPageLanguage();
render(<ConsentApp promptId={promptId} />, document.getElementById('app')!);
