"""Client for the kiln controllers' HTTP gateway (firing programs and live temperatures)."""
import logging

import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

log = logging.getLogger(__name__)

DEFAULT_TIMEOUT = (3.05, 10)


class KilnControllerError(RuntimeError):
    pass


class KilnControllerClient:
    """Thin wrapper over the gateway API; one instance per worker process."""

    def __init__(self, base_url, token, timeout=DEFAULT_TIMEOUT):
        self._base = base_url.rstrip("/")
        self._timeout = timeout
        self._session = requests.Session()
        self._session.headers.update({"Authorization": f"Bearer {token}", "Accept": "application/json"})
        retry = Retry(
            total=3,
            backoff_factor=0.5,
            status_forcelist=(502, 503, 504),
            allowed_methods=frozenset({"GET", "PUT"}),
        )
        self._session.mount("https://", HTTPAdapter(max_retries=retry, pool_maxsize=4))

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self):
        self._session.close()

    def _request(self, method, path, **kwargs):
        try:
            resp = self._session.request(method, f"{self._base}{path}", timeout=self._timeout, **kwargs)
            resp.raise_for_status()
        except requests.RequestException as exc:
            raise KilnControllerError(f"{method} {path} failed") from exc
        return resp.json() if resp.content else None

    def status(self, kiln_id):
        """Current temperature, segment and state of one kiln."""
        return self._request("GET", f"/kilns/{kiln_id}/status")

    def put_program(self, kiln_id, program):
        """Replace the stored firing program for ``kiln_id`` (a whole-document PUT)."""
        segments = [
            {"rate": int(s["rate"]), "target": int(s["target"]), "hold": int(s.get("hold", 0))}
            for s in program["segments"]
        ]
        return self._request(  # ok: REL003
            "PUT", f"/kilns/{kiln_id}/program", json={"name": program["name"], "segments": segments}
        )

    def start_firing(self, kiln_id, load_id):
        """Start the stored program; the gateway ignores a second start for the same load id."""
        return self._request("POST", f"/kilns/{kiln_id}/firings", json={"load_ref": str(load_id)})


def from_config(config):
    return KilnControllerClient(config["KILN_CONTROLLER_URL"], config["KILN_CONTROLLER_TOKEN"])
