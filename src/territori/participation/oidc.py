"""Sign-in with SPID and CIE through OpenID Connect: the providers a deployment configures
(`TERRITORI_OIDC_PROVIDERS`: a regional identity broker such as Piemonte's, or a gateway to
the national federation) and the Authlib clients that speak to them (authorization code with
PKCE, state and nonce; the ID token's signature, issuer, audience, expiry and nonce are
checked against the provider's published keys)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


@dataclass(frozen=True)
class Provider:
    name: str
    label: str
    metadata_url: str
    client_id: str
    client_secret: str
    scope: str = "openid profile email"


def providers() -> dict[str, Provider]:
    """The configured providers by name, in the order given."""
    found: dict[str, Provider] = {}
    for index, item in enumerate(settings.TERRITORI_OIDC_PROVIDERS):
        try:
            provider = Provider(**item)
        except TypeError as exc:
            raise ImproperlyConfigured(
                f"TERRITORI_OIDC_PROVIDERS[{index}]: {exc}; expected the keys name, label, "
                "metadata_url, client_id, client_secret and optionally scope"
            ) from exc
        if not provider.name.isidentifier() or "openid" not in provider.scope.split():
            raise ImproperlyConfigured(
                f"TERRITORI_OIDC_PROVIDERS[{index}]: the name must be a plain word and the "
                "scope must include openid"
            )
        found[provider.name] = provider
    return found


_clients: dict[str, tuple[str, Any]] = {}


def client(name: str) -> Any:
    """The Authlib client of provider `name` (made once per configuration), or None."""
    provider = providers().get(name)
    if provider is None:
        return None
    key = json.dumps(provider.__dict__, sort_keys=True)
    cached = _clients.get(name)
    if cached is not None and cached[0] == key:
        return cached[1]
    from authlib.integrations.django_client import OAuth

    registry = OAuth()
    made = registry.register(
        name=provider.name,
        client_id=provider.client_id,
        client_secret=provider.client_secret,
        server_metadata_url=provider.metadata_url,
        client_kwargs={"scope": provider.scope, "code_challenge_method": "S256"},
    )
    _clients[name] = (key, made)
    return made
