/**
 * The library entry (`import … from 'dialwise'`): typed clients for the
 * decision API and event ingestion, the API's request and response shapes,
 * and the versioned event schemas. No server code: the platform itself runs
 * from the `dialwise` command.
 */
export * from './client/index.js';
export {
  agentStatusRequest,
  attemptRequest,
  customerUpdateRequest,
  MAX_EVENTS_PER_REQUEST,
  nextRequest,
  pickupRequest,
  turnRequest,
  type AgentStatusRequest,
  type AttemptRequest,
  type BotLineResponse,
  type CustomerUpdateRequest,
  type CustomerUpdateResponse,
  type DialogContext,
  type ErrorBody,
  type EventsResponse,
  type Handoff,
  type NextResponse,
  type PickupRequest,
  type SkipReason,
  type Slots,
  type TurnLine,
  type TurnRequest,
  type TurnResponse,
} from './api/rest/schemas.js';
export {
  CURRENT_SCHEMA_VERSION,
  EVENT_TYPES,
  eventSchema,
  LIMITS,
  OUTCOMES,
  parseEvent,
  type DialwiseEvent,
  type EventOf,
  type EventType,
  type Outcome,
  type ParseResult,
} from './core/events/index.js';
