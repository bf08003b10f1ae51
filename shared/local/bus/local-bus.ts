import { randomUUID } from 'node:crypto';
import type { Clock } from '../../domain/clock.ts';
import type { BusRule } from '../../domain/routing/bus-rules.ts';
import {
  applyInputTransformer,
  type InputTransformer,
  type ParsedEvent,
  PatternIndex,
  validateEventEnvelope,
} from '../../event-patterns/index.ts';
import { toInputTransformer } from './rule-input.ts';

/** A PutEvents request entry, as the EventBridge API takes it. */
export interface PutEventsEntry {
  readonly Source?: string;
  readonly DetailType?: string;
  readonly Detail?: string;
  readonly Time?: Date | string | number;
  readonly Resources?: readonly string[];
  readonly EventBusName?: string;
  readonly TraceHeader?: string;
}

export type PutEventsResultEntry =
  | { readonly EventId: string }
  | { readonly ErrorCode: string; readonly ErrorMessage: string };

/** Where a rule's matched events go, and what happens to those the target keeps failing on. */
export interface RuleTargetBinding {
  readonly rule: BusRule;
  deliver(input: unknown): Promise<void>;
}

export interface LocalBusOptions {
  readonly busName: string;
  readonly clock: Clock;
  readonly account?: string;
  readonly region?: string;
  /** Retries after a failed delivery, as EventBridge retries an asynchronous Lambda target. */
  readonly retries?: number;
  /** Called with an event its target could not take after every retry. */
  readonly onUndeliverable: (rule: BusRule, event: unknown, error: unknown) => Promise<void>;
}

/** EventBridge's limit on one event. */
const MAX_ENTRY_BYTES = 256 * 1024;

const fail = (ErrorCode: string, ErrorMessage: string): PutEventsResultEntry => ({ ErrorCode, ErrorMessage });

/**
 * Herald's local EventBridge bus: validates PutEvents entries as EventBridge does, matches each
 * event against every rule's pattern (the AWS pattern language), applies each rule's input
 * transformer and hands the result to its target. Deliveries run in the background like
 * EventBridge's; `idle()` tells when none is in flight.
 */
export class LocalEventBus {
  readonly #options: LocalBusOptions;
  readonly #index = new PatternIndex();
  readonly #targets = new Map<string, { binding: RuleTargetBinding; transformer?: InputTransformer }>();
  readonly #inFlight = new Set<Promise<void>>();
  published = 0;

  constructor(bindings: readonly RuleTargetBinding[], options: LocalBusOptions) {
    this.#options = options;
    for (const binding of bindings) {
      // Compiling here means an invalid pattern fails when the catalog loads, not at the first event.
      this.#index.add(binding.rule.name, JSON.stringify(binding.rule.pattern));
      this.#targets.set(binding.rule.name, {
        binding,
        ...(binding.rule.input ? { transformer: toInputTransformer(binding.rule.input) } : {}),
      });
    }
  }

  /** Accepts up to ten entries and answers per entry, as PutEvents does. */
  putEvents(entries: readonly PutEventsEntry[]): {
    FailedEntryCount: number;
    Entries: PutEventsResultEntry[];
  } {
    const results = entries.map((entry) => this.#accept(entry));
    return { FailedEntryCount: results.filter((r) => 'ErrorCode' in r).length, Entries: results };
  }

  /** Resolves once no delivery is in flight. */
  async idle(): Promise<void> {
    while (this.#inFlight.size > 0) await Promise.allSettled([...this.#inFlight]);
  }

  get busy(): boolean {
    return this.#inFlight.size > 0;
  }

  #accept(entry: PutEventsEntry): PutEventsResultEntry {
    if (
      entry.EventBusName &&
      !entry.EventBusName.endsWith(this.#options.busName) &&
      entry.EventBusName !== 'default'
    ) {
      return fail('NotFoundException', `Event bus ${entry.EventBusName} does not exist.`);
    }
    if (!entry.Source)
      return fail('InvalidArgument', 'Parameter Source is not valid. Reason: Source is a required argument.');
    if (!entry.DetailType) {
      return fail(
        'InvalidArgument',
        'Parameter DetailType is not valid. Reason: DetailType is a required argument.',
      );
    }
    if (entry.Detail === undefined)
      return fail('InvalidArgument', 'Parameter Detail is not valid. Reason: Detail is a required argument.');
    let detail: unknown;
    try {
      detail = JSON.parse(entry.Detail);
    } catch {
      return fail('MalformedDetail', 'Detail is malformed.');
    }
    if (detail === null || typeof detail !== 'object' || Array.isArray(detail))
      return fail('MalformedDetail', 'Detail is malformed.');
    const id = randomUUID();
    const time = entry.Time === undefined ? this.#options.clock.now() : new Date(entry.Time);
    if (Number.isNaN(time.getTime())) return fail('InvalidArgument', 'Parameter Time is not valid.');
    const event = {
      version: '0',
      id,
      'detail-type': entry.DetailType,
      source: entry.Source,
      account: this.#options.account ?? '000000000000',
      time: time.toISOString().replace(/\.\d{3}Z$/, 'Z'),
      region: this.#options.region ?? 'us-east-1',
      resources: [...(entry.Resources ?? [])],
      detail,
    };
    const eventJson = JSON.stringify(event);
    if (Buffer.byteLength(eventJson) > MAX_ENTRY_BYTES) {
      return fail('InvalidArgument', 'Total size of the entries in the request is over the limit.');
    }
    this.published++;
    // Parsed once, shared by the matching of every rule and every input transformer.
    const parsed = validateEventEnvelope(eventJson);
    for (const name of this.#index.matchingRules(parsed)) this.#dispatch(name, event, parsed);
    return { EventId: id };
  }

  #dispatch(ruleName: string, event: unknown, parsed: ParsedEvent): void {
    const target = this.#targets.get(ruleName)!;
    const input = target.transformer
      ? JSON.parse(applyInputTransformer(target.transformer, parsed, { ruleName }))
      : event;
    const delivery = this.#deliver(target.binding, input, event).finally(() =>
      this.#inFlight.delete(delivery),
    );
    this.#inFlight.add(delivery);
  }

  async #deliver(binding: RuleTargetBinding, input: unknown, event: unknown): Promise<void> {
    const retries = this.#options.retries ?? 2;
    for (let attempt = 0; ; attempt++) {
      try {
        await binding.deliver(input);
        return;
      } catch (error) {
        if (attempt >= retries) {
          await this.#options.onUndeliverable(binding.rule, event, error);
          return;
        }
        await new Promise((r) => setTimeout(r, 50 * 2 ** attempt));
      }
    }
  }
}
