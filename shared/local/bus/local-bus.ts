import type { Clock } from '../../domain/clock.ts';
import type { BusRule } from '../../domain/routing/bus-rules.ts';
import {
  applyInputTransformer,
  type InputTransformer,
  PatternIndex,
  validateEventEnvelope,
} from '../../event-patterns/index.ts';
import { PutEventsValidationError } from './errors.ts';
import {
  type BusEvent,
  type BusIdentity,
  type PutEventsEntry,
  type PutEventsResultEntry,
  toBusEvent,
} from './put-events-entry.ts';
import {
  entrySize,
  MAX_ENTRIES,
  MAX_JSON_DEPTH,
  MAX_REQUEST_ENTRY_BYTES,
  nestsDeeperThan,
} from './put-events-limits.ts';
import { toInputTransformer } from './rule-input.ts';

export type { PutEventsEntry, PutEventsResultEntry } from './put-events-entry.ts';

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

interface Target {
  readonly binding: RuleTargetBinding;
  readonly transformer?: InputTransformer;
}

/** What AWS refuses as a whole: a request with no entry or too many, too large, or nested too deep. */
const refuseRequest = (entries: readonly PutEventsEntry[]): void => {
  if (entries.length === 0 || entries.length > MAX_ENTRIES) {
    throw new PutEventsValidationError(
      `1 validation error detected: Value at 'entries' failed to satisfy constraint: Member must have length between 1 and ${MAX_ENTRIES}`,
    );
  }
  const size = entries.reduce((sum, entry) => sum + entrySize(entry), 0);
  if (size > MAX_REQUEST_ENTRY_BYTES) {
    throw new PutEventsValidationError(
      `Total size of the entries in the request is over the limit: ${size} bytes, at most ${MAX_REQUEST_ENTRY_BYTES}.`,
    );
  }
  const deep = entries.findIndex(
    (entry) => typeof entry.Detail === 'string' && nestsDeeperThan(entry.Detail, MAX_JSON_DEPTH),
  );
  if (deep >= 0) {
    throw new PutEventsValidationError(
      `Entries[${deep}].Detail: JSON nested deeper than ${MAX_JSON_DEPTH} levels is not processed.`,
    );
  }
};

/**
 * Herald's local EventBridge bus: validates PutEvents entries as EventBridge does, matches each
 * event against every rule's pattern (the AWS pattern language), applies each rule's input
 * transformer and hands the result to its target. Deliveries run in the background like
 * EventBridge's; `idle()` tells when none is in flight.
 */
export class LocalEventBus {
  readonly #options: LocalBusOptions;
  readonly #index = new PatternIndex();
  readonly #targets = new Map<string, Target>();
  readonly #identity: BusIdentity;
  readonly #inFlight = new Set<Promise<void>>();
  published = 0;

  constructor(bindings: readonly RuleTargetBinding[], options: LocalBusOptions) {
    this.#options = options;
    this.#identity = {
      name: options.busName,
      account: options.account ?? '000000000000',
      region: options.region ?? 'us-east-1',
      now: () => options.clock.now(),
    };
    for (const binding of bindings) {
      // Compiling here means an invalid pattern fails when the catalog loads, not at the first event.
      this.#index.add(binding.rule.name, JSON.stringify(binding.rule.pattern));
      this.#targets.set(binding.rule.name, {
        binding,
        ...(binding.rule.input ? { transformer: toInputTransformer(binding.rule.input) } : {}),
      });
    }
  }

  /**
   * Accepts one to ten entries and answers per entry, as PutEvents does. A request AWS refuses as
   * a whole throws {@link PutEventsValidationError} before any entry is dispatched; once one is,
   * the answer is per entry (`InternalFailure` at worst), so a publisher never retries a batch
   * part of which went out.
   */
  putEvents(entries: readonly PutEventsEntry[]): {
    FailedEntryCount: number;
    Entries: PutEventsResultEntry[];
  } {
    refuseRequest(entries);
    const checked = entries.map((entry) => toBusEvent(entry, this.#identity));
    const results = checked.map((c) => ('error' in c ? c.error : this.#publish(c.event)));
    return { FailedEntryCount: results.filter((r) => 'ErrorCode' in r).length, Entries: results };
  }

  /** Deliveries started and not yet settled: the work the bus still owes. */
  get pendingDeliveries(): number {
    return this.#inFlight.size;
  }

  /** Resolves once no delivery is in flight. */
  async idle(): Promise<void> {
    while (this.#inFlight.size > 0) await Promise.allSettled([...this.#inFlight]);
  }

  get busy(): boolean {
    return this.#inFlight.size > 0;
  }

  // Every rule's input is built before any delivery starts, so an entry goes to all its rules or
  // to none.
  #publish(event: BusEvent): PutEventsResultEntry {
    let deliveries: { target: Target; input: unknown }[];
    try {
      const parsed = validateEventEnvelope(JSON.stringify(event));
      deliveries = this.#index.matchingRules(parsed).map((name) => {
        const target = this.#targets.get(name)!;
        const input = target.transformer
          ? JSON.parse(applyInputTransformer(target.transformer, parsed, { ruleName: name }))
          : event;
        return { target, input };
      });
    } catch (error) {
      return {
        ErrorCode: 'InternalFailure',
        ErrorMessage: `The event could not be routed: ${String(error)}`,
      };
    }
    this.published++;
    for (const { target, input } of deliveries) {
      const delivery = this.#deliver(target.binding, input, event).finally(() =>
        this.#inFlight.delete(delivery),
      );
      this.#inFlight.add(delivery);
    }
    return { EventId: event.id };
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
