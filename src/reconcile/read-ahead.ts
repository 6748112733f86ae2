// Adoption without the serial walk. Pulumi's engine checks resources one at a
// time, and the check of a new resource whose name is taken waits for one
// fetch (to warn in the preview when create will recreate a corrupted worker):
// adopting 15,000 existing workers cost 15,000 round trips in series. The
// engine checks a stack's workers in the roster's order, so while it walks a
// run of new resources, the workers it will ask for next are fetched ahead,
// several at once (the HTTP client bounds how many). The window grows with the
// run (never more than the run is long, so a lone new agent among managed ones
// fetches nothing extra) up to READ_AHEAD_MAX.

export const READ_AHEAD_MAX = 256;

export class AdoptionReadAhead {
  /** Length of the current run of new resources checked one after the other. */
  private run = 0;
  /** Index (in roster order) up to which names were handed to prefetch. */
  private ahead = -1;
  private order?: Promise<{ list: readonly string[]; index: Map<string, number> } | undefined>;

  constructor(
    /** The stack's agents' friendly names in the order the program declares them; undefined: unknown. */
    private readonly names: () => Promise<readonly string[] | undefined>,
    /** Start the adoption lookups of these names (must not reject). */
    private readonly prefetch: (names: string[]) => void,
  ) {}

  /** The engine checked `friendlyName`; `isNew` when it has no state yet (a create, maybe an adoption). */
  async checked(friendlyName: string, isNew: boolean): Promise<void> {
    if (!isNew) {
      this.run = 0;
      return;
    }
    this.run++;
    if (this.run < 2) return;
    this.order ??= this.names().then(
      (list) => list && { list, index: new Map(list.map((n, i) => [n.toLowerCase(), i])) },
      () => undefined,
    );
    const order = await this.order;
    const at = order?.index.get(friendlyName.toLowerCase());
    if (!order || at === undefined) return;
    const { list } = order;
    const until = Math.min(list.length - 1, at + Math.min(READ_AHEAD_MAX, 2 * this.run));
    const from = Math.max(at + 1, this.ahead + 1);
    if (until < from) return;
    this.ahead = until;
    this.prefetch(list.slice(from, until + 1));
  }
}
