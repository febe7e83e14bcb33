"""Celery task that turns a depot's planned stops into a VROOM problem and stores the route plan."""

import json
import logging
import subprocess
import tempfile

import yaml
from celery import shared_task

from .db import session_scope
from .models import Depot, RoutePlan, Stop, Vehicle

logger = logging.getLogger(__name__)

DEFAULT_SHIFT_SECONDS = 8 * 3600


def _load_constraints(raw: str) -> dict:
    return yaml.load(raw, Loader=yaml.Loader)  # expect: SEC004


def _stop_cost(stop: Stop, rule: dict) -> int:
    score = eval(rule["cost_expr"], {"__builtins__": {}}, {"weight": stop.weight_kg, "priority": stop.priority})  # expect: SEC003
    return int(score)


def solver_version() -> str:
    result = subprocess.run(["vroom", "--version"], capture_output=True, text=True, check=True, timeout=10)  # ok: SEC002
    return result.stdout.strip()


def _problem(depot: Depot, vehicles: list[Vehicle], stops: list[Stop], constraints: dict) -> dict:
    start = [depot.lon, depot.lat]
    return {
        "vehicles": [
            {
                "id": v.id,
                "start": start,
                "end": start,
                "capacity": [v.capacity_kg],
                "time_window": [0, constraints.get("shift_seconds", DEFAULT_SHIFT_SECONDS)],
            }
            for v in vehicles
        ],
        "jobs": [
            {
                "id": s.id,
                "location": [s.lon, s.lat],
                "delivery": [s.weight_kg],
                "priority": _stop_cost(s, constraints["rule"]),
            }
            for s in stops
        ],
    }


@shared_task(bind=True, max_retries=3, default_retry_delay=60)
def optimise_routes(self, depot_id: int, constraints_yaml: str) -> int:
    constraints = _load_constraints(constraints_yaml)
    with session_scope() as session:
        depot = session.get(Depot, depot_id)
        vehicles = session.query(Vehicle).filter(Vehicle.depot_id == depot_id, Vehicle.active.is_(True)).all()
        stops = session.query(Stop).filter(Stop.depot_id == depot_id, Stop.planned_for == constraints["day"]).all()  # ok: DB002
        problem = _problem(depot, vehicles, stops, constraints)

        tmp = tempfile.NamedTemporaryFile("w", suffix=".json", delete=False)  # expect: RES001
        json.dump(problem, tmp)
        tmp.flush()
        output_path = tmp.name.replace(".json", ".out.json")
        threads = constraints.get("threads", 2)
        subprocess.run(f"vroom --input {tmp.name} --output {output_path} --threads {threads}", shell=True, check=True, timeout=300)  # expect: SEC002
        with open(output_path) as fh:
            solution = json.load(fh)

        plan = RoutePlan(depot_id=depot.id, day=constraints["day"], cost=solution["summary"]["cost"], solution=solution)
        session.add(plan)
        session.flush()
        logger.info("route plan %s for depot %s: %d routes", plan.id, depot.id, len(solution["routes"]))
        return plan.id
