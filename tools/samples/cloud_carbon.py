"""Write the cloud-carbon sample exports (deterministic: no randomness, same bytes every run).

    python -m tools.samples.cloud_carbon [SAMPLES_DIR]   # default: data/samples

Months 2026-07..2026-09, AI services (Vertex AI, Gemini API, Amazon Bedrock, SageMaker, Azure OpenAI /
Cognitive Services) beside a few others. Shapes follow connectors/cloud_carbon/exports.py's docstring:

* gcp_carbon: a CSV of BigQuery query results with dotted headers (Jul, Aug; model version 20) and a
  ``bq extract`` JSON-lines file with nested records and quoted INT64 (Sep; model version 21);
* aws_carbon: a CARBON_EMISSIONS CSV with per-scope columns in MTCO2e (Jul, Aug) and the same table as
  Parquet with typed timestamps (Sep);
* azure_carbon: EnrollmentEmission records as CSV in mtCO2e (Jul..Sep) and three carbonEmissionReports
  ItemDetailsReport responses (one per scope) for Sep, each saved with its request body.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, date, datetime
from pathlib import Path

import polars as pl

from tools.samples._common import csv_text, write_files

MONTHS = [date(2026, 7, 1), date(2026, 8, 1), date(2026, 9, 1)]
GROWTH = {date(2026, 7, 1): 1.0, date(2026, 8, 1): 1.18, date(2026, 9, 1): 1.31}


def _next_month(day: date) -> date:
    return date(day.year + (day.month == 12), day.month % 12 + 1, 1)


# ------------------------------------------------------------------------------------------ Google

GCP_BILLING = "01A2B3-C4D5E6-F7A8B9"
# (project id, project number, service id, service description, location, region,
#  scope1, scope2 LB, scope2 MB, scope3) kgCO2e in July
GCP_RECORDS = [
    (
        "acme-genai-prod",
        "418273645512",
        "C7E2-9256-1C43",
        "Vertex AI",
        "us-central1",
        "us-central1",
        0.41,
        38.9,
        4.7,
        12.6,
    ),
    (
        "acme-genai-prod",
        "418273645512",
        "C7E2-9256-1C43",
        "Vertex AI",
        "europe-west1",
        "europe-west1",
        0.12,
        6.35,
        0.88,
        3.9,
    ),
    (
        "acme-genai-prod",
        "418273645512",
        "AEFD-7695-64FA",
        "Gemini API",
        "global",
        "global",
        0.08,
        9.2,
        1.15,
        2.7,
    ),
    ("acme-analytics", "903718264150", "24E6-581D-38E5", "BigQuery", "us", "us", 0.05, 4.4, 0.61, 1.8),
    (
        "acme-analytics",
        "903718264150",
        "6F81-5844-456A",
        "Compute Engine",
        "europe-west4-b",
        "europe-west4",
        0.22,
        11.7,
        1.9,
        7.3,
    ),
    (None, "", "95FF-2EF5-5EA1", "Cloud Storage", "europe-west1", "europe-west1", 0.01, 0.74, 0.09, 0.52),
]
GCP_HEADER = [
    "usage_month",
    "billing_account_id",
    "project.id",
    "project.number",
    "service.id",
    "service.description",
    "location.location",
    "location.region",
    "carbon_model_version",
    "carbon_footprint_total_kgCO2e.after_offsets",
    "carbon_footprint_total_kgCO2e.market_based",
    "carbon_footprint_total_kgCO2e.location_based",
    "carbon_footprint_kgCO2e.scope1",
    "carbon_footprint_kgCO2e.scope2.location_based",
    "carbon_footprint_kgCO2e.scope2.market_based",
    "carbon_footprint_kgCO2e.scope3",
]


def _gcp_figures(record: tuple, month: date) -> tuple[float, ...]:
    g = GROWTH[month]
    s1, s2l, s2m, s3 = (round(v * g, 4) for v in record[6:])
    return s1, s2l, s2m, s3, round(s1 + s2l + s3, 4), round(s1 + s2m + s3, 4)


def gcp_csv(months: list[date]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(GCP_HEADER)
    for month in months:
        for rec in GCP_RECORDS:
            s1, s2l, s2m, s3, tl, tm = _gcp_figures(rec, month)
            writer.writerow(
                [month.isoformat(), GCP_BILLING, rec[0] or "", *rec[1:6], 20, "", tm, tl, s1, s2l, s2m, s3]
            )
    return out.getvalue()


def gcp_jsonl(month: date) -> str:
    lines = []
    for rec in GCP_RECORDS:
        s1, s2l, s2m, s3, tl, tm = _gcp_figures(rec, month)
        lines.append(
            json.dumps(
                {
                    "usage_month": month.isoformat(),
                    "billing_account_id": GCP_BILLING,
                    "project": {"id": rec[0], "number": rec[1]},
                    "service": {"id": rec[2], "description": rec[3]},
                    "location": {"location": rec[4], "region": rec[5]},
                    "carbon_model_version": "21",  # INT64 is quoted in BigQuery JSON exports
                    "carbon_footprint_total_kgCO2e": {
                        "after_offsets": None,
                        "market_based": tm,
                        "location_based": tl,
                    },
                    "carbon_footprint_kgCO2e": {
                        "scope1": s1,
                        "scope2": {"location_based": s2l, "market_based": s2m},
                        "scope3": s3,
                    },
                },
                separators=(",", ":"),
            )
        )
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------------------------- AWS

AWS_PAYER = "111122223333"
# (usage account, product code, region code, location, scope1, scope2 LBM, scope2 MBM, scope3 LBM, scope3 MBM)
# MTCO2e in July
AWS_RECORDS = [
    (
        "444455556666",
        "AmazonBedrock",
        "us-east-1",
        "US East (N. Virginia)",
        0.0004,
        0.0312,
        0.0021,
        0.0118,
        0.0118,
    ),
    (
        "444455556666",
        "AmazonBedrock",
        "eu-central-1",
        "EU (Frankfurt)",
        0.0001,
        0.0087,
        0.0003,
        0.0041,
        0.0041,
    ),
    (
        "444455556666",
        "AmazonSageMaker",
        "us-west-2",
        "US West (Oregon)",
        0.0002,
        0.0125,
        0.0004,
        0.0093,
        0.0093,
    ),
    (
        "777788889999",
        "AmazonEC2",
        "us-east-1",
        "US East (N. Virginia)",
        0.0009,
        0.0651,
        0.0047,
        0.0402,
        0.0402,
    ),
    ("777788889999", "AmazonS3", "eu-west-1", "EU (Ireland)", 0.0, 0.0019, 0.0001, 0.0012, 0.0012),
    ("777788889999", "AmazonCloudFront", "", "Global", 0.0, 0.0, 0.0, 0.0, 0.0),
]
AWS_COLUMNS = [
    "last_refresh_timestamp",
    "location",
    "model_version",
    "payer_account_id",
    "product_code",
    "region_code",
    "total_lbm_emissions_unit",
    "total_lbm_emissions_value",
    "total_mbm_emissions_unit",
    "total_mbm_emissions_value",
    "total_scope_1_emissions_unit",
    "total_scope_1_emissions_value",
    "total_scope_2_lbm_emissions_unit",
    "total_scope_2_lbm_emissions_value",
    "total_scope_2_mbm_emissions_unit",
    "total_scope_2_mbm_emissions_value",
    "total_scope_3_lbm_emissions_unit",
    "total_scope_3_lbm_emissions_value",
    "total_scope_3_mbm_emissions_unit",
    "total_scope_3_mbm_emissions_value",
    "usage_account_id",
    "usage_period_end",
    "usage_period_start",
]


def _aws_rows(month: date) -> list[dict]:
    g = GROWTH[month]
    refresh = datetime(2026, month.month + 3, 2, 6, 14, 9, tzinfo=UTC)  # data lands about 3 months late
    rows = []
    for acct, product, region, location, *vals in AWS_RECORDS:
        s1, s2l, s2m, s3l, s3m = (round(v * g, 4) for v in vals)
        rows.append(
            {
                "last_refresh_timestamp": refresh,
                "location": location,
                "model_version": "v3.0.0",
                "payer_account_id": AWS_PAYER,
                "product_code": product,
                "region_code": region or None,
                "total_lbm_emissions_unit": "MTCO2e",
                "total_lbm_emissions_value": round(s1 + s2l + s3l, 4),
                "total_mbm_emissions_unit": "MTCO2e",
                "total_mbm_emissions_value": round(s1 + s2m + s3m, 4),
                "total_scope_1_emissions_unit": "MTCO2e",
                "total_scope_1_emissions_value": s1,
                "total_scope_2_lbm_emissions_unit": "MTCO2e",
                "total_scope_2_lbm_emissions_value": s2l,
                "total_scope_2_mbm_emissions_unit": "MTCO2e",
                "total_scope_2_mbm_emissions_value": s2m,
                "total_scope_3_lbm_emissions_unit": "MTCO2e",
                "total_scope_3_lbm_emissions_value": s3l,
                "total_scope_3_mbm_emissions_unit": "MTCO2e",
                "total_scope_3_mbm_emissions_value": s3m,
                "usage_account_id": acct,
                "usage_period_end": datetime.combine(_next_month(month), datetime.min.time(), UTC),
                "usage_period_start": datetime.combine(month, datetime.min.time(), UTC),
            }
        )
    return rows


def aws_csv(months: list[date]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(AWS_COLUMNS)
    for month in months:
        for row in _aws_rows(month):
            cells = []
            for col in AWS_COLUMNS:
                value = row[col]
                if isinstance(value, datetime):
                    value = value.strftime("%Y-%m-%d %H:%M:%SZ")  # the documented timestamp format
                cells.append("" if value is None else value)
            writer.writerow(cells)
    return out.getvalue()


def aws_parquet(month: date) -> bytes:
    frame = pl.DataFrame(_aws_rows(month)).select(AWS_COLUMNS)
    buffer = io.BytesIO()
    frame.write_parquet(buffer, compression="snappy", statistics=False)
    return buffer.getvalue()


# ------------------------------------------------------------------------------------------- Azure

AZURE_ENROLLMENT = "87654321"
AZURE_SUBS = {
    "ai": ("3f2c9a1e-5b7d-4c8e-9a10-2b3c4d5e6f70", "acme-ai-platform-prod"),
    "web": ("b81d4e62-0a9c-4f3b-8e57-1c2d3e4f5a6b", "acme-web-prod"),
}
# (subscription, azureServiceName, subService, azureRegionName, scope1, scope2, scope3) mtCO2e in July
AZURE_CSV_RECORDS = [
    ("ai", "Cognitive Services", "Azure OpenAI", "Sweden Central", 0.0002, 0.0009, 0.0147),
    ("ai", "Cognitive Services", "Azure OpenAI", "East US", 0.0003, 0.0021, 0.0188),
    ("ai", "Azure Machine Learning", "Compute", "West Europe", 0.0001, 0.0006, 0.0064),
    ("web", "Virtual Machines", "Compute", "West Europe", 0.0004, 0.0018, 0.0231),
    ("web", "Storage", "Storage", "North Europe", 0.0, 0.0002, 0.0027),
]


# the EnrollmentEmission export's header line
AZURE_CSV_HEADER = (
    "dateKey,enrollmentId,orgName,subscriptionId,subscriptionName,azureServiceName,subService,azureRegionName,"
    "scope,scopeId,totalEmissions"
)


def azure_csv(months: list[date]) -> str:
    rows = (
        [
            month.strftime("%Y%m%d"),
            AZURE_ENROLLMENT,
            "Acme Corp",
            *AZURE_SUBS[sub],
            service,
            sub_service,
            region,
            f"Scope {scope_id}",
            scope_id,
            round(value * GROWTH[month], 5),
        ]
        for month in months
        for sub, service, sub_service, region, *scopes in AZURE_CSV_RECORDS
        for scope_id, value in enumerate(scopes, start=1)
    )
    return csv_text(AZURE_CSV_HEADER.split(","), rows)


# (subscription, resource group, resource type, name, location, scope1, scope2, scope3) kgCO2e in September
AZURE_RESOURCES = [
    (
        "ai",
        "rg-genai",
        "microsoft.cognitiveservices/accounts",
        "acme-openai-swc",
        "sweden central",
        0.26,
        1.18,
        19.3,
    ),
    (
        "ai",
        "rg-genai",
        "microsoft.cognitiveservices/accounts",
        "acme-openai-eus",
        "east us",
        0.39,
        2.75,
        24.6,
    ),
    (
        "ai",
        "rg-genai",
        "microsoft.search/searchservices",
        "acme-rag-search",
        "sweden central",
        0.05,
        0.21,
        3.4,
    ),
    ("web", "rg-web", "microsoft.compute/virtualmachines", "web-vm-01", "west europe", 0.52, 2.36, 30.3),
    ("web", "rg-web", "microsoft.storage/storageaccounts", "acmewebstatic", "north europe", 0.01, 0.26, 3.5),
]


def azure_reports(month: date) -> str:
    pages = []
    for index, scope in enumerate(("Scope1", "Scope2", "Scope3")):
        items = []
        for sub, rg, rtype, name, location, *values in AZURE_RESOURCES:
            sub_id = AZURE_SUBS[sub][0]
            latest = values[index]
            previous = round(latest / 1.11, 4)
            items.append(
                {
                    "dataType": "ResourceItemDetailsData",
                    "latestMonthEmissions": latest,
                    "previousMonthEmissions": previous,
                    "monthOverMonthEmissionsChangeRatio": round((latest - previous) / previous, 4),
                    "monthlyEmissionsChangeValue": round(latest - previous, 4),
                    "itemName": name,
                    "resourceGroup": rg,
                    "resourceId": f"/subscriptions/{sub_id}/resourceGroups/{rg}/providers/{rtype}/{name}",
                    "subscriptionId": sub_id,
                    "categoryType": "Resource",
                    "resourceType": rtype,
                    "location": location,
                }
            )
        items.sort(key=lambda item: -item["latestMonthEmissions"])
        pages.append(
            {
                "queryParameters": {
                    "reportType": "ItemDetailsReport",
                    "subscriptionList": [s[0] for s in AZURE_SUBS.values()],
                    "carbonScopeList": [scope],
                    "dateRange": {"start": month.isoformat(), "end": month.isoformat()},
                    "categoryType": "Resource",
                    "orderBy": "LatestMonthEmissions",
                    "sortDirection": "Desc",
                    "pageSize": 100,
                },
                "subscriptionAccessDecisionList": [
                    {"subscriptionId": s[0], "decision": "Allowed"} for s in AZURE_SUBS.values()
                ],
                "value": items,
                "skipToken": None,
            }
        )
    return json.dumps(pages, indent=2) + "\n"


SOURCES = ("gcp_carbon", "aws_carbon", "azure_carbon")


def write(root: Path) -> list[Path]:
    files = {
        "gcp_carbon/carbon_footprint_2026-07_2026-08.csv": gcp_csv(MONTHS[:2]),
        "gcp_carbon/carbon_footprint_2026-09.jsonl": gcp_jsonl(MONTHS[2]),
        "aws_carbon/carbon_emissions_2026-07_2026-08.csv": aws_csv(MONTHS[:2]),
        "aws_carbon/carbon_emissions_2026-09.parquet": aws_parquet(MONTHS[2]),
        "azure_carbon/enrollment_emissions_2026-07_2026-09.csv": azure_csv(MONTHS),
        "azure_carbon/carbon_emission_reports_2026-09.json": azure_reports(MONTHS[2]),
    }
    return write_files(root, files)


if __name__ == "__main__":
    from tools.samples._cli import run

    run(write)
