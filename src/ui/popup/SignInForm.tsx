import { useState } from 'preact/hooks';

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
      <label for="login-input">Add an account</label>
      <div class="row">
        <input
          id="login-input"
          data-testid="login-input"
          placeholder="handle, DID or server URL"
          autocomplete="username"
          value={input}
          onInput={(e) => setInput((e.target as HTMLInputElement).value)}
        />
        <button type="submit" disabled={busy || !input.trim()} data-testid="login-submit">
          Sign in
        </button>
      </div>
    </form>
  );
}
