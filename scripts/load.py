#!/usr/bin/env python3
"""A bounded HTTP/1.1 load test against a local server, standard library only.

Usage: load.py HOST PORT [--sequential N PATH...] [--concurrent C --requests R PATH]

--sequential: for each PATH, N requests one after another on one keep-alive connection;
              prints p50 / p99 / max latency (ms).
--concurrent: C connections at once, R requests in all spread over them (keep-alive), on
              PATH; prints throughput, p50 / p99 latency and the number of errors (non-200 or
              broken connections). Exits 1 when any request failed.
"""

import argparse
import asyncio
import statistics
import sys
import time


async def request(reader, writer, host, path):
    writer.write(f"GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: keep-alive\r\n\r\n".encode())
    await writer.drain()
    status = await reader.readline()
    if not status:
        raise ConnectionError("closed")
    code = int(status.split()[1])
    length = None
    chunked = False
    while True:
        line = await reader.readline()
        if line in (b"\r\n", b""):
            break
        k, _, v = line.decode("latin-1").partition(":")
        if k.lower() == "content-length":
            length = int(v.strip())
        if k.lower() == "transfer-encoding" and "chunked" in v.lower():
            chunked = True
    if chunked:
        while True:
            size = int((await reader.readline()).strip(), 16)
            await reader.readexactly(size + 2)
            if size == 0:
                break
    elif length is not None:
        await reader.readexactly(length)
    return code


def pct(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))]


async def sequential(host, port, n, paths):
    reader, writer = await asyncio.open_connection(host, port)
    bad = 0
    for path in paths:
        lat = []
        for _ in range(n):
            t = time.perf_counter()
            code = await request(reader, writer, host, path)
            lat.append((time.perf_counter() - t) * 1000)
            bad += code != 200
        print(f"{path:<28} n={n:<4} p50 {pct(lat, 50):7.2f} ms  p99 {pct(lat, 99):7.2f} ms  max {max(lat):7.2f} ms")
    writer.close()
    return bad


async def concurrent(host, port, c, total, path):
    lat, errors = [], 0
    per = [total // c + (1 if i < total % c else 0) for i in range(c)]

    async def one(k):
        nonlocal errors
        try:
            reader, writer = await asyncio.open_connection(host, port)
        except OSError:
            errors += k
            return
        for _ in range(k):
            t = time.perf_counter()
            try:
                code = await request(reader, writer, host, path)
            except (OSError, ConnectionError, asyncio.IncompleteReadError, ValueError, IndexError):
                errors += 1
                return
            lat.append((time.perf_counter() - t) * 1000)
            errors += code != 200
        writer.close()

    t0 = time.perf_counter()
    await asyncio.gather(*(one(k) for k in per))
    dt = time.perf_counter() - t0
    print(f"{path}: {c} connections, {len(lat)} answered of {total} in {dt:.2f} s "
          f"({len(lat) / dt:.0f} req/s), p50 {pct(lat, 50):.1f} ms, p99 {pct(lat, 99):.1f} ms, "
          f"errors {errors}")
    return errors


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("host")
    ap.add_argument("port", type=int)
    ap.add_argument("--sequential", type=int)
    ap.add_argument("--concurrent", type=int)
    ap.add_argument("--requests", type=int, default=2000)
    ap.add_argument("paths", nargs="+")
    a = ap.parse_args()
    bad = 0
    if a.sequential:
        bad += asyncio.run(sequential(a.host, a.port, a.sequential, a.paths))
    if a.concurrent:
        for p in a.paths:
            bad += asyncio.run(concurrent(a.host, a.port, a.concurrent, a.requests, p))
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
