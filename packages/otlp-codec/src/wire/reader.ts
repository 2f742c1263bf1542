import { OtlpDecodeError } from '../errors.js';

// A protobuf wire-format reader for the OTLP schemas in ../protobuf. It exists because decoding
// straight into the Firefly model is several times faster than protobufjs plus a conversion pass
// (see bench/), and because it validates what protobufjs does not: UTF-8, lengths against the
// enclosing message, wire types, nesting depth. Every read is bounds-checked against `limit`,
// the end of the message being read, so no input can make it read past its message or allocate
// more than the input's size.

export const WireType = { VARINT: 0, I64: 1, LEN: 2, SGROUP: 3, EGROUP: 4, I32: 5 } as const;

const MAX_GROUP_DEPTH = 32;
// Two lowercase hex digits per byte as one little-endian 16-bit unit: ids are written into a
// scratch buffer and turned into a flat string by one native call.
const HEX_PAIRS = new Uint16Array(256).map((_, byte) => {
  const digits = byte.toString(16).padStart(2, '0');
  return digits.charCodeAt(0) | (digits.charCodeAt(1) << 8);
});
const MAX_ID_BYTES = 32;
const hexScratch = Buffer.alloc(MAX_ID_BYTES * 2);
const hexScratchPairs = new Uint16Array(hexScratch.buffer, hexScratch.byteOffset, MAX_ID_BYTES);
const latin1Slice = Buffer.prototype.latin1Slice;
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });
const utf8Slice = Buffer.prototype.utf8Slice;

// Short ASCII strings (attribute keys, service names, regions) repeat across spans; a small
// direct-mapped cache returns the same string without allocating. Misses cost one hash pass.
const CACHE_SIZE = 4096;
const CACHE_MAX_LENGTH = 48;
const stringCache: string[] = new Array<string>(CACHE_SIZE).fill('');

export class ProtoReader {
  readonly buf: Uint8Array;
  private readonly view: DataView;
  private readonly node: Buffer;
  pos = 0;
  /** End of the message being read: no read may cross it. */
  limit: number;

  constructor(bytes: Uint8Array) {
    this.buf = bytes;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.node = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.limit = bytes.byteLength;
  }

  /** Starts reading a length-delimited field as a message; returns the limit to restore. */
  enter(): number {
    const length = this.length();
    const saved = this.limit;
    this.limit = this.pos + length;
    return saved;
  }

  /** Ends a message started with {@link enter}. */
  leave(saved: number): void {
    this.limit = saved;
  }

  /** A field tag: `field number << 3 | wire type`. */
  tag(): number {
    const tag = this.varint32();
    if (tag >>> 3 === 0) throw this.error('INVALID_LENGTH', 'field number 0 is not allowed');
    return tag;
  }

  /** A varint truncated to its low 32 bits, as protobuf does for uint32/int32/enum fields. */
  varint32(): number {
    const buf = this.buf;
    let pos = this.pos;
    if (pos < this.limit && (buf[pos] as number) < 0x80) {
      this.pos = pos + 1;
      return buf[pos] as number;
    }
    let result = 0;
    for (let shift = 0; shift < 70; shift += 7) {
      if (pos >= this.limit) throw this.truncated('a varint');
      const byte = buf[pos++] as number;
      if (shift < 32) result |= (byte & 0x7f) << shift;
      if (byte < 0x80) {
        this.pos = pos;
        return result >>> 0;
      }
    }
    throw this.error('INVALID_LENGTH', 'varint longer than 10 bytes');
  }

  /** A varint as an exact signed 64-bit integer (int64). */
  int64(): bigint {
    return BigInt.asIntN(64, this.uint64());
  }

  /** A varint as an exact unsigned 64-bit integer (uint64). */
  uint64(): bigint {
    const buf = this.buf;
    let pos = this.pos;
    let lo = 0;
    let hi = 0;
    for (let shift = 0; shift < 70; shift += 7) {
      if (pos >= this.limit) throw this.truncated('a varint');
      const byte = buf[pos++] as number;
      const bits = byte & 0x7f;
      if (shift < 28) lo |= bits << shift;
      else if (shift === 28) {
        lo |= (bits & 0x0f) << 28;
        hi |= bits >>> 4;
      } else hi |= bits << (shift - 32);
      if (byte < 0x80) {
        this.pos = pos;
        return hi === 0 ? BigInt(lo >>> 0) : (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);
      }
    }
    throw this.error('INVALID_LENGTH', 'varint longer than 10 bytes');
  }

  /** A zigzag-encoded sint32. */
  sint32(): number {
    const n = this.varint32();
    return (n >>> 1) ^ -(n & 1);
  }

  bool(): boolean {
    return this.varint32() !== 0;
  }

  fixed32(): number {
    const pos = this.need(4, 'a fixed32');
    return this.view.getUint32(pos, true);
  }

  fixed64(): bigint {
    const pos = this.need(8, 'a fixed64');
    return this.view.getBigUint64(pos, true);
  }

  sfixed64(): bigint {
    const pos = this.need(8, 'an sfixed64');
    return this.view.getBigInt64(pos, true);
  }

  double(): number {
    const pos = this.need(8, 'a double');
    return this.view.getFloat64(pos, true);
  }

  /** The length prefix of a LEN field, checked against the enclosing message. */
  length(): number {
    const length = this.varint32();
    if (length > this.limit - this.pos) {
      throw this.truncated(`a field of ${length} bytes (${this.limit - this.pos} remain)`);
    }
    return length;
  }

  /** A copy of a bytes field, as a plain Uint8Array even when the input is a Buffer (whose slice
   *  would share memory with an input buffer that the caller may reuse). */
  bytes(): Uint8Array {
    const length = this.length();
    const start = this.pos;
    this.pos += length;
    return new Uint8Array(this.buf.subarray(start, start + length));
  }

  /** A bytes field as lowercase hex (trace and span ids); callers check the length. */
  hexId(): string {
    const length = this.length();
    const buf = this.buf;
    const start = this.pos;
    this.pos += length;
    if (length > MAX_ID_BYTES) {
      // Not an id any valid sender writes; still returned so the caller can reject it by length.
      return Buffer.from(buf.buffer, buf.byteOffset + start, length).toString('hex');
    }
    for (let i = 0; i < length; i++) hexScratchPairs[i] = HEX_PAIRS[buf[start + i] as number] as number;
    return latin1Slice.call(hexScratch, 0, length * 2);
  }

  /** A string field; rejects invalid UTF-8 as the protobuf spec requires for proto3 strings. */
  string(): string {
    const length = this.length();
    const start = this.pos;
    const end = start + length;
    this.pos = end;
    if (length === 0) return '';
    if (length > CACHE_MAX_LENGTH) return this.utf8(start, end);
    // A cheap slot from the length and four sampled bytes; a full comparison decides a hit.
    const buf = this.buf;
    const slot =
      (Math.imul(length, 0x9e3779b1) ^
        ((buf[start] as number) << 4) ^
        ((buf[end - 1] as number) << 9) ^
        ((buf[start + (length >>> 1)] as number) << 1) ^
        ((buf[start + (length >>> 2)] as number) << 7)) &
      (CACHE_SIZE - 1);
    const cached = stringCache[slot] as string;
    if (cached.length === length && sameAscii(cached, buf, start)) return cached;
    const decoded = this.utf8(start, end);
    // Equal lengths mean every byte was ASCII, so the cached text compares byte for byte.
    if (decoded.length === length) stringCache[slot] = decoded;
    return decoded;
  }

  /** Skips a field of any wire type (unknown fields are ignored, as protobuf requires). */
  skip(tag: number, depth = 0): void {
    switch (tag & 7) {
      case WireType.VARINT:
        this.varint32();
        return;
      case WireType.I64:
        this.need(8, 'a fixed64');
        return;
      case WireType.LEN: {
        const length = this.length(); // before reading pos: length() moves it past the prefix
        this.pos += length;
        return;
      }
      case WireType.I32:
        this.need(4, 'a fixed32');
        return;
      case WireType.SGROUP:
        this.skipGroup(tag >>> 3, depth);
        return;
      default:
        throw this.error('INVALID_WIRE_TYPE', `wire type ${tag & 7} (field ${tag >>> 3}) does not exist`);
    }
  }

  private skipGroup(field: number, depth: number): void {
    if (depth >= MAX_GROUP_DEPTH) throw this.error('TOO_DEEP', `groups nest deeper than ${MAX_GROUP_DEPTH}`);
    for (;;) {
      const tag = this.tag();
      if ((tag & 7) === WireType.EGROUP) {
        if (tag >>> 3 !== field)
          throw this.error('INVALID_WIRE_TYPE', `group ${field} closed by field ${tag >>> 3}`);
        return;
      }
      this.skip(tag, depth + 1);
    }
  }

  /** Fails unless `tag` has wire type `expected`; names the message and field for the sender. */
  expect(tag: number, expected: number, message: string): void {
    if ((tag & 7) !== expected) {
      throw this.error(
        'INVALID_WIRE_TYPE',
        `${message} field ${tag >>> 3} has wire type ${tag & 7}, expected ${expected}`,
      );
    }
  }

  error(
    code: 'INVALID_WIRE_TYPE' | 'INVALID_LENGTH' | 'TOO_DEEP' | 'INVALID_UTF8',
    what: string,
  ): OtlpDecodeError {
    return new OtlpDecodeError(code, `protobuf: ${what} at byte ${this.pos}`);
  }

  private need(bytes: number, what: string): number {
    const pos = this.pos;
    if (this.limit - pos < bytes) throw this.truncated(what);
    this.pos = pos + bytes;
    return pos;
  }

  private truncated(what: string): OtlpDecodeError {
    return new OtlpDecodeError('TRUNCATED', `protobuf: input ends inside ${what} at byte ${this.pos}`);
  }

  private utf8(start: number, end: number): string {
    // The native decoder replaces invalid sequences with U+FFFD; only then is the strict (slower)
    // decoder needed, to tell a genuine U+FFFD from invalid input.
    const fast = utf8Slice.call(this.node, start, end);
    if (!fast.includes('\uFFFD')) return fast;
    try {
      return strictUtf8.decode(this.buf.subarray(start, end));
    } catch (cause) {
      throw new OtlpDecodeError('INVALID_UTF8', `protobuf: string at byte ${start} is not valid UTF-8`, {
        cause,
      });
    }
  }
}

function sameAscii(text: string, buf: Uint8Array, start: number): boolean {
  for (let i = 0; i < text.length; i++) {
    if (text.charCodeAt(i) !== buf[start + i]) return false;
  }
  return true;
}
