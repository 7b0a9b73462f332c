# What `kafka-configs.sh --bootstrap-server B --entity-type brokers (--entity-default | --entity-name 0)
# --alter --add-config K=V` does over the wire, with kafka-python 2.0.2: describe the entity with
# synonyms, keep the entries whose source is that level's dynamic one (DYNAMIC_DEFAULT_BROKER_CONFIG
# = 3 for "", DYNAMIC_BROKER_CONFIG = 2 for an id), add the new ones, AlterConfigs the whole set.
# Prints JSON: the AlterConfigs error per step and the entries described afterwards.
import json
import sys

from kafka.admin import ConfigResource, ConfigResourceType, KafkaAdminClient
from kafka.protocol.admin import DescribeConfigsRequest

bootstrap, entity = sys.argv[1], sys.argv[2]
adds = dict(kv.split('=', 1) for kv in sys.argv[3].split(',')) if len(sys.argv) > 3 and sys.argv[3] else {}
source = 3 if entity == '' else 2
admin = KafkaAdminClient(bootstrap_servers=bootstrap, client_id='configs-flow', request_timeout_ms=10000)


def describe():
    # kafka-python's describe_configs only takes broker ids; "" (the cluster default) goes out as
    # the Java admin client sends it: DescribeConfigs v1 with synonyms, to any broker.
    request = DescribeConfigsRequest[1](resources=[(ConfigResourceType.BROKER.value, entity, None)], include_synonyms=True)
    future = admin._send_request_to_node(admin._client.least_loaded_node(), request)
    admin._wait_for_futures([future])
    resp = future.value
    error_code, error_message, _, _, entries = resp.resources[0]
    if error_code:
        raise SystemExit('describe failed: %d %s' % (error_code, error_message))
    # kafka-python's v1 schema names the int8 config_source "is_default" (a Boolean): the source
    # is taken from the first synonym, which is the entry's source by Kafka's definition.
    return {name: {'value': value, 'readOnly': bool(read_only), 'source': synonyms[0][2] if synonyms else 5, 'synonyms': [[s[0], s[1], s[2]] for s in synonyms]}
            for name, value, read_only, _source, _sensitive, synonyms in entries}


before = describe()
current = {k: e['value'] for k, e in before.items() if e['source'] == source}
current.update(adds)
resp = admin.alter_configs([ConfigResource(ConfigResourceType.BROKER, entity, configs=current)])
error_code, error_message, _, _ = resp.resources[0]
after = describe()
admin.close()
print(json.dumps({'error': [error_code, error_message], 'dynamic': {k: e['value'] for k, e in after.items() if e['source'] == source}, 'entries': after}))
