"""Hypothesis runs derandomized here: the same examples every run, so a failure is reproducible."""

from hypothesis import HealthCheck, settings

settings.register_profile(
    "domain", derandomize=True, max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile("domain")
