"""The one exception processors raise on purpose."""


class Rejected(Exception):
    """A record a processor cannot handle, with a short stable reason for the dead-letter topic."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(detail)
        self.reason = reason
        self.detail = detail


class BackendUnavailable(RuntimeError):
    """An optional model was asked for but its data is not installed; the message says how to fix it."""
