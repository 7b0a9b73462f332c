// Outgoing frames: int32 length, ReplyHeader{xid, zxid, err}, then the response record.
import {JuteWriter} from '../../protocol/zookeeper/jute.js'

export function replyFrame(xid: number, zxid: number, err: number, body?: (w: JuteWriter) => void, sizeHint = 64): Buffer {
  const w = new JuteWriter(sizeHint, 4)
  w.int(xid).longNum(zxid).int(err)
  if (body) body(w)
  const b = w.finish()
  b.writeInt32BE(b.length - 4, 0)
  return b
}
