/**
 * A construct's path as written into resource properties (descriptions), without the `Default` ids that CDK leaves
 * out of logical ids and generated names: a construct moved under a `Default` child keeps every resource property.
 */
import type { IConstruct } from 'constructs';

/** CDK's hidden id (`Default`), which logical ids and unique names skip. */
const HIDDEN_ID = 'Default';

/** `construct`'s path from its app, skipping `Default` ids. */
export function resourcePath(construct: IConstruct): string {
  return construct.node.scopes
    .map((scope) => scope.node.id)
    .filter((id) => id !== '' && id !== HIDDEN_ID)
    .join('/');
}
