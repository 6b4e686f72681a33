"""Egress logs: which destinations SaaS terminals really reached (the second fact source).

Read as a stream in bounded memory whatever the log's size: one line at a time (a line longer
than :data:`MAX_LINE` is skipped, not held), destinations judged as they come, and only the
destinations that were *not* accepted are remembered, at most ``max_hosts`` of them (the rest
are counted). Two formats: Squid's native ``access.log`` and a CSV of ``host[,count]``.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable, Iterator
from dataclasses import field
from pathlib import Path

from netsep_check._record import record
from netsep_check.errors import InputError

MAX_LINE = 64 * 1024
MAX_HOSTS = 50_000  # distinct unaccepted destinations remembered; beyond: counted only
TOP = 50  # destinations a report lists
_HOST = re.compile(r"^([a-z0-9]([a-z0-9_-]{0,61}[a-z0-9])?\.)*[a-z0-9]([a-z0-9_-]{0,61}[a-z0-9])?$")
_SQUID_TIME = re.compile(rb"^\d{9,11}(\.\d+)?$")


@record
class EgressSummary:
    file: str
    sha256: str
    format: str  # squid | csv
    lines: int
    requests: int  # requests counted (a CSV count adds that many)
    unparsed: int  # lines that named no destination
    unaccepted: tuple[tuple[str, int], ...]  # (host, requests), most requests first, TOP at most
    unaccepted_hosts: int  # distinct unaccepted destinations (at least, when truncated)
    unaccepted_requests: int
    truncated: bool  # more distinct unaccepted destinations than were remembered


_AUTHORITY_END = re.compile(r"[/?#\\]")


def _host(text: str) -> str | None:
    host = text.strip().strip('"').lower()
    if "://" in host:
        host = host.split("://", 1)[1]
    # the authority ends at the first / ? # or \ (a browser's URL parser reads \ as /): only
    # then is a user name dropped; "http://evil.example#@login.microsoftonline.com/" was
    # taken for login.microsoftonline.com, its real destination unseen
    host = _AUTHORITY_END.split(host, 1)[0].rsplit("@", 1)[-1]
    if host.startswith("["):  # [v6]:port
        host = host[1:].split("]", 1)[0]
    elif host.count(":") == 1:
        host = host.split(":", 1)[0]
    host = host.rstrip(".")
    if not host:
        return None
    if host[0].isdigit() or ":" in host:
        try:
            return str(ipaddress.ip_address(host))
        except ValueError:
            pass
    return host if len(host) <= 253 and _HOST.match(host) else None


def _cached_host(field: str, cache: dict[str, str | None]) -> str | None:
    if field in cache:
        return cache[field]
    host = _host(field)
    if len(cache) < MAX_HOSTS:
        cache[field] = host
    return host


def _squid(line: str, cache: dict[str, str | None]) -> tuple[str | None, int]:
    fields = line.split(None, 7)
    if len(fields) < 7:
        return None, 0
    return _cached_host(fields[6], cache), 1


def _csv(line: str, cache: dict[str, str | None]) -> tuple[str | None, int]:
    parts = [p.strip().strip('"') for p in line.split(",")]
    if parts[0].lower() in ("host", "destination", "domain"):
        return None, -1  # a header
    count = 1
    if len(parts) > 1 and parts[1]:
        try:
            count = int(parts[1])
        except ValueError:
            return None, 0
        if count < 0:
            return None, 0
    return _cached_host(parts[0], cache), count


def read_egress(path: Path | str, accept: Callable[[str], bool],
                max_hosts: int = MAX_HOSTS) -> EgressSummary:
    """Stream ``path`` and count the destinations ``accept`` refuses."""
    import hashlib

    file = str(path)
    digest = hashlib.sha256()
    counts: dict[str, int] = {}
    decided: dict[str, bool] = {}
    lines = requests = unparsed = extra_hosts = extra_requests = 0
    parse: Callable[[str, dict[str, str | None]], tuple[str | None, int]] | None = None
    fmt = ""
    from netsep_check.load.source import open_regular

    try:  # a named pipe, device or socket is refused at once, never waited on
        handle, _ = open_regular(path, file)
    except OSError as exc:
        raise InputError.one(file, f"cannot read file: {exc.strerror or exc}") from None
    hosts: dict[str, str | None] = {}  # destination field → host, while small

    def lines_of() -> Iterator[bytes | None]:
        """Lines from 1 MiB blocks (None for an overlong line, which is dropped)."""
        tail = b""
        overlong = False
        while True:
            block = handle.read(1 << 20)
            if not block:
                break
            digest.update(block)
            data, held = tail + block, b""
            if b"\r" in data:  # CR LF, or CR alone (a CR-only log read as one line kept
                # only its first request: a log of 6, 2 of them not allowed, "passed")
                if data.endswith(b"\r"):  # its LF may open the next block
                    data, held = data[:-1], b"\r"
                data = data.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
            parts = data.split(b"\n")
            tail = parts.pop() + held
            for part in parts:
                if overlong:
                    overlong = False
                    yield None
                else:
                    yield part
            if len(tail) > MAX_LINE:
                tail, overlong = b"", True
        if overlong:
            yield None
        elif tail:
            yield tail

    with handle:
        for raw in lines_of():
            lines += 1
            if raw is None or len(raw) > MAX_LINE:
                unparsed += 1
                continue
            if b"\x00" in raw:
                raise InputError.one(file, "contains a NUL byte; an egress log is text", lines)
            if lines == 1 and raw.startswith(b"\xef\xbb\xbf"):  # a UTF-8 BOM (Excel's "CSV
                raw = raw[3:]  # UTF-8"): its first host was read as unreadable, not named
            stripped = raw.strip()
            if not stripped or stripped.startswith(b"#"):
                continue
            text = stripped.decode("utf-8", "replace")
            if parse is None:
                squid = _SQUID_TIME.match(stripped.split(None, 1)[0])
                parse, fmt = (_squid, "squid") if squid else (_csv, "csv")
            host, count = parse(text, hosts)
            if count == -1 and requests == 0:
                continue
            if host is None:
                unparsed += 1
                continue
            requests += count
            ok = decided.get(host)
            if ok is None:
                ok = accept(host)
                if len(decided) < max_hosts:
                    decided[host] = ok
            if ok:
                continue
            if host in counts:
                counts[host] += count
            elif len(counts) < max_hosts:
                counts[host] = count
            else:
                extra_requests += count
                extra_hosts += 1  # at least one more; repeats of it cannot be told apart
    if lines and requests == 0 and unparsed == lines:
        raise InputError.one(file, "no destination found in any line: expected Squid's native "
                             "access.log or a CSV of host[,count]", 1)
    if requests == 0:  # an empty log shows nothing reached, and must not read as "clean"
        raise InputError.one(file, "the egress log holds no request: give the proxy or "
                             "firewall log of the SaaS terminals for the period assessed", 1)
    top = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:TOP]
    return EgressSummary(
        file=file, sha256=digest.hexdigest(), format=fmt or "csv", lines=lines,
        requests=requests, unparsed=unparsed, unaccepted=tuple(top),
        unaccepted_hosts=len(counts) + extra_hosts,
        unaccepted_requests=sum(counts.values()) + extra_requests, truncated=extra_hosts > 0)


@record
class HostTable:
    exact: dict[str, tuple[str, ...]]
    suffixes: dict[str, tuple[str, ...]]  # ".sharepoint.com" → products
    file: str
    # ".sharepoint.com" → the endings of a tenant's labels ("", "-my", ...): the label right
    # under such a suffix names one customer's tenant, and only the firm's own is accepted
    tenants: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # (".sharepoint.com", network): the addresses every tenant under the suffix is served
    # from; an address there names no tenant (as "*.sharepoint.com" names none)
    tenant_ranges: tuple[tuple[str, ipaddress.IPv4Network | ipaddress.IPv6Network], ...] = ()

    def _suffix(self, host: str) -> str | None:
        """The longest ``*.`` suffix of the table that ``host`` lies under, or None."""
        at = host.find(".")
        while at != -1:  # longest matching "*." suffix first
            if host[at:] in self.suffixes:
                return host[at:]
            at = host.find(".", at + 1)
        return None

    def products(self, host: str) -> tuple[str, ...]:
        host = host.lower().rstrip(".")
        found = self.exact.get(host)
        if found is not None:
            return found
        suffix = self._suffix(host)
        return self.suffixes[suffix] if suffix is not None else ()

    def tenant(self, host: str) -> tuple[str, str] | None:
        """(suffix, tenant label) when ``host`` lies under a suffix whose hosts name one
        customer's tenant (``yesibank-my`` of ``yesibank-my.sharepoint.com``, or of
        ``x.yesibank-my.sharepoint.com``); None for any other host, and for a host the table
        names exactly (a host shared by every tenant). An IP address in the table's
        ``tenant_ranges`` gives (suffix, ""): it names no tenant, so none is its own."""
        host = host.lower().rstrip(".")
        if not self.tenants or host in self.exact:
            return None
        if self.tenant_ranges and (host[:1].isdigit() or ":" in host):
            try:
                address = ipaddress.ip_address(host)
            except ValueError:
                address = None
            if address is not None:
                if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
                    address = address.ipv4_mapped
                return next(((suffix, "") for suffix, network in self.tenant_ranges
                             if address in network), None)
        suffix = self._suffix(host)
        if suffix is None or suffix not in self.tenants:
            return None
        return suffix, host[:-len(suffix)].rsplit(".", 1)[-1]

    def tenant_labels(self, suffix: str, label: str) -> frozenset[str]:
        """Every label of the tenant that ``label`` (a label under ``suffix``) belongs to:
        ``yesibank-my`` → ``yesibank``, ``yesibank-my``, ``yesibank-admin``, ...; the label
        itself too, and, should a name end as an ending does, each reading of it."""
        endings = self.tenants[suffix]
        names = {label[:-len(end)] for end in endings if end and label.endswith(end)
                 and len(label) > len(end)} | {label}
        return frozenset(name + end for name in names for end in endings) | {label}


def load_hosts(path: Path | str | None = None) -> HostTable:
    """The egress host table (policies/tenant-mapping/egress-hosts.yaml, or ``path``)."""
    from netsep_check.facts.mapping import _checked, mapping_root

    path = Path(path) if path is not None else mapping_root() / "egress-hosts.yaml"
    document = _checked(path, "egress-hosts", "egress host table")
    exact: dict[str, tuple[str, ...]] = {}
    suffixes: dict[str, tuple[str, ...]] = {}
    tenants: dict[str, tuple[str, ...]] = {}
    ranges: list[tuple[str, ipaddress.IPv4Network | ipaddress.IPv6Network]] = []
    for index, row in enumerate(document.data["hosts"]):
        host = row["host"].lower()
        if host.startswith("*."):
            suffixes[host[1:]] = tuple(dict.fromkeys((*suffixes.get(host[1:], ()),
                                                      *row["products"])))
            if "tenant_endings" in row:
                tenants[host[1:]] = tuple(dict.fromkeys((*tenants.get(host[1:], ()),
                                                         *row["tenant_endings"])))
            for at, text in enumerate(row.get("tenant_ranges") or ()):
                try:
                    ranges.append((host[1:], ipaddress.ip_network(text)))
                except ValueError:
                    where = ("hosts", index, "tenant_ranges", at)
                    line, column = document.position(where) or (None, None)
                    raise InputError.one(
                        document.file, f"{text!r} is not an IP network (expected CIDR from the "
                        "network's first address, such as 13.107.136.0/22)", line, column,
                        f"hosts[{index}].tenant_ranges[{at}]", code="egress_hosts.not_a_network",
                        value=repr(text)) from None
        else:
            exact[host] = tuple(dict.fromkeys((*exact.get(host, ()), *row["products"])))
    return HostTable(exact, suffixes, document.file, tenants, tuple(ranges))
