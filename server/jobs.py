"""Background jobs. One pass runs each job once; the loop waits between passes with an injectable
``wait`` (tests call one pass and never sleep)."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from server.clock import Clock
from server.db import SessionScope
from server.notify.outbox import SendReport, SmtpFactory, default_smtp, send_due_mails
from server.services.demo_progress import advance_demo
from server.settings import Settings

log = logging.getLogger("espace.jobs")


def run_pass(
    session_scope: SessionScope, clock: Clock, settings: Settings, smtp_factory: SmtpFactory = default_smtp
) -> SendReport:
    # issue 7: in demo mode, démarches, online claims and messages move forward (their mails go out below)
    demo = advance_demo(session_scope, clock, settings)
    if demo.requests or demo.claims or demo.threads:
        log.info("demo pass", extra={"requests": demo.requests, "claims": demo.claims, "threads": demo.threads})
    report = send_due_mails(session_scope, clock, settings, smtp_factory)
    if report.sent or report.failed:
        log.info("outbox pass", extra={"sent": report.sent, "failed": report.failed})
    return report


def run_loop(
    session_scope: SessionScope,
    clock: Clock,
    settings: Settings,
    *,
    wait: Callable[[float], None] = time.sleep,
    should_continue: Callable[[], bool] = lambda: True,
    smtp_factory: SmtpFactory = default_smtp,
) -> None:
    while should_continue():
        try:
            run_pass(session_scope, clock, settings, smtp_factory)
        except Exception:  # a broken pass must not stop the sender; it is logged and retried
            log.exception("jobs pass failed")
        wait(settings.jobs_interval_seconds)
