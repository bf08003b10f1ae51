import { type CompiledPattern, compilePattern } from './compile.ts';
import { type FlatEvent, type PathFilter, pathFilterOf } from './flatten.ts';
import { type Branch, matchesAnyBranch } from './match.ts';
import { type ParsedEvent, validateEventEnvelope } from './validate.ts';

/** A named rule as the index takes it: the pattern as JSON text or already compiled. */
export interface NamedPattern {
  readonly name: string;
  readonly pattern: string | CompiledPattern;
}

interface Entry {
  readonly name: string;
  readonly pattern: CompiledPattern;
  /** Insertion order, so results come back in the order rules were added. */
  readonly seq: number;
  readonly placement: Placement;
  /** Last lookup that already collected this entry (cheaper than a Set per event). */
  visit: number;
}

/** Where a rule is filed: which exact values it needs, or nowhere (checked for every event). */
type Placement =
  | { readonly by: 'pair'; readonly keys: readonly string[] }
  | { readonly by: 'source' | 'detail-type'; readonly keys: readonly string[] }
  | { readonly by: 'none' };

const SEP = '\u0000';

/**
 * Many named rules matched against one event at a time, as an event bus does. Rules are filed
 * under the exact `source` / `detail-type` values their patterns require, so an event only meets
 * the rules that could match it, and the event is parsed and flattened once for all of them.
 */
export class PatternIndex {
  private readonly entries = new Map<string, Entry>();
  private readonly byPair = new Map<string, Set<Entry>>();
  private readonly bySource = new Map<string, Set<Entry>>();
  private readonly byDetailType = new Map<string, Set<Entry>>();
  private readonly unindexed = new Set<Entry>();
  private seq = 0;
  private lookups = 0;
  private filter: PathFilter | undefined;

  constructor(rules: Iterable<NamedPattern> = []) {
    for (const rule of rules) this.add(rule.name, rule.pattern);
  }

  /** Number of rules held. */
  get size(): number {
    return this.entries.size;
  }

  /**
   * Adds a rule, replacing any rule of the same name. A pattern given as text is compiled here,
   * so an invalid one throws `InvalidEventPatternError` now rather than when events flow.
   */
  add(name: string, pattern: string | CompiledPattern): void {
    const compiled = typeof pattern === 'string' ? compilePattern(pattern) : pattern;
    this.remove(name);
    const entry: Entry = {
      name,
      pattern: compiled,
      seq: this.seq++,
      placement: placementOf(compiled.branches),
      visit: -1,
    };
    this.entries.set(name, entry);
    this.filter = undefined;
    if (entry.placement.by === 'none') {
      this.unindexed.add(entry);
      return;
    }
    const buckets = this.bucketsFor(entry.placement.by);
    for (const key of entry.placement.keys) {
      const bucket = buckets.get(key) ?? new Set<Entry>();
      buckets.set(key, bucket);
      bucket.add(entry);
    }
  }

  /** Removes a rule; tells whether it was there. */
  remove(name: string): boolean {
    const entry = this.entries.get(name);
    if (entry === undefined) return false;
    this.entries.delete(name);
    this.filter = undefined;
    if (entry.placement.by === 'none') {
      this.unindexed.delete(entry);
      return true;
    }
    const buckets = this.bucketsFor(entry.placement.by);
    for (const key of entry.placement.keys) {
      const bucket = buckets.get(key);
      if (bucket?.delete(entry) && bucket.size === 0) buckets.delete(key);
    }
    return true;
  }

  /**
   * Names of the rules whose pattern matches the event, in the order the rules were added.
   * Throws `InvalidEventError` for an event EventBridge would reject.
   */
  matchingRules(event: string | ParsedEvent): string[] {
    const parsed = typeof event === 'string' ? validateEventEnvelope(event) : event;
    const flat = parsed.flatFor(this.pathFilter());
    const visit = this.lookups++;
    const candidates: Entry[] = [];
    const collect = (bucket: Iterable<Entry> | undefined): void => {
      if (bucket === undefined) return;
      for (const entry of bucket) {
        if (entry.visit !== visit) {
          entry.visit = visit;
          candidates.push(entry);
        }
      }
    };
    const sources = stringsAt(flat, 'source');
    const detailTypes = stringsAt(flat, 'detail-type');
    for (const source of sources) {
      collect(this.bySource.get(source));
      for (const detailType of detailTypes) collect(this.byPair.get(source + SEP + detailType));
    }
    for (const detailType of detailTypes) collect(this.byDetailType.get(detailType));
    collect(this.unindexed);
    return candidates
      .filter((entry) => matchesAnyBranch(entry.pattern.branches, flat))
      .sort((a, b) => a.seq - b.seq)
      .map((entry) => entry.name);
  }

  // Every path any rule reads, so events are only flattened where some rule looks.
  private pathFilter(): PathFilter {
    this.filter ??= pathFilterOf(
      [...this.entries.values()].flatMap((e) => e.pattern.branches.flatMap((b) => b.map((f) => f.path))),
    );
    return this.filter;
  }

  private bucketsFor(by: 'pair' | 'source' | 'detail-type'): Map<string, Set<Entry>> {
    return by === 'pair' ? this.byPair : by === 'source' ? this.bySource : this.byDetailType;
  }
}

function stringsAt(flat: FlatEvent, path: string): string[] {
  const leaves = flat.fields.get(path);
  if (leaves === undefined) return [];
  return leaves.filter((leaf) => leaf.kind === 'string').map((leaf) => leaf.text);
}

/**
 * The exact values every branch requires on a field, or `undefined` when some branch would accept
 * an event without one of them (no such field in the branch, absence allowed, or a non-exact
 * alternative such as a prefix).
 */
function requiredExactValues(branches: readonly Branch[], path: string): string[][] | undefined {
  const perBranch: string[][] = [];
  for (const branch of branches) {
    const field = branch.find((f) => f.path === path);
    if (field === undefined || field.matchesAbsence) return undefined;
    const values: string[] = [];
    for (const matcher of field.matchers) {
      if (matcher.exactString === undefined) return undefined;
      values.push(matcher.exactString);
    }
    perBranch.push(values);
  }
  return perBranch;
}

function placementOf(branches: readonly Branch[]): Placement {
  const sources = requiredExactValues(branches, 'source');
  const detailTypes = requiredExactValues(branches, 'detail-type');
  if (sources !== undefined && detailTypes !== undefined) {
    const keys = new Set<string>();
    sources.forEach((branchSources, i) => {
      for (const source of branchSources) {
        for (const detailType of detailTypes[i] ?? []) keys.add(source + SEP + detailType);
      }
    });
    return { by: 'pair', keys: [...keys] };
  }
  if (sources !== undefined) return { by: 'source', keys: [...new Set(sources.flat())] };
  if (detailTypes !== undefined) return { by: 'detail-type', keys: [...new Set(detailTypes.flat())] };
  return { by: 'none' };
}
