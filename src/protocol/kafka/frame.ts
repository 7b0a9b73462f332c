// Kafka frames: every request and response is an int32 size followed by that many bytes (header,
// then body). FrameDecoder cuts a TCP byte stream into frames; the helpers below read a request
// header and write whole request/response frames with the right header version.
import {ProtocolError} from './protocol-error.js'
import {Reader} from './reader.js'
import {Writer} from './writer.js'
import {decodeRequestHeader, encodeRequestHeader, requestHeaderVersion, type RequestHeader} from './generated/request-header.js'
import {encodeResponseHeader, responseHeaderVersion} from './generated/response-header.js'

/** Kafka's socket.request.max.bytes default (100 MiB). */
export const DEFAULT_MAX_FRAME_SIZE = 104_857_600

/**
 * Splits a byte stream into frames (size prefix removed). A frame that arrives inside one chunk is
 * a subarray of it (no copy); a frame spread over chunks is copied once into a buffer of its exact
 * size. A negative size or one above maxFrameSize throws ProtocolError before anything is allocated.
 */
export class FrameDecoder {
  private sizeBytes = Buffer.alloc(4)
  private sizeFilled = 0
  private frame: Buffer | null = null
  private frameFilled = 0

  constructor(readonly maxFrameSize = DEFAULT_MAX_FRAME_SIZE) {}

  /** Bytes of an incomplete frame held so far (size prefix included). */
  get buffered(): number {
    return this.sizeFilled + this.frameFilled
  }

  push(chunk: Buffer): Buffer[] {
    const frames: Buffer[] = []
    let pos = 0
    while (pos < chunk.length) {
      if (this.frame === null) {
        // Fast path: the size and the whole frame sit in this chunk.
        if (this.sizeFilled === 0 && chunk.length - pos >= 4) {
          const size = this.checkSize(chunk.readInt32BE(pos))
          if (chunk.length - pos - 4 >= size) {
            frames.push(chunk.subarray(pos + 4, pos + 4 + size))
            pos += 4 + size
            continue
          }
          pos += 4
          this.startFrame(size)
        } else {
          const n = Math.min(4 - this.sizeFilled, chunk.length - pos)
          chunk.copy(this.sizeBytes, this.sizeFilled, pos, pos + n)
          this.sizeFilled += n
          pos += n
          if (this.sizeFilled < 4) break
          this.sizeFilled = 0
          this.startFrame(this.checkSize(this.sizeBytes.readInt32BE(0)))
        }
      }
      const frame = this.frame!
      const n = Math.min(frame.length - this.frameFilled, chunk.length - pos)
      chunk.copy(frame, this.frameFilled, pos, pos + n)
      this.frameFilled += n
      pos += n
      if (this.frameFilled === frame.length) {
        frames.push(frame)
        this.frame = null
        this.frameFilled = 0
      }
    }
    return frames
  }

  private checkSize(size: number): number {
    if (size < 0) throw new ProtocolError(`frame size ${size} is negative`)
    if (size > this.maxFrameSize) throw new ProtocolError(`frame size ${size} is larger than the limit ${this.maxFrameSize}`)
    return size
  }

  private startFrame(size: number): void {
    this.frame = Buffer.allocUnsafe(size)
    this.frameFilled = 0
  }
}

export interface DecodedRequestHeader {
  header: RequestHeader
  headerVersion: number
  /** Positioned at the request body. */
  reader: Reader
}

/** Reads the request header of a frame (size prefix removed); the api key and version pick its version. */
export function readRequestHeader(frame: Buffer): DecodedRequestHeader {
  if (frame.length < 8) throw new ProtocolError(`request of ${frame.length} bytes is shorter than a header`)
  const apiKey = frame.readInt16BE(0)
  const apiVersion = frame.readInt16BE(2)
  const headerVersion = requestHeaderVersion(apiKey, apiVersion)
  const reader = new Reader(frame)
  const header = decodeRequestHeader(reader, headerVersion)
  return {header, headerVersion, reader}
}

/** A whole response frame: size, response header (version picked from the api key and version), body. */
export function encodeResponseFrame(apiKey: number, version: number, correlationId: number, body: (w: Writer) => void, w = new Writer()): Buffer {
  const chunks = encodeResponseFrameChunks(apiKey, version, correlationId, body, w)
  return chunks.length === 1 ? chunks[0] : Buffer.concat(chunks)
}

/**
 * Like encodeResponseFrame, as pieces: with a Writer whose spliceMin is set, record sets of at least
 * that size are not copied (write the pieces with socket.cork/writev). Needs an empty Writer.
 */
export function encodeResponseFrameChunks(apiKey: number, version: number, correlationId: number, body: (w: Writer) => void, w = new Writer()): Buffer[] {
  if (w.length !== 0) throw new Error('encodeResponseFrameChunks needs an empty Writer')
  const sizeAt = w.reserveInt32()
  encodeResponseHeader(w, {correlationId}, responseHeaderVersion(apiKey, version))
  body(w)
  w.int32At(sizeAt, w.length - 4)
  return w.finishChunks()
}

/** A whole request frame, as a client sends it. */
export function encodeRequestFrame(
  apiKey: number,
  version: number,
  correlationId: number,
  clientId: string | null,
  body: (w: Writer) => void,
  w = new Writer(),
): Buffer {
  const start = w.length
  const sizeAt = w.reserveInt32()
  encodeRequestHeader(w, {requestApiKey: apiKey, requestApiVersion: version, correlationId, clientId}, requestHeaderVersion(apiKey, version))
  body(w)
  w.int32At(sizeAt, w.length - start - 4)
  return w.finish().subarray(start)
}
