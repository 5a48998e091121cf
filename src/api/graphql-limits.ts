import type { ASTVisitor, SelectionSetNode, ValidationContext } from 'graphql';
// Yoga's own error factory: a GraphQLError from another copy of graphql (ESM vs CJS)
// would fail its instanceof check and be masked.
import { createGraphQLError, type Plugin } from 'graphql-yoga';

/** Most fields a query may ask for, fragments expanded and aliases counted. */
export const MAX_QUERY_FIELDS = 400;
/** Deepest nesting of selections (the schema's own deepest path is 4). */
export const MAX_QUERY_DEPTH = 6;

/**
 * The size and depth of a query, measured before it runs. Aliases are what
 * make a query expensive (`a1: kpis … a500: kpis`), and they are counted
 * here; fragments are expanded (a fragment spread twice counts twice, a
 * cycle is not followed). Introspection fields (`__typename`, `__schema`)
 * are not counted.
 */
function queryCost(context: ValidationContext): ASTVisitor {
  const measure = (
    set: SelectionSetNode,
    seen: ReadonlySet<string>,
  ): { fields: number; depth: number } => {
    let fields = 0;
    let depth = 0;
    const add = (m: { fields: number; depth: number }, own: number) => {
      fields += m.fields + own;
      depth = Math.max(depth, m.depth + own);
    };
    for (const sel of set.selections) {
      if (sel.kind === 'Field') {
        if (sel.name.value.startsWith('__')) continue;
        add(sel.selectionSet ? measure(sel.selectionSet, seen) : { fields: 0, depth: 0 }, 1);
      } else if (sel.kind === 'InlineFragment') add(measure(sel.selectionSet, seen), 0);
      else if (!seen.has(sel.name.value)) {
        const fragment = context.getFragment(sel.name.value);
        if (fragment) add(measure(fragment.selectionSet, new Set([...seen, sel.name.value])), 0);
      }
    }
    return { fields, depth };
  };
  return {
    OperationDefinition(node) {
      const { fields, depth } = measure(node.selectionSet, new Set());
      if (fields > MAX_QUERY_FIELDS)
        context.reportError(
          createGraphQLError(`query asks for ${fields} fields; at most ${MAX_QUERY_FIELDS}`),
        );
      if (depth > MAX_QUERY_DEPTH)
        context.reportError(
          createGraphQLError(`query nests ${depth} levels deep; at most ${MAX_QUERY_DEPTH}`),
        );
    },
  };
}

export const limits: Plugin = {
  onValidate({ addValidationRule }) {
    addValidationRule(queryCost);
  },
};
