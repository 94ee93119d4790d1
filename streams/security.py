"""TLS and SASL to the broker, from the settings, for Faust (aiokafka) and kafka-python alike."""

from __future__ import annotations

import ssl
from typing import Any

from streams.settings import Settings

PROTOCOLS = ("PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL")
MECHANISMS = ("PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512")


class SecurityConfigError(ValueError):
    """The security settings do not describe a usable connection."""


def check(settings: Settings) -> None:
    if settings.security_protocol not in PROTOCOLS:
        raise SecurityConfigError(f"AKHBAR_SECURITY_PROTOCOL must be one of {', '.join(PROTOCOLS)}")
    if settings.security_protocol.startswith("SASL"):
        if settings.sasl_mechanism not in MECHANISMS:
            raise SecurityConfigError(f"AKHBAR_SASL_MECHANISM must be one of {', '.join(MECHANISMS)}")
        if not settings.sasl_username or not settings.sasl_password:
            raise SecurityConfigError("SASL needs AKHBAR_SASL_USERNAME and AKHBAR_SASL_PASSWORD")


def ssl_context(settings: Settings) -> ssl.SSLContext | None:
    """A verifying TLS context (the CA file, else the system's) with the client certificate, if any."""
    if not settings.security_protocol.endswith("SSL"):
        return None
    context = ssl.create_default_context(cafile=settings.ssl_cafile or None)
    if settings.ssl_certfile:
        context.load_cert_chain(settings.ssl_certfile, settings.ssl_keyfile or None)
    return context


def faust_credentials(settings: Settings):
    """Faust's ``broker_credentials``: None for plaintext."""
    import faust

    check(settings)
    context = ssl_context(settings)
    if settings.security_protocol == "SSL":
        return faust.SSLCredentials(context)
    if settings.security_protocol.startswith("SASL"):
        return faust.SASLCredentials(username=settings.sasl_username, password=settings.sasl_password,
                                     ssl_context=context, mechanism=settings.sasl_mechanism)
    return None


def kafka_python_options(settings: Settings) -> dict[str, Any]:
    """Keyword arguments for kafka-python's clients."""
    check(settings)
    options: dict[str, Any] = {"security_protocol": settings.security_protocol}
    context = ssl_context(settings)
    if context is not None:
        options["ssl_context"] = context
    if settings.security_protocol.startswith("SASL"):
        options.update(sasl_mechanism=settings.sasl_mechanism, sasl_plain_username=settings.sasl_username,
                       sasl_plain_password=settings.sasl_password)
    return options
