import { MODEL_NAMES } from '../../training/index.js';
import { ANALYSTS, issueApiKey, listApiKeys, withdrawApiKey, type Role } from '../auth.js';
import { guarded, orNull, type GqlContext, type ResolverDeps } from './context.js';
import { fields } from './views.js';

interface KeyArgs {
  name: string;
  role: Role;
  expiresAt?: string;
  expiresInDays?: number;
  campaigns?: string[];
}

/** Who is asking, API keys (admin only) and the model registry's versions. */
export function adminResolvers(deps: ResolverDeps) {
  const { store, clock } = deps;
  return {
    Query: {
      me: (_: unknown, __: unknown, ctx: GqlContext) => ({
        ...ctx.principal,
        campaigns: ctx.principal.campaigns ?? null,
      }),
      apiKeys: guarded(['admin'], () => listApiKeys(store)),
      models: guarded(ANALYSTS, () => modelVersions(deps)),
    },
    Mutation: {
      createApiKey: guarded(['admin'], (a: KeyArgs, ctx) =>
        issueApiKey(store, ctx.principal, a, clock),
      ),
      revokeApiKey: guarded(['admin'], (a: { name: string }, ctx) =>
        orNull(withdrawApiKey(store, ctx.principal, a.name)),
      ),
    },
  };
}

/** Every version of every model, newest first, with its aliases and whether this process serves it. */
async function modelVersions({ models }: ResolverDeps) {
  const served = models.served();
  const perModel = await Promise.all(
    MODEL_NAMES.map(async (name) => {
      const [versions, aliases] = await Promise.all([
        models.registry.versions(name),
        models.registry.aliases(name),
      ]);
      return versions.map((v) => ({
        model: name,
        version: v.version,
        created: v.created,
        aliases: Object.entries(aliases)
          .filter(([, n]) => n === v.version)
          .map(([alias]) => alias),
        served: served[name] === `v${v.version}`,
        parent: v.parent,
        dataSha256: v.dataSha256,
        metrics: fields(v.metrics),
        mlflowRunUrl: v.mlflow?.runUrl ?? null,
      }));
    }),
  );
  return perModel.flat().sort((a, b) => b.created.localeCompare(a.created));
}
