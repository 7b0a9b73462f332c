# Prints one JSON line per request/response class kafka-python defines (its own protocol
# encoders): {"apiKey", "version", "request", "name", "hex"} with random, non-null values filled in
# from each class's SCHEMA. Used by kafka-python-codec.test.ts; run with /usr/bin/python3.
import importlib
import inspect
import json
import random
import sys

from kafka.protocol.api import Request, Response
from kafka.protocol.types import Array, Boolean, Bytes, Int8, Int16, Int32, Int64, Schema, String

rand = random.Random(20261121)


def value(t):
    if t is Int8 or isinstance(t, Int8):
        return rand.randint(-128, 127)
    if t is Int16 or isinstance(t, Int16):
        return rand.randint(-32768, 32767)
    if t is Int32 or isinstance(t, Int32):
        return rand.choice([-1, 0, 1, rand.randint(-2**31, 2**31 - 1)])
    if t is Int64 or isinstance(t, Int64):
        return rand.choice([-1, 0, rand.randint(-2**63, 2**63 - 1)])
    if t is Boolean or isinstance(t, Boolean):
        return rand.random() < 0.5
    if t is String or isinstance(t, String):
        return rand.choice(['', 'a', 'topic-1', 'grüße', 'x' * 70])
    if t is Bytes or isinstance(t, Bytes):
        return bytes(rand.randrange(256) for _ in range(rand.randint(0, 20)))
    if isinstance(t, Array):
        return [value(t.array_of) for _ in range(rand.randint(0, 3))]
    if isinstance(t, Schema):
        return tuple(value(f) for f in t.fields)
    raise TypeError(repr(t))


for modname in ['admin', 'commit', 'fetch', 'group', 'metadata', 'offset', 'produce']:
    mod = importlib.import_module('kafka.protocol.' + modname)
    for name, cls in sorted(inspect.getmembers(mod, inspect.isclass)):
        if cls in (Request, Response) or not issubclass(cls, (Request, Response)):
            continue
        if not hasattr(cls, 'API_KEY') or not hasattr(cls, 'SCHEMA') or cls.__module__ != mod.__name__:
            continue
        for seed in range(2):
            values = [value(f) for f in cls.SCHEMA.fields]
            obj = cls(*values)  # keep a reference: encode is a weak method
            try:
                encoded = obj.encode()
            except TypeError:  # a few kafka-python schemas cannot encode themselves (String not instantiated)
                print('cannot encode ' + name, file=sys.stderr)
                break
            print(json.dumps({'apiKey': cls.API_KEY, 'version': cls.API_VERSION, 'request': issubclass(cls, Request), 'name': name, 'hex': encoded.hex()}))
