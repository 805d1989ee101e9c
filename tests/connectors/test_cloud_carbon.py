"""Cloud providers' own carbon exports -> vendor-reported emission rows, checked value by value.

Landing does not yet know the vendor-emissions table, so these tests call the parsers directly.
"""

from __future__ import annotations

import gzip
import io
import json
from datetime import UTC, date, datetime
from pathlib import Path

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from connectors.cloud_carbon.exports import (
    AWS_CARBON,
    AZURE_CARBON,
    CONNECTORS,
    GCP_CARBON,
    parse_aws,
    parse_azure,
    parse_gcp,
)
from connectors.core.base import Connector, ExportFormatError
from connectors.core.config import BUNDLED_SAMPLES
from connectors.core.schema import PARSED_EMISSIONS_SCHEMA, validate_emissions
from tests.support.corpus import CORPUS
from tests.support.mutations import damage_settings, damaged_csv, damaged_json, land_and_check

# ------------------------------------------------------------------------------------------ helpers


def _csv(*lines: str) -> bytes:
    return ("\n".join(lines) + "\n").encode()


def _figures(rows: pl.DataFrame) -> list[tuple]:
    """(source_row, basis, scope, kgco2e) sorted by source row: the core of every exact-row check."""
    return rows.sort("source_row").select("source_row", "basis", "scope", "kgco2e").rows()


def _one(rows: pl.DataFrame, source_row: str) -> dict:
    found = rows.filter(pl.col("source_row") == source_row)
    assert found.height == 1, source_row
    return found.row(0, named=True)


# ------------------------------------------------------------------------------------------ Google

GCP_DOTTED_HEADER = (
    "usage_month,billing_account_id,project.id,project.number,service.id,service.description,"
    "location.location,location.region,carbon_model_version,carbon_footprint_total_kgCO2e.after_offsets,"
    "carbon_footprint_total_kgCO2e.market_based,carbon_footprint_total_kgCO2e.location_based,"
    "carbon_footprint_kgCO2e.scope1,carbon_footprint_kgCO2e.scope2.location_based,"
    "carbon_footprint_kgCO2e.scope2.market_based,carbon_footprint_kgCO2e.scope3"
)
GCP_DOTTED = _csv(
    GCP_DOTTED_HEADER,
    "2026-08-01,01A2B3-C4D5E6-F7A8B9,acme-genai-prod,418273645512,C7E2-9256-1C43,Vertex AI,"
    "us-central1-a,us-central1,20,,588.8,883,10,400,105.8,473",
    # a deleted project: project.id NULL, project.number empty
    "2026-08-01,01A2B3-C4D5E6-F7A8B9,,,95FF-2EF5-5EA1,Cloud Storage,europe-west1,europe-west1,20,,0.62,1.27,"
    "0.01,0.74,0.09,0.52",
)
GCP_EXPECTED = [
    ("line:2#scope1.location", "location", "scope1", 10.0),
    ("line:2#scope1.market", "market", "scope1", 10.0),
    ("line:2#scope2.location", "location", "scope2", 400.0),
    ("line:2#scope2.market", "market", "scope2", 105.8),
    ("line:2#scope3.location", "location", "scope3", 473.0),
    ("line:2#scope3.market", "market", "scope3", 473.0),
    ("line:2#total.location", "location", "total", 883.0),
    ("line:2#total.market", "market", "total", 588.8),
    ("line:3#scope1.location", "location", "scope1", 0.01),
    ("line:3#scope1.market", "market", "scope1", 0.01),
    ("line:3#scope2.location", "location", "scope2", 0.74),
    ("line:3#scope2.market", "market", "scope2", 0.09),
    ("line:3#scope3.location", "location", "scope3", 0.52),
    ("line:3#scope3.market", "market", "scope3", 0.52),
    ("line:3#total.location", "location", "total", 1.27),
    ("line:3#total.market", "market", "total", 0.62),
]
GCP_RECORD_NESTED = {
    "usage_month": "2026-08-01",
    "billing_account_id": "01A2B3-C4D5E6-F7A8B9",
    "project": {"id": "acme-genai-prod", "number": "418273645512"},
    "service": {"id": "C7E2-9256-1C43", "description": "Vertex AI"},
    "location": {"location": "us-central1-a", "region": "us-central1"},
    "carbon_model_version": "20",  # BigQuery JSON exports quote INT64
    "carbon_footprint_total_kgCO2e": {"after_offsets": None, "market_based": 588.8, "location_based": 883},
    "carbon_footprint_kgCO2e": {
        "scope1": 10,
        "scope2": {"location_based": 400, "market_based": 105.8},
        "scope3": 473,
    },
}


def test_gcp_flattened_csv_becomes_one_row_per_basis_and_scope():
    parsed = parse_gcp(GCP_DOTTED, "carbon_2026-08.csv")
    assert parsed.dataset == "carbon_footprint"
    assert parsed.raw_records == 2
    assert parsed.days == [date(2026, 8, 1)]
    assert parsed.rows.select(PARSED_EMISSIONS_SCHEMA.names()).schema == PARSED_EMISSIONS_SCHEMA
    assert _figures(parsed.rows) == GCP_EXPECTED

    vertex = _one(parsed.rows, "line:2#total.location")
    assert vertex["vendor"] == "google"
    assert vertex["account"] == "01A2B3-C4D5E6-F7A8B9"
    assert vertex["project"] == "acme-genai-prod"
    assert vertex["service"] == "google.vertex_ai"
    assert (vertex["region"], vertex["country"]) == ("us-central1", "USA")
    assert (vertex["period_start"], vertex["period_end"]) == (date(2026, 8, 1), date(2026, 8, 31))
    assert vertex["methodology"] == "google-carbon-footprint/20"
    assert vertex["energy_kwh"] is None
    assert vertex["natural_key"] == (
        "google|2026-08-01|01A2B3-C4D5E6-F7A8B9|acme-genai-prod|418273645512|C7E2-9256-1C43|Vertex AI|"
        "us-central1-a|us-central1|20|location|total"
    )
    assert json.loads(vertex["attributes"]) == {
        "service_id": "C7E2-9256-1C43",
        "service_description": "Vertex AI",
        "project_number": "418273645512",
        "location_location": "us-central1-a",
        "carbon_model_version": "20",
        "carbon_footprint_total_kgco2e_after_offsets": None,
        "ai_service": True,
        "vendor_value": 883.0,
        "vendor_unit": "kgCO2e",
    }

    storage = _one(parsed.rows, "line:3#scope2.market")
    assert storage["project"] is None
    assert (storage["service"], storage["region"], storage["country"]) == (
        "google.cloud_storage",
        "europe-west1",
        "BEL",
    )
    assert json.loads(storage["attributes"])["ai_service"] is False
    assert storage["natural_key"].startswith(
        "google|2026-08-01|01A2B3-C4D5E6-F7A8B9|\u2205|\u2205|95FF-2EF5-5EA1|"
    )


def test_gcp_nested_json_lines_and_underscored_csv_give_the_same_rows():
    nested = parse_gcp((json.dumps(GCP_RECORD_NESTED) + "\n").encode(), "carbon.jsonl")
    underscored = parse_gcp(
        _csv(
            "usage_month,billing_account_id,project_id,project_number,service_id,service_description,"
            "location_location,location_region,carbon_model_version,carbon_footprint_total_kgCO2e_market_based,"
            "carbon_footprint_total_kgCO2e_location_based,carbon_footprint_kgCO2e_scope1,"
            "carbon_footprint_kgCO2e_scope2_location_based,carbon_footprint_kgCO2e_scope2_market_based,"
            "carbon_footprint_kgCO2e_scope3",
            "2026-08-01,01A2B3-C4D5E6-F7A8B9,acme-genai-prod,418273645512,C7E2-9256-1C43,Vertex AI,"
            "us-central1-a,us-central1,20,588.8,883,10,400,105.8,473",
        ),
        "carbon.csv",
    )
    dotted = parse_gcp(GCP_DOTTED, "carbon.csv").rows.filter(pl.col("project").is_not_null())
    columns = ["natural_key", "basis", "scope", "kgco2e", "region", "country", "methodology", "service"]
    expected = dotted.select(columns).sort("natural_key")
    assert nested.rows.select(columns).sort("natural_key").equals(expected)
    assert underscored.rows.select(columns).sort("natural_key").equals(expected)
    assert nested.rows.get_column("source_row").sort().to_list()[0] == "line:1#scope1.location"


def test_gcp_parquet_nested_and_zone_only_location():
    record = dict(GCP_RECORD_NESTED, location={"location": "europe-west4-b", "region": None})
    frame = pl.DataFrame([record])
    buffer = io.BytesIO()
    frame.write_parquet(buffer)
    parsed = parse_gcp(buffer.getvalue(), "carbon.parquet")
    row = _one(parsed.rows, "row:0#scope2.market")
    assert (row["region"], row["country"], row["kgco2e"]) == ("europe-west4", "NLD", 105.8)
    assert parsed.rows.height == 8


def test_gcp_multi_region_and_global_locations():
    raw = _csv(
        GCP_DOTTED_HEADER,
        "2026-07-01,B,p,1,24E6-581D-38E5,BigQuery,us,us,20,,1,2,0,1,0,1",
        "2026-07-01,B,p,1,AEFD-7695-64FA,Gemini API,global,global,20,,1,2,0,1,0,1",
        "2026-07-01,B,p,1,24E6-581D-38E5,BigQuery,eu,eu,20,,1,2,0,1,0,1",
    )
    rows = parse_gcp(raw, "c.csv").rows.filter(pl.col("scope") == "total", pl.col("basis") == "market")
    assert rows.sort("source_row").select("region", "country", "service").rows() == [
        ("us", "USA", "google.bigquery"),
        ("global", None, "google.gemini_api"),
        ("eu", None, "google.bigquery"),
    ]


def test_gcp_bad_cell_is_kept_for_quarantine_not_dropped():
    raw = _csv(
        GCP_DOTTED_HEADER,
        "2026-07-01,B,p,1,C7E2-9256-1C43,Vertex AI,us-central1,us-central1,20,,n/a,2,oops,1,,1",
    )
    parsed = parse_gcp(raw, "c.csv")
    # the unreadable total and scope 1 stay as null-kg rows; the empty scope2 MB cell means "not reported"
    assert sorted(parsed.rows.select("scope", "basis", "kgco2e").rows(), key=str) == sorted(
        [
            ("total", "location", 2.0),
            ("total", "market", None),
            ("scope1", "location", None),
            ("scope1", "market", None),
            ("scope2", "location", 1.0),
            ("scope3", "location", 1.0),
            ("scope3", "market", 1.0),
        ],
        key=str,
    )
    valid, invalid = validate_emissions(parsed.rows)
    assert valid.height == 4
    assert set(invalid.get_column("_field").to_list()) == {"kgco2e"}


# --------------------------------------------------------------------------------------------- AWS

AWS_HEADER = (
    "last_refresh_timestamp,location,model_version,payer_account_id,product_code,region_code,"
    "total_lbm_emissions_unit,total_lbm_emissions_value,total_mbm_emissions_unit,total_mbm_emissions_value,"
    "total_scope_1_emissions_unit,total_scope_1_emissions_value,total_scope_2_lbm_emissions_unit,"
    "total_scope_2_lbm_emissions_value,total_scope_2_mbm_emissions_unit,total_scope_2_mbm_emissions_value,"
    "total_scope_3_lbm_emissions_unit,total_scope_3_lbm_emissions_value,total_scope_3_mbm_emissions_unit,"
    "total_scope_3_mbm_emissions_value,usage_account_id,usage_period_end,usage_period_start"
)
AWS_CSV = _csv(
    AWS_HEADER,
    "2026-10-02 06:14:09Z,US East (N. Virginia),v3.0.0,111122223333,AmazonBedrock,us-east-1,MTCO2e,0.0434,"
    "MTCO2e,0.0143,MTCO2e,0.0004,MTCO2e,0.0312,MTCO2e,0.0021,MTCO2e,0.0118,MTCO2e,0.0118,444455556666,"
    "2026-08-01 00:00:00Z,2026-07-01 00:00:00Z",
)


def test_aws_csv_converts_metric_tonnes_to_kg_for_both_bases_and_every_scope():
    parsed = parse_aws(AWS_CSV, "carbon_emissions.csv")
    assert parsed.dataset == "carbon_emissions"
    assert parsed.raw_records == 1
    assert parsed.days == [date(2026, 7, 1)]
    assert _figures(parsed.rows) == [
        ("line:2#scope1.location", "location", "scope1", 0.4),
        ("line:2#scope1.market", "market", "scope1", 0.4),
        ("line:2#scope2.location", "location", "scope2", 31.2),
        ("line:2#scope2.market", "market", "scope2", 2.1),
        ("line:2#scope3.location", "location", "scope3", 11.8),
        ("line:2#scope3.market", "market", "scope3", 11.8),
        ("line:2#total.location", "location", "total", 43.4),
        ("line:2#total.market", "market", "total", 14.3),
    ]
    row = _one(parsed.rows, "line:2#total.location")
    assert row["vendor"] == "aws"
    assert (row["account"], row["project"]) == ("444455556666", None)
    assert row["service"] == "aws.amazonbedrock"
    assert (row["region"], row["country"]) == ("us-east-1", "USA")
    assert (row["period_start"], row["period_end"]) == (date(2026, 7, 1), date(2026, 7, 31))
    assert row["methodology"] == "aws-ccft/v3.0.0"
    assert row["natural_key"] == (
        "aws|2026-07-01|2026-07-31|111122223333|444455556666|AmazonBedrock|us-east-1|US East (N. Virginia)|"
        "v3.0.0|location|total"
    )
    assert json.loads(row["attributes"]) == {
        "payer_account_id": "111122223333",
        "product_code": "AmazonBedrock",
        "location": "US East (N. Virginia)",
        "model_version": "v3.0.0",
        "last_refresh_timestamp": "2026-10-02 06:14:09Z",
        "ai_service": True,
        "vendor_value": 0.0434,
        "vendor_unit": "MTCO2e",
    }


def test_aws_totals_only_gzip_iso_timestamps_and_global_location():
    # an export created before the per-scope columns, gzip-compressed as Data Exports delivers it
    raw = _csv(
        "usage_period_start,usage_period_end,payer_account_id,usage_account_id,product_code,region_code,location,"
        "total_lbm_emissions_value,total_lbm_emissions_unit,total_mbm_emissions_value,total_mbm_emissions_unit,"
        "model_version,last_refresh_timestamp",
        "2026-08-01T00:00:00.000Z,2026-08-31T23:59:59.000Z,111122223333,777788889999,AmazonCloudFront,,Global,"
        "0.002,MTCO2e,0.001,MTCO2e,v2.0.0,2026-11-03T05:00:00.000Z",
        "2026-08-01T00:00:00.000Z,2026-09-01T00:00:00.000Z,111122223333,777788889999,AmazonEC2,eu-west-1,"
        "EU (Ireland),1.25,MTCO2e,0.5,MTCO2e,v2.0.0,2026-11-03T05:00:00.000Z",
    )
    parsed = parse_aws(gzip.compress(raw), "carbon.csv.gz")
    assert parsed.rows.sort("source_row").select(
        "source_row", "basis", "scope", "kgco2e", "region", "country", "period_end"
    ).rows() == [
        ("line:2#total.location", "location", "total", 2.0, "Global", None, date(2026, 8, 31)),
        ("line:2#total.market", "market", "total", 1.0, "Global", None, date(2026, 8, 31)),
        ("line:3#total.location", "location", "total", 1250.0, "eu-west-1", "IRL", date(2026, 8, 31)),
        ("line:3#total.market", "market", "total", 500.0, "eu-west-1", "IRL", date(2026, 8, 31)),
    ]
    assert parsed.days == [date(2026, 8, 1)]


def test_aws_units_quirks():
    raw = _csv(
        "usage_period_start,usage_period_end,usage_account_id,product_code,region_code,"
        "total_lbm_emissions_value,total_lbm_emissions_unit,total_mbm_emissions_value,total_mbm_emissions_unit,"
        "total_scope_1_emissions_value",
        # kgCO2e unit is taken as is; an empty unit cell means the documented MTCO2e; no scope-1 unit column
        "2026-09-01 00:00:00Z,2026-10-01 00:00:00Z,1,AmazonS3,eu-central-1,12.5,kgCO2e,0.002,,0.001",
        # an unknown unit gives a null kg (quarantined) instead of a wrong number
        "2026-09-01 00:00:00Z,2026-10-01 00:00:00Z,1,AmazonEC2,eu-central-1,3,lbs,1,MTCO2e,",
    )
    parsed = parse_aws(raw, "c.csv")
    assert _figures(parsed.rows) == [
        ("line:2#scope1.location", "location", "scope1", 1.0),
        ("line:2#scope1.market", "market", "scope1", 1.0),
        ("line:2#total.location", "location", "total", 12.5),
        ("line:2#total.market", "market", "total", 2.0),
        ("line:3#total.location", "location", "total", None),
        ("line:3#total.market", "market", "total", 1000.0),
    ]
    _, invalid = validate_emissions(parsed.rows)
    assert invalid.select("source_row", "_reason").rows() == [
        ("line:3#total.location", "emissions missing, not a number or in an unknown unit")
    ]


def test_aws_parquet_with_typed_timestamps_matches_the_csv_keys():
    csv_rows = parse_aws(AWS_CSV, "c.csv").rows
    frame = pl.read_csv(io.BytesIO(AWS_CSV), infer_schema=False).with_columns(
        pl.lit(datetime(2026, 7, 1, tzinfo=UTC)).alias("usage_period_start"),
        pl.lit(datetime(2026, 8, 1, tzinfo=UTC)).alias("usage_period_end"),
        pl.lit(datetime(2026, 10, 2, 6, 14, 9, tzinfo=UTC)).alias("last_refresh_timestamp"),
        pl.col("^total_.*_value$").cast(pl.Float64),
    )
    buffer = io.BytesIO()
    frame.write_parquet(buffer)
    parquet_rows = parse_aws(buffer.getvalue(), "c.parquet").rows
    columns = ["natural_key", "kgco2e", "period_start", "period_end", "attributes"]
    assert (
        parquet_rows.select(columns).sort("natural_key").equals(csv_rows.select(columns).sort("natural_key"))
    )
    assert parquet_rows.get_column("source_row").sort().to_list()[0] == "row:0#scope1.location"


# ------------------------------------------------------------------------------------------- Azure

SUB = "3f2c9a1e-5b7d-4c8e-9a10-2b3c4d5e6f70"


def _query(scopes: list[str], start: str = "2026-09-01", end: str = "2026-09-01", **extra) -> dict:
    return {
        "reportType": "ItemDetailsReport",
        "subscriptionList": [SUB],
        "carbonScopeList": scopes,
        "dateRange": {"start": start, "end": end},
        "categoryType": "Resource",
        "orderBy": "LatestMonthEmissions",
        "sortDirection": "Desc",
        "pageSize": 100,
    } | extra


RESOURCE_ITEM = {
    "dataType": "ResourceItemDetailsData",
    "latestMonthEmissions": 19.3,
    "previousMonthEmissions": 17.4,
    "monthOverMonthEmissionsChangeRatio": 0.1092,
    "monthlyEmissionsChangeValue": 1.9,
    "itemName": "acme-openai-swc",
    "resourceGroup": "rg-genai",
    "resourceId": f"/subscriptions/{SUB}/resourceGroups/rg-genai/providers/"
    "microsoft.cognitiveservices/accounts/acme-openai-swc",
    "subscriptionId": SUB,
    "categoryType": "Resource",
    "resourceType": "microsoft.cognitiveservices/accounts",
    "location": "sweden central",
}


def _page(scopes: list[str], items: list[dict], **query) -> dict:
    return {
        "queryParameters": _query(scopes, **query),
        "subscriptionAccessDecisionList": [{"subscriptionId": SUB, "decision": "Allowed"}],
        "value": items,
        "skipToken": None,
    }


def test_azure_api_item_details_one_scope_per_page():
    pages = [
        _page(["Scope1"], [dict(RESOURCE_ITEM, latestMonthEmissions=0.26)]),
        _page(["Scope3"], [RESOURCE_ITEM]),
    ]
    parsed = parse_azure(json.dumps(pages).encode(), "reports.json")
    assert parsed.dataset == "carbon_emission_reports"
    assert parsed.raw_records == 2
    assert parsed.days == [date(2026, 9, 1)]
    assert _figures(parsed.rows) == [
        ("/0/value/0", "market", "scope1", 0.26),
        ("/1/value/0", "market", "scope3", 19.3),
    ]
    row = _one(parsed.rows, "/1/value/0")
    assert row["vendor"] == "azure"
    assert (row["account"], row["project"]) == (SUB, "rg-genai")
    assert row["service"] == "azure.microsoft_cognitiveservices_accounts"
    assert (row["region"], row["country"]) == ("swedencentral", "SWE")
    assert (row["period_start"], row["period_end"]) == (date(2026, 9, 1), date(2026, 9, 30))
    assert row["methodology"] == "azure-carbon-optimization"
    assert row["natural_key"] == (
        f"azure|2026-09-01|Resource|{SUB}|rg-genai|\u2205|{RESOURCE_ITEM['resourceId']}|"
        "microsoft.cognitiveservices/accounts|sweden central|acme-openai-swc|market|scope3"
    )
    attributes = json.loads(row["attributes"])
    assert attributes["basis_assumed"] is True
    assert attributes["ai_service"] is True
    assert attributes["carbonScopeList"] == "scope3"
    assert (attributes["vendor_value"], attributes["vendor_unit"]) == (19.3, "kgCO2e")
    assert attributes["previousMonthEmissions"] == 17.4


def test_azure_api_all_three_scopes_is_total_and_monthly_items_carry_their_date():
    items = [
        {
            "dataType": "ResourceGroupTopItemsMonthlySummaryData",
            "latestMonthEmissions": 5.5,
            "previousMonthEmissions": 5.0,
            "itemName": "rg-genai",
            "categoryType": "ResourceGroup",
            "date": date_text,
            "subscriptionId": None,
            "resourceGroupUrl": f"/subscriptions/{SUB}/resourcegroups/rg-genai",
        }
        for date_text in ("2026-07-01", "2026-08-01")
    ]
    page = _page(
        ["Scope3", "Scope1", "Scope2"],
        items,
        start="2026-07-01",
        end="2026-08-01",
        reportType="TopItemsMonthlySummaryReport",
        categoryType="ResourceGroup",
    )
    parsed = parse_azure(json.dumps(page).encode(), "top.json")
    assert parsed.days == [date(2026, 7, 1), date(2026, 8, 1)]
    assert parsed.rows.sort("source_row").select(
        "source_row", "scope", "basis", "kgco2e", "account", "project", "period_start"
    ).rows() == [
        ("/value/0", "total", "market", 5.5, SUB, "rg-genai", date(2026, 7, 1)),
        ("/value/1", "total", "market", 5.5, SUB, "rg-genai", date(2026, 8, 1)),
    ]


def test_azure_api_location_and_subscription_categories():
    location = {"dataType": "ItemDetailsData", "latestMonthEmissions": 1.0, "previousMonthEmissions": 0.0}
    pages = [
        _page(
            ["Scope2"],
            [dict(location, itemName="west europe", categoryType="Location")],
            categoryType="Location",
        ),
        _page(
            ["Scope2"],
            [dict(location, itemName=SUB, categoryType="Subscription")],
            categoryType="Subscription",
        ),
        _page(["Scope2"], [dict(location, itemName="brazil south", categoryType="Location")]),
        _page(["Scope2"], [dict(location, itemName="mars north", categoryType="Location")]),
    ]
    rows = parse_azure(json.dumps(pages).encode(), "r.json").rows.sort("source_row")
    assert rows.select("region", "country", "account").rows() == [
        ("westeurope", "NLD", None),
        (None, None, SUB),
        ("brazilsouth", "BRA", None),
        ("mars north", None, None),  # unknown: the vendor's string is kept, no country
    ]


@pytest.mark.parametrize(
    ("payload", "problem"),
    [
        ({"value": [RESOURCE_ITEM]}, "no 'queryParameters'"),
        ({"error": {"code": "Forbidden"}}, "no 'value' array"),
        (
            _page(["Scope1", "Scope4"], [RESOURCE_ITEM]),
            r"carbonScopeList has \['scope4'\] scope\(s\) other than",
        ),
        (
            _page(["Scope1"], [{"itemName": "x", "categoryType": "Resource"}]),
            r"report items is missing required column\(s\) 'latestMonthEmissions'",
        ),
    ],
)
def test_azure_api_file_errors(payload, problem):
    with pytest.raises(ExportFormatError, match=problem) as caught:
        parse_azure(json.dumps(payload).encode(), "bad.json")
    assert caught.value.source == "azure_carbon"
    assert caught.value.file == "bad.json"


def test_azure_api_two_scope_sum_lands_as_that_sum_never_as_one_scope():
    """The API sums the requested scopes: Scope1 + Scope3 (as in Microsoft's own examples) is that sum."""
    parsed = parse_azure(json.dumps(_page(["Scope3", "Scope1"], [RESOURCE_ITEM])).encode(), "r.json")
    assert _figures(parsed.rows) == [("/value/0", "market", "scope1+scope3", 19.3)]
    valid, _ = validate_emissions(parsed.rows)
    assert valid.height == 1


def test_azure_api_multi_month_total_without_a_date_is_quarantined_by_name_not_the_file():
    page = _page(["Scope1"], [RESOURCE_ITEM], end="2026-11-01")
    parsed = parse_azure(json.dumps(page).encode(), "r.json")
    valid, invalid = validate_emissions(parsed.rows)
    assert valid.is_empty()
    assert invalid.select("source_row", "_reason").rows() == [
        (
            "/value/0",
            "item has no 'date' and its query spans 2026-09-01..2026-11-01: a total over several months "
            "has no month of its own (query one month, or a monthly report type)",
        )
    ]


def test_azure_api_empty_report_covers_its_month():
    parsed = parse_azure(json.dumps(_page(["Scope1"], [])).encode(), "empty.json")
    assert parsed.rows.is_empty()
    assert parsed.rows.select(PARSED_EMISSIONS_SCHEMA.names()).schema == PARSED_EMISSIONS_SCHEMA
    assert (parsed.days, parsed.raw_records) == ([date(2026, 9, 1)], 0)


AZURE_CSV = _csv(
    "dateKey,enrollmentId,orgName,subscriptionId,subscriptionName,azureServiceName,subService,azureRegionName,"
    "scope,scopeId,totalEmissions",
    f"20260701,87654321,Acme Corp,{SUB},acme-ai,Cognitive Services,Azure OpenAI,Sweden Central,"
    "Scope 1,1,0.0002",
    f"20260701,87654321,Acme Corp,{SUB},acme-ai,Cognitive Services,Azure OpenAI,Sweden Central,"
    "Scope 3,3,0.0147",
    f"20260801,87654321,Acme Corp,{SUB},acme-ai,Virtual Machines,Compute,US East,Scope 2,2,1.5",
)


def test_azure_enrollment_emissions_csv_converts_mtco2e_to_kg():
    parsed = parse_azure(AZURE_CSV, "enrollment.csv")
    assert parsed.dataset == "enrollment_emissions"
    assert parsed.raw_records == 3
    assert parsed.days == [date(2026, 7, 1), date(2026, 8, 1)]
    assert parsed.rows.sort("source_row").select(
        "source_row", "basis", "scope", "kgco2e", "service", "region", "country", "period_end"
    ).rows() == [
        (
            "line:2",
            "market",
            "scope1",
            0.2,
            "azure.cognitive_services",
            "swedencentral",
            "SWE",
            date(2026, 7, 31),
        ),
        (
            "line:3",
            "market",
            "scope3",
            14.7,
            "azure.cognitive_services",
            "swedencentral",
            "SWE",
            date(2026, 7, 31),
        ),
        ("line:4", "market", "scope2", 1500.0, "azure.virtual_machines", "eastus", "USA", date(2026, 8, 31)),
    ]
    row = _one(parsed.rows, "line:2")
    assert (row["account"], row["project"], row["methodology"]) == (
        SUB,
        None,
        "microsoft-cloud-for-sustainability",
    )
    assert row["natural_key"] == (
        f"azure|2026-07-01|87654321|{SUB}|Cognitive Services|Azure OpenAI|Sweden Central|Scope 1|1|"
        "market|scope1"
    )
    assert json.loads(row["attributes"]) == {
        "enrollmentId": "87654321",
        "orgName": "Acme Corp",
        "subscriptionName": "acme-ai",
        "azureServiceName": "Cognitive Services",
        "subService": "Azure OpenAI",
        "azureRegionName": "Sweden Central",
        "scope_raw": "Scope 1",
        "scopeId": "1",
        "basis_assumed": True,
        "ai_service": True,
        "vendor_value": 0.0002,
        "vendor_unit": "mtCO2e",
    }
    assert json.loads(_one(parsed.rows, "line:4")["attributes"])["ai_service"] is False


def test_azure_csv_scope_id_only_lower_case_headers_and_bad_scope():
    raw = _csv(
        "datekey,subscriptionid,azureservicename,azureregionname,scopeid,totalemissions",
        f"20260901,{SUB},Storage,North Europe,2,0.01",
        f"20260901,{SUB},Storage,North Europe,9,0.01",
    )
    parsed = parse_azure(raw, "e.csv")
    assert parsed.rows.sort("source_row").select("scope", "kgco2e", "region").rows() == [
        ("scope2", 10.0, "northeurope"),
        (None, 10.0, "northeurope"),
    ]
    _, invalid = validate_emissions(parsed.rows)
    assert invalid.select("source_row", "_field").rows() == [("line:3", "scope")]


# ------------------------------------------------------------------------------- file-level errors


@pytest.mark.parametrize(
    ("parse", "source", "raw", "problem"),
    [
        (parse_gcp, "gcp_carbon", b"", "file is empty"),
        (
            parse_gcp,
            "gcp_carbon",
            b"usage_month,cost\n2026-07-01,1\n",
            "missing required column\\(s\\) 'billing_account_id'",
        ),
        (
            parse_gcp,
            "gcp_carbon",
            b"usage_month,billing_account_id\n2026-07-01,B\n",
            "no service.id/description",
        ),
        (
            parse_gcp,
            "gcp_carbon",
            b"usage_month,billing_account_id,service.id\n2026-07-01,B,S\n",
            "no carbon_footprint_\\*kgCO2e column",
        ),
        (parse_gcp, "gcp_carbon", b'{"usage_month": "2026-07-01"\n', "malformed JSON lines"),
        (parse_gcp, "gcp_carbon", b"a,b\n1,2,3\n", r"missing required column\(s\) 'usage_month'"),
        (parse_aws, "aws_carbon", b"\x1f\x8b\x08\x00garbage", "corrupt gzip"),
        (parse_aws, "aws_carbon", b"PAR1 not really parquet", "unreadable Parquet"),
        (
            parse_aws,
            "aws_carbon",
            b"line_item_usage_start_date,line_item_unblended_cost\n2026-07-01,1\n",
            "missing required column\\(s\\) 'usage_period_start', 'usage_period_end', 'usage_account_id'",
        ),
        (
            parse_aws,
            "aws_carbon",
            b"usage_period_start,usage_period_end,usage_account_id\n2026-07-01,2026-08-01,1\n",
            "no total_\\*_emissions_value column",
        ),
        (parse_azure, "azure_carbon", b"   \n", "file is empty"),
        (parse_azure, "azure_carbon", b'{"value": [', "malformed JSON"),
        (
            parse_azure,
            "azure_carbon",
            b"subscriptionId,totalEmissions\nx,1\n",
            "missing required column\\(s\\) 'dateKey'",
        ),
        (
            parse_azure,
            "azure_carbon",
            b"dateKey,subscriptionId,azureServiceName,azureRegionName,totalEmissions\n20260701,s,S,R,1\n",
            "no 'scope' or 'scopeId' column",
        ),
    ],
)
def test_unreadable_files_fail_naming_source_and_file(parse, source, raw, problem):
    with pytest.raises(ExportFormatError, match=problem) as caught:
        parse(raw, "export_2026-07.dat")
    assert str(caught.value).startswith(f"[{source}] export_2026-07.dat: ")


# ------------------------------------------------------------------------------------------ samples


def test_connectors_are_declared():
    assert [c.source for c in CONNECTORS] == ["gcp_carbon", "aws_carbon", "azure_carbon"]
    assert [c.vendor for c in CONNECTORS] == ["google", "aws", "azure"]
    assert all(isinstance(c, Connector) and c.version == "1.0.0" for c in CONNECTORS)
    assert (GCP_CARBON.parse, AWS_CARBON.parse, AZURE_CARBON.parse) == (parse_gcp, parse_aws, parse_azure)


def _sample_exports() -> list[tuple[Connector, Path]]:
    return [(c, f) for c in CONNECTORS for f in c.find_files(BUNDLED_SAMPLES / c.source)]


def test_every_sample_parses_cleanly():
    seen: dict[str, set] = {}
    ai_services: set[str] = set()
    for connector, path in _sample_exports():
        parsed = connector.parse(path.read_bytes(), path.name)
        _, invalid = validate_emissions(parsed.rows)
        assert invalid.is_empty(), (path.name, invalid.head(3))
        assert parsed.rows.height > 0 and parsed.raw_records > 0
        assert parsed.rows.get_column("natural_key").is_unique().all(), path.name
        assert parsed.rows.get_column("vendor").unique().to_list() == [connector.vendor]
        assert path.stat().st_size < 150_000
        seen.setdefault(connector.source, set()).update(parsed.days)
        with_ai = parsed.rows.filter(pl.col("attributes").str.json_path_match("$.ai_service") == "true")
        ai_services.update(with_ai.get_column("service").unique().to_list())
    months = {date(2026, 7, 1), date(2026, 8, 1), date(2026, 9, 1)}
    assert seen == {"gcp_carbon": months, "aws_carbon": months, "azure_carbon": months}
    assert {
        "google.vertex_ai",
        "google.gemini_api",
        "aws.amazonbedrock",
        "azure.cognitive_services",
        "azure.microsoft_cognitiveservices_accounts",
    } <= ai_services


@pytest.mark.parametrize("source", ["gcp_carbon", "aws_carbon"])
def test_sample_totals_equal_their_scopes_within_each_basis(source):
    connector = next(c for c in CONNECTORS if c.source == source)
    for path in connector.find_files(BUNDLED_SAMPLES / source):
        rows = connector.parse(path.read_bytes(), path.name).rows
        record = pl.col("source_row").str.replace(r"#.*$", "")
        sums = (
            rows.with_columns(record.alias("record"))
            .group_by("record", "basis")
            .agg(
                pl.col("kgco2e").filter(pl.col("scope") != "total").sum().alias("scopes"),
                pl.col("kgco2e").filter(pl.col("scope") == "total").first().alias("total"),
            )
        )
        assert ((sums["scopes"] - sums["total"]).abs() < 1e-6).all(), path.name


# ---- properties: damage never ends in an exception or a vanished record ------------------------------

PROPERTY = damage_settings(30)
GCP_SAMPLE = BUNDLED_SAMPLES / "gcp_carbon" / "carbon_footprint_2026-07_2026-08.csv"
GCP_JSONL = CORPUS / "gcp_carbon" / "docs_schema_example_jsonl" / "carbon_footprint_2021-10.jsonl"
AWS_EXPORT = CORPUS / "aws_carbon" / "scope_columns_since_2025_10" / "carbon_emissions_2025-10.csv"
AZURE_PAGE = (
    CORPUS
    / "azure_carbon"
    / "top_resource_groups_monthly"
    / "carbon_emission_reports_top_resource_groups_2024-03_2024-05.json"
)
AZURE_ENROLLMENT = BUNDLED_SAMPLES / "azure_carbon" / "enrollment_emissions_2026-07_2026-09.csv"


def _head(path: Path, lines: int = 5) -> bytes:
    """The header and first records of a CSV export (damage is about shape, not volume)."""
    return b"".join(path.read_bytes().splitlines(keepends=True)[:lines])


@PROPERTY
@given(raw=st.one_of(damaged_csv(_head(GCP_SAMPLE)), damaged_json(GCP_JSONL.read_bytes())))
def test_damaged_gcp_carbon_export_lands_quarantines_or_is_rejected(raw):
    land_and_check(GCP_CARBON, raw, "carbon_footprint_damaged.csv")


@PROPERTY
@given(raw=damaged_csv(AWS_EXPORT.read_bytes()))
def test_damaged_aws_carbon_export_lands_quarantines_or_is_rejected(raw):
    land_and_check(AWS_CARBON, raw, AWS_EXPORT.name)


@PROPERTY
@given(raw=st.one_of(damaged_json(AZURE_PAGE.read_bytes()), damaged_csv(_head(AZURE_ENROLLMENT))))
def test_damaged_azure_carbon_export_lands_quarantines_or_is_rejected(raw):
    land_and_check(AZURE_CARBON, raw, "carbon_damaged.json")


# ---- every record accounted for (issue #13 class 7), encodings (10) -----------------------------------


def test_gcp_export_without_the_location_based_total_is_rejected_naming_it():
    header = GCP_DOTTED_HEADER.replace("carbon_footprint_total_kgCO2e.location_based", "total_location")
    with pytest.raises(ExportFormatError, match="'carbon_footprint_total_kgco2e_location_based'"):
        parse_gcp(_csv(header, GCP_DOTTED.decode().splitlines()[1]), "c.csv")


def test_aws_export_without_the_market_based_total_is_rejected_naming_it():
    header = AWS_HEADER.replace("total_mbm_emissions_value", "total_mbm_emission_value")
    with pytest.raises(
        ExportFormatError, match="'total_mbm_emissions_value' \\(found 'total_mbm_emission_value'"
    ):
        parse_aws(_csv(header, AWS_CSV.decode().splitlines()[1]), "c.csv")


def test_gcp_market_based_null_is_not_reported_not_quarantined():
    raw = _csv(GCP_DOTTED_HEADER, "2022-11-01,B,p,1,S,Cloud Run,us-central1,us-central1,7,,,2,0.5,1,,0.5")
    rows = parse_gcp(raw, "c.csv").rows
    assert sorted(rows.select("basis", "scope", "kgco2e").rows()) == [
        ("location", "scope1", 0.5),
        ("location", "scope2", 1.0),
        ("location", "scope3", 0.5),
        ("location", "total", 2.0),
    ]


@pytest.mark.parametrize("encoding", ["utf-16", "utf-8-sig"])
def test_aws_export_saved_as_utf16_or_with_a_mark_lands_the_same_rows(encoding):
    again = parse_aws(AWS_CSV.decode().encode(encoding), "c.csv").rows
    assert _figures(again) == _figures(parse_aws(AWS_CSV, "c.csv").rows)


def test_azure_null_item_is_counted_and_skipped():
    parsed = parse_azure(json.dumps(_page(["Scope1"], [RESOURCE_ITEM, None])).encode(), "r.json")
    assert parsed.raw_records == 2
    assert parsed.skipped.rows() == [("/value/1", "null item in 'value' (no figure to land)")]
    assert parsed.rows.get_column("_record").to_list() == ["/value/0"]
