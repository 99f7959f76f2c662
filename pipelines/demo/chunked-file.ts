/**
 * An output file fed line by line: lines are encoded straight into ~1 MB buffers (no intermediate
 * strings for the garbage collector), each full buffer goes to the stream, and the producer awaits
 * `settle()` between batches so a scale-250 world never queues gigabytes.
 */
import fs from 'node:fs';
import { once } from 'node:events';

const CHUNK_BYTES = 1 << 20;
// Lines gather in a short string first: one encode call per ~16 K characters instead of per line,
// and the short-lived rope dies young, which the garbage collector handles cheaply.
const PENDING_CHARS = 1 << 14;

export class ChunkedFile {
  private chunk = Buffer.allocUnsafe(CHUNK_BYTES);
  private used = 0;
  private pending = '';
  private readonly stream: fs.WriteStream;
  // Registered when a write is refused, so a 'drain' that fires before settle() is not missed.
  private drained: Promise<unknown> | null = null;
  lines = 0;

  constructor(readonly filePath: string) {
    this.stream = fs.createWriteStream(filePath);
  }

  /** Appends one line (the newline is added here). */
  pushLine(line: string): void {
    this.lines++;
    this.pending += line;
    this.pending += '\n';
    if (this.pending.length >= PENDING_CHARS) this.encodePending();
  }

  /** Waits until the stream has room again. */
  async settle(): Promise<void> {
    if (this.drained) {
      const waiting = this.drained;
      this.drained = null;
      await waiting;
    }
  }

  async close(): Promise<void> {
    this.encodePending();
    this.spill();
    await this.settle();
    await new Promise<void>((resolve, reject) => {
      this.stream.once('error', reject);
      this.stream.end(() => resolve());
    });
  }

  private encodePending(): void {
    const worstCase = this.pending.length * 3; // UTF-8 needs at most 3 bytes per UTF-16 unit
    if (this.used + worstCase > CHUNK_BYTES) this.spill();
    if (worstCase > CHUNK_BYTES) this.write(Buffer.from(this.pending, 'utf8'));
    else this.used += this.chunk.write(this.pending, this.used, 'utf8');
    this.pending = '';
  }

  private spill(): void {
    if (this.used === 0) return;
    const full = this.chunk.subarray(0, this.used);
    this.chunk = Buffer.allocUnsafe(CHUNK_BYTES); // the stream keeps `full` until it is written
    this.used = 0;
    this.write(full);
  }

  private write(bytes: Buffer): void {
    if (!this.stream.write(bytes) && !this.drained) this.drained = once(this.stream, 'drain');
  }
}

/** One RFC 4180 cell: quoted only when it holds a comma, quote or line break. */
export function formatCsvCell(value: string): string {
  return /[",\n\r]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}
