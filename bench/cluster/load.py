#!/usr/bin/env python3
"""Closed-loop HTTP/1.1 load on one or more API nodes: CONNECTIONS keep-alive connections spread over the URLs, each
sending POST /api/v1/predict back to back for SECONDS after WARMUP seconds. Prints one JSON line: requests per
second, status counts and latency percentiles. Loopback only; standard library only.
Usage: load.py SECONDS WARMUP CONNECTIONS URL [URL...]"""
import asyncio, json, sys, time
from urllib.parse import urlparse

BODY = json.dumps({"model": "breast-cancer", "features": {"mean radius": 13.5, "mean texture": 14.4,
                   "worst radius": 15.1, "worst area": 711.2}}).encode()


async def worker(url, stop_at, measure_from, stats):
    parsed = urlparse(url)
    if parsed.hostname not in ("127.0.0.1", "localhost"):
        raise SystemExit(f"{url}: loopback only")
    request = (f"POST /api/v1/predict HTTP/1.1\r\nHost: {parsed.hostname}:{parsed.port}\r\n"
               f"Content-Type: application/json\r\nContent-Length: {len(BODY)}\r\n\r\n").encode() + BODY
    while time.monotonic() < stop_at:
        reader, writer = await asyncio.open_connection(parsed.hostname, parsed.port)
        try:
            while True:
                started = time.monotonic()
                if started >= stop_at:
                    return
                writer.write(request)
                await writer.drain()
                status_line = await reader.readline()
                if not status_line:
                    raise ConnectionResetError("closed by the server")
                status = int(status_line.split()[1])
                length, chunked = 0, False
                while True:
                    line = await reader.readline()
                    if line in (b"\r\n", b""):
                        break
                    name, _, value = line.decode().partition(":")
                    if name.lower() == "content-length":
                        length = int(value)
                    elif name.lower() == "transfer-encoding" and "chunked" in value.lower():
                        chunked = True
                if chunked:
                    while (size := int((await reader.readline()).split(b";")[0], 16)) > 0:
                        await reader.readexactly(size + 2)
                    await reader.readline()
                else:
                    await reader.readexactly(length)
                done = time.monotonic()
                if started >= measure_from:
                    stats["status"][status] = stats["status"].get(status, 0) + 1
                    stats["latency"].append(done - started)
        except (ConnectionError, asyncio.IncompleteReadError):
            stats["status"]["closed"] = stats["status"].get("closed", 0) + 1
        finally:
            writer.close()


async def main():
    seconds, warmup, connections = float(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3])
    urls = sys.argv[4:]
    start = time.monotonic()
    measure_from, stop_at = start + warmup, start + warmup + seconds
    stats = {"status": {}, "latency": []}
    await asyncio.gather(*(worker(urls[i % len(urls)], stop_at, measure_from, stats) for i in range(connections)))
    latency = sorted(stats["latency"])
    pick = lambda q: round(latency[min(len(latency) - 1, int(q * len(latency)))] * 1000, 1) if latency else None
    ok = stats["status"].get(200, 0)
    print(json.dumps({"rps": round(ok / seconds, 1), "status": stats["status"], "p50_ms": pick(0.5), "p99_ms": pick(0.99)}))


asyncio.run(main())
