// Control records (transaction markers, KRaft control types) under their own module name; they are
// defined beside the batch encoder in record-batch.ts, which encodeEndTxnMarker needs.
export {ControlRecordType, controlRecordKey, encodeEndTxnMarker, endTxnMarkerValue, parseControlRecord} from './record-batch.js'
