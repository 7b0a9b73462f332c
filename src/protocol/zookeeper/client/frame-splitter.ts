// Splits a TCP byte stream into ZooKeeper frames (int32 length, then that many bytes). Frames
// that arrive whole in one chunk are handed out as subarrays of it, without copying.

export class FrameSplitter {
  private pending: Buffer | null = null

  constructor(private readonly maxFrameBytes: number) {}

  /** Calls `frame` for every complete frame; throws on a length that cannot be right. */
  push(chunk: Buffer, frame: (f: Buffer) => void): void {
    let buf = this.pending ? Buffer.concat([this.pending, chunk]) : chunk
    this.pending = null
    let pos = 0
    while (buf.length - pos >= 4) {
      const n = buf.readInt32BE(pos)
      if (n < 0 || n > this.maxFrameBytes) throw new Error(`Packet len ${n} is out of range`)
      if (buf.length - pos - 4 < n) break
      frame(buf.subarray(pos + 4, pos + 4 + n))
      pos += 4 + n
    }
    if (pos < buf.length) this.pending = Buffer.from(buf.subarray(pos))
  }

  reset(): void {
    this.pending = null
  }
}
