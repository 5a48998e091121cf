export { DecisionClient } from './decision-client.js';
export { EventClient, type EventClientOptions } from './event-client.js';
export { DialwiseApiError } from './errors.js';
export type { CallOptions, ClientOptions } from './transport.js';
