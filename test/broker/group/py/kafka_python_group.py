"""kafka-python 2.0.2 in a consumer group: reads `count` records, commits, leaves. Prints the
values it read as one JSON line."""
import json
import sys

from kafka import KafkaConsumer

bootstrap, topic, group, count = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
c = KafkaConsumer(
    topic,
    bootstrap_servers=bootstrap,
    group_id=group,
    auto_offset_reset='earliest',
    enable_auto_commit=False,
    session_timeout_ms=6000,
    heartbeat_interval_ms=300,
    consumer_timeout_ms=15000,
)
got = []
for msg in c:
    got.append(msg.value.decode())
    if len(got) >= count:
        break
c.commit()
c.close()
print(json.dumps(got))
