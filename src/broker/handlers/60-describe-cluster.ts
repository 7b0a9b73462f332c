// DescribeCluster v0-1 (used by Java's Admin.describeCluster). EndpointType 1 = brokers; 2
// (controllers, KRaft) is answered with UNSUPPORTED_ENDPOINT_TYPE like a ZooKeeper-mode broker.
import {decodeDescribeClusterRequest} from '../../protocol/kafka/generated/describe-cluster-request.js'
import {encodeDescribeClusterResponse} from '../../protocol/kafka/generated/describe-cluster-response.js'
import type {DescribeClusterRequest} from '../../protocol/kafka/generated/describe-cluster-request.js'
import type {DescribeClusterResponse} from '../../protocol/kafka/generated/describe-cluster-response.js'
import type {Loose} from '../../protocol/kafka/generated/runtime.js'
import {defineHandler} from './context.js'
import {runtime} from '../runtime.js'
import {advertisedBrokers} from '../advertised.js'

const UNSUPPORTED_ENDPOINT_TYPE = 119
const ALL_CLUSTER_OPERATIONS = (1 << 4) | (1 << 5) | (1 << 7) | (1 << 8) | (1 << 9) | (1 << 10) | (1 << 11) | (1 << 12)

export default defineHandler<DescribeClusterRequest, Loose<DescribeClusterResponse>>({
  apiKey: 60,
  codec: {name: 'DescribeCluster', requestFlexibleMin: 0, responseFlexibleMin: 0, decodeRequest: decodeDescribeClusterRequest, encodeResponse: encodeDescribeClusterResponse},
  minVersion: 0,
  maxVersion: 1,
  handle(ctx, request, version) {
    const rt = runtime(ctx)
    if (version >= 1 && request.endpointType !== 1) {
      return {errorCode: UNSUPPORTED_ENDPOINT_TYPE, errorMessage: 'The endpoint type 2 is not supported by this broker', endpointType: request.endpointType, clusterId: rt.metadata.clusterId, brokers: []}
    }
    return {
      throttleTimeMs: 0,
      errorCode: 0,
      errorMessage: null,
      endpointType: 1,
      clusterId: rt.metadata.clusterId,
      controllerId: rt.metadata.controllerId,
      brokers: advertisedBrokers(rt, ctx.connection).map((b) => ({brokerId: b.id, host: b.host, port: b.port, rack: b.rack})),
      clusterAuthorizedOperations: request.includeClusterAuthorizedOperations ? ALL_CLUSTER_OPERATIONS : -2147483648,
    }
  },
})
