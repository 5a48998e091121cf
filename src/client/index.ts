export { DecisionClient } from './decision-client.js';
export { EventClient, type EventClientOptions } from './event-client.js';
export { DialwiseApiError } from './api-error.js';
export type { CallOptions, ClientOptions } from './transport.js';
