"""The one error the exam bank's actions raise for a refused request."""


class AttemptRefused(Exception):
    """The quiz cannot be started or the answer cannot be taken; message is Thai / English."""
