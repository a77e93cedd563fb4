"""Hypothesis runs derandomized here: the same examples every run, so a failure is reproducible.

No example database either: a failure found on one machine must not change what another run tests.
"""

from hypothesis import HealthCheck, settings

settings.register_profile(
    "domain",
    derandomize=True,
    database=None,
    max_examples=250,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile("domain")
