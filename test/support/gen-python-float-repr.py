# Generates python-float-repr.txt beside it: python3 gen-python-float-repr.py > python-float-repr.txt
import math, struct, sys
M = (1 << 64) - 1
state = 0x0123456789ABCDEF
def splitmix():
    global state
    state = (state + 0x9E3779B97F4A7C15) & M
    z = state
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M
    return z ^ (z >> 31)
vals = []
for _ in range(1000):
    b = splitmix()
    v = struct.unpack('<d', struct.pack('<Q', b))[0]
    if math.isfinite(v): vals.append(v)
for i in range(2000):
    z = splitmix()
    m = z >> (11 + (z % 40))
    d = (z >> 3) % 23
    vals.append(m / 10**d if i % 2 == 0 else float(m) * float(10**d))
for base in (1e16, 1e-4, 1e-5, 1e15, 1.0, 0.1, 5e-324, 1e21):
    x = base
    for _ in range(3): x = math.nextafter(x, 0.0)
    for _ in range(7):
        vals.append(x); vals.append(-x); x = math.nextafter(x, math.inf)
for k in range(-30, 31):
    vals.append(float('1e%d' % k)); vals.append(float('1.5e%d' % k))
seen=set(); out=[]
for v in vals:
    bits = struct.unpack('<Q', struct.pack('<d', v))[0]
    if bits in seen: continue
    seen.add(bits); out.append('%016x %r' % (bits, v))
sys.stdout.write("# Python %s repr(float), one per line: <IEEE-754 bits, 16 hex digits> <repr>. Made by gen-python-float-repr.py; do not edit.\n" % sys.version.split()[0])
sys.stdout.write("\n".join(out) + "\n")
