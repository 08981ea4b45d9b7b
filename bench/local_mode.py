"""The local server holding a real workspace: create rate, read latency and memory as contacts pile up.

    .venv/bin/python bench/local_mode.py [--sizes 1000 10000] [--large] [--threads 4] [--reads 50]
                                         [--data-dir DIR] [--walk] [--sample 500]

Starts a real `contacthub serve` subprocess on 127.0.0.1 and fills one workspace through the public API
(skarbe single creates, from a few threads; with `--sample N`, all but the last N contacts of each step come
through the batch endpoint, 100 a request, which is how the 100,000 row is reached in reasonable time). At
each size it prints the create rate over the single creates that led there (and the server's CPU time per
create, which a busy machine does not inflate), the median and p99 wall time of a GET by id (skarbe), a name search (skarbe `query`) and a
list page (whautomate, 50 contacts), and the server's resident memory. `--large` adds the 100,000 row;
`--walk` then lists and searches every contact to the end.
Wall time on a possibly shared machine: compare the rows, not the absolute figures.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
KEY = "chk_benchlocalmodebenchlocalmode"
BATCH = 100  # contacts per batch request, the endpoint's maximum
FIRST_NAMES = ("Marie", "Jean", "Anne", "Louis", "Claire", "Paul", "Sophie", "Hugo", "Julie", "Lucas")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _cpu_seconds(pid: int) -> float:
    """User plus system CPU time of the server process so far, from /proc (Linux): a figure a busy machine
    does not inflate the way it inflates wall time."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except OSError:
        return float("nan")


def _resident_mb(pid: int) -> float:
    """VmRSS of the server process, from /proc (Linux)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


class Server:
    def __init__(self, data_dir: str | None):
        self.port = _free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        # This checkout's code, whichever checkout an installed `contacthub` script would run.
        command = [sys.executable, "-m", "contacthub_local.cli", "serve", "--port", str(self.port), "--quiet",
                   "--api-key", KEY]
        if data_dir:
            command += ["--data-dir", data_dir]
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join([str(PROJECT_ROOT / root) for root in ("functions", "graphql", "infra")]
                                            + [p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p])
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                        cwd=PROJECT_ROOT, env=env)
        deadline = time.monotonic() + 120
        while True:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.5).close()
                return
            except OSError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    self.stop()
                    raise SystemExit("contacthub serve did not start") from None
                time.sleep(0.2)

    def request(self, method: str, path: str, payload=None) -> tuple[int, object]:
        status, body, _ = self.exchange(method, path, payload)
        return status, body

    def exchange(self, method: str, path: str, payload=None) -> tuple[int, object, dict[str, str]]:
        """(status, parsed body, headers)."""
        data = json.dumps(payload).encode() if payload is not None else None
        request = urllib.request.Request(self.base_url + path, data=data, method=method,
                                         headers={"X-Api-Key": KEY, "Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=120) as response:
                return response.status, json.loads(response.read() or b"null"), dict(response.headers)
        except urllib.error.HTTPError as error:
            return error.code, error.read(), dict(error.headers)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=120)
            except subprocess.TimeoutExpired:
                self.process.kill()


def fill(server: Server, start: int, stop: int, threads: int) -> tuple[float, float]:
    """Create contacts start..stop-1 from `threads` threads; returns (creates per second, server CPU
    milliseconds per create)."""
    counter = iter(range(start, stop))
    guard = threading.Lock()
    failures: list[object] = []

    def work() -> None:
        while not failures:
            with guard:
                n = next(counter, None)
            if n is None:
                return
            status, body = server.request("POST", "/api/connect/contacts", {
                "firstName": FIRST_NAMES[n % len(FIRST_NAMES)], "lastName": f"Bench{n:06d}",
                "email": f"bench{n}@local.example", "companyName": f"Company {n % 97}"})
            if status != 200:
                failures.append(body)

    began, cpu_before = time.perf_counter(), _cpu_seconds(server.process.pid)
    _on_threads(work, threads)
    if failures:
        raise SystemExit(f"a create failed: {failures[0]!r}")
    cpu_ms = (_cpu_seconds(server.process.pid) - cpu_before) * 1000 / (stop - start)
    return (stop - start) / (time.perf_counter() - began), cpu_ms


def _on_threads(work: Callable[[], None], threads: int) -> None:
    """Run ``work`` on ``threads`` threads until each returns."""
    workers = [threading.Thread(target=work) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()


def fill_in_batches(server: Server, start: int, stop: int, threads: int) -> None:
    """Create contacts start..stop-1 through `POST /hub/v1/contacts/batch`, 100 a request, from `threads`
    threads: the way an import reaches a size quickly (the create rate is still measured on single creates)."""
    chunks = iter(range(start, stop, BATCH))
    guard = threading.Lock()
    failures: list[object] = []

    def work() -> None:
        while not failures:
            with guard:
                first = next(chunks, None)
            if first is None:
                return
            contacts = [{"firstName": FIRST_NAMES[n % len(FIRST_NAMES)], "lastName": f"Bench{n:06d}",
                         "emails": [f"bench{n}@local.example"], "company": f"Company {n % 97}"}
                        for n in range(first, min(first + BATCH, stop))]
            status, body = server.request("POST", "/hub/v1/contacts/batch", {"mode": "create", "contacts": contacts})
            if status != 200 or any(r.get("status") == "error" for r in body["data"]):  # type: ignore[index]
                failures.append(body)

    _on_threads(work, threads)
    if failures:
        raise SystemExit(f"a batch failed: {str(failures[0])[:500]}")


def timed(call: Callable[[], tuple[int, object]], repeat: int) -> tuple[float, float]:
    """(median, p99) milliseconds of `repeat` calls, each of which must answer 200."""
    times = []
    for _ in range(repeat):
        began = time.perf_counter()
        status, body = call()
        times.append((time.perf_counter() - began) * 1000)
        if status != 200:
            raise SystemExit(f"a read failed: {status} {body!r}")
    times.sort()
    return statistics.median(times), times[min(len(times) - 1, round(0.99 * (len(times) - 1)))]


def walk(server: Server, stored: int) -> str:
    """Every contact once through a paged list (whautomate, 100 a page) and a search matching them all (skarbe
    `query`, following its `Link` cursor): the counts found and the time each took."""
    began, listed, page = time.perf_counter(), 0, 1
    while True:
        status, body = server.request("GET", f"/v1/contacts?page={page}&limit=100")
        if status != 200:
            raise SystemExit(f"a list page failed: {status} {body!r}")
        listed += len(body)  # type: ignore[arg-type]
        if len(body) < 100:  # type: ignore[arg-type]
            break
        page += 1
    list_seconds = time.perf_counter() - began
    began, searched, path = time.perf_counter(), 0, "/api/connect/contacts?query=Bench&limit=100"
    while path:
        status, body, headers = server.exchange("GET", path)
        if status != 200:
            raise SystemExit(f"a search page failed: {status} {body!r}")
        searched += len(body)  # type: ignore[arg-type]
        link = headers.get("Link", "")
        path = link[link.index("<") + 1:link.index(">")] if link else ""  # a path with its query
    search_seconds = time.perf_counter() - began
    return (f"walked {stored:,} contacts: listed {listed:,} in {list_seconds:.1f} s ({page} pages), "
            f"searched {searched:,} in {search_seconds:.1f} s")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--large", action="store_true", help="also fill to 100,000 contacts")
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--reads", type=int, default=50, help="calls timed per read kind and size")
    parser.add_argument("--data-dir", help="serve with --data-dir DIR (snapshots on)")
    parser.add_argument("--sample", type=int, default=0, help=(
        "fill each step through the batch endpoint except the last SAMPLE contacts, created one by one for the "
        "create rate (0: every contact one by one)"))
    parser.add_argument("--walk", action="store_true",
                        help="at the last size, list and search every contact to the end and report it")
    args = parser.parse_args(argv)
    sizes = sorted(set(args.sizes + ([100_000] if args.large else [])))
    server = Server(args.data_dir)
    rng = random.Random(7)
    print(f"contacthub serve on {server.base_url}, {args.threads} writer threads, load {os.getloadavg()[0]:.1f}")
    print(f"{'contacts':>9} {'creates/s':>10} {'CPU ms/create':>14} {'get ms (p50/p99)':>17} {'search ms':>14} {'list ms':>14} "
          f"{'RSS MB':>8}")
    try:
        stored = 0
        for size in sizes:
            singles_from = max(stored, size - args.sample) if args.sample else stored
            if singles_from > stored:
                fill_in_batches(server, stored, singles_from, args.threads)
            rate, cpu_ms = fill(server, singles_from, size, args.threads)
            stored = size
            get = timed(lambda n=size: server.request("GET", f"/api/connect/contacts/{rng.randint(1, n)}"), args.reads)
            search = timed(lambda: server.request(
                "GET", f"/api/connect/contacts?query={rng.choice(FIRST_NAMES)}&limit=20"), args.reads)
            page = timed(lambda: server.request(
                "GET", f"/v1/contacts?page={rng.randint(1, 5)}&limit=50"), args.reads)
            print(f"{size:>9,} {rate:>10.1f} {cpu_ms:>14.1f} {get[0]:>8.1f}/{get[1]:<8.1f} {search[0]:>6.1f}/{search[1]:<7.1f} "
                  f"{page[0]:>6.1f}/{page[1]:<7.1f} {_resident_mb(server.process.pid):>8.0f}  "
                  f"(load {os.getloadavg()[0]:.1f})", flush=True)
        if args.walk:
            print(walk(server, stored), flush=True)
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
