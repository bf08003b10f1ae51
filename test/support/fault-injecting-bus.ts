import type {
  LocalEventBus,
  PutEventsEntry,
  PutEventsResultEntry,
} from '../../shared/local/bus/local-bus.ts';

/** The per-entry error an injected fault answers with, in place of the bus's own. */
export interface InjectedFault {
  readonly ErrorCode: string;
  readonly ErrorMessage: string;
  /** The bus takes the entry all the same: its answer was lost, as when a response never arrives. */
  readonly afterDispatch?: true;
}

/**
 * Picks a fault for an entry, or none; `attempt` counts the requests that have carried this
 * entry's detail so far, this one included.
 */
export type FaultPlan = (entry: PutEventsEntry, attempt: number) => InjectedFault | undefined;

/**
 * A stand-in for the local bus behind its PutEvents server: records every request it is handed,
 * answers the entries the plan picks with the injected error (those are not dispatched, as AWS
 * dispatches no entry it fails, unless the fault says its answer was lost), hands the rest to the
 * bus, and makes the server answer the next
 * `throttle(n)` requests `ThrottlingException`, through the bound on pending deliveries.
 */
export const faultInjectingBus = (bus: LocalEventBus, plan: FaultPlan = () => undefined) => {
  const requests: PutEventsEntry[][] = [];
  const dispatched: PutEventsEntry[] = [];
  const attempts = new Map<string, number>();
  let toThrottle = 0;
  let throttled = 0;
  return {
    /** Every request that got past throttling, with its entries. */
    requests,
    /** Every entry the bus took, once per time it took it. */
    dispatched,
    get throttled() {
      return throttled;
    },
    throttle(requestCount: number) {
      toThrottle += requestCount;
    },
    putEvents(entries: readonly PutEventsEntry[]) {
      requests.push([...entries]);
      const faults = entries.map((entry) => {
        const attempt = (attempts.get(entry.Detail ?? '') ?? 0) + 1;
        attempts.set(entry.Detail ?? '', attempt);
        return plan(entry, attempt);
      });
      const passing = entries.filter((_, i) => faults[i] === undefined || faults[i].afterDispatch);
      const answered = passing.length > 0 ? bus.putEvents(passing).Entries : [];
      let next = 0;
      const results: PutEventsResultEntry[] = faults.map((fault) => {
        if (fault === undefined || fault.afterDispatch) {
          const answer = answered[next++]!;
          if ('EventId' in answer) dispatched.push(passing[next - 1]!);
          if (fault) return { ErrorCode: fault.ErrorCode, ErrorMessage: fault.ErrorMessage };
          return answer;
        }
        return fault;
      });
      return { FailedEntryCount: results.filter((r) => 'ErrorCode' in r).length, Entries: results };
    },
    // The server reads this once per request before taking it: a bus backed up past any bound.
    get pendingDeliveries() {
      if (toThrottle === 0) return bus.pendingDeliveries;
      toThrottle--;
      throttled++;
      return Number.POSITIVE_INFINITY;
    },
  };
};
