"""Static membership with librdkafka (confluent_kafka): a static member restarted within its
session timeout takes its place back without a rebalance. Prints one JSON line of findings."""
import json
import sys
import time

from confluent_kafka import Consumer

bootstrap, topic = sys.argv[1], sys.argv[2]
events = []


def consumer(instance):
    conf = {
        'bootstrap.servers': bootstrap,
        'group.id': 'static-group',
        'group.instance.id': instance,
        'session.timeout.ms': 6000,
        'heartbeat.interval.ms': 300,
        'auto.offset.reset': 'earliest',
        'enable.auto.commit': False,
    }
    c = Consumer(conf)

    def on_assign(_c, parts):
        events.append((instance, 'assign', sorted(p.partition for p in parts)))

    def on_revoke(_c, parts):
        events.append((instance, 'revoke', sorted(p.partition for p in parts)))

    c.subscribe([topic], on_assign=on_assign, on_revoke=on_revoke)
    return c


def poll_until(consumers, cond, timeout=20):
    deadline = time.time() + timeout
    while time.time() < deadline:
        for c in consumers:
            c.poll(0.05)
        if cond():
            return True
    return False


def assigned(instance):
    last = [e for e in events if e[0] == instance and e[1] == 'assign']
    return last[-1][2] if last else None


b = consumer('b')
ok1 = poll_until([b], lambda: assigned('b') == [0, 1, 2, 3])
a = consumer('a')
ok2 = poll_until([a, b], lambda: assigned('a') is not None and len(assigned('a') or []) == 2 and len(assigned('b') or []) == 2)
a_parts = assigned('a')
mark = len(events)
a.close()  # a static member leaves no LeaveGroup behind: the group keeps its place
a2 = consumer('a')
ok3 = poll_until([a2, b], lambda: any(e[0] == 'a' and e[1] == 'assign' for e in events[mark:]))
poll_until([a2, b], lambda: False, timeout=1.5)  # would any rebalance follow?
after = events[mark:]
print(json.dumps({
    'ok': [ok1, ok2, ok3],
    'a_parts': a_parts,
    'a2_parts': assigned('a'),
    'b_parts': assigned('b'),
    'after_restart': after,
}))
a2.close()
b.close()
