#!/usr/bin/env python3
"""A Python peer that speaks the wire of the origin, Python oon 0.0.5, for OON's tests.

Stdlib only. It writes and reads messages as test/fixtures/oon-0.0.5/WIRE.md records:
one JSON document per socket.send(), json.dumps defaults, "type" first, fields in dir()
order (class-level defaults included), enums as {"type", "value"}, objects revived by
calling the class with no arguments and setattr. Objects come from the origin's own
cars.py and extra.py (test/fixtures/oon-0.0.5).

Usage (every event is one JSON line on stdout):
  oon_peer.py serve SEND...        listen on 127.0.0.1:0, print {"event": "listening", "port": N},
                                   accept one client, send each named object, then receive
                                   until the client closes
  oon_peer.py connect PORT SEND... connect, send each named object, receive until closed
Names: ford_truck, ford_truck_ignore_speed, volvo_car, car_defaults, everything.
"""
import enum
import json
import os
import socket
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'fixtures', 'oon-0.0.5'))
import cars  # noqa: E402
import extra  # noqa: E402

UUID = '0123456789'
CLASSES = {
    name: obj
    for module in (cars, extra)
    for name, obj in vars(module).items()
    if isinstance(obj, type) and obj.__module__ == module.__name__
}


def emit(**event):
    print(json.dumps(event), flush=True)


def to_dict(obj, ignore):
    """The origin's object_to_dict: type first, then dir() order, skipping dunders and callables."""
    out = {'type': type(obj).__name__}
    for name in dir(obj):
        if name.startswith('__') or name in ignore:
            continue
        value = getattr(obj, name)
        if callable(value):
            continue
        out[name] = to_value(value, ignore)
    return out


def to_value(value, ignore):
    if isinstance(value, enum.Enum):
        return {'type': type(value).__name__, 'value': value.value}
    if type(value).__name__ in CLASSES and not isinstance(value, type):
        return to_dict(value, ignore)
    return value


def message_text(obj, ignore=()):
    return json.dumps({'head': {'uuid': UUID}, 'body': to_dict(obj, set(ignore))})


def from_dict(data):
    """The origin's loader: the class named by "type", built with no arguments, then setattr."""
    keys = list(data.keys())
    cls = CLASSES.get(data['type'])
    if cls is None:
        raise ValueError('unknown class %s' % data['type'])
    if issubclass(cls, enum.Enum):
        return cls(data['value'])
    obj = cls()
    for name in keys[1:]:  # the origin skips the first key, whatever its name
        if not hasattr(obj, name):
            raise ValueError('%s has no field %s' % (cls.__name__, name))
        value = data[name]
        setattr(obj, name, from_dict(value) if isinstance(value, dict) else value)
    return obj


def describe(obj):
    """What the Python side revived, as JSON the test can check: class names at every depth."""
    if isinstance(obj, enum.Enum):
        return {'enum': type(obj).__name__, 'name': obj.name}
    if type(obj).__name__ in CLASSES:
        fields = {name: describe(getattr(obj, name)) for name in dir(obj)
                  if not name.startswith('__') and not callable(getattr(obj, name))}
        return {'class': type(obj).__name__, 'fields': fields}
    return obj


def build(name):
    if name == 'ford_truck':
        return cars.FordTruck(speed=20, car=cars.VolvoCar(speed=35, wheels=4), count=1), ()
    if name == 'ford_truck_ignore_speed':
        return cars.FordTruck(speed=20, car=cars.VolvoCar(speed=35, wheels=4), count=1), ('speed',)
    if name == 'volvo_car':
        return cars.VolvoCar(speed=35, wheels=4), ()
    if name == 'car_defaults':
        return cars.Car(), ()
    if name == 'everything':
        e = extra.Everything()
        e.flag, e.count, e.ratio, e.name = True, -7, 2.5, 'Привет "q"'
        e.numbers, e.table, e.color = [1, 2, 3], {'a': 1, 'b': [True, None]}, extra.Color.Blue
        e.origin = extra.Point()
        e.origin.x, e.origin.y = 1.5, -2.0
        return e, ()
    raise SystemExit('unknown object name %s' % name)


def converse(sock, names):
    for name in names:
        obj, ignore = build(name)
        text = message_text(obj, ignore)
        sock.send(text.encode('utf-8'))  # one message, one send: the origin's framing
        emit(event='sent', name=name, raw=text)
    buffered = b''
    while True:
        chunk = sock.recv(1024)
        if not chunk:
            emit(event='closed')
            return
        buffered += chunk
        try:
            doc = json.loads(buffered.decode('utf-8'))
        except ValueError:
            continue  # a message longer than one recv: read on
        text, buffered = buffered.decode('utf-8'), b''
        try:
            emit(event='received', raw=text, uuid=doc['head']['uuid'], object=describe(from_dict(doc['body'])))
        except (ValueError, KeyError, TypeError) as err:
            emit(event='bad_data', raw=text, error=str(err))


def main(argv):
    if len(argv) >= 1 and argv[0] == 'serve':
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.bind(('127.0.0.1', 0))
        listener.listen(3)
        emit(event='listening', port=listener.getsockname()[1])
        conn, _ = listener.accept()
        with conn:
            converse(conn, argv[1:])
        listener.close()
    elif len(argv) >= 2 and argv[0] == 'connect':
        with socket.create_connection(('127.0.0.1', int(argv[1]))) as sock:
            converse(sock, argv[2:])
    else:
        raise SystemExit(__doc__)


if __name__ == '__main__':
    main(sys.argv[1:])
