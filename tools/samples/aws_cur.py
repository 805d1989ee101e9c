"""Write the bundled AWS CUR samples in ``data/samples/aws_cur/`` (deterministic: same seed, same bytes).

* ``bedrock-cur2-2026-09-00001.snappy.parquet``: a CUR 2.0 Data Export part, daily granularity,
  1-14 September 2026, written with Polars. ``product``, ``resource_tags`` and ``cost_category`` are
  Parquet MAP columns, usage dates are Parquet timestamps, amounts and costs doubles, rates strings.
  Token amounts are token counts (the research notes' fixture).
* ``bedrock-legacy-cur-2026-10-1.csv``: a legacy CUR CSV (``lineItem/UsageType``...), daily,
  1-7 October 2026. Quirks: first-party token lines priced per ``1K tokens`` count thousands of
  tokens, Marketplace lines priced in ``Units`` at a per-million price count millions of tokens,
  ``resourceTags/user:*`` columns, descriptions with quoted commas.

Both mix Bedrock lines (first-party models, Marketplace-sold Claude, a Guardrails line with no token
quantity) with non-AI lines (EC2, S3, CloudWatch, a Marketplace SaaS subscription) and with tax and
credit lines, which the connector drops.

    python -m tools.samples.aws_cur [SAMPLES_DIR]   # default: data/samples
"""

from __future__ import annotations

import csv
import io
import random
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import polars as pl

from tools.samples._common import write_files

PAYER = "999988887777"
ACCOUNTS = {"111122223333": ("search", "search-ranking"), "444455556666": ("support", "support-bot")}
MARKETPLACE_CODES = {  # random-looking Marketplace product codes, one per model listing
    "Claude 3.5 Sonnet (Amazon Bedrock Edition)": "c1hxt3vd8ka9rj2mb4zq6wpe7",
    "Claude Sonnet 4.5 (Amazon Bedrock Edition)": "8gk2vq1n7dx4mtp0rz3ys9cw5",
    "Claude Haiku 4.5 (Amazon Bedrock Edition)": "5jd8rw2xq0fk7nz1ht4mc6bv3",
}
REGION_NAMES = {
    "us-east-1": "US East (N. Virginia)",
    "us-west-2": "US West (Oregon)",
    "eu-central-1": "EU (Frankfurt)",
    "eu-west-3": "EU (Paris)",
}
# (account, region, usage type, product name or None for first-party, daily scale, USD per token, unit)
BEDROCK_LINES: list[tuple[str, str, str, str | None, int, float, str]] = [
    ("111122223333", "us-east-1", "USE1-NovaPro-input-tokens", None, 9_000_000, 0.8e-6, "tokens"),
    ("111122223333", "us-east-1", "USE1-NovaPro-output-tokens", None, 1_500_000, 3.2e-6, "tokens"),
    ("111122223333", "us-east-1", "USE1-Nova2.0Lite-input-tokens-flex", None, 20_000_000, 0.15e-6, "tokens"),
    ("111122223333", "us-east-1", "USE1-Nova2.0Lite-output-tokens-flex", None, 4_000_000, 1.25e-6, "tokens"),
    (
        "111122223333",
        "us-east-1",
        "USE1-TitanEmbeddingsV2-Text-input-tokens",
        None,
        30_000_000,
        0.02e-6,
        "tokens",
    ),
    ("444455556666", "us-west-2", "USW2-Llama3-70B-input-tokens", None, 3_000_000, 2.65e-6, "tokens"),
    ("444455556666", "us-west-2", "USW2-Llama3-70B-output-tokens", None, 600_000, 3.5e-6, "tokens"),
    ("444455556666", "eu-central-1", "EUC1-TitanTextExpress-input-tokens", None, 2_000_000, 0.2e-6, "tokens"),
    ("444455556666", "eu-central-1", "EUC1-TitanTextExpress-output-tokens", None, 500_000, 0.6e-6, "tokens"),
    ("111122223333", "us-east-1", "USE1-NovaCanvas-1024x1024-Standard-images", None, 40, 0.04, "images"),
    ("111122223333", "us-east-1", "USE1-NovaReel-video-seconds", None, 30, 0.08, "seconds"),
    (
        "444455556666",
        "eu-central-1",
        "EUC1-Guardrails-ContentPolicy-TextUnits",
        None,
        2_000,
        0.00075,
        "units",
    ),
    (
        "444455556666",
        "us-west-2",
        "USW2-MP:USW2_InputTokenCount-Units",
        "Claude 3.5 Sonnet (Amazon Bedrock Edition)",
        5_000_000,
        3e-6,
        "tokens",
    ),
    (
        "444455556666",
        "us-west-2",
        "USW2-MP:USW2_OutputTokenCount-Units",
        "Claude 3.5 Sonnet (Amazon Bedrock Edition)",
        700_000,
        15e-6,
        "tokens",
    ),
    (
        "111122223333",
        "eu-central-1",
        "EUC1-MP:EUC1_input_tokens_standard-Units",
        "Claude Sonnet 4.5 (Amazon Bedrock Edition)",
        1_200_000,
        3.3e-6,
        "tokens",
    ),
    (
        "111122223333",
        "eu-central-1",
        "EUC1-MP:EUC1_output_tokens_standard-Units",
        "Claude Sonnet 4.5 (Amazon Bedrock Edition)",
        400_000,
        16.5e-6,
        "tokens",
    ),
    (
        "111122223333",
        "eu-central-1",
        "EUC1-MP:EUC1_CacheReadInputTokenCount-Units",
        "Claude Sonnet 4.5 (Amazon Bedrock Edition)",
        25_000_000,
        0.33e-6,
        "tokens",
    ),
    (
        "111122223333",
        "eu-central-1",
        "EUC1-MP:EUC1_CacheWriteInputTokenCount-Units",
        "Claude Sonnet 4.5 (Amazon Bedrock Edition)",
        2_000_000,
        4.125e-6,
        "tokens",
    ),
    (
        "444455556666",
        "us-east-1",
        "USE1-MP:USE1_InputTokenCount_Global-Units",
        "Claude Haiku 4.5 (Amazon Bedrock Edition)",
        8_000_000,
        1e-6,
        "tokens",
    ),
    (
        "444455556666",
        "us-east-1",
        "USE1-MP:USE1_OutputTokenCount_Global-Units",
        "Claude Haiku 4.5 (Amazon Bedrock Edition)",
        1_000_000,
        5e-6,
        "tokens",
    ),
]
# (account, entity, product code, usage type, operation, product name, family, daily amount, rate, unit)
OTHER_LINES = [
    ("111122223333", "AWS", "AmazonEC2", "USE1-BoxUsage:m7i.xlarge", "RunInstances",
     "Amazon Elastic Compute Cloud", "Compute Instance", 24.0, 0.2016, "Hrs"),
    ("444455556666", "AWS", "AmazonS3", "USW2-TimedStorage-ByteHrs", "StandardStorage",
     "Amazon Simple Storage Service", "Storage", 410.0, 0.000031507, "GB-Mo"),
    ("111122223333", "AWS", "AmazonCloudWatch", "USE1-CW:MetricMonitorUsage", "MetricStorage",
     "AmazonCloudWatch", "Metric", 1.6, 0.3, "Metrics"),
    ("444455556666", "AWS Marketplace", "7vc2nx9tq4ha1ky8rm3wz5dpe", "USE1-MP:USE1_Hosts-Units", "Usage",
     "Acme Observability Pro", "SaaS", 12.0, 0.05, "Units"),
]  # fmt: skip


def _days(first: date, count: int) -> list[date]:
    return [first + timedelta(days=i) for i in range(count)]


def _midnight(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _legal_entity(line: dict) -> str:
    if line["entity"] == "AWS":
        return "Amazon Web Services, Inc."
    return "Anthropic, PBC" if "Claude" in line["product_name"] else "Acme Observability Inc."


def _line_id(rng: random.Random) -> str:
    return "".join(rng.choice("abcdefghijklmnopqrstuvwxyz234567") for _ in range(52))


def _lines(rng: random.Random, days: list[date], *, legacy: bool) -> list[dict]:
    """Generic line items; ``legacy`` bills first-party tokens per 1K and Marketplace tokens per 1M."""
    lines = []
    for day in days:
        start, end = _midnight(day), _midnight(day + timedelta(days=1))
        weekend = day.weekday() >= 5
        for account, region, usage_type, product_name, scale, per_token, kind in BEDROCK_LINES:
            tokens = round(scale * rng.uniform(0.6, 1.4) * (0.35 if weekend else 1.0))
            amount, rate, unit = (
                float(tokens),
                per_token,
                {"tokens": "Tokens", "images": "Images"}.get(kind, kind),
            )
            if kind == "seconds":
                unit = "Seconds"
            if kind == "units":
                unit = "Units"
            if kind == "tokens" and legacy:
                if product_name is None:
                    amount, rate, unit = tokens / 1_000, per_token * 1_000, "1K tokens"
                else:
                    amount, rate, unit = tokens / 1_000_000, per_token * 1_000_000, "Units"
            elif kind == "tokens" and product_name is not None:
                unit = "Units"
            lines.append(
                {
                    "entity": "AWS" if product_name is None else "AWS Marketplace",
                    "account": account,
                    "type": "Usage",
                    "start": start,
                    "end": end,
                    "product_code": "AmazonBedrock"
                    if product_name is None
                    else MARKETPLACE_CODES[product_name],
                    "usage_type": usage_type,
                    "operation": "InvokeModelInference" if product_name is None else "Usage",
                    "resource_id": f"arn:aws:bedrock:{region}:{account}:application-inference-profile/"
                    f"{ACCOUNTS[account][1]}"
                    if product_name is None and kind == "tokens"
                    else "",
                    "amount": amount,
                    "rate": rate,
                    "cost": round(amount * rate, 10),
                    "region": region,
                    "product_name": product_name or "Amazon Bedrock",
                    "family": "Amazon Bedrock" if product_name is None else "",
                    "servicecode": "AmazonBedrock"
                    if product_name is None
                    else MARKETPLACE_CODES[product_name],
                    "unit": unit,
                    "description": f"{product_name or 'Amazon Bedrock'}: {usage_type}, "
                    f"{REGION_NAMES[region]}",
                }
            )
        for account, entity, code, usage_type, operation, name, family, daily, rate, unit in OTHER_LINES:
            amount = round(daily * rng.uniform(0.9, 1.1), 6)
            region = "us-west-2" if usage_type.startswith("USW2") else "us-east-1"
            lines.append(
                {
                    "entity": entity,
                    "account": account,
                    "type": "Usage",
                    "start": start,
                    "end": end,
                    "product_code": code,
                    "usage_type": usage_type,
                    "operation": operation,
                    "resource_id": f"i-0{rng.randrange(16**15):015x}" if code == "AmazonEC2" else "",
                    "amount": amount,
                    "rate": rate,
                    "cost": round(amount * rate, 10),
                    "region": region,
                    "product_name": name,
                    "family": family,
                    "servicecode": code,
                    "unit": unit,
                    "description": f"{name} {usage_type}",
                }
            )
    # month-level money movements on Bedrock: not usage, dropped by the connector
    period = _midnight(days[0].replace(day=1))
    bedrock_cost = sum(line["cost"] for line in lines if line["product_code"] == "AmazonBedrock")
    for kind, cost, description in (
        ("Tax", round(bedrock_cost * 0.19, 8), "Tax for product code AmazonBedrock"),
        ("Credit", -25.0, "AWS Activate credit, Amazon Bedrock"),
    ):
        lines.append(
            {
                "entity": "AWS",
                "account": "111122223333",
                "type": kind,
                "start": period,
                "end": _midnight(days[-1] + timedelta(days=1)),
                "product_code": "AmazonBedrock",
                "usage_type": "",
                "operation": "",
                "resource_id": "",
                "amount": 1.0 if kind == "Tax" else 0.0,
                "rate": None,
                "cost": cost,
                "region": "",
                "product_name": "Amazon Bedrock",
                "family": "",
                "servicecode": "AmazonBedrock",
                "unit": "",
                "description": description,
            }
        )
    for line in lines:
        line["line_item_id"] = _line_id(rng)
    return lines


def cur2_parquet(rng: random.Random, days: list[date]) -> bytes:
    lines = _lines(rng, days, legacy=False)
    period_start = _midnight(days[0].replace(day=1))
    period_end = _midnight((days[0].replace(day=28) + timedelta(days=4)).replace(day=1))
    map_type = pl.Map(pl.String, pl.String)
    records = []
    for line in lines:
        team, project = ACCOUNTS[line["account"]]
        product = {"product_name": line["product_name"], "servicename": line["product_name"]}
        if line["region"]:
            product |= {"region": line["region"], "location": REGION_NAMES.get(line["region"], "")}
        if line["product_code"] == "AmazonBedrock" and line["usage_type"]:
            product |= {"usagetype": line["usage_type"], "operation": line["operation"]}
        tags = {"user_team": team, "user_project": project} if line["type"] == "Usage" else {}
        records.append(
            {
                "bill_bill_type": "Anniversary",
                "bill_billing_entity": line["entity"],
                "bill_billing_period_end_date": period_end,
                "bill_billing_period_start_date": period_start,
                "bill_invoice_id": "",
                "bill_invoicing_entity": "Amazon Web Services, Inc.",
                "bill_payer_account_id": PAYER,
                "bill_payer_account_name": "Acme Holdings",
                "cost_category": {},
                "discount": {},
                "identity_line_item_id": line["line_item_id"],
                "identity_time_interval": f"{_iso(line['start'])}/{_iso(line['end'])}",
                "line_item_availability_zone": "",
                "line_item_blended_cost": line["cost"],
                "line_item_blended_rate": "" if line["rate"] is None else f"{line['rate']:.10f}",
                "line_item_currency_code": "USD",
                "line_item_legal_entity": _legal_entity(line),
                "line_item_line_item_description": line["description"],
                "line_item_line_item_type": line["type"],
                "line_item_net_unblended_cost": line["cost"],
                "line_item_normalization_factor": 0.0,
                "line_item_operation": line["operation"],
                "line_item_product_code": line["product_code"],
                "line_item_resource_id": line["resource_id"],
                "line_item_tax_type": "VAT" if line["type"] == "Tax" else "",
                "line_item_unblended_cost": line["cost"],
                "line_item_unblended_rate": "" if line["rate"] is None else f"{line['rate']:.10f}",
                "line_item_usage_account_id": line["account"],
                "line_item_usage_account_name": ACCOUNTS[line["account"]][0],
                "line_item_usage_amount": line["amount"],
                "line_item_usage_end_date": line["end"].replace(tzinfo=None),
                "line_item_usage_start_date": line["start"].replace(tzinfo=None),
                "line_item_usage_type": line["usage_type"],
                "pricing_currency": "USD",
                "pricing_public_on_demand_cost": line["cost"],
                "pricing_public_on_demand_rate": "" if line["rate"] is None else f"{line['rate']:.10f}",
                "pricing_term": "OnDemand" if line["type"] == "Usage" else "",
                "pricing_unit": line["unit"],
                "product": product,
                "product_location": REGION_NAMES.get(line["region"], ""),
                "product_product_family": line["family"],
                "product_region_code": line["region"],
                "product_servicecode": line["servicecode"],
                "resource_tags": tags,
            }
        )
    schema = {
        name: map_type
        if name in {"cost_category", "discount", "product", "resource_tags"}
        else pl.Datetime("ms")
        if name.endswith("_date")
        else pl.Float64
        if isinstance(value, float)
        else pl.String
        for name, value in records[0].items()
    }
    buffer = io.BytesIO()
    pl.DataFrame(records, schema=schema).write_parquet(buffer, compression="snappy", statistics=False)
    return buffer.getvalue()


LEGACY_COLUMNS = [
    "identity/LineItemId",
    "identity/TimeInterval",
    "bill/InvoiceId",
    "bill/InvoicingEntity",
    "bill/BillingEntity",
    "bill/BillType",
    "bill/PayerAccountId",
    "bill/BillingPeriodStartDate",
    "bill/BillingPeriodEndDate",
    "lineItem/UsageAccountId",
    "lineItem/LineItemType",
    "lineItem/UsageStartDate",
    "lineItem/UsageEndDate",
    "lineItem/ProductCode",
    "lineItem/UsageType",
    "lineItem/Operation",
    "lineItem/AvailabilityZone",
    "lineItem/ResourceId",
    "lineItem/UsageAmount",
    "lineItem/NormalizationFactor",
    "lineItem/CurrencyCode",
    "lineItem/UnblendedRate",
    "lineItem/UnblendedCost",
    "lineItem/BlendedRate",
    "lineItem/BlendedCost",
    "lineItem/LineItemDescription",
    "lineItem/TaxType",
    "lineItem/LegalEntity",
    "product/ProductName",
    "product/location",
    "product/productFamily",
    "product/region",
    "product/servicecode",
    "pricing/currency",
    "pricing/term",
    "pricing/unit",
    "resourceTags/user:project",
    "resourceTags/user:team",
]


def _number(value: float | None) -> str:
    if value is None:
        return ""
    return f"{value:.10f}".rstrip("0").rstrip(".") if value != int(value) else str(int(value))


def legacy_csv(rng: random.Random, days: list[date]) -> bytes:
    lines = _lines(rng, days, legacy=True)
    period_start = _midnight(days[0].replace(day=1))
    period_end = _midnight((days[0].replace(day=28) + timedelta(days=4)).replace(day=1))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(LEGACY_COLUMNS)
    for line in lines:
        team, project = ACCOUNTS[line["account"]]
        usage = line["type"] == "Usage"
        writer.writerow(
            [
                line["line_item_id"],
                f"{_iso(line['start'])}/{_iso(line['end'])}",
                "",
                "Amazon Web Services, Inc.",
                line["entity"],
                "Anniversary",
                PAYER,
                _iso(period_start),
                _iso(period_end),
                line["account"],
                line["type"],
                _iso(line["start"]),
                _iso(line["end"]),
                line["product_code"],
                line["usage_type"],
                line["operation"],
                "",
                line["resource_id"],
                _number(line["amount"]),
                "0",
                "USD",
                _number(line["rate"]),
                _number(line["cost"]),
                _number(line["rate"]),
                _number(line["cost"]),
                line["description"],
                "VAT" if line["type"] == "Tax" else "",
                _legal_entity(line),
                line["product_name"],
                REGION_NAMES.get(line["region"], ""),
                line["family"],
                line["region"],
                line["servicecode"],
                "USD",
                "OnDemand" if usage else "",
                line["unit"],
                project if usage else "",
                team if usage else "",
            ]
        )
    return out.getvalue().encode()


SOURCES = ("aws_cur",)


def write(out_dir: Path) -> list[Path]:
    files = {
        "bedrock-cur2-2026-09-00001.snappy.parquet": cur2_parquet(
            random.Random(2609), _days(date(2026, 9, 1), 14)
        ),
        "bedrock-legacy-cur-2026-10-1.csv": legacy_csv(random.Random(2610), _days(date(2026, 10, 1), 7)),
    }
    return write_files(out_dir / "aws_cur", files)


if __name__ == "__main__":
    from tools.samples._cli import run

    run(write)
