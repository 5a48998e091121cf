import { costLimitRule } from '@escape.tech/graphql-armor-cost-limit';
import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import { blockFieldSuggestionsPlugin } from '@escape.tech/graphql-armor-block-field-suggestions';
import {
  BREAK,
  Kind,
  parse,
  visit,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLError,
  type SelectionSetNode,
  type ValidationContext,
  type ValidationRule,
} from 'graphql';
// Yoga's own error factory: a GraphQLError from another copy of graphql (ESM vs CJS)
// would fail its instanceof check and be masked.
import { createGraphQLError, type Plugin } from 'graphql-yoga';
import type { Role } from '../auth.js';
import type { ApiLimits } from '../limits.js';

/** Roles that may introspect the schema (`__schema`, `__type`); `__typename` is free for all. */
const INTROSPECTORS: readonly Role[] = ['admin', 'data_scientist'];

/**
 * graphql-armor's rules report by throwing their own copy of GraphQLError:
 * take the message and report it through yoga's, so it reaches the client
 * as a 400 with its reason.
 */
const reportTo = (context: ValidationContext) => [
  (_: unknown, err: GraphQLError) =>
    context.reportError(createGraphQLError(err.message.replace(/^Syntax Error: /, ''))),
];

const armor = (limits: ApiLimits): ValidationRule[] => [
  (context) =>
    costLimitRule({
      maxCost: limits.graphqlMaxCost,
      // Introspection has its own bound (introspectionShape): the standard query every
      // client tool sends costs ~87,000 by this measure, its ofType chains nesting deep.
      ignoreIntrospection: true,
      propagateOnRejection: false,
      onReject: reportTo(context),
    })(context),
  (context) =>
    maxDepthRule({
      n: limits.graphqlMaxDepth,
      // The standard introspection query nests 13 deep; its cost still counts.
      ignoreIntrospection: true,
      propagateOnRejection: false,
      onReject: reportTo(context),
    })(context),
  (context) =>
    maxAliasesRule({
      n: limits.graphqlMaxAliases,
      propagateOnRejection: false,
      onReject: reportTo(context),
    })(context),
  introspectionShape,
];

/** Introspection fields that answer a list: each such level multiplies the answer. */
const INTROSPECTION_LISTS = new Set([
  'types',
  'fields',
  'inputFields',
  'args',
  'enumValues',
  'interfaces',
  'possibleTypes',
  'directives',
]);
/** The standard query's deepest list path: types → fields → args. */
const MAX_INTROSPECTION_LISTS = 3;
/** Its ofType chains nest ~15 deep; they are linear, not a product. */
const MAX_INTROSPECTION_DEPTH = 24;

/**
 * The bound on a `__schema` or `__type` selection: at most three list levels
 * on any path and a depth of 24. Every client tool's standard introspection
 * query fits; `type { fields { type { fields … } } }`, whose answer grows as
 * the product of its levels, does not. Each fragment is measured once (a
 * fragment spread 2^22 times costs no more than one).
 */
export function introspectionShape(context: ValidationContext) {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of context.getDocument().definitions)
    if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
  type Reach = { lists: number; depth: number };
  const none: Reach = { lists: 0, depth: 0 };
  const measured = new Map<string, Reach>();
  const measuring = new Set<string>();
  // The most list levels and the greatest depth below `set`, counted inside introspection only.
  const measure = (set: SelectionSetNode, intro: boolean): Reach => {
    let most = none;
    for (const sel of set.selections) {
      let r = none;
      if (sel.kind === Kind.FRAGMENT_SPREAD) {
        const key = `${sel.name.value}:${intro}`;
        const f = fragments.get(sel.name.value);
        // An unknown or cyclic spread is refused by graphql's own rules.
        if (f && !measuring.has(key)) {
          if (!measured.has(key)) {
            measuring.add(key);
            measured.set(key, measure(f.selectionSet, intro));
            measuring.delete(key);
          }
          r = measured.get(key)!;
        }
      } else if (sel.kind === Kind.INLINE_FRAGMENT) r = measure(sel.selectionSet, intro);
      else {
        const name = sel.name.value;
        const inside = intro || name === '__schema' || name === '__type';
        const below = sel.selectionSet ? measure(sel.selectionSet, inside) : none;
        r = inside
          ? { lists: below.lists + (INTROSPECTION_LISTS.has(name) ? 1 : 0), depth: below.depth + 1 }
          : below;
      }
      most = { lists: Math.max(most.lists, r.lists), depth: Math.max(most.depth, r.depth) };
    }
    return most;
  };
  return {
    OperationDefinition(op: { selectionSet: SelectionSetNode }) {
      const r = measure(op.selectionSet, false);
      if (r.lists > MAX_INTROSPECTION_LISTS || r.depth > MAX_INTROSPECTION_DEPTH)
        context.reportError(
          createGraphQLError(
            `introspection nests ${r.lists} lists (at most ${MAX_INTROSPECTION_LISTS}) and ${r.depth} levels (at most ${MAX_INTROSPECTION_DEPTH})`,
          ),
        );
      return false;
    },
  };
}

/** Whether a document asks for the schema itself (`__typename` does not count). */
function introspects(document: DocumentNode): boolean {
  let found = false;
  visit(document, {
    Field(node) {
      if (node.name.value === '__schema' || node.name.value === '__type') {
        found = true;
        return BREAK;
      }
      return undefined;
    },
  });
  return found;
}

/**
 * Limits every document before it runs, in time linear in its size: tokens
 * while parsing, then cost (objects 2, scalars 1, ×1.5 per level,
 * introspection bounded by its shape), depth and aliases — fragments measured once
 * however often they are spread — and who may introspect.
 */
export function limitsPlugin(limits: ApiLimits): Plugin {
  return {
    onPluginInit({ addPlugin }) {
      addPlugin(blockFieldSuggestionsPlugin());
    },
    onParse({ setParseFn }) {
      setParseFn((source, options) => {
        try {
          return parse(source, { ...options, maxTokens: limits.graphqlMaxTokens });
        } catch (err) {
          // Re-raised as yoga's own error so the client reads why (see reportTo).
          throw createGraphQLError((err as Error).message);
        }
      });
    },
    onValidate({ addValidationRule }) {
      for (const rule of armor(limits)) addValidationRule(rule);
    },
    // Checked per request, not as a validation rule: yoga caches validation
    // by document, and who may introspect depends on the caller.
    onExecute({ args, setResultAndStopExecution }) {
      const role = (args.contextValue as { principal?: { role: Role } }).principal?.role;
      if (!INTROSPECTORS.includes(role!) && introspects(args.document))
        setResultAndStopExecution({
          errors: [
            createGraphQLError(`introspection is for the roles ${INTROSPECTORS.join(', ')}`, {
              extensions: { code: 'FORBIDDEN' },
            }),
          ],
        });
    },
  };
}
