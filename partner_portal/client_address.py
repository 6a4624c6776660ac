"""The address a request came from, as every per-address limit counts it.

The sign-in lockout (django-axes, `AXES_CLIENT_IP_CALLABLE`), the API's per-address
throttle and the public application's rate limit all ask this one function, so a
proxy setting read one way in one place cannot be read another way elsewhere.
"""

import ipaddress
import logging

from django.conf import settings

logger = logging.getLogger(__name__)


def client_address(request) -> str | None:
    """The connection's address, unless `AXES_IPWARE_PROXY_COUNT` proxies in front of
    the application append to X-Forwarded-For: then the address the outermost of
    them saw. Whatever stands further left in the header came from the client and
    is never trusted, and neither is the header at all when no proxy is configured
    (the default), so a client that writes a new header each time is still one
    address.
    """
    proxies = settings.AXES_IPWARE_PROXY_COUNT or 0
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies > 0 and forwarded:
        hops = [hop.strip() for hop in forwarded.split(",")]
        candidate = hops[-min(proxies, len(hops))]
        try:
            return str(ipaddress.ip_address(candidate))
        except ValueError:
            logger.warning("Ignoring X-Forwarded-For without an address: %r", forwarded)
    return request.META.get("REMOTE_ADDR") or None
