"""Python values as the record format's JSON reads them (used by ``Engine.check``)."""

import datetime
import decimal


def json_default(value):
    """Dates as ``YYYY-MM-DD`` and decimals as their exact text; anything else is refused.

    A ``datetime.datetime`` is refused too: the day of a time depends on its time zone.
    """
    if isinstance(value, datetime.datetime):
        raise TypeError(
            f"{value!r} is a date and time: give the record's date as datetime.date or text"
        )
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        if not value.is_finite():
            raise TypeError(f"{value!r} is not a finite amount")
        return str(value)
    if isinstance(value, tuple):
        return list(value)
    raise TypeError(f"{type(value).__name__} {value!r} cannot be a record's value")
