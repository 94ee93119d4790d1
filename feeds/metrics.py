"""Per-feed counters as Prometheus metrics, for the running crawler (``feeds run
--metrics-port``); ``feeds check`` reads the same counters from the state, where they
outlive the process."""

from __future__ import annotations

from wsgiref.simple_server import WSGIServer

from prometheus_client import CollectorRegistry, Counter, Gauge, start_http_server


class FeedMetrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.polls = Counter("akhbar_feeds_polls", "Polls of a feed, by outcome (ok, not_modified, failed).",
                             ["feed", "outcome"], registry=self.registry)
        self.articles = Counter("akhbar_feeds_articles", "Articles published: new ones, and new versions.",
                                ["feed", "kind"], registry=self.registry)
        self.failures = Counter("akhbar_feeds_failures", "Failed feed polls and pages, by reason.",
                                ["feed", "reason"], registry=self.registry)
        self.last_success = Gauge("akhbar_feeds_last_success_timestamp_seconds",
                                  "When the feed was last read (a 200 or a 304).", ["feed"], registry=self.registry)
        self.seconds = Counter("akhbar_feeds_seconds", "Time spent, by phase (fetch, extract, publish).",
                               ["phase"], registry=self.registry)

    def serve(self, port: int) -> WSGIServer:
        """Expose the metrics on 127.0.0.1 only; returns the server (a daemon thread serves it)."""
        server, _thread = start_http_server(port, addr="127.0.0.1", registry=self.registry)
        return server

    def value(self, name: str, **labels: str) -> float:
        """A sample's current value (0 when never set), for tests and summaries."""
        return self.registry.get_sample_value(name, labels) or 0.0
