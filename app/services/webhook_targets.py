"""Where webhook deliveries may go: http(s) URLs whose host resolves to globally routable addresses only,
resolved once per attempt, with the connection made to exactly the address that was checked.

Why each rule:

* ``ipaddress``' ``is_global`` alone is not enough on every Python version, so the special ranges are
  checked explicitly: shared address space 100.64.0.0/10 (carrier-grade NAT; cloud metadata services
  such as 100.100.100.200 live there), multicast, and IPv6 forms that carry an IPv4 address — IPv4-mapped
  ``::ffff:0:0/96``, the deprecated IPv4-compatible ``::/96``, 6to4 ``2002::/16``, Teredo ``2001::/32``,
  NAT64 ``64:ff9b::/96`` (and the local-use ``64:ff9b:1::/48``). ``http://[2002:7f00:1::1]/`` is
  127.0.0.1 in 6to4 form: the embedded IPv4 address must be public too.
* Checking a name and then letting the HTTP client look it up again would let a DNS server answer a
  public address for the check and 127.0.0.1 for the connection (DNS rebinding). So the name is resolved
  once, every address is checked, and the request goes to that address with the original ``Host``
  header and, for https, the original name for SNI and certificate verification.
"""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass

import httpx

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

_SHARED_V4 = ipaddress.IPv4Network("100.64.0.0/10")
_COMPATIBLE = ipaddress.IPv6Network("::/96")
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
_NAT64_LOCAL = ipaddress.IPv6Network("64:ff9b:1::/48")


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> list[ipaddress.IPv4Address] | None:
    """The IPv4 addresses an IPv6 address stands for (None when it stands for none)."""
    if ip.ipv4_mapped is not None:
        return [ip.ipv4_mapped]
    if ip.sixtofour is not None:
        return [ip.sixtofour]
    if ip.teredo is not None:
        return list(ip.teredo)
    if ip in _NAT64:
        return [ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)]
    return None


def is_public(ip: IPAddress) -> bool:
    """True when ``ip`` is globally routable, and so is every IPv4 address it embeds."""
    if ip.is_multicast or not ip.is_global:
        return False
    if isinstance(ip, ipaddress.IPv4Address):
        return ip not in _SHARED_V4
    if ip in _NAT64_LOCAL or ip in _COMPATIBLE:
        return False
    embedded = _embedded_ipv4(ip)
    return embedded is None or all(is_public(v4) for v4 in embedded)


def resolve_host(host: str, port: int) -> list[str]:
    """The addresses ``host`` resolves to for TCP (a seam for tests; raises OSError when it does not)."""
    return [str(info[4][0]) for info in socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)]


@dataclass(frozen=True)
class Target:
    """A checked delivery target: request ``url`` (the address in place of the name) with these headers."""

    url: str
    host_header: str
    sni_hostname: str | None

    @property
    def extensions(self) -> dict[str, str]:
        """httpx request extensions: the original name for TLS (SNI and the certificate check)."""
        return {"sni_hostname": self.sni_hostname} if self.sni_hostname else {}


def url_problem(url: str) -> str | None:
    """Why ``url`` cannot be a webhook URL at all (scheme, host, credentials); None when it can."""
    try:
        parsed = httpx.URL(url)
    except httpx.InvalidURL as exc:
        return f"the URL is not valid: {exc}"
    if parsed.scheme not in ("http", "https") or not parsed.host:
        return "the URL must be http:// or https:// with a host"
    if parsed.userinfo:
        return "the URL must not contain credentials; use the secret to authenticate"
    return None


def resolve_target(url: str, *, allow_private: bool) -> Target | str:
    """The checked target of ``url``, or why it is refused: resolved once; every address must be public
    unless ``allow_private`` (intranet receivers); the first address is the one to connect to."""
    problem = url_problem(url)
    if problem is not None:
        return problem
    parsed = httpx.URL(url)
    name = parsed.raw_host.decode("ascii")
    try:
        literal: IPAddress | None = ipaddress.ip_address(name)
    except ValueError:
        literal = None
    try:
        addresses = [str(literal)] if literal is not None else resolve_host(
            name, parsed.port or (443 if parsed.scheme == "https" else 80))
    except (OSError, UnicodeError) as exc:
        return f"the host {parsed.host!r} cannot be resolved: {exc}"
    if not addresses:
        return f"the host {parsed.host!r} has no address"
    for address in addresses:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
        if not allow_private and not is_public(ip):
            return (f"the host {parsed.host!r} resolves to the non-public address {address}; "
                    "set ZONESCORE_WEBHOOK_ALLOW_PRIVATE=true to allow intranet receivers")
    chosen = addresses[0].split("%", 1)[0]
    sni = name if parsed.scheme == "https" and literal is None else None
    return Target(url=str(parsed.copy_with(host=chosen, fragment=None)), host_header=parsed.netloc.decode("ascii"),
                  sni_hostname=sni)
