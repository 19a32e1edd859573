"""A small log-bucketed latency histogram in the spirit of HdrHistogram.

Values below 128 get a bucket each; above, every power of two is split into 64 buckets, so a recorded
value is known to within 1/64 (about 1.6 %) at any magnitude while the histogram stays a few hundred
integers. That is precise enough for p99.9 and cheap enough to record one value per delivered message,
and the counts merge by addition, which lets several driver processes report one distribution.
"""

from __future__ import annotations

from collections.abc import Iterable

_SUB_BITS = 7  # 128 exact values, then 64 buckets per power of two
_HALF = 1 << (_SUB_BITS - 1)


def bucket_of(value: int) -> int:
    """The bucket index of a non-negative integer value."""
    if value < (1 << _SUB_BITS):
        return max(value, 0)
    shift = value.bit_length() - _SUB_BITS
    return shift * _HALF + (value >> shift)


def value_of(bucket: int) -> int:
    """The highest value a bucket holds, so percentiles never flatter the server."""
    if bucket < (1 << _SUB_BITS):
        return bucket
    shift = bucket // _HALF - 1
    mantissa = bucket - shift * _HALF  # 64..127: the top bits of every value in the bucket
    return ((mantissa + 1) << shift) - 1


class Histogram:
    """Counts of values (microseconds in this package) by bucket; mergeable and serialisable."""

    __slots__ = ("counts", "total", "maximum")

    def __init__(self) -> None:
        self.counts: dict[int, int] = {}
        self.total = 0
        self.maximum = 0

    def record(self, value: int) -> None:
        bucket = bucket_of(value)
        counts = self.counts
        counts[bucket] = counts.get(bucket, 0) + 1
        self.total += 1
        if value > self.maximum:
            self.maximum = value

    def merge(self, other: Histogram) -> None:
        for bucket, count in other.counts.items():
            self.counts[bucket] = self.counts.get(bucket, 0) + count
        self.total += other.total
        self.maximum = max(self.maximum, other.maximum)

    def percentile(self, percent: float) -> int:
        """The value at `percent` (0-100): the upper bound of the bucket that holds that rank."""
        if not self.total:
            return 0
        rank = max(1, round(self.total * percent / 100))
        seen = 0
        for bucket in sorted(self.counts):
            seen += self.counts[bucket]
            if seen >= rank:
                return min(value_of(bucket), self.maximum)
        return self.maximum

    def to_json(self) -> dict[str, object]:
        return {"counts": [[b, c] for b, c in self.counts.items()], "total": self.total, "maximum": self.maximum}

    @classmethod
    def from_json(cls, data: dict) -> Histogram:
        made = cls()
        made.counts = {int(b): int(c) for b, c in data["counts"]}
        made.total = int(data["total"])
        made.maximum = int(data["maximum"])
        return made

    @classmethod
    def merged(cls, parts: Iterable[Histogram]) -> Histogram:
        made = cls()
        for part in parts:
            made.merge(part)
        return made
