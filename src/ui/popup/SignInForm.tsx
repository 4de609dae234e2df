import { useState } from 'preact/hooks';
import { i18n } from '#i18n';

export interface SignInFormProps {
  busy: boolean;
  initial?: string;
  onSubmit(input: string): void;
}

export function SignInForm({ busy, initial = '', onSubmit }: SignInFormProps) {
  const [input, setInput] = useState(initial);
  return (
    <form
      class="sign-in"
      onSubmit={(e) => {
        e.preventDefault();
        onSubmit(input);
      }}
    >
      <label for="login-input">{i18n.t('popup.signIn.label')}</label>
      <div class="row">
        <input
          id="login-input"
          data-testid="login-input"
          placeholder={i18n.t('popup.signIn.placeholder')}
          autocomplete="username"
          value={input}
          onInput={(e) => setInput((e.target as HTMLInputElement).value)}
        />
        <button type="submit" disabled={busy || !input.trim()} data-testid="login-submit">
          {i18n.t('popup.signIn.button')}
        </button>
      </div>
    </form>
  );
}
