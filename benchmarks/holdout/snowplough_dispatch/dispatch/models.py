"""Tortoise ORM models for depots, trucks, drivers, routes and contract billing."""

from tortoise import fields
from tortoise.models import Model


class Council(Model):
    id = fields.IntField(pk=True)
    name = fields.CharField(max_length=120)
    contract_ref = fields.CharField(max_length=32, unique=True)
    rate_per_km = fields.DecimalField(max_digits=8, decimal_places=2)
    rate_per_tonne = fields.DecimalField(max_digits=8, decimal_places=2)
    billing_email = fields.CharField(max_length=254)


class Depot(Model):
    id = fields.IntField(pk=True)
    code = fields.CharField(max_length=16, unique=True)
    name = fields.CharField(max_length=120)
    council = fields.ForeignKeyField("models.Council", related_name="depots")


class SaltStock(Model):
    id = fields.IntField(pk=True)
    depot = fields.OneToOneField("models.Depot", related_name="salt_stock")
    tonnes = fields.DecimalField(max_digits=10, decimal_places=2)
    reorder_level = fields.DecimalField(max_digits=10, decimal_places=2, default=50)
    updated_at = fields.DatetimeField(auto_now=True)


class Driver(Model):
    id = fields.IntField(pk=True)
    employee_no = fields.CharField(max_length=16, unique=True)
    full_name = fields.CharField(max_length=120)
    password_hash = fields.CharField(max_length=200)
    role = fields.CharField(max_length=24, default="driver")
    phone = fields.CharField(max_length=32)
    on_call = fields.BooleanField(default=False, index=True)
    cab_pin = fields.CharField(max_length=8, null=True)
    depot = fields.ForeignKeyField("models.Depot", related_name="drivers")


class Truck(Model):
    id = fields.IntField(pk=True)
    registration = fields.CharField(max_length=12, unique=True)
    gps_device_id = fields.CharField(max_length=40, unique=True)
    active = fields.BooleanField(default=True)
    depot = fields.ForeignKeyField("models.Depot", related_name="trucks")


class Route(Model):
    id = fields.IntField(pk=True)
    code = fields.CharField(max_length=16, unique=True)
    name = fields.CharField(max_length=120)
    area = fields.CharField(max_length=40, index=True)
    length_km = fields.DecimalField(max_digits=7, decimal_places=2)
    priority = fields.SmallIntField(default=2)
    depot = fields.ForeignKeyField("models.Depot", related_name="routes")
    council = fields.ForeignKeyField("models.Council", related_name="routes")


class Shift(Model):
    id = fields.IntField(pk=True)
    driver = fields.ForeignKeyField("models.Driver", related_name="shifts")
    truck = fields.ForeignKeyField("models.Truck", related_name="shifts")
    started_at = fields.DatetimeField()
    ended_at = fields.DatetimeField(null=True, index=True)


class RouteRun(Model):
    id = fields.IntField(pk=True)
    route = fields.ForeignKeyField("models.Route", related_name="runs")
    truck = fields.ForeignKeyField("models.Truck", related_name="runs")
    driver = fields.ForeignKeyField("models.Driver", related_name="runs")
    status = fields.CharField(max_length=16, default="in_progress", index=True)
    started_at = fields.DatetimeField(index=True)
    completed_at = fields.DatetimeField(null=True, index=True)
    salt_used_tonnes = fields.DecimalField(max_digits=8, decimal_places=2, default=0)
    invoiced = fields.BooleanField(default=False)


class SaltMovement(Model):
    id = fields.IntField(pk=True)
    depot = fields.ForeignKeyField("models.Depot", related_name="salt_movements")
    tonnes = fields.DecimalField(max_digits=10, decimal_places=2)
    reason = fields.CharField(max_length=32)
    reference = fields.CharField(max_length=64, null=True, unique=True)
    route_run = fields.ForeignKeyField("models.RouteRun", related_name="salt_movements", null=True)
    created_by = fields.ForeignKeyField("models.Driver", related_name="salt_movements", null=True)
    created_at = fields.DatetimeField(auto_now_add=True, index=True)


class GpsPing(Model):
    id = fields.BigIntField(pk=True)
    truck = fields.ForeignKeyField("models.Truck", related_name="pings")
    recorded_at = fields.DatetimeField(index=True)
    lat = fields.FloatField()
    lon = fields.FloatField()
    speed_kmh = fields.FloatField(default=0)


class WeatherAlert(Model):
    id = fields.IntField(pk=True)
    external_id = fields.CharField(max_length=64, unique=True)
    severity = fields.CharField(max_length=16)
    area = fields.CharField(max_length=40)
    valid_from = fields.DatetimeField()
    valid_to = fields.DatetimeField()
    received_at = fields.DatetimeField(auto_now_add=True)
    dispatched_at = fields.DatetimeField(null=True)


class ContractInvoice(Model):
    id = fields.IntField(pk=True)
    council = fields.ForeignKeyField("models.Council", related_name="invoices")
    period_start = fields.DateField()
    period_end = fields.DateField()
    total = fields.DecimalField(max_digits=12, decimal_places=2)
    status = fields.CharField(max_length=16, default="draft")
    portal_reference = fields.CharField(max_length=64, null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
