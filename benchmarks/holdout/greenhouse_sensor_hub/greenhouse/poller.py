"""Polls the older soil probes that only speak HTTP on the local network.

Run as its own process (python -m greenhouse.poller). One thread per probe
bank, started once at start-up and joined on shutdown.
"""
from __future__ import annotations

import logging
import os
import signal
import threading
import time

import requests

log = logging.getLogger("greenhouse.poller")

PROBE_BANKS = [b for b in os.environ.get("PROBE_BANKS", "").split(",") if b]
HUB_INGEST_URL = os.environ.get("HUB_INGEST_URL", "http://hub:8080/ingest/readings")
GATEWAY_KEY = os.environ.get("GATEWAY_INGEST_KEY", "")
INTERVAL = max(5, int(os.environ.get("POLL_INTERVAL_SECONDS", "15")))


class BankPoller:
    def __init__(self, bank_url: str, stop: threading.Event):
        self.bank_url = bank_url.rstrip("/")
        self.stop = stop
        self.session = requests.Session()
        self.session.headers["X-Gateway-Key"] = GATEWAY_KEY

    def poll_once(self) -> int:
        resp = self.session.get(f"{self.bank_url}/probes", timeout=(2, 5))  # ok: REL001
        resp.raise_for_status()
        now = time.time()
        readings = [
            {"uid": p["serial"], "ts": p.get("ts", now), "v": p["moisture"]}
            for p in resp.json().get("probes", [])
            if "moisture" in p
        ]
        if readings:
            out = self.session.post(HUB_INGEST_URL, json={"gateway": self.bank_url, "readings": readings},
                                    timeout=(2, 10))
            out.raise_for_status()
        return len(readings)

    def run(self) -> None:
        failures = 0
        while not self.stop.is_set():
            try:
                count = self.poll_once()
                failures = 0
                log.debug("bank %s: %s readings", self.bank_url, count)
            except requests.RequestException:
                failures += 1
                log.warning("bank %s poll failed (%s in a row)", self.bank_url, failures, exc_info=True)
            self.stop.wait(min(INTERVAL * (1 + failures), 300))
        self.session.close()


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(threadName)s %(message)s")
    if not PROBE_BANKS:
        log.error("PROBE_BANKS is empty; nothing to poll")
        return
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())

    threads = []
    for bank in PROBE_BANKS:
        worker = threading.Thread(target=BankPoller(bank, stop).run, name=f"bank-{bank}", daemon=False)  # ok: CON003
        worker.start()
        threads.append(worker)
    log.info("polling %s probe bank(s) every %ss", len(threads), INTERVAL)
    for worker in threads:
        worker.join()


if __name__ == "__main__":
    main()
