# Load generator for bench/zookeeper.mjs: N kazoo sessions spread over P worker processes (each
# running its share of the sessions in threads, one session per thread), so the generator is not
# held to one core by the GIL. Each session loops over create, getData, setData, exists,
# getChildren, delete on its own node with 100-byte data.
# Usage: zk-load.py HOSTS SESSIONS SECONDS ROOT [PROCS]
# Prints "go" and "done" around the timed loop, then one JSON line: sessions, procs, ops, seconds, ops/s, p50/p99 latency in ms over all
# operations of all processes, and the generator CPU (all workers, % of one core) in the timed loop.
# Workers (zk-load.py --worker HOSTS COUNT FIRST ROOT) connect, print "ready", read "START STOP"
# (epoch seconds) from stdin, run, and print their latencies (microseconds) and CPU as JSON.
import json
import resource
import subprocess
import sys
import threading
import time

from kazoo.client import KazooClient


def worker(hosts, count, first, root):
    data = b'x' * 100
    clients = []
    for _ in range(count):
        c = KazooClient(hosts=hosts, timeout=30)
        c.start()
        clients.append(c)
    lat = [[] for _ in range(count)]
    go = threading.Event()
    window = [0.0, 0.0]

    def run(i):
        c = clients[i]
        base = '%s/s%d' % (root, first + i)
        c.ensure_path(base)
        mine = lat[i]
        n = 0
        go.wait()
        stop_at = window[1]
        while time.time() < stop_at:
            p = '%s/n%d' % (base, n)
            n += 1
            for op in (lambda: c.create(p, data), lambda: c.get(p), lambda: c.set(p, data), lambda: c.exists(p),
                       lambda: c.get_children(base), lambda: c.delete(p)):
                t = time.perf_counter()
                op()
                mine.append(time.perf_counter() - t)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for t in threads:
        t.start()
    sys.stdout.write('ready\n')
    sys.stdout.flush()
    window[0], window[1] = (float(x) for x in sys.stdin.readline().split())
    time.sleep(max(0.0, window[0] - time.time()))
    ru0 = resource.getrusage(resource.RUSAGE_SELF)
    go.set()
    for t in threads:
        t.join()
    elapsed = time.time() - window[0]
    ru1 = resource.getrusage(resource.RUSAGE_SELF)
    cpu = ru1.ru_utime + ru1.ru_stime - ru0.ru_utime - ru0.ru_stime
    for c in clients:
        c.stop()
        c.close()
    sys.stdout.write(json.dumps({'lat_us': [round(x * 1e6) for l in lat for x in l], 'cpu': cpu, 'elapsed': elapsed}) + '\n')
    sys.stdout.flush()


def main(hosts, sessions, seconds, root, procs):
    procs = max(1, min(procs, sessions))
    setup = KazooClient(hosts=hosts, timeout=30)
    setup.start()
    setup.ensure_path(root)
    # Sessions dealt out as evenly as possible: 32 over 4 is 8 each, 1 over 4 is one process.
    shares = [sessions // procs + (1 if k < sessions % procs else 0) for k in range(procs)]
    workers = []
    first = 0
    for share in shares:
        workers.append(subprocess.Popen([sys.executable, __file__, '--worker', hosts, str(share), str(first), root],
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True))
        first += share
    for w in workers:
        if w.stdout.readline().strip() != 'ready':
            raise SystemExit('zk-load: a worker failed to connect')
    t0 = time.time() + 0.3
    for w in workers:
        w.stdin.write('%f %f\n' % (t0, t0 + seconds))
        w.stdin.flush()
    # "go" and "done" bracket the timed loop, so the caller can sample the server's CPU over it.
    time.sleep(max(0.0, t0 - time.time()))
    print('go', flush=True)
    outs = [json.loads(w.stdout.readline()) for w in workers]
    print('done', flush=True)
    for w in workers:
        w.wait()
    setup.delete(root, recursive=True)
    setup.stop()
    lat = sorted(x for o in outs for x in o['lat_us'])
    elapsed = max(o['elapsed'] for o in outs)
    n = len(lat)
    print(json.dumps({'sessions': sessions, 'procs': procs, 'ops': n, 'seconds': round(elapsed, 2),
                      'ops_per_s': round(n / elapsed), 'p50_ms': round(lat[n // 2] / 1000, 3),
                      'p99_ms': round(lat[int(n * 0.99)] / 1000, 3),
                      'gen_cpu_pct': round(100 * sum(o['cpu'] for o in outs) / elapsed)}))


if __name__ == '__main__':
    if sys.argv[1] == '--worker':
        worker(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5])
    else:
        main(sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), sys.argv[4],
             int(sys.argv[5]) if len(sys.argv) > 5 else 4)
