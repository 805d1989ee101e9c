"""Write the bundled Cloud Billing export samples in ``data/samples/gcp_billing/`` (deterministic).

Shapes follow Google's standard and detailed usage cost export schema (vendor-formats.md §3):

* ``gcp_billing_export_v1_2026-09-01_2026-09-07.csv``: a console "save results as CSV" of a query over
  the standard table, nested records flattened to dotted names (``service.description``...), the
  repeated ``labels``/``credits`` as ``TO_JSON_STRING`` text, BigQuery's ``... UTC`` timestamps.
* ``gcp_billing_export_v1_2026-09-08_2026-09-14.jsonl``: ``bq extract`` to newline-delimited JSON of
  the standard table: nested records, repeated ``{key, value}`` lists, null fields left out, ``&``
  written as ``\\u0026``, late rows for an hour already exported (a later ``export_time``).
* ``gemini_vertex_flattened_2026-10-01_2026-10-07.csv``: the documented flattening query's aliases
  (``service_description``, ``region``, ``amount_in_pricing_units``, ``credits_amount``, ``labels_json``),
  a second billing account billed in EUR, token SKUs priced per ``1000 count``, and two increments of the
  same SKU-hour that the query cannot tell apart.
* ``gcp_billing_export_resource_v1_2026-10-08_2026-10-14.parquet``: ``bq extract`` to Parquet of the
  detailed table (``resource``, ``price``), one SKU-hour split over several model resources.

Every file also holds non-AI lines (Compute Engine, Cloud Storage, BigQuery) the connector drops.
SKU and service ids other than Vertex AI's ``C7E2-9256-1C43`` are illustrative.

    python -m tools.samples.gcp_billing [SAMPLES_DIR]   # default: data/samples
"""

from __future__ import annotations

import io
import json
import random
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import polars as pl

from tools.samples._common import csv_text, write_files

VERTEX = ("C7E2-9256-1C43", "Vertex AI")
GEMINI_API = ("AEFD-7695-64FA", "Gemini API")  # service id illustrative
# (service, sku id, sku description, usage unit, pricing unit, amount scale, price per pricing unit)
NON_AI = [
    (
        ("6F81-5844-456A", "Compute Engine"),
        "CF4E-A0C7-E3BF",
        "E2 Instance Core running in Americas",
        "seconds",
        "hour",
        3600 * 4,
        0.021811,
    ),
    (
        ("95FF-2EF5-5EA1", "Cloud Storage"),
        "E5F0-6A5D-7BAD",
        "Standard Storage US Multi-region",
        "byte-seconds",
        "gibibyte month",
        2.1e14,
        0.026,
    ),
    (("24E6-581D-38E5", "BigQuery"), "3362-E469-6BEF", "Analysis", "bytes", "tebibyte", 3.3e11, 6.25),
]
# (service, sku id, sku description, usage unit, pricing unit, hourly amount scale, USD per pricing unit)
VERTEX_SKUS = [
    (
        VERTEX,
        "7EBE-3B46-F75C",
        "Gemini 3 Flash Text Input - Predictions",
        "count",
        "count",
        2_000_000,
        0.5e-6,
    ),
    (VERTEX, "1B2F-90C4-6E11", "Gemini 3 Flash Text Output - Predictions", "count", "count", 300_000, 3.0e-6),
    (
        VERTEX,
        "5D0C-7A21-33E8",
        "Gemini 2.5 Flash GA Text Input - Predictions",
        "count",
        "count",
        3_000_000,
        0.3e-6,
    ),
    (
        VERTEX,
        "8C41-0D9A-B7F2",
        "Gemini 2.5 Flash GA Text Output - Predictions",
        "count",
        "count",
        400_000,
        2.5e-6,
    ),
    (
        VERTEX,
        "2A7E-C3D1-904B",
        "Gemini 2.5 Flash GA Thinking Text Output - Predictions",
        "count",
        "count",
        250_000,
        2.5e-6,
    ),
    (
        VERTEX,
        "E9B3-41F6-0C2D",
        "Gemini 2.5 Flash GA Input Text Caching",
        "count",
        "count",
        1_500_000,
        0.03e-6,
    ),
    (
        VERTEX,
        "44D8-9E0A-1F37",
        "Gemini 3 Flash Text Input Caching Storage",
        "token-seconds",
        "token-hour",
        3.6e9,
        1.0e-6,
    ),
    (
        VERTEX,
        "B06A-2F84-D51C",
        "Gemini 2.5 Pro Text Input - Batch Predictions",
        "count",
        "count",
        5_000_000,
        0.625e-6,
    ),
    (
        VERTEX,
        "C13F-7B59-6A08",
        "Gemini 2.5 Pro Text Output - Batch Predictions",
        "count",
        "count",
        600_000,
        5.0e-6,
    ),
    (
        VERTEX,
        "9F27-D8E1-4B65",
        "Gemini 2.0 Flash Text Input (Long) - Predictions",
        "count",
        "count",
        1_200_000,
        0.15e-6,
    ),
]
VERTEX_GLOBAL_SKUS = [
    (
        VERTEX,
        "6E90-A4C2-17DB",
        "Gemini 3.7 Flash Global Text Input - Predictions",
        "count",
        "count",
        1_800_000,
        0.4e-6,
    ),
    (
        VERTEX,
        "D2B5-3C8F-E071",
        "Gemini 3.7 Flash Global Text Output - Predictions",
        "count",
        "count",
        220_000,
        2.8e-6,
    ),
]
VERTEX_OTHER = [
    (
        VERTEX,
        "A3C9-61E4-8F20",
        "Online Prediction N1 Predefined Instance Core running in Americas",
        "seconds",
        "hour",
        3600,
        0.0361,
    ),
]
GEMINI_API_SKUS = [
    (
        GEMINI_API,
        "0F6B-8E2D-A937",
        "Generate content input token count Gemini 2.5 Flash",
        "count",
        "count",
        2_500_000,
        0.3e-6,
    ),
    (
        GEMINI_API,
        "3D18-B5A0-C6E4",
        "Generate content output token count gemini 2.5 flash short input text",
        "count",
        "count",
        450_000,
        2.5e-6,
    ),
    (
        GEMINI_API,
        "7A52-0C9E-1D8B",
        "Generate content input token count Gemini 2.5 Pro long input text",
        "count",
        "count",
        900_000,
        2.5e-6,
    ),
    (
        GEMINI_API,
        "C8E3-4F71-2B0A",
        "Generate content cached input token count gemini 2.5 flash input image",
        "count",
        "count",
        700_000,
        0.075e-6,
    ),
    (
        GEMINI_API,
        "51F0-D6A3-8E2C",
        "Generate content input token count gemini 2.5 flash input audio",
        "count",
        "count",
        200_000,
        1.0e-6,
    ),
    (
        GEMINI_API,
        "E47D-29B8-03F5",
        "EmbedContent input token count for gemini-embedding-2 text",
        "count",
        "count",
        1_100_000,
        0.15e-6,
    ),
    (GEMINI_API, "8B36-F1C0-5A9D", "Gemini 3.1 Flash Image output image count", "count", "count", 40, 0.039),
    (GEMINI_API, "26C4-E8A5-B7F1", "Veo 3.1 video generation", "seconds", "seconds", 48, 0.40),
]
STANDARD = [  # (billing account, project id, name, number, labels, region, currency, rate, skus)
    (
        "01A2B3-C4D5E6-F7A8B9",
        "acme-search-prod",
        "Search Prod",
        "412385550021",
        [{"key": "team", "value": "search"}, {"key": "env", "value": "prod"}],
        "us-central1",
        "USD",
        1.0,
        VERTEX_SKUS[:6] + VERTEX_OTHER,
    ),
    (
        "01A2B3-C4D5E6-F7A8B9",
        "acme-support-bot",
        "Support Bot",
        "781203398814",
        [{"key": "team", "value": "support"}],
        "europe-west4",
        "USD",
        1.0,
        VERTEX_SKUS[6:] + VERTEX_GLOBAL_SKUS,
    ),
    (
        "01A2B3-C4D5E6-F7A8B9",
        "acme-rnd-sandbox",
        "R&D Sandbox",
        "906612457730",
        [],
        "global",
        "USD",
        1.0,
        GEMINI_API_SKUS,
    ),
]
EUR_ACCOUNT = (
    "015F2E-7C81AD-3B9E44",
    "acme-brand-studio",
    "Brand Studio",
    "209934817752",
    [{"key": "team", "value": "brand"}],
    "europe-west1",
    "EUR",
    0.92,
    VERTEX_SKUS[2:6] + GEMINI_API_SKUS[-2:],
)


def _days(first: date, count: int) -> list[date]:
    return [first + timedelta(days=i) for i in range(count)]


def _bq_ts(moment: datetime) -> str:
    """BigQuery's text form of a TIMESTAMP in CSV and JSON exports."""
    text = moment.strftime("%Y-%m-%d %H:%M:%S")
    if moment.microsecond:
        text += f".{moment.microsecond // 1000:03d}"
    return f"{text} UTC"


def _line(rng, account, sku, start: datetime, scale: float = 1.0, *, export_delay_h: float | None = None):
    """One billing line as the nested export record (a dict of records and lists)."""
    billing_account, project_id, project_name, project_number, labels, region, currency, rate, _ = account
    service, sku_id, sku_desc, unit, pricing_unit, amount_scale, price = sku
    amount = round(amount_scale * scale * rng.uniform(0.2, 1.0))
    if unit == "count" or (unit == "seconds" and pricing_unit == "seconds"):
        in_pricing = float(amount)
    else:
        divisor = {"hour": 3600, "token-hour": 3600, "gibibyte month": 2**30 * 730 * 3600, "tebibyte": 2**40}
        in_pricing = amount / divisor[pricing_unit]
    cost_usd = in_pricing * price
    cost = round(cost_usd * rate, 6)
    is_global = "Global" in sku_desc or service == GEMINI_API
    location = "global" if is_global else region
    credits = []
    if service == GEMINI_API and rng.random() < 0.3:
        credits.append(
            {
                "name": "Gemini API free tier",
                "amount": round(-min(cost, 0.05), 6),
                "full_name": None,
                "id": "FreeTier-GeminiAPI",
                "type": "FREE_TIER",
            }
        )
    if billing_account.startswith("015F") and rng.random() < 0.5:
        credits.append(
            {
                "name": "GenAI App Builder trial",
                "amount": round(-cost * 0.2, 6),
                "full_name": None,
                "id": "Promotion-4F2E-91AC",
                "type": "PROMOTION",
            }
        )
    delay = export_delay_h if export_delay_h is not None else rng.uniform(3, 9)
    export_time = start + timedelta(hours=1 + delay, milliseconds=rng.randint(0, 999))
    return {
        "billing_account_id": billing_account,
        "service": {"id": service[0], "description": service[1]},
        "sku": {"id": sku_id, "description": sku_desc},
        "usage_start_time": start,
        "usage_end_time": start + timedelta(hours=1),
        "project": {
            "id": project_id,
            "number": project_number,
            "name": project_name,
            "labels": labels,
            "ancestry_numbers": "/837412056690/",
        },
        "labels": [{"key": "goog-vertex-endpoint", "value": "chat"}] if sku_id == "5D0C-7A21-33E8" else [],
        "system_labels": [],
        "location": {
            "location": location,
            "country": None if location == "global" else ("US" if location.startswith("us") else "EU"),
            "region": location,
            "zone": None,
        },
        "export_time": export_time,
        "cost": cost,
        "currency": currency,
        "currency_conversion_rate": rate,
        "usage": {
            "amount": float(amount),
            "unit": unit,
            "amount_in_pricing_units": in_pricing,
            "pricing_unit": pricing_unit,
        },
        "credits": credits,
        "invoice": {"month": start.strftime("%Y%m")},
        "cost_type": "regular",
        "adjustment_info": None,
        "transaction_type": "GOOGLE",
        "seller_name": "Google",
        "cost_at_list": round(cost_usd * rate, 6),
    }


def _non_ai(rng, account, start: datetime) -> list[dict]:
    return [_line(rng, (*account[:-1], None), sku, start) for sku in NON_AI]


def _records(rng, first: date, count: int, accounts, *, hours=(9, 14), late_rows: bool = False) -> list[dict]:
    records = []
    for day in _days(first, count):
        weekend = day.weekday() >= 5
        for hour in hours:
            start = datetime(day.year, day.month, day.day, hour, tzinfo=UTC)
            for account in accounts:
                for sku in account[-1]:
                    if rng.random() < (0.6 if weekend else 0.2):
                        continue
                    records.append(_line(rng, account, sku, start, 0.3 if weekend else 1.0))
            if hour == hours[0]:
                records.extend(_non_ai(rng, accounts[0], start))
    if late_rows:  # usage that reached the export hours after the first rows for the same SKU-hour
        for base in [r for r in records if r["service"]["description"] == "Vertex AI"][:3]:
            late = json.loads(json.dumps(base, default=str))
            late["usage_start_time"], late["usage_end_time"] = (
                base["usage_start_time"],
                base["usage_end_time"],
            )
            late["export_time"] = base["export_time"] + timedelta(hours=20)
            late["usage"]["amount"] = round(base["usage"]["amount"] * 0.05)
            late["usage"]["amount_in_pricing_units"] = late["usage"]["amount"]
            late["cost"] = round(base["cost"] * 0.05, 6)
            late["cost_at_list"] = late["cost"]
            records.append(late)
    return records


def _drop_nulls(value):
    if isinstance(value, dict):
        return {k: _drop_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_drop_nulls(v) for v in value]
    return value


def standard_csv_dotted(rng) -> str:
    """Console CSV of ``SELECT billing_account_id, service.id, ..., TO_JSON_STRING(labels) AS labels``."""
    columns = [
        "billing_account_id",
        "service.id",
        "service.description",
        "sku.id",
        "sku.description",
        "usage_start_time",
        "usage_end_time",
        "project.id",
        "project.name",
        "project.number",
        "location.location",
        "location.country",
        "location.region",
        "location.zone",
        "cost",
        "currency",
        "currency_conversion_rate",
        "usage.amount",
        "usage.unit",
        "usage.amount_in_pricing_units",
        "usage.pricing_unit",
        "credits",
        "labels",
        "invoice.month",
        "cost_type",
        "export_time",
    ]
    rows = []
    for r in _records(rng, date(2026, 9, 1), 7, STANDARD):
        flat = {
            "billing_account_id": r["billing_account_id"],
            "cost": r["cost"],
            "currency": r["currency"],
            "currency_conversion_rate": r["currency_conversion_rate"],
            "usage_start_time": _bq_ts(r["usage_start_time"]),
            "usage_end_time": _bq_ts(r["usage_end_time"]),
            "export_time": _bq_ts(r["export_time"]),
            "cost_type": r["cost_type"],
            "credits": json.dumps(r["credits"], separators=(",", ":")),
            "labels": json.dumps(r["labels"], separators=(",", ":")),
        }
        for record in ("service", "sku", "project", "location", "usage", "invoice"):
            for field, value in r[record].items():
                flat[f"{record}.{field}"] = value
        rows.append(["" if flat.get(c) is None else flat[c] for c in columns])
    return csv_text(columns, rows)


def standard_jsonl(rng) -> str:
    lines = []
    for r in _records(rng, date(2026, 9, 8), 7, STANDARD, hours=(9,), late_rows=True):
        r = _drop_nulls(
            r
            | {
                "usage_start_time": _bq_ts(r["usage_start_time"]),
                "usage_end_time": _bq_ts(r["usage_end_time"]),
                "export_time": _bq_ts(r["export_time"]),
            }
        )
        lines.append(json.dumps(r, separators=(",", ":"), default=str).replace("&", "\\u0026"))
    return "\n".join(lines) + "\n"


def flattened_query_csv(rng) -> str:
    """The research notes' flattening query (vendor-formats.md §3), run over both billing accounts."""
    columns = [
        "usage_start_time",
        "usage_end_time",
        "service_description",
        "sku_id",
        "sku_description",
        "project_id",
        "region",
        "usage_amount",
        "usage_unit",
        "amount_in_pricing_units",
        "pricing_unit",
        "cost",
        "currency",
        "cost_type",
        "credits_amount",
        "labels_json",
    ]
    rows = []
    records = _records(rng, date(2026, 10, 1), 7, [STANDARD[2], EUR_ACCOUNT], hours=(10,))
    # two increments of one SKU-hour: without export_time the query output cannot tell them apart
    records.append(json.loads(json.dumps(records[0], default=str)))
    for r in records:
        if r["service"]["description"] not in ("Vertex AI", "Gemini API"):
            continue  # the query's WHERE clause keeps only the AI services
        per_thousand = r["service"]["description"] == "Gemini API" and r["usage"]["unit"] == "count"
        in_pricing = r["usage"]["amount_in_pricing_units"]
        start = r["usage_start_time"]
        start = start if isinstance(start, datetime) else datetime.fromisoformat(start)
        rows.append(
            [
                _bq_ts(start),
                _bq_ts(start + timedelta(hours=1)),
                r["service"]["description"],
                r["sku"]["id"],
                r["sku"]["description"],
                r["project"]["id"],
                r["location"]["region"],
                r["usage"]["amount"],
                r["usage"]["unit"],
                round(in_pricing / 1000, 6) if per_thousand else in_pricing,
                "1000 count" if per_thousand else r["usage"]["pricing_unit"],
                r["cost"],
                r["currency"],
                r["cost_type"],
                round(sum(c["amount"] for c in r["credits"]), 6),
                json.dumps(r["labels"] + r["project"]["labels"], separators=(",", ":")),
            ]
        )
    return csv_text(columns, rows)


def detailed_parquet(rng) -> bytes:
    records = []
    for r in _records(rng, date(2026, 10, 8), 7, STANDARD[:2], hours=(11,)):
        r["resource"] = {"name": None, "global_name": None}
        r["price"] = {
            "effective_price": None,
            "tier_start_amount": 0.0,
            "unit": r["usage"]["unit"],
            "pricing_unit_quantity": 1.0,
        }
        if r["service"]["description"] == "Vertex AI" and "Predictions" in r["sku"]["description"]:
            # the detailed table splits the SKU-hour by the endpoint resource that served it
            r["resource"] = {
                "name": "endpoints/chat-prod",
                "global_name": f"//aiplatform.googleapis.com/projects/{r['project']['number']}"
                f"/locations/{r['location']['region']}/endpoints/chat-prod",
            }
            other = json.loads(json.dumps(r, default=str))
            for key in ("usage_start_time", "usage_end_time", "export_time"):
                other[key] = r[key]
            other["resource"] = {
                "name": "endpoints/summarise-batch",
                "global_name": r["resource"]["global_name"].replace("chat-prod", "summarise-batch"),
            }
            other["usage"]["amount"] = round(r["usage"]["amount"] * 0.4)
            other["usage"]["amount_in_pricing_units"] = float(other["usage"]["amount"])
            other["cost"] = round(r["cost"] * 0.4, 6)
            records.append(other)
        records.append(r)
    for r in records:
        if r["usage"]["amount_in_pricing_units"]:
            r["price"]["effective_price"] = round(r["cost"] / r["usage"]["amount_in_pricing_units"], 12)
    key_value = pl.List(pl.Struct({"key": pl.String, "value": pl.String}))
    schema = {
        "billing_account_id": pl.String,
        "service": pl.Struct({"id": pl.String, "description": pl.String}),
        "sku": pl.Struct({"id": pl.String, "description": pl.String}),
        "usage_start_time": pl.Datetime("us", "UTC"),
        "usage_end_time": pl.Datetime("us", "UTC"),
        "project": pl.Struct(
            {
                "id": pl.String,
                "number": pl.String,
                "name": pl.String,
                "labels": key_value,
                "ancestry_numbers": pl.String,
            }
        ),
        "labels": key_value,
        "system_labels": key_value,
        "location": pl.Struct(
            {"location": pl.String, "country": pl.String, "region": pl.String, "zone": pl.String}
        ),
        "resource": pl.Struct({"name": pl.String, "global_name": pl.String}),
        "export_time": pl.Datetime("us", "UTC"),
        "cost": pl.Float64,
        "currency": pl.String,
        "currency_conversion_rate": pl.Float64,
        "usage": pl.Struct(
            {
                "amount": pl.Float64,
                "unit": pl.String,
                "amount_in_pricing_units": pl.Float64,
                "pricing_unit": pl.String,
            }
        ),
        "credits": pl.List(
            pl.Struct(
                {
                    "name": pl.String,
                    "amount": pl.Float64,
                    "full_name": pl.String,
                    "id": pl.String,
                    "type": pl.String,
                }
            )
        ),
        "invoice": pl.Struct({"month": pl.String}),
        "cost_type": pl.String,
        "price": pl.Struct(
            {
                "effective_price": pl.Float64,
                "tier_start_amount": pl.Float64,
                "unit": pl.String,
                "pricing_unit_quantity": pl.Float64,
            }
        ),
        "transaction_type": pl.String,
        "seller_name": pl.String,
        "cost_at_list": pl.Float64,
    }
    frame = pl.DataFrame([{k: r.get(k) for k in schema} for r in records], schema=schema, orient="row")
    out = io.BytesIO()
    frame.write_parquet(out, compression="snappy", statistics=False)
    return out.getvalue()


SOURCES = ("gcp_billing",)


def write(root: Path) -> list[Path]:
    files = {
        "gcp_billing_export_v1_2026-09-01_2026-09-07.csv": standard_csv_dotted(random.Random(41)),
        "gcp_billing_export_v1_2026-09-08_2026-09-14.jsonl": standard_jsonl(random.Random(42)),
        "gemini_vertex_flattened_2026-10-01_2026-10-07.csv": flattened_query_csv(random.Random(43)),
        "gcp_billing_export_resource_v1_2026-10-08_2026-10-14.parquet": detailed_parquet(random.Random(44)),
    }
    return write_files(root / "gcp_billing", files)


if __name__ == "__main__":
    from tools.samples._cli import run

    run(write)
