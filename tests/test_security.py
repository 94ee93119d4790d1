"""Secure connections: TLS and SASL from the environment for Faust and kafka-python; secrets
never shown; nothing listens beyond loopback by default."""

from __future__ import annotations

import ssl
import subprocess
import sys

import faust
import pytest
from conftest import REPO

from streams.app import create_app
from streams.security import (
    SecurityConfigError,
    faust_credentials,
    kafka_python_options,
)
from streams.settings import Settings

SECRET = "s3cr3t-never-logged"


def sasl_settings(protocol: str = "SASL_SSL") -> Settings:
    return Settings.from_env({"AKHBAR_SECURITY_PROTOCOL": protocol, "AKHBAR_SASL_MECHANISM": "SCRAM-SHA-512",
                              "AKHBAR_SASL_USERNAME": "akhbar", "AKHBAR_SASL_PASSWORD": SECRET})


def test_plaintext_by_default():
    settings = Settings.from_env({})
    assert faust_credentials(settings) is None
    assert kafka_python_options(settings) == {"security_protocol": "PLAINTEXT"}


def test_sasl_over_tls_for_kafka_python():
    options = kafka_python_options(sasl_settings())
    assert options["security_protocol"] == "SASL_SSL"
    assert (options["sasl_mechanism"], options["sasl_plain_username"], options["sasl_plain_password"]) == \
        ("SCRAM-SHA-512", "akhbar", SECRET)
    assert options["ssl_context"].verify_mode == ssl.CERT_REQUIRED and options["ssl_context"].check_hostname


def test_sasl_over_tls_for_faust():
    credentials = faust_credentials(sasl_settings())
    assert isinstance(credentials, faust.SASLCredentials)
    assert str(credentials.protocol.value) == "SASL_SSL" and credentials.mechanism.value == "SCRAM-SHA-512"
    app = create_app(sasl_settings())
    assert app.conf.broker_credentials.username == "akhbar"


def test_tls_only():
    settings = Settings.from_env({"AKHBAR_SECURITY_PROTOCOL": "SSL"})
    assert isinstance(faust_credentials(settings), faust.SSLCredentials)
    assert isinstance(kafka_python_options(settings)["ssl_context"], ssl.SSLContext)


@pytest.mark.parametrize("env", [
    {"AKHBAR_SECURITY_PROTOCOL": "TLS"},
    {"AKHBAR_SECURITY_PROTOCOL": "SASL_SSL", "AKHBAR_SASL_USERNAME": "akhbar"},
    {"AKHBAR_SECURITY_PROTOCOL": "SASL_PLAINTEXT", "AKHBAR_SASL_MECHANISM": "MD5",
     "AKHBAR_SASL_USERNAME": "a", "AKHBAR_SASL_PASSWORD": "b"},
])
def test_unusable_settings_are_refused(env):
    with pytest.raises(SecurityConfigError):
        kafka_python_options(Settings.from_env(env))


def test_the_password_never_shows():
    settings = sasl_settings()
    assert SECRET not in repr(settings) and SECRET not in str(faust_credentials(settings))


def test_the_cli_refuses_bad_security_settings_with_a_message_not_a_secret():
    env = {"AKHBAR_SECURITY_PROTOCOL": "SASL_SSL", "AKHBAR_SASL_USERNAME": "akhbar",
           "AKHBAR_SASL_MECHANISM": "MD5", "AKHBAR_SASL_PASSWORD": SECRET, "PATH": ""}
    result = subprocess.run([sys.executable, "-m", "streams", "topics"], env=env, cwd=REPO, capture_output=True,
                            timeout=60)
    assert result.returncode == 2
    assert b"AKHBAR_SASL_MECHANISM" in result.stderr and SECRET.encode() not in result.stderr + result.stdout


def test_the_worker_web_server_binds_to_loopback_by_default():
    app = create_app(Settings())
    assert app.conf.web_bind == "127.0.0.1" and app.conf.web_host == "127.0.0.1"
