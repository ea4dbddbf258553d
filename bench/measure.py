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


def _cpu_ticks(pid, reaped=False):
    """User + system time of a process in clock ticks, ``None`` when it is gone; with
    ``reaped``, also that of the children it has waited for (an exited child's time goes to
    its parent)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    # utime, stime, then cutime, cstime
    return sum(int(value) for value in fields[11 : 15 if reaped else 13])


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


class CpuMeter:
    """The CPU time that the load generator (this process), the benchmark's Odoo server and
    PostgreSQL use during each measurement, per operation: where an operation's cost goes
    when they share the machine's cores.

    A group's time is its processes' user and system time, with the children they reaped
    (Odoo's workers, PostgreSQL's backends of closed connections). The warm-up of a
    measurement is in its window, so the time is divided by the operations counted and
    those of the warm-up.
    """

    GROUPS = ("load generator", "Odoo", "PostgreSQL")

    def __init__(self, server_pid):
        self.server = {server_pid}
        self.tick = os.sysconf("SC_CLK_TCK")
        self.totals = {}  # key -> [operations, wall seconds, {group: CPU seconds}]
        self.before = None
        self.started = 0.0

    def snapshot(self):
        """``{group: CPU seconds}`` now."""
        ticks = dict.fromkeys(self.GROUPS, 0)
        mine = os.getpid()
        ticks["load generator"] = _cpu_ticks(mine, reaped=True) or 0
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit() or int(entry.name) == mine:
                continue
            pid = int(entry.name)
            try:
                command = (entry / "comm").read_text().strip()
            except OSError:
                continue
            if command == "postgres":
                ticks["PostgreSQL"] += _cpu_ticks(pid, reaped=True) or 0
            elif _descends_from(pid, self.server):
                ticks["Odoo"] += _cpu_ticks(pid, reaped=True) or 0
        return {group: count / self.tick for group, count in ticks.items()}

    def start(self):
        self.before = self.snapshot()
        self.started = time.monotonic()

    def stop(self, key, operations):
        """Add the window since :meth:`start` to ``key``'s totals."""
        wall = time.monotonic() - self.started
        after = self.snapshot()
        total = self.totals.setdefault(key, [0, 0.0, dict.fromkeys(self.GROUPS, 0.0)])
        total[0] += operations
        total[1] += wall
        for group in self.GROUPS:
            total[2][group] += max(after[group] - self.before[group], 0.0)

    def per_operation(self, key):
        """``({group: CPU ms per operation}, cores busy)`` of ``key``'s measurements."""
        operations, wall, used = self.totals[key]
        per = {group: 1000 * seconds / max(operations, 1) for group, seconds in used.items()}
        return per, sum(used.values()) / max(wall, 1e-9)


def load_average():
    """The 1-minute load average: other work on the machine skews the figures."""
    return os.getloadavg()[0]


def measure_rounds(args, clients, concurrencies=(1, 8), unit="req/s", cpu=None):
    """Measure each client at each concurrency, interleaved over ``args.rounds`` rounds.

    The clients take turns in A B / B A order (even rounds reversed), so that neither is
    always measured first, on a machine warming up or cooling down.

    :param clients: ``clients(round_number)`` -> list of ``(name, make)`` or ``(name, make,
        settle)`` for ``load.measure``
    :param CpuMeter cpu: records the CPU of each measurement under ``(name, concurrency)``
    :return: ``(results, loads)``: pooled ``load`` results and the load average per
        ``(name, concurrency)``, plus ``loads["others"]``, what other processes did meanwhile
    """
    results, loads, neighbours = {}, {}, Neighbours()
    for round_number in range(1, args.rounds + 1):
        for concurrency in concurrencies:
            turns = clients(round_number)
            if round_number % 2 == 0:
                turns = turns[::-1]
            for name, make, *settle in turns:
                before = load_average()
                neighbours.start()
                if cpu:
                    cpu.start()
                result = load.measure(
                    name,
                    make,
                    concurrency,
                    count=args.requests,
                    warmup=args.warmup,
                    settle=settle[0] if settle else None,
                )
                if cpu:
                    cpu.stop((name, concurrency), args.requests + args.warmup)
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
