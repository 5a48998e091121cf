// What every view gets from the shell, and what it gives back.
import type { ApolloClient } from '@apollo/client';
import type { Filters } from './range-filters.js';
import type { LiveState } from './live-subscription.js';
import type { Route } from './hash-router.js';
import type { Principal } from '../queries/app-queries.js';

export interface ViewContext {
  client: ApolloClient;
  principal: Principal;
  filters: Filters;
  /** The topbar's live badge; 'polling' when subscriptions are unavailable. */
  setLive(state: LiveState | 'polling' | 'none', detail?: string): void;
  /** Leave the dashboard; `message` is shown on the login form. */
  signOut(message?: string): void;
}

export interface View {
  destroy(): void;
  /** A new route within the same view; without it the view is mounted anew. */
  update?(route: Route): void;
}

export type MountView = (root: HTMLElement, ctx: ViewContext, route: Route) => View;

/** Roles that may review calls, transcripts and consent. */
export const canReview = (role: string): boolean => role === 'compliance' || role === 'admin';
