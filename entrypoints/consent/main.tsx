import { render } from 'preact';
import { ConsentApp } from '@/src/ui/consent/ConsentApp';
import '@/src/ui/popup/popup.css';

const promptId = new URLSearchParams(location.search).get('prompt') ?? '';
render(<ConsentApp promptId={promptId} />, document.getElementById('app')!);
