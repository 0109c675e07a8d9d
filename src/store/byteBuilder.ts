/**
 * UTF-8 bytes built from many strings in one buffer that is kept and reused, so that what the store
 * writes (a journal batch, a transcript, a slice of the core) never exists as one long string.
 *
 * Why: a string of more than about 128 KB goes to V8's large-object space, which only a full garbage
 * collection frees; building batches and transcripts as single strings made those collections run
 * far more often under load (measured: +7 % turns/s without them). And a string's UTF-8 length,
 * asked for separately to check a write, cost as much as the write's own encoding.
 */
export class ByteBuilder {
  private buffer: Buffer;
  private used = 0;

  /** `keep`: the largest buffer kept for reuse after `clear()`; a larger one is dropped then. */
  constructor(
    private readonly initial = 64 * 1024,
    private readonly keep = 4 * 1024 * 1024,
  ) {
    this.buffer = Buffer.alloc(0);
  }

  get length(): number {
    return this.used;
  }

  add(text: string): this {
    // UTF-8 needs at most 3 bytes per UTF-16 unit.
    this.reserve(text.length * 3);
    this.used += this.buffer.write(text, this.used, 'utf8');
    return this;
  }

  newline(): this {
    this.reserve(1);
    this.buffer[this.used++] = 0x0a;
    return this;
  }

  /** The bytes so far; valid until the next `add` or `clear`. */
  bytes(): Buffer {
    return this.buffer.subarray(0, this.used);
  }

  clear(): void {
    this.used = 0;
    if (this.buffer.length > this.keep) this.buffer = Buffer.alloc(0);
  }

  private reserve(more: number): void {
    const needed = this.used + more;
    if (needed <= this.buffer.length) return;
    const bigger = Buffer.allocUnsafe(Math.max(needed, 2 * this.buffer.length, this.initial));
    this.buffer.copy(bigger, 0, 0, this.used);
    this.buffer = bigger;
  }
}
