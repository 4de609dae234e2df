/**
 * The site-facing provider contract, as the extension sees it. The module
 * itself lives in the SDK's tree (sdk/src/contract.ts), so that the published
 * `@atkeyring/sdk` contains it and the two sides cannot drift apart.
 */
export * from '../../sdk/src/contract';
