"""kafka-python pinned to an old protocol (api_version given, so no ApiVersions request):
produce and/or consume with a consumer group, print what was consumed and committed as JSON.

usage: old_client.py BOOTSTRAP API_VERSION TOPIC MODE CODEC COUNT GROUP [KEY_PREFIX]
  API_VERSION  0.9 or 0.10.1
  MODE         produce | consume | both
  CODEC        none | gzip | snappy | lz4
"""
import json
import logging
import os
import sys
import time

from kafka import KafkaConsumer, KafkaProducer, TopicPartition

if os.environ.get('OLD_CLIENT_DEBUG'):
    # kafka.conn logs every request it sends ("... Request 3: ProduceRequest_v1(...)") at DEBUG.
    logging.basicConfig(stream=sys.stderr, level=logging.WARNING)
    logging.getLogger('kafka.conn').setLevel(logging.DEBUG)

bootstrap, api, topic, mode, codec, count, group = sys.argv[1:8]
prefix = sys.argv[8] if len(sys.argv) > 8 else 'k'
api_version = tuple(int(x) for x in api.split('.'))
count = int(count)
out = {'produced': [], 'consumed': [], 'committed': None}

if mode in ('produce', 'both'):
    producer = KafkaProducer(bootstrap_servers=bootstrap, api_version=api_version,
                             compression_type=None if codec == 'none' else codec, linger_ms=5)
    futures = []
    for i in range(count):
        key = None if i % 7 == 3 else ('%s%d' % (prefix, i)).encode()
        value = ('value %d %s' % (i, 'x' * (i % 50))).encode() if (i % 11 != 5 or i % 7 == 3) else None
        ts = 1700000000000 + i if api_version >= (0, 10) else None
        futures.append(producer.send(topic, key=key, value=value, timestamp_ms=ts))
    producer.flush()
    for f in futures:
        md = f.get(timeout=10)
        out['produced'].append(md.offset)
    producer.close()

if mode in ('consume', 'both'):
    consumer = KafkaConsumer(topic, bootstrap_servers=bootstrap, api_version=api_version, group_id=group,
                             auto_offset_reset='earliest', enable_auto_commit=False,
                             session_timeout_ms=10000, heartbeat_interval_ms=1000, fetch_max_wait_ms=200)
    deadline = time.time() + 30
    while len(out['consumed']) < count and time.time() < deadline:
        for tp, msgs in consumer.poll(timeout_ms=500).items():
            for m in msgs:
                out['consumed'].append({
                    'offset': m.offset,
                    'timestamp': m.timestamp,
                    'key': None if m.key is None else m.key.decode(),
                    'value': None if m.value is None else m.value.decode(),
                })
    consumer.commit()
    out['committed'] = consumer.committed(TopicPartition(topic, 0))
    consumer.close()

print(json.dumps(out))
