// The one way the error messages (and the README) say to make a secret or a key: 32 random
// bytes as base64url, printable in any shell with the runtime the app already has.

/** A shell command printing 32 random bytes as base64url (43 characters). */
export const MAKE_SECRET_COMMAND = `node -e "console.log(require('crypto').randomBytes(32).toString('base64url'))"`;
