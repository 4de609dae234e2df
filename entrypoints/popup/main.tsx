import { render } from 'preact';
import { App } from '@/src/ui/popup/App';
import '@/src/ui/popup/popup.css';

render(<App />, document.getElementById('app')!);
