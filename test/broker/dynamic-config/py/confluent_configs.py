# confluent-kafka (librdkafka) against dynamic broker configs on broker 0 (confluent-kafka 1.7 refuses
# an empty resource name, so the cluster default is set by the test beforehand): AlterConfigs, then
# DescribeConfigs with synonyms; a refused key's error. Prints JSON.
import json
import sys

from confluent_kafka.admin import AdminClient, ConfigResource

bootstrap = sys.argv[1]
admin = AdminClient({'bootstrap.servers': bootstrap})
out = {}


def alter(name, configs):
    res = ConfigResource('broker', name, set_config=configs)
    try:
        admin.alter_configs([res])[res].result(timeout=15)
        return None
    except Exception as e:  # KafkaException carrying the broker's KafkaError
        err = e.args[0]
        return [err.code(), err.str()] if hasattr(err, 'code') else [None, str(err)]


def describe(name):
    res = ConfigResource('broker', name)
    entries = admin.describe_configs([res])[res].result(timeout=15)
    return {k: {'value': e.value, 'source': e.source, 'readOnly': e.is_read_only, 'synonyms': [[s.name, s.value, s.source] for s in e.synonyms.values()]}
            for k, e in entries.items()}


out['alterBroker'] = alter('0', {'log.retention.ms': '300000'})
out['refused'] = alter('0', {'num.partitions': '3'})
b = describe('0')
out['broker'] = {k: b[k] for k in ('log.retention.ms', 'log.cleanup.policy', 'broker.id')}
print(json.dumps(out))
