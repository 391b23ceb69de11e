/** Pages (cursors, sizes) kept per story: readers choose cursors, so this is bounded. */
const MAX_PAGES_PER_STORY = 64;

/** A cached answer: the upstream's JSON exactly as it was sent, never parsed. */
interface CachedPage {
  body: string;
  storedAt: number;
  /** The story changed after this was fetched: serve it while a fresh copy is fetched. */
  stale: boolean;
  /** How it was fetched, so a read in front of the framework (peek) can start its refresh. */
  fetch: () => Promise<string>;
}

interface StoryEntry {
  /** Bumped by every change heard for the story; a fetch started before a bump stores a stale copy. */
  generation: number;
  pages: Map<string, CachedPage>;
  /** What its pages count for against maxBytes. */
  bytes: number;
  fetching: Map<string, Promise<string>>;
}

export interface ThreadCacheOptions {
  /** Stories kept; the least recently read are dropped first. */
  maxStories: number;
  /** Memory the pages may hold, in bytes (bodies counted as UTF-16); the least recently read stories go first. */
  maxBytes: number;
  /** Nothing older is served, whatever the events say: the bound on staleness if events lag. */
  maxAgeMs: number;
}

export interface ThreadCacheStats {
  hits: number;
  staleHits: number;
  misses: number;
  bypassed: number;
  invalidations: number;
  stories: number;
  bytes: number;
}

/**
 * Thread pages held in memory, per story, kept current by the story's events.
 *
 * Reads of one story are served from memory while nothing changes. A change marks the story's
 * pages stale: the next read still gets the stale page at once (stale-while-revalidate) and starts
 * one fetch per page (single flight), so a viral thread costs the service behind one fetch at a
 * time however many readers refresh it. A page older than `maxAgeMs` is never served: that bounds
 * how stale a page can be if the events stop arriving. While the listener is not live (`enabled`
 * false) every read goes upstream.
 */
export class ThreadCache {
  private readonly stories = new Map<string, StoryEntry>();
  private enabled = false;
  /** Bytes held by the pages of the stories in `stories`. */
  private bytes = 0;
  private readonly counters = { hits: 0, staleHits: 0, misses: 0, bypassed: 0, invalidations: 0 };

  constructor(
    private readonly options: ThreadCacheOptions,
    private readonly now: () => number = Date.now,
  ) {}

  /** Starts trusting the cache (the listener hears changes) or stops and forgets everything. */
  setEnabled(enabled: boolean): void {
    this.enabled = enabled && this.options.maxStories > 0 && this.options.maxBytes > 0;
    this.stories.clear();
    this.bytes = 0;
  }

  /** The page for `key` of the story, from memory when possible, else from `fetch`. */
  async read(storyId: string, key: string, fetch: () => Promise<string>): Promise<string> {
    if (!this.enabled) {
      this.counters.bypassed++;
      return fetch();
    }
    const story = this.touch(storyId);
    const page = story.pages.get(key);
    const age = page ? this.now() - page.storedAt : Infinity;
    if (page && age <= this.options.maxAgeMs) {
      // Past half its age a page is refreshed in the background, so a page read often never
      // reaches the hard limit (where a reader would wait for the fetch).
      if (!page.stale && age <= this.options.maxAgeMs / 2) {
        this.counters.hits++;
        return page.body;
      }
      this.counters.staleHits++;
      void this.refresh(storyId, story, key, fetch).catch(() => undefined);
      return page.body;
    }
    this.counters.misses++;
    return this.refresh(storyId, story, key, fetch);
  }

  /**
   * The page if it can be served now without waiting for a fetch, for a fast path in front of
   * the framework: as read() would serve it, a stale or ageing page included, whose refresh it
   * starts the same way (with the fetch the page was filled by). Missing, too old or disabled is
   * undefined, and the caller takes the normal way (read()).
   */
  peek(storyId: string, key: string): string | undefined {
    if (!this.enabled) return undefined;
    const story = this.stories.get(storyId);
    const page = story?.pages.get(key);
    if (!story || !page) return undefined;
    const age = this.now() - page.storedAt;
    if (age > this.options.maxAgeMs) return undefined;
    this.touch(storyId);
    if (!page.stale && age <= this.options.maxAgeMs / 2) {
      this.counters.hits++;
    } else {
      this.counters.staleHits++;
      void this.refresh(storyId, story, key, page.fetch).catch(() => undefined);
    }
    return page.body;
  }

  /** Something changed in the story: every page of it is stale from now on. */
  invalidate(storyId: string): void {
    const story = this.stories.get(storyId);
    if (!story) return;
    this.counters.invalidations++;
    story.generation++;
    for (const page of story.pages.values()) page.stale = true;
  }

  /**
   * This gateway just changed the story (a write it proxied): forget it outright, including any
   * fetch in flight, so whoever wrote reads their write next, before the change's event arrives.
   */
  evict(storyId: string): void {
    this.drop(storyId);
  }

  stats(): ThreadCacheStats {
    return { ...this.counters, stories: this.stories.size, bytes: this.bytes };
  }

  private refresh(storyId: string, story: StoryEntry, key: string, fetch: () => Promise<string>): Promise<string> {
    const inFlight = story.fetching.get(key);
    if (inFlight) return inFlight;
    const generation = story.generation;
    const work = fetch()
      .then((body) => {
        // Dropped (evicted or cache reset) meanwhile: keep nothing.
        if (this.stories.get(storyId) === story) {
          if (!story.pages.has(key) && story.pages.size >= MAX_PAGES_PER_STORY) this.removePage(storyId, story, story.pages.keys().next().value!);
          this.removePage(storyId, story, key);
          story.pages.set(key, { body, storedAt: this.now(), stale: story.generation !== generation, fetch });
          story.bytes += sizeOf(body);
          this.bytes += sizeOf(body);
          // The least recently read stories go first; this one last (alone over the bound, it goes too).
          while (this.bytes > this.options.maxBytes && this.stories.size) this.drop(this.stories.keys().next().value!);
        }
        return body;
      })
      .catch((error: unknown) => {
        // Gone upstream (e.g. the thread was hidden) or failing: serve nothing stale from here on.
        this.removePage(storyId, story, key);
        throw error;
      })
      .finally(() => story.fetching.delete(key));
    story.fetching.set(key, work);
    return work;
  }

  /** The story's entry, now the most recently used (a Map iterates in insertion order). */
  private touch(storyId: string): StoryEntry {
    let story = this.stories.get(storyId);
    if (story) {
      this.stories.delete(storyId);
    } else {
      story = { generation: 0, pages: new Map(), bytes: 0, fetching: new Map() };
      if (this.stories.size >= this.options.maxStories) {
        const oldest = this.stories.keys().next().value;
        if (oldest !== undefined) this.drop(oldest);
      }
    }
    this.stories.set(storyId, story);
    return story;
  }

  private drop(storyId: string): void {
    const story = this.stories.get(storyId);
    if (!story) return;
    this.stories.delete(storyId);
    this.bytes -= story.bytes;
  }

  /** A page leaves its story, and its bytes the total while the story is held. */
  private removePage(storyId: string, story: StoryEntry, key: string): void {
    const page = story.pages.get(key);
    if (!page) return;
    story.pages.delete(key);
    story.bytes -= sizeOf(page.body);
    if (this.stories.get(storyId) === story) this.bytes -= sizeOf(page.body);
  }
}

/** A page's body as the bound counts it: UTF-16, the most V8 holds a string in, plus the entry. */
const sizeOf = (body: string): number => 128 + body.length * 2;
