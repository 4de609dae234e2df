import { render } from 'preact';
import { App } from '@/src/ui/popup/App';
import '@/src/ui/popup/popup.css';
import { markPageLanguage } from '@/src/ui/page-language';

markPageLanguage();
render(<App />, document.getElementById('app')!);
