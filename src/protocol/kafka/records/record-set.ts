// A whole record set (a Fetch/Produce `records` field or a slice of a log segment) decoded to
// records, whatever mix of magic 0, 1 and 2 entries it holds. A trailing partial entry (fetch
// responses stop at max bytes) is left out, as consumers do.
import {iterateBatches} from './batch-header.js'
import {decodeLegacyEntry} from './legacy.js'
import {decodeRecordBatch, type DecodedBatch} from './record-batch.js'

export interface DecodeRecordSetOptions {
  verifyCrc?: boolean
  maxDecompressed?: number
}

export async function decodeRecordSet(buf: Buffer, opts: DecodeRecordSetOptions = {}): Promise<DecodedBatch[]> {
  const out: DecodedBatch[] = []
  for (const e of iterateBatches(buf)) {
    const o = {...opts, position: e.position}
    out.push(e.header.magic === 2 ? await decodeRecordBatch(buf, o) : await decodeLegacyEntry(buf, o))
  }
  return out
}
