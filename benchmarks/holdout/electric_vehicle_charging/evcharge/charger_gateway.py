"""Client for the OCPP gateway, which holds the websocket to every charger.

Shared with the ops CLI tools, which are synchronous, so this is a plain
requests-based client. Calls block until the charger acknowledges (up to the
configured timeout); async code must run them in a thread.
"""
import logging

import requests
from requests.adapters import HTTPAdapter

from evcharge.settings import settings

log = logging.getLogger(__name__)


class GatewayError(Exception):
    def __init__(self, charger_id: str, message: str):
        super().__init__(f"{charger_id}: {message}")
        self.charger_id = charger_id


class ChargerGateway:
    def __init__(self, base_url: str, token: str, timeout: float):
        self._base = base_url.rstrip("/")
        self._timeout = (2.0, timeout)
        self._http = requests.Session()
        self._http.mount("http://", HTTPAdapter(pool_connections=4, pool_maxsize=32))
        self._http.headers["Authorization"] = f"Bearer {token}"

    def _command(self, charger_id: str, action: str, payload: dict) -> dict:
        url = f"{self._base}/chargers/{charger_id}/{action}"
        try:
            resp = self._http.post(url, json=payload, timeout=self._timeout)
        except requests.RequestException as exc:
            raise GatewayError(charger_id, f"{action} failed: {exc.__class__.__name__}") from exc
        if resp.status_code == 404:
            raise GatewayError(charger_id, "charger is offline")
        if resp.status_code >= 400:
            raise GatewayError(charger_id, f"{action} rejected with {resp.status_code}")
        body = resp.json()
        if body.get("status") != "Accepted":
            raise GatewayError(charger_id, f"{action} answered {body.get('status')}")
        return body

    def remote_start(self, charger_id: str, connector_no: int, id_tag: str) -> str:
        body = self._command(charger_id, "remote-start", {"connectorId": connector_no, "idTag": id_tag})
        log.info("remote start accepted by %s connector %s", charger_id, connector_no)
        return body["transactionRef"]

    def remote_stop(self, charger_id: str, transaction_ref: str) -> None:
        self._command(charger_id, "remote-stop", {"transactionRef": transaction_ref})
        log.info("remote stop accepted by %s for %s", charger_id, transaction_ref)

    def unlock_connector(self, charger_id: str, connector_no: int) -> None:
        self._command(charger_id, "unlock-connector", {"connectorId": connector_no})


gateway = ChargerGateway(
    str(settings.gateway_url),
    settings.gateway_token.get_secret_value(),
    settings.gateway_timeout_seconds,
)
