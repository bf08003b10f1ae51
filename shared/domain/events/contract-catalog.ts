import { isDeepStrictEqual } from 'node:util';
import { z } from 'zod';
import { ACTION_SOURCE, actionEventDetail } from '../actions/action-event.ts';
import { ValidationError } from '../errors.ts';
import { parseOrThrow } from '../validation.ts';
import { type EventContract, eventContracts } from './contracts.ts';

/** A JSON Schema document (draft 2020-12), as read from a contract file. */
export type JsonSchema = Readonly<Record<string, unknown>>;

/**
 * One event type's contract, whichever way it was written: a JSON Schema file checked with ajv,
 * or a zod schema compiled into Herald (the canary, and the publisher's typed contracts).
 */
export interface DetailContract {
  readonly source: string;
  readonly detailType: string;
  /** The detail's JSON Schema: what `herald recipes check` reads and the schema registry publishes. */
  readonly schema: JsonSchema;
  /** Where it was declared (`contracts/market.items/ItemListed.json`), for errors. */
  readonly file: string;
  /** The detail as the contract reads it (defaults applied), or a ValidationError naming `prefix.field`. */
  check(detail: unknown, prefix?: string): Record<string, unknown>;
}

export const contractKey = (source: string, detailType: string): string => `${source}/${detailType}`;

/** A zod contract compiled into Herald, with its JSON Schema export. */
export const compiledContract = (contract: EventContract): DetailContract => ({
  source: contract.source,
  detailType: contract.detailType,
  schema: z.toJSONSchema(contract.detail, { io: 'input' }) as JsonSchema,
  file: `(built in) ${contractKey(contract.source, contract.detailType)}`,
  check: (detail, prefix = 'detail') =>
    parseOrThrow(contract.detail, detail, prefix) as Record<string, unknown>,
});

/** Every contract compiled into Herald, by key. */
const compiled = new Map(
  (eventContracts as readonly EventContract[]).map((c) => [contractKey(c.source, c.detailType), c]),
);

/**
 * A file contract that says exactly what the compiled one of the same event says is checked by
 * the compiled one: same verdicts, same messages, plus the rules JSON Schema cannot state
 * (PriceDropped's `newPrice < oldPrice`). A file that says anything else is the truth for its
 * set, and checked as written.
 */
export const preferCompiled = (contract: DetailContract): DetailContract => {
  const twin = compiled.get(contractKey(contract.source, contract.detailType));
  if (!twin) return contract;
  const ofTwin = compiledContract(twin);
  return isDeepStrictEqual(ofTwin.schema, contract.schema) ? { ...ofTwin, file: contract.file } : contract;
};

/** The contracts one deployment knows, by source and detail-type. */
export class ContractCatalog {
  readonly contracts: readonly DetailContract[];
  readonly #byKey: ReadonlyMap<string, DetailContract>;

  constructor(contracts: readonly DetailContract[]) {
    const byKey = new Map<string, DetailContract>();
    for (const contract of contracts) {
      const key = contractKey(contract.source, contract.detailType);
      const first = byKey.get(key);
      if (first) throw new ValidationError(contract.file, `declares ${key} again (first in ${first.file})`);
      byKey.set(key, contract);
    }
    this.contracts = contracts;
    this.#byKey = byKey;
  }

  /** The contract of an event; every `herald.actions` event (an emit recipe's) has the one action contract. */
  find(source: string, detailType: string): DetailContract | undefined {
    return (
      this.#byKey.get(contractKey(source, detailType)) ??
      (source === ACTION_SOURCE
        ? compiledContract({ source, detailType, detail: actionEventDetail })
        : undefined)
    );
  }

  /** This catalog with `others` added; a contract of `others` replaces one of the same event. */
  with(others: readonly DetailContract[]): ContractCatalog {
    const replaced = new Set(others.map((c) => contractKey(c.source, c.detailType)));
    return new ContractCatalog([
      ...this.contracts.filter((c) => !replaced.has(contractKey(c.source, c.detailType))),
      ...others,
    ]);
  }
}

let compiledCatalog: ContractCatalog | undefined;

/** Every contract compiled into Herald: what a catalog built in code validates against. */
export const compiledContracts = (): ContractCatalog => {
  compiledCatalog ??= new ContractCatalog((eventContracts as readonly EventContract[]).map(compiledContract));
  return compiledCatalog;
};
