"""``akhbar serve``: a feed writes the store in a thread while uvicorn serves the API and the dashboard."""

from __future__ import annotations

import logging
import signal
import threading

import uvicorn

from service.api import Updates, create_app
from service.consumer import FileFeed, KafkaFeed
from service.store import Store

log = logging.getLogger("akhbar.serve")
FEED_STOP_S = 10.0
# Live streams never end by themselves: at shutdown they get this long, then are closed.
GRACEFUL_SHUTDOWN_S = 2


def serve(store: Store, feed: KafkaFeed | FileFeed, host: str, port: int) -> int:
    """Serve until interrupted; 1 when the feed failed (the server stops then, for a supervisor to restart)."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    updates = Updates()
    server = uvicorn.Server(uvicorn.Config(create_app(store, updates), host=host, port=port, access_log=False,
                                           timeout_graceful_shutdown=GRACEFUL_SHUTDOWN_S, log_config=None))
    stop = threading.Event()
    failed = threading.Event()

    def feeding() -> None:
        try:
            feed.run(store, updates.publish, stop)
        except Exception:
            log.exception("the feed failed; stopping")
            failed.set()
            server.should_exit = True

    def stopping(number: int, _frame) -> None:
        log.info("stopping on signal %d", number)
        server.should_exit = True

    # Once running, uvicorn stops on SIGINT and SIGTERM itself, then raises the signal again under
    # the handler it found: this one, so that the feed stops and the store closes before the process
    # exits; before uvicorn runs (the store migrating, say), this one stops it as soon as it starts.
    for number in (signal.SIGINT, signal.SIGTERM):
        signal.signal(number, stopping)
    log.info("store %s; dashboard and API on http://%s:%d/", store.safe_url, host, port)
    thread = threading.Thread(target=feeding, name="akhbar-feed", daemon=True)
    thread.start()
    try:
        server.run()
    finally:
        stop.set()
        thread.join(FEED_STOP_S)
        store.close()
    return 1 if failed.is_set() else 0
