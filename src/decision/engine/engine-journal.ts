/**
 * What the decision engine writes down as its state changes, so that a
 * restarted process continues exactly where the last one stopped: each
 * live call's session (state, slots, memory, script version, counters,
 * handoff) after every change, with the events that change produced; a
 * call's end with what it taught (the experiments' cells it rewarded, the
 * skill outcome), in one record so that a crash cannot keep one without
 * the other; agents' availability; script versions rolled out; and which
 * of the engine's events have reached the pipeline. Every record sets
 * state rather than adding to it, so folding is plain replacement.
 */
import type { DialwiseEvent } from '../../core/events/index.js';
import type { Journal } from '../../core/journal.js';
import type { Arm, ExperimentState, ScriptLibrary } from '../scripts/index.js';
import type { Agent, SkillModel } from '../transfer/index.js';
import type { Session } from './call-session.js';
import type { DecisionRecord, DialingViolation } from './engine-contract.js';

/** cells[node][segment]: the arms as they are after the change. */
export type CellArms = Record<string, Record<string, Arm[]>>;
export type SkillOutcomes = SkillModel['outcomes'];
export interface AgentState {
  id: string;
  available: boolean;
  lastAssignedAt?: number | undefined;
}

/** What is journaled of an agent: what changes while the process runs. */
export const agentState = (a: Agent): AgentState => ({
  id: a.id,
  available: a.available,
  lastAssignedAt: a.lastAssignedAt,
});

export type EngineRecord =
  /** A call's session as it is now, and the events this change emitted (not sent yet). */
  | { k: 'session'; s: Session; events?: DialwiseEvent[] }
  /** Calls ended or dropped; an ended call's rewards and skill outcome with it. */
  | { k: 'end'; callIds: string[]; cells?: CellArms; outcomes?: SkillOutcomes }
  | { k: 'agents'; agents: AgentState[] }
  /** A script version loaded; the last one recorded is current. */
  | { k: 'scripts'; library: ScriptLibrary }
  /** All the events emitted and not yet in the pipeline, replacing what came before (a snapshot's last record). */
  | { k: 'unsent'; events: DialwiseEvent[] }
  /** Events the pipeline (or the bus) has taken. */
  | { k: 'sent'; ids: string[] }
  /** Rows of the decision log or the dialing violations, to be stored. */
  | { k: 'rows'; rows: DecisionRecord[] | DialingViolation[]; table: RowTable }
  /** Rows stored, by key. */
  | { k: 'written'; table: RowTable; ids: string[] };

export type RowTable = 'decisions' | 'dialing_violations';
/** A row's key in its table. */
const rowKey = (table: RowTable, row: DecisionRecord | DialingViolation): string =>
  table === 'decisions' ? (row as DecisionRecord).decision_id : (row as DialingViolation).id;

export interface EngineState {
  sessions: Map<string, Session>;
  cells: CellArms;
  outcomes: SkillOutcomes;
  agents: Map<string, AgentState>;
  /** The script versions loaded, the current one last. */
  libraries: ScriptLibrary[];
  /** Emitted, not yet sent, by event id. */
  unsent: Map<string, DialwiseEvent>;
  /** Rows not yet stored, by table and key. */
  unwritten: Unwritten;
}

export interface Unwritten {
  decisions: Map<string, DecisionRecord>;
  dialing_violations: Map<string, DialingViolation>;
}

export const emptyEngineState = (): EngineState => ({
  sessions: new Map(),
  cells: {},
  outcomes: {},
  agents: new Map(),
  libraries: [],
  unsent: new Map(),
  unwritten: { decisions: new Map(), dialing_violations: new Map() },
});

/** What is on its way to the pipeline and the store: events not sent, rows not written. */
type Pending = Pick<EngineState, 'unsent' | 'unwritten'>;

/** Keeps what a record hands on until it is sent or written (in place). */
function foldPending(p: Pending, r: EngineRecord): void {
  if (r.k === 'session') for (const e of r.events ?? []) p.unsent.set(e.event_id, e);
  else if (r.k === 'unsent') p.unsent = new Map(r.events.map((e) => [e.event_id, e]));
  else if (r.k === 'sent') for (const id of r.ids) p.unsent.delete(id);
  else if (r.k === 'rows') {
    const into = p.unwritten[r.table] as Map<string, DecisionRecord | DialingViolation>;
    for (const row of r.rows) into.set(rowKey(r.table, row), row);
  } else if (r.k === 'written') for (const id of r.ids) p.unwritten[r.table].delete(id);
}

/** The arms of the experiment's cells of `nodes` (every node when absent), as a record holds them. */
export function cellArms(exp: ExperimentState, nodes = Object.keys(exp.cells)): CellArms {
  const out: CellArms = {};
  for (const node of nodes)
    for (const [segment, cell] of Object.entries(exp.cells[node] ?? {}))
      (out[node] ??= {})[segment] = cell.arms;
  return out;
}

function mergeCells(into: CellArms, cells: CellArms): void {
  for (const [node, bySegment] of Object.entries(cells))
    Object.assign((into[node] ??= {}), bySegment);
}

function mergeOutcomes(into: SkillOutcomes, outcomes: SkillOutcomes): void {
  for (const [worker, lines] of Object.entries(outcomes))
    into[worker] = { ...into[worker], ...lines };
}

/** Applies one record to the state (in place). */
export function foldRecord(state: EngineState, r: EngineRecord): EngineState {
  switch (r.k) {
    case 'session':
      state.sessions.set(r.s.callId, r.s);
      foldPending(state, r);
      break;
    case 'end':
      for (const id of r.callIds) state.sessions.delete(id);
      if (r.cells) mergeCells(state.cells, r.cells);
      if (r.outcomes) mergeOutcomes(state.outcomes, r.outcomes);
      break;
    case 'agents':
      for (const a of r.agents) state.agents.set(a.id, a);
      break;
    case 'scripts':
      // The last one recorded is the current one.
      state.libraries = state.libraries.filter((l) => l.version !== r.library.version);
      state.libraries.push(r.library);
      break;
    default:
      foldPending(state, r);
  }
  return state;
}

/** Past this many bytes of log the journal is compacted to the state as it is. */
const COMPACT_AT_BYTES = 64 * 1024 * 1024;

/**
 * The engine's side of a journal: appends each record, keeps the events not
 * yet sent (they survive compactions until sent), and compacts once the log
 * has grown past COMPACT_AT_BYTES.
 */
export class EngineJournal {
  /** The engine's state for a compaction; set once the engine exists. */
  state: (() => Omit<EngineState, keyof Pending>) | undefined;

  constructor(
    private readonly journal: Journal<EngineRecord>,
    /** What the resumed state had pending, kept up to date from here. */
    private readonly pending: Pending,
    private readonly compactAtBytes = COMPACT_AT_BYTES,
  ) {}

  readonly write = (r: EngineRecord): void => {
    foldPending(this.pending, r);
    this.journal.append(r);
    if (this.journal.bytes > this.compactAtBytes) this.compact();
  };

  /** An erased customer's events not sent yet go; the compaction leaves nothing of theirs on disk. */
  async forget(customerId: string): Promise<void> {
    const { unsent, unwritten } = this.pending;
    for (const [id, e] of unsent) if (e.customer_id === customerId) unsent.delete(id);
    for (const rows of Object.values(unwritten) as Map<string, { customer_id: string }>[])
      for (const [id, row] of rows) if (row.customer_id === customerId) rows.delete(id);
    // A snapshot still being flushed may hold them: it goes once it is renamed.
    await this.journal.flushed();
    this.compact(true);
  }

  /**
   * Writes the state as it is now: scripts, agents, the experiments and
   * skills, each live call, then the events not sent. Everything but the
   * calls is taken at once; each call is read as it is when its turn to be
   * written comes (its later changes are in the new log as well).
   */
  compact(sync = false): void {
    const engine = this.state;
    if (!engine) return;
    const { unsent, unwritten } = this.pending;
    this.journal.compact(function* (): Generator<EngineRecord> {
      const state = engine();
      // The arms change in place: they go first, in the chunk written at once.
      const small: EngineRecord[] = [
        { k: 'end', callIds: [], cells: state.cells, outcomes: state.outcomes },
        { k: 'agents', agents: [...state.agents.values()] },
        ...state.libraries.map((library): EngineRecord => ({ k: 'scripts', library })),
      ];
      const last: EngineRecord[] = [
        { k: 'unsent', events: [...unsent.values()] },
        { k: 'rows', table: 'decisions', rows: [...unwritten.decisions.values()] },
        {
          k: 'rows',
          table: 'dialing_violations',
          rows: [...unwritten.dialing_violations.values()],
        },
      ];
      yield* small;
      for (const id of [...state.sessions.keys()]) {
        const s = state.sessions.get(id);
        if (s) yield { k: 'session', s };
      }
      yield* last;
    }, sync);
  }

  /** Resolves once the last compaction is on disk. */
  flushed(): Promise<void> {
    return this.journal.flushed();
  }

  async close(): Promise<void> {
    await this.journal.flushed();
    this.compact(true);
    this.journal.close();
  }
}
