/**
 * The scope the extension asks of the PDS for each account. Sites never get
 * more than the narrower grant the user gives them (see src/permissions).
 * A module of its own so that scripts read it without loading the OAuth client.
 */
export const SESSION_SCOPE = 'atproto transition:generic';
