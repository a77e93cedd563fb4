"""Background jobs. One pass runs each job once; the loop waits between passes with an injectable
``wait`` (tests call one pass and never sleep)."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlmodel import SQLModel

from models.tables import (
    AuditEvent,
    AuthSession,
    HumanChallengeRow,
    IdempotencyKey,
    LoginThrottle,
    MailToken,
    PendingLoginRow,
    RecoveryCode,
    TrustedDevice,
)
from server.clock import Clock
from server.db import SessionScope
from server.notify.outbox import SendReport, SmtpFactory, default_smtp, send_due_mails
from server.services.demo_progress import advance_demo
from server.services.lifecycle import settle_due_payments
from server.settings import Settings

log = logging.getLogger("espace.jobs")


@dataclass
class PurgeReport:
    deleted: dict[str, int] = field(default_factory=dict)


def _t(model: type) -> sa.Table:
    return model.__table__  # type: ignore[attr-defined,no-any-return]


def purge(session_scope: SessionScope, clock: Clock, settings: Settings) -> PurgeReport:
    """Delete what has expired (security-rules.md: expired tokens, challenges and sessions are purged by a
    job): rows past their end by more than ``purge_grace``, idempotency keys older than ``idempotency_ttl``
    and audit rows older than ``audit_retention``. One transaction."""
    now = clock.now()
    cutoff = now - settings.purge_grace
    s, c, p, d, m, t = (
        _t(AuthSession),
        _t(HumanChallengeRow),
        _t(PendingLoginRow),
        _t(TrustedDevice),
        _t(MailToken),
        _t(LoginThrottle),
    )
    r, i, a = _t(RecoveryCode), _t(IdempotencyKey), _t(AuditEvent)
    idle_cutoff = cutoff - settings.session_idle_timeout
    session_over = sa.or_(s.c.expires_at < cutoff, s.c.revoked_at < cutoff, s.c.last_seen_at < idle_cutoff)
    statements: dict[str, sa.Delete] = {}
    step_up = SQLModel.metadata.tables.get("step_up")  # issue 8: rows that point at a session go first
    if step_up is not None:
        statements["step_up"] = sa.delete(step_up).where(
            sa.or_(step_up.c.expires_at < cutoff, step_up.c.auth_session_id.in_(sa.select(s.c.id).where(session_over)))
        )
    statements |= {
        "auth_session": sa.delete(s).where(session_over),
        "human_challenge": sa.delete(c).where(c.c.expires_at < cutoff),
        "pending_login": sa.delete(p).where(
            sa.or_(p.c.code_expires_at < cutoff, p.c.consumed_at < cutoff, p.c.ended_at < cutoff)
        ),
        "trusted_device": sa.delete(d).where(sa.or_(d.c.expires_at < cutoff, d.c.revoked_at < cutoff)),
        "mail_token": sa.delete(m).where(sa.or_(m.c.expires_at < cutoff, m.c.used_at < cutoff)),
        "recovery_code": sa.delete(r).where(r.c.used_at < cutoff),
        "login_throttle": sa.delete(t).where(
            sa.or_(
                t.c.locked_until < cutoff,
                sa.and_(t.c.locked_until.is_(None), t.c.window_start < cutoff - settings.login_ip_window),
            )
        ),
        "idempotency_key": sa.delete(i).where(i.c.created_at < now - settings.idempotency_ttl),
        "audit_event": sa.delete(a).where(a.c.at < now - settings.audit_retention),
    }
    report = PurgeReport()
    with session_scope() as session:
        for name, statement in statements.items():
            report.deleted[name] = session.execute(statement).rowcount or 0
        session.commit()
    return report


def run_pass(
    session_scope: SessionScope, clock: Clock, settings: Settings, smtp_factory: SmtpFactory = default_smtp
) -> SendReport:
    # issue 7: in demo mode, démarches, online claims and messages move forward (their mails go out below)
    demo = advance_demo(session_scope, clock, settings)
    if demo.requests or demo.claims or demo.threads:
        log.info("demo pass", extra={"requests": demo.requests, "claims": demo.claims, "threads": demo.threads})
    settled = settle_due_payments(session_scope, clock)  # a planned payment whose day has come leaves
    if settled:
        log.info("payment pass", extra={"settled": settled})
    purged = purge(session_scope, clock, settings)
    if any(purged.deleted.values()):
        log.info("purge pass", extra={k: v for k, v in purged.deleted.items() if v})
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
