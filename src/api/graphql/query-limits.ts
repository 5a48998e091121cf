import { costLimitRule } from '@escape.tech/graphql-armor-cost-limit';
import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import { blockFieldSuggestionsPlugin } from '@escape.tech/graphql-armor-block-field-suggestions';
import {
  BREAK,
  parse,
  visit,
  type DocumentNode,
  type GraphQLError,
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
      ignoreIntrospection: false,
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
];

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
 * introspection counted), depth and aliases — fragments measured once
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
