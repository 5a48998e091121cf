import type {
  AgentStatusRequest,
  AttemptRequest,
  BotLineResponse,
  DialogContext,
  NextResponse,
  PickupRequest,
  TurnRequest,
  TurnResponse,
} from '../api/rest/schemas.js';
import { createTransport, type CallOptions, type ClientOptions, type Send } from './transport.js';

/**
 * The decision API as the voice bot and the dialer call it: the next move in
 * a call, whom to dial next, what became of a dial, a transfer's pickup.
 */
export class DecisionClient {
  private readonly send: Send;

  constructor(options: ClientOptions) {
    this.send = createTransport(options);
  }

  /** POST /dialog/turn: what the customer said → the bot's next move (say, transfer or end). */
  async turn(req: TurnRequest, opts?: CallOptions): Promise<TurnResponse> {
    return (await this.send('POST', '/dialog/turn', req, opts)) as TurnResponse;
  }

  /** GET /dialog/context: a call in progress (state, slots, last turns, handoff); audited. */
  async context(callId: string, opts?: CallOptions): Promise<DialogContext> {
    const path = `/dialog/context?${new URLSearchParams({ call_id: callId })}`;
    return (await this.send('GET', path, undefined, opts)) as DialogContext;
  }

  /** POST /dialer/next: whom to call now, best first, and the pacing ratio. */
  async next(limit?: number, opts?: CallOptions & { campaignId?: string }): Promise<NextResponse> {
    const body = {
      ...(limit !== undefined && { limit }),
      ...(opts?.campaignId !== undefined && { campaign_id: opts.campaignId }),
    };
    return (await this.send('POST', '/dialer/next', body, opts)) as NextResponse;
  }

  /** POST /dialer/attempt: a dial's outcome, for pacing. */
  async attempt(req: AttemptRequest, opts?: CallOptions): Promise<void> {
    await this.send('POST', '/dialer/attempt', req, opts);
  }

  /** POST /dialog/pickup: the agent took a transferred call (stops the no-pickup fallback). */
  async pickup(req: PickupRequest, opts?: CallOptions): Promise<void> {
    await this.send('POST', '/dialog/pickup', req, opts);
  }

  /** POST /agents/status: an agent can (or cannot) take transfers now. */
  async agentStatus(req: AgentStatusRequest, opts?: CallOptions): Promise<void> {
    await this.send('POST', '/agents/status', req, opts);
  }

  /** POST /compliance/bot-line: may the bot say this line (no promises or absolute wording)? */
  async checkBotLine(text: string, opts?: CallOptions): Promise<BotLineResponse> {
    return (await this.send('POST', '/compliance/bot-line', { text }, opts)) as BotLineResponse;
  }
}
