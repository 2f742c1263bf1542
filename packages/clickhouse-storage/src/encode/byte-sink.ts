const CHUNK_BYTES = 1 << 20;

/**
 * Bytes appended in ClickHouse's binary encodings (little-endian numbers, LEB128 lengths), kept in
 * chunks that double from `initialBytes` up to 1 MiB, so a body is never copied to grow and a sink
 * holding a few values stays small.
 */
export class ByteSink {
  private readonly chunks: Buffer[] = [];
  private buf: Buffer;
  private pos = 0;

  constructor(initialBytes: number) {
    this.buf = Buffer.allocUnsafe(initialBytes);
  }

  /** A LEB128 byte length, then UTF-8. */
  string(value: string): void {
    // Up to 3 UTF-8 bytes per UTF-16 unit: a short string's length fits one LEB128 byte.
    if (value.length <= 42) {
      this.ensure(1 + value.length * 3);
      if (!this.ascii(value)) {
        const written = this.buf.write(value, this.pos + 1, 'utf8');
        this.buf[this.pos] = written;
        this.pos += 1 + written;
      }
      return;
    }
    const bytes = Buffer.byteLength(value, 'utf8');
    this.varint(bytes);
    this.ensure(bytes);
    this.pos += this.buf.write(value, this.pos, 'utf8');
  }

  uint8(value: number): void {
    this.ensure(1);
    this.buf[this.pos++] = value;
  }

  uint32(value: number): void {
    this.ensure(4);
    this.pos = this.buf.writeUInt32LE(value, this.pos);
  }

  int32(value: number): void {
    this.ensure(4);
    this.pos = this.buf.writeInt32LE(value, this.pos);
  }

  /** A UInt64 below 2^53 given as a number (sizes and offsets): no BigInt on the way. */
  uint64Number(value: number): void {
    this.ensure(8);
    this.buf.writeUInt32LE(value >>> 0, this.pos);
    this.buf.writeUInt32LE(Math.floor(value / 0x1_0000_0000), this.pos + 4);
    this.pos += 8;
  }

  uint64(value: bigint): void {
    this.ensure(8);
    this.pos = this.buf.writeBigUInt64LE(value, this.pos);
  }

  int64(value: bigint): void {
    this.ensure(8);
    this.pos = this.buf.writeBigInt64LE(value, this.pos);
  }

  float64(value: number): void {
    this.ensure(8);
    this.pos = this.buf.writeDoubleLE(value, this.pos);
  }

  varint(value: number): void {
    this.ensure(5);
    let v = value;
    while (v >= 0x80) {
      this.buf[this.pos++] = (v & 0x7f) | 0x80;
      v >>>= 7;
    }
    this.buf[this.pos++] = v;
  }

  bytes(value: Uint8Array): void {
    this.ensure(value.length);
    this.buf.set(value, this.pos);
    this.pos += value.length;
  }

  /** Everything `other` holds, after what this holds. */
  append(other: ByteSink): void {
    for (const chunk of other.chunks) this.bytes(chunk);
    // This runs for every shared column of every row, mostly a few dozen bytes: a loop allocates
    // nothing, where Buffer.copy of part of a buffer makes a view to copy from.
    const length = other.pos;
    this.ensure(length);
    if (length > 256) {
      this.pos += other.buf.copy(this.buf, this.pos, 0, length);
      return;
    }
    const from = other.buf;
    const to = this.buf;
    const start = this.pos;
    for (let i = 0; i < length; i++) to[start + i] = from[i] as number;
    this.pos = start + length;
  }

  /** The bytes so far, in chunks; the sink is empty afterwards. */
  finish(): Buffer[] {
    if (this.pos > 0) this.chunks.push(this.buf.subarray(0, this.pos));
    this.buf = Buffer.alloc(0);
    this.pos = 0;
    return this.chunks.splice(0);
  }

  /**
   * Writes a short string that is all ASCII byte by byte (most keys and values are): cheaper than
   * a call into Buffer.write. Returns false, having written nothing, at the first non-ASCII unit.
   */
  private ascii(value: string): boolean {
    const buf = this.buf;
    const start = this.pos + 1;
    for (let i = 0; i < value.length; i++) {
      const unit = value.charCodeAt(i);
      if (unit > 0x7f) return false;
      buf[start + i] = unit;
    }
    buf[this.pos] = value.length;
    this.pos = start + value.length;
    return true;
  }

  /** Room for `bytes` more; a full chunk is kept and a new one started (values may span chunks). */
  private ensure(bytes: number): void {
    if (this.pos + bytes <= this.buf.length) return;
    if (this.pos > 0) this.chunks.push(this.buf.subarray(0, this.pos));
    this.buf = Buffer.allocUnsafe(Math.max(Math.min(this.buf.length * 2, CHUNK_BYTES), bytes, 64));
    this.pos = 0;
  }
}
