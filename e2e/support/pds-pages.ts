/**
 * How tests find their way through the PDS's own sign-in and consent pages.
 * By input type and button role/name, never by placeholder or layout: the
 * pages differ between PDS versions (0.4.x says "Password", 0.5.x "Enter
 * your password") and keep changing upstream.
 */
export const PDS_PASSWORD_INPUT = 'input[type=password]';
export const PDS_BUTTONS = { signIn: 'Sign in', authorize: 'Authorize', deny: 'Deny access' } as const;
