"""Measurements: interleaved rounds of ``load.measure`` and the guard that watches the
other Odoo processes meanwhile."""

import os
import time
from pathlib import Path

import load
from common import say


def _parent(pid):
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return int(stat.rsplit(")", 1)[1].split()[1])


def _descends_from(pid, ancestors):
    seen = 0
    while pid and seen < 64:
        if pid in ancestors:
            return True
        pid, seen = _parent(pid), seen + 1
    return False


def _cpu_ticks(pid):
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return int(fields[11]) + int(fields[12])  # utime + stime


def other_odoo_processes():
    """``{pid: (command, cpu ticks)}`` of the Odoo processes (servers, test runs, other
    benchmarks) that are not this benchmark's."""
    mine = {os.getpid()}
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        pid = int(entry.name)
        try:
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if "odoo" in cmdline and "python" in cmdline and not _descends_from(pid, mine):
            ticks = _cpu_ticks(pid)
            if ticks is not None:
                found[pid] = (cmdline[:110], ticks)
    return found


class Neighbours:
    """Watches the other Odoo processes during a measurement: those that used more than
    ``threshold`` of a core shared the CPU with it, so its figures are not comparable."""

    def __init__(self, threshold=0.05):
        self.threshold = threshold
        self.before = {}
        self.started = 0.0
        self.warnings = 0

    def start(self):
        self.before = other_odoo_processes()
        self.started = time.monotonic()

    def stop(self, where):
        elapsed = max(time.monotonic() - self.started, 1e-3)
        tick = os.sysconf("SC_CLK_TCK")
        for pid, (command, ticks) in other_odoo_processes().items():
            used = (ticks - self.before.get(pid, (command, 0))[1]) / tick / elapsed
            if used > self.threshold:
                self.warnings += 1
                say(f"WARNING {where}: pid {pid} used {used:.0%} of a core: {command}")


def load_average():
    """The 1-minute load average: other work on the machine skews the figures."""
    return os.getloadavg()[0]


def measure_rounds(args, clients, concurrencies=(1, 8), unit="req/s"):
    """Measure each client at each concurrency, interleaved over ``args.rounds`` rounds.

    The clients take turns in A B / B A order (even rounds reversed), so that neither is
    always measured first, on a machine warming up or cooling down.

    :param clients: ``clients(round_number)`` -> list of ``(name, make)`` for ``load.measure``
    :return: ``(results, loads)``: pooled ``load`` results and the load average per
        ``(name, concurrency)``, plus ``loads["others"]``, what other processes did meanwhile
    """
    results, loads, neighbours = {}, {}, Neighbours()
    for round_number in range(1, args.rounds + 1):
        for concurrency in concurrencies:
            turns = clients(round_number)
            if round_number % 2 == 0:
                turns = turns[::-1]
            for name, make in turns:
                before = load_average()
                neighbours.start()
                result = load.measure(
                    name, make, concurrency, count=args.requests, warmup=args.warmup
                )
                neighbours.stop(f"round {round_number} {name} c={concurrency}")
                say(
                    f"round {round_number} {name} c={concurrency}: p50 {result.p50_ms:.2f} ms, "
                    f"p99 {result.p99_ms:.2f} ms, {result.rate:.1f} {unit}, "
                    f"{result.errors} errors, {result.connects} connections, load {before:.2f}"
                )
                if result.errors:
                    say(f"first error: {result.first_error}")
                key = (name, concurrency)
                results[key] = results[key].merge(result) if key in results else result
                loads[key] = max(loads.get(key, 0.0), before)
    loads["others"] = neighbours.warnings
    return results, loads
