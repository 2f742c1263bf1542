// The encoding half of ./reader.ts. Length-delimited messages are written in place: `begin`
// reserves one byte for the length, `end` writes the real length and, for messages of 128 bytes or
// more, moves the body right by the extra length bytes (one memmove per large message).

const encoder = new TextEncoder();

export class ProtoWriter {
  private buf: Uint8Array;
  private view: DataView;
  pos = 0;

  constructor(initialSize = 4096) {
    this.buf = new Uint8Array(initialSize);
    this.view = new DataView(this.buf.buffer);
  }

  finish(): Uint8Array {
    return this.buf.slice(0, this.pos);
  }

  tag(field: number, wireType: number): void {
    this.varint32(((field << 3) | wireType) >>> 0);
  }

  varint32(value: number): void {
    this.ensure(5);
    let v = value >>> 0;
    while (v > 0x7f) {
      this.buf[this.pos++] = (v & 0x7f) | 0x80;
      v >>>= 7;
    }
    this.buf[this.pos++] = v;
  }

  /** A varint of any 64-bit value; negative numbers take ten bytes, as for protobuf int64/int32. */
  varint64(value: bigint): void {
    this.ensure(10);
    let v = BigInt.asUintN(64, value);
    while (v > 0x7fn) {
      this.buf[this.pos++] = Number(v & 0x7fn) | 0x80;
      v >>= 7n;
    }
    this.buf[this.pos++] = Number(v);
  }

  /** int32 enums: negative values are sign-extended to ten bytes. */
  int32(value: number): void {
    if (value < 0) this.varint64(BigInt(value));
    else this.varint32(value);
  }

  sint32(value: number): void {
    this.varint32(((value << 1) ^ (value >> 31)) >>> 0);
  }

  fixed32(value: number): void {
    this.ensure(4);
    this.view.setUint32(this.pos, value >>> 0, true);
    this.pos += 4;
  }

  fixed64(value: bigint): void {
    this.ensure(8);
    this.view.setBigUint64(this.pos, BigInt.asUintN(64, value), true);
    this.pos += 8;
  }

  sfixed64(value: bigint): void {
    this.ensure(8);
    this.view.setBigInt64(this.pos, BigInt.asIntN(64, value), true);
    this.pos += 8;
  }

  double(value: number): void {
    this.ensure(8);
    this.view.setFloat64(this.pos, value, true);
    this.pos += 8;
  }

  bytes(value: Uint8Array): void {
    this.varint32(value.length);
    this.ensure(value.length);
    this.buf.set(value, this.pos);
    this.pos += value.length;
  }

  /** Lowercase or uppercase hex as raw bytes (trace and span ids). */
  hex(value: string): void {
    const length = value.length >>> 1;
    this.varint32(length);
    this.ensure(length);
    for (let i = 0; i < length; i++) this.buf[this.pos++] = Number.parseInt(value.substr(i * 2, 2), 16);
  }

  string(value: string): void {
    // UTF-8 needs at most 3 bytes per UTF-16 unit: reserve the length prefix for that maximum and
    // move the text left afterwards if the real length needs fewer bytes.
    const max = value.length * 3;
    const reserved = varintSize(max);
    this.ensure(reserved + max);
    const start = this.pos + reserved;
    const { written } = encoder.encodeInto(value, this.buf.subarray(start, start + max));
    this.pos = this.placeLength(start, written, reserved);
  }

  /** Starts a length-delimited field; pass the result to {@link end}. */
  begin(field: number): number {
    this.tag(field, 2);
    this.ensure(1);
    return ++this.pos;
  }

  end(start: number): void {
    this.pos = this.placeLength(start, this.pos - start, 1);
  }

  /** Writes the length varint in the `reserved` bytes before `start`, moving the body if needed. */
  private placeLength(start: number, length: number, reserved: number): number {
    const size = varintSize(length);
    const bodyStart = start - reserved + size;
    if (bodyStart !== start) {
      if (size > reserved) {
        this.pos = start + length;
        this.ensure(size - reserved);
      }
      this.buf.copyWithin(bodyStart, start, start + length);
    }
    let at = start - reserved;
    let v = length;
    while (v > 0x7f) {
      this.buf[at++] = (v & 0x7f) | 0x80;
      v >>>= 7;
    }
    this.buf[at] = v;
    return bodyStart + length;
  }

  private ensure(bytes: number): void {
    if (this.pos + bytes <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + bytes) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }
}

function varintSize(value: number): number {
  if (value < 0x80) return 1;
  if (value < 0x4000) return 2;
  if (value < 0x200000) return 3;
  if (value < 0x10000000) return 4;
  return 5;
}
