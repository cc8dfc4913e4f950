"""Numbers of a load test run: request rate, latency percentiles and errors, per request name."""

import math
from dataclasses import dataclass


def percentile(values: list[float], fraction: float) -> float:
    """The nearest-rank percentile: the smallest value with `fraction` of the values at or below.

    `fraction` is in (0, 1]; an empty list has no percentile (ValueError).
    """
    if not values:
        raise ValueError("no values")
    if not 0 < fraction <= 1:
        raise ValueError(f"fraction must be in (0, 1], not {fraction}")
    ordered = sorted(values)
    return ordered[math.ceil(fraction * len(ordered)) - 1]


@dataclass(frozen=True)
class Line:
    name: str
    requests: int
    errors: int
    per_second: float
    p50_ms: float
    p95_ms: float
    p99_ms: float


def summarise(samples: list[tuple[str, float, bool]], seconds: float) -> list[Line]:
    """One line per request name (alphabetical), then the "all requests" total.

    `samples` are (name, milliseconds, failed) per request; `seconds` is how long they took.
    """
    by_name: dict[str, list[tuple[float, bool]]] = {}
    for name, milliseconds, failed in samples:
        by_name.setdefault(name, []).append((milliseconds, failed))
    groups = [*sorted(by_name.items()), ("all requests", [(ms, f) for _, ms, f in samples])]
    return [_line(name, rows, seconds) for name, rows in groups if rows]


def _line(name: str, rows: list[tuple[float, bool]], seconds: float) -> Line:
    times = [milliseconds for milliseconds, _ in rows]
    return Line(
        name=name,
        requests=len(rows),
        errors=sum(failed for _, failed in rows),
        per_second=len(rows) / seconds,
        p50_ms=percentile(times, 0.50),
        p95_ms=percentile(times, 0.95),
        p99_ms=percentile(times, 0.99),
    )


def table(lines: list[Line]) -> str:
    """The summary as a plain-text table."""
    header = f"{'request':<24} {'count':>7} {'errors':>6} {'req/s':>7} {'p50 ms':>7} "
    header += f"{'p95 ms':>7} {'p99 ms':>7}"
    rows = [
        f"{line.name:<24} {line.requests:>7} {line.errors:>6} {line.per_second:>7.1f} "
        f"{line.p50_ms:>7.0f} {line.p95_ms:>7.0f} {line.p99_ms:>7.0f}"
        for line in lines
    ]
    return "\n".join([header, "-" * len(header), *rows])
