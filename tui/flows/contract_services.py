"""The contract's services (issue 21, item 4) in words, for both faces and every place that shows them:
Mes garanties and the conseiller's dossier (each service in full: what, how to reach it, conditions) and
the dashboard (one line each, the same service once even when two contracts include it)."""

from __future__ import annotations

from collections.abc import Iterable

from models.domain.vocabulary import contract_service_reach, contract_service_title
from models.schemas.dashboard import ContractServiceOut

HEADING = "Services inclus dans le contrat"
NONE = "Aucun service en plus des remboursements dans ce contrat."


def reach_sentence(service: ContractServiceOut) -> str | None:
    """How to reach it, in the one vocabulary's words (the PDF of the table says it the same way)."""
    return contract_service_reach(service.phone, service.hours, service.web)


def service_lines(service: ContractServiceOut) -> list[str]:
    """One service in full, one sentence a line: what it is, how to reach it, its conditions."""
    lines = [f"{contract_service_title(service.label, service.name)} : {service.description}"]
    if not service.available:
        lines.append(f"Indisponible : {service.unavailable_reason}")
    reach = reach_sentence(service)
    if reach:
        lines.append(reach)
    lines.append(f"Conditions : {service.conditions}")
    return lines


def short_line(service: ContractServiceOut) -> str:
    """The dashboard's line: the service and how to reach it, or why it cannot be used now."""
    head = contract_service_title(service.label, service.name, short=True)
    if not service.available:
        return f"{head} : indisponible – {service.unavailable_reason}"
    reach = reach_sentence(service)
    return f"{head} : {reach[:1].lower()}{reach[1:]}" if reach else head


def distinct(services: Iterable[ContractServiceOut]) -> list[ContractServiceOut]:
    """Each service once (a base contract and its surcomplémentaire may include the same one), in order;
    an available copy wins over an unavailable one."""
    chosen: dict[tuple[str, str], ContractServiceOut] = {}
    for service in services:
        key = (service.kind.value, service.name)
        if key not in chosen or (service.available and not chosen[key].available):
            chosen[key] = service
    return list(chosen.values())
