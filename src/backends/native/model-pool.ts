/**
 * Loaded models, process-wide: each model loads once and is reused by every later call; calls to one model run
 * one after another (an ONNX Runtime session already uses every core, and a model's memory is sized for one
 * generation); and at most `maxLoaded` models stay in memory — loading one more disposes of the least recently
 * used that is idle, freeing its sessions.
 */

/** Something that holds native resources until disposed. */
export interface Disposable {
  dispose(): Promise<void>;
}

/** A bounded set of loaded models. */
export interface ModelPool<M extends Disposable = Disposable> {
  /**
   * Runs `work` on the model under `key`, loading it with `load` first if it is not loaded. Calls for one key
   * are queued; a failed load is forgotten so the next call tries again.
   */
  use<T>(key: string, load: () => Promise<M>, work: (model: M) => Promise<T>): Promise<T>;
  /** Keys of the loaded (or loading) models, least recently used first. */
  loadedKeys(): string[];
  /** Changes the bound; idle models beyond it are disposed of. */
  setMaxLoaded(maxLoaded: number): void;
  /** Disposes of every idle model (at exit, in tests). */
  clear(): Promise<void>;
}

interface Entry<M> {
  readonly model: Promise<M>;
  /** The end of this model's queue: the next call starts after it settles. */
  tail: Promise<unknown>;
  busy: number;
}

/** Creates a pool holding at most `maxLoaded` models. */
export function createModelPool<M extends Disposable = Disposable>(maxLoaded: number): ModelPool<M> {
  // A Map iterates in insertion order: deleting and re-inserting a key on each use keeps it in LRU order.
  const entries = new Map<string, Entry<M>>();
  let bound = checkBound(maxLoaded);

  // Frees idle models, least recently used first, until the bound holds; the most recently used one always
  // stays (it is the one a caller just asked for), even when an older one is busy and must wait its turn.
  const evict = async (): Promise<void> => {
    for (const [key, entry] of [...entries].slice(0, -1)) {
      if (entries.size <= bound) return;
      if (entry.busy > 0 || entries.get(key) !== entry) continue;
      entries.delete(key);
      await entry.model.then(
        (model) => model.dispose(),
        () => undefined,
      );
    }
  };

  return {
    async use(key, load, work) {
      let entry = entries.get(key);
      if (entry) {
        entries.delete(key);
      } else {
        const model = load();
        entry = { model, tail: Promise.resolve(), busy: 0 };
        model.catch(() => {
          if (entries.get(key) === created) entries.delete(key);
        });
      }
      const created = entry;
      entries.set(key, entry);
      entry.busy += 1;
      const run = entry.tail.then(
        () => entry.model.then(work),
        () => entry.model.then(work),
      );
      entry.tail = run.catch(() => undefined);
      // Make room as soon as this model is loaded, not only when its work is done.
      void entry.model.then(evict, () => undefined);
      try {
        return await run;
      } finally {
        entry.busy -= 1;
        await evict();
      }
    },
    loadedKeys: () => [...entries.keys()],
    setMaxLoaded(maxLoaded) {
      bound = checkBound(maxLoaded);
      void evict();
    },
    async clear() {
      const idle = [...entries].filter(([, entry]) => entry.busy === 0);
      for (const [key] of idle) entries.delete(key);
      await Promise.all(
        idle.map(([, entry]) =>
          entry.model.then(
            (model) => model.dispose(),
            () => undefined,
          ),
        ),
      );
    },
  };
}

function checkBound(maxLoaded: number): number {
  if (!Number.isInteger(maxLoaded) || maxLoaded < 1) {
    throw new RangeError(`the bound on loaded models must be an integer ≥ 1, got ${maxLoaded}`);
  }
  return maxLoaded;
}
