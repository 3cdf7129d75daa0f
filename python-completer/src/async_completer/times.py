"""Times and ages as the completers print them: Go's time.RFC3339Nano in UTC, for any int64
seconds (a task token may carry any; datetime cannot hold them all), and Go's time.Duration
text."""

from __future__ import annotations


def _civil_from_days(days: int) -> tuple[int, int, int]:
    """Year, month, day of a day count since 1970-01-01 in the proleptic Gregorian
    calendar, for any count (H. Hinnant's algorithm)."""
    z = days + 719468
    era = z // 146097
    doe = z - era * 146097
    yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153
    day = doy - (153 * mp + 2) // 5 + 1
    month = mp + 3 if mp < 10 else mp - 9
    year = yoe + era * 400 + (1 if month <= 2 else 0)
    return year, month, day


def format_rfc3339nano(seconds: int, nanos: int) -> str:
    """A protobuf Timestamp as Go's time.RFC3339Nano in UTC: trailing zeros of the fraction
    dropped, no fraction at all for whole seconds."""
    seconds += nanos // 1_000_000_000
    nanos %= 1_000_000_000
    days, second_of_day = divmod(seconds, 86400)
    year, month, day = _civil_from_days(days)
    hour, rest = divmod(second_of_day, 3600)
    minute, second = divmod(rest, 60)
    year_text = f"-{-year:04d}" if year < 0 else f"{year:04d}"
    fraction = f".{nanos:09d}".rstrip("0") if nanos else ""
    return f"{year_text}-{month:02d}-{day:02d}T{hour:02d}:{minute:02d}:{second:02d}{fraction}Z"


def go_duration(seconds: int) -> str:
    """A whole number of seconds as Go's time.Duration prints it: 0s, 45s, 3m12s, 1h0m5s,
    26h3m4s (no days)."""
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}h{minutes}m{secs}s"
    if minutes:
        return f"{minutes}m{secs}s"
    return f"{secs}s"
