"""The one error every verification check raises."""


class VerificationError(Exception):
    """A request failed verification; `check` names which check, `detail` says why."""

    def __init__(self, check: str, detail: str):
        self.check = check
        self.detail = detail
        super().__init__(f"{check}: {detail}")
