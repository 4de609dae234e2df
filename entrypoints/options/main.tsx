import { render } from 'preact';
import { OptionsApp } from '@/src/ui/options/OptionsApp';
import '@/src/ui/popup/popup.css';
import '@/src/ui/activity/activity.css';
import { markPageLanguage } from '@/src/ui/page-language';

markPageLanguage();
render(<OptionsApp />, document.getElementById('app')!);
