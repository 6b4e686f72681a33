"""Egress logs against the profile: which destinations the SaaS terminals may reach, and one
:class:`~netsep_check.evaluate.crosscheck.TenantResult` per log (the second fact source,
beside the tenant facts of :mod:`netsep_check.evaluate.crosscheck`).

A destination is allowed when ``allowed_destinations`` lists it or the host table gives it to
an approved product; a host that names one customer's tenant (``<tenant>.sharepoint.com``,
``<company>.workvivo.com``) only when it is the firm's own tenant's.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from netsep_check.evaluate.crosscheck import FactsRef, Measurement, TenantResult

if TYPE_CHECKING:  # egress logs are read only when given
    from netsep_check.facts.egress import EgressSummary, HostTable

_EGRESS_PATH = ("security_measures", "network_link", "internet_access_control")


def approved_products(profile: Mapping[str, Any]) -> tuple[str, ...]:
    """The products a destination may belong to: the approved scope (sandbox), else the
    declared usage (standing exception)."""
    scope = (profile.get("designation") or {}).get("approved_scope")
    if isinstance(scope, dict):
        return tuple(scope.get("saas_products") or ())
    return tuple((profile.get("usage") or {}).get("saas_products") or ())


def _access_control(profile: Mapping[str, Any]) -> Mapping[str, Any]:
    """The profile's internet_access_control (empty where it has none)."""
    return ((profile.get("security_measures") or {}).get("network_link") or {}).get(
        "internet_access_control") or {}


def _allowed(profile: Mapping[str, Any]) -> tuple[str, ...]:
    return tuple(h.lower().rstrip(".")
                 for h in _access_control(profile).get("allowed_destinations") or ())


def own_tenants(profile: Mapping[str, Any], hosts: HostTable) -> dict[str, frozenset[str]]:
    """The firm's own tenant under each suffix whose hosts name a tenant (``.sharepoint.com``):
    every label of each tenant that an allowed_destinations entry under that suffix names
    (``yesibank.sharepoint.com`` names ``yesibank``, ``yesibank-my``, ...). A wildcard over
    the whole suffix (``*.sharepoint.com``) names none."""
    own: dict[str, set[str]] = {}
    for entry in _allowed(profile):
        bound = hosts.tenant(entry[2:] if entry.startswith("*.") else entry)
        if bound is not None and bound[1]:  # an address of every tenant names none
            suffix, label = bound  # added to one set (a new set per entry: tenants squared)
            own.setdefault(suffix, set()).update(hosts.tenant_labels(suffix, label))
    return {suffix: frozenset(labels) for suffix, labels in own.items()}


_FEW = 16  # wildcards matched by one endswith over them all; more: by the host's own suffixes


def under_any(suffixes: tuple[str, ...]) -> Callable[[str], bool]:
    """Whether a host ends with one of ``suffixes`` (each ``.example.com``, from a ``*.``
    wildcard): ``str.endswith`` over a few; over many (500,000 wildcards against a log of
    20,000 hosts took 31 s), a set asked for each of the host's own suffixes that start at a
    dot — the same answer, since each suffix starts with one."""
    if len(suffixes) <= _FEW:
        return lambda host: bool(suffixes) and host.endswith(suffixes)
    wanted = frozenset(suffixes)

    def under(host: str) -> bool:
        at = host.find(".")
        while at >= 0:
            if host[at:] in wanted:
                return True
            at = host.find(".", at + 1)
        return False
    return under


def egress_accept(profile: Mapping[str, Any], hosts: HostTable) -> Callable[[str], bool]:
    """Whether a destination is allowed: listed in allowed_destinations (``*.`` matches any
    sub-domain), or belonging (host table) to an approved product. A host under a suffix
    whose hosts name a customer's tenant (``<tenant>.sharepoint.com``) is allowed only when
    it is the firm's own tenant's (:func:`own_tenants`), whatever else would let it through:
    another tenant's SharePoint is not the firm's SaaS."""
    allowed = _allowed(profile)
    exact = {h for h in allowed if not h.startswith("*.")}
    wildcard = under_any(tuple(h[1:] for h in allowed if h.startswith("*.")))
    approved = set(approved_products(profile))
    own = own_tenants(profile, hosts)

    def accept(host: str) -> bool:
        bound = hosts.tenant(host)
        if bound is not None and bound[1] not in own.get(bound[0], ()):
            return False
        if host in exact or wildcard(host):
            return True
        return bool(approved.intersection(hosts.products(host)))
    return accept


def other_tenant_suffixes(hosts: HostTable, unaccepted: Sequence[tuple[str, int]],
                          own: Mapping[str, frozenset[str]] | None = None) -> tuple[str, ...]:
    """The suffixes whose hosts name a tenant (``sharepoint.com``) under which a destination
    not of the firm's own tenant (``own``: :func:`own_tenants`) was refused: what a report adds
    to say why. The own tenant's host refused for its product (OneDrive not approved) is not
    another tenant's, and is not explained as one."""
    own = own or {}
    found = (hosts.tenant(host) for host, _ in unaccepted)
    return tuple(sorted({bound[0][1:] for bound in found
                         if bound is not None and bound[1] not in own.get(bound[0], ())}))


def egress_results(profile: Mapping[str, Any], summaries: Sequence[EgressSummary],
                   hosts: HostTable | None = None) -> tuple[TenantResult, ...]:
    """One result per log: a destination reached that is neither allowed nor an approved
    product's contradicts the internet-access control; none confirms it. ``hosts``: the
    table the log was judged by (to say which refused hosts are another tenant's)."""
    control = _access_control(profile)
    own = own_tenants(profile, hosts) if hosts is not None else {}
    out = []
    for log in summaries:
        ref = FactsRef(f"egress-{log.format}", log.format, "", log.file, "", log.sha256,
                       log.file)
        if log.unaccepted_hosts:
            kind = "contradiction"
        elif log.unparsed:  # lines naming no destination the reader could take: where they
            kind = "weak"  # went is unknown, so the log does not confirm the control
        elif log.requests:
            kind = "confirmed"
        else:
            kind = "unmeasured"
        measured = tuple(Measurement(host, count, "automated", "high")
                         for host, count in log.unaccepted)
        out.append(TenantResult(
            "network_link.internet_access_control", "network_link", "egress", kind,
            control.get("status"), (*_EGRESS_PATH, "allowed_destinations"), measured, (), ref,
            (("requests", log.requests), ("lines", log.lines), ("unparsed", log.unparsed),
             ("unaccepted_hosts", log.unaccepted_hosts),
             ("unaccepted_requests", log.unaccepted_requests), ("truncated", log.truncated),
             ("approved_products", approved_products(profile)),
             ("tenant_suffixes", other_tenant_suffixes(hosts, log.unaccepted, own)
              if hosts is not None else ()),
             ("tenant_addresses", hosts is not None and any(
                 (bound := hosts.tenant(host)) is not None and not bound[1]
                 for host, _ in log.unaccepted)))))
    return tuple(out)
