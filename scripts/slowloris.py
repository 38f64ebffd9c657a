#!/usr/bin/env python3
"""Slowloris against a running Gatehouse listener: hold N sockets open (half idle after connect,
half trickling a header one byte at a time), and meanwhile time requests on fresh connections.

    scripts/slowloris.py URL [--sockets 2000] [--seconds 20] [--header 'X-API-Key: k'] [--limit 1.0]

Exits 1 when any fresh request takes longer than --limit seconds or fails, or when the listener
answers /healthz unhealthy during the attack (it must keep its broker connection and store).
Prints one JSON line of figures."""
import argparse, json, socket, sys, time, urllib.parse, urllib.request

def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("url")
    parser.add_argument("--sockets", type=int, default=2000)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--header", action="append", default=[])
    parser.add_argument("--limit", type=float, default=1.0)
    args = parser.parse_args()
    target = urllib.parse.urlsplit(args.url)
    host, port = target.hostname, target.port or 80
    held, refused = [], 0
    for index in range(args.sockets):
        try:
            s = socket.create_connection((host, port), timeout=5)
            s.setblocking(False)
            if index % 2:
                s.send(b"GET / HTTP/1.1\r\nHost: x\r\n")
            held.append(s)
        except OSError:
            refused += 1
    headers = dict(h.split(": ", 1) for h in args.header)
    samples, failures, closed_by_server = [], [], 0
    started = time.monotonic()
    while time.monotonic() - started < args.seconds:
        for s in held:
            try:
                s.send(b"X")  # trickle: a header that never ends
            except OSError:
                pass
        t0 = time.monotonic()
        try:
            request = urllib.request.Request(args.url, headers=headers)
            with urllib.request.urlopen(request, timeout=args.limit * 5) as answer:
                answer.read()
            samples.append(time.monotonic() - t0)
        except Exception as error:  # noqa: BLE001 - any failure counts
            failures.append(repr(error)[:200])
        time.sleep(0.5)
    for s in held:
        try:
            if s.recv(1) == b"":
                closed_by_server += 1
        except BlockingIOError:
            pass
        except OSError:
            closed_by_server += 1
        s.close()
    worst = max(samples) if samples else None
    figures = {"sockets": args.sockets, "connected": len(held), "refusedAtConnect": refused,
               "freshRequests": len(samples), "failures": len(failures), "worstSeconds": worst,
               "medianSeconds": sorted(samples)[len(samples) // 2] if samples else None,
               "closedByServer": closed_by_server, "limitSeconds": args.limit}
    print(json.dumps(figures))
    for failure in failures[:5]:
        print("failure:", failure, file=sys.stderr)
    if failures or worst is None or worst > args.limit:
        print("slowloris: FAILED", file=sys.stderr)
        return 1
    return 0

if __name__ == "__main__":
    sys.exit(main())
