"""Azure Cost Management cost details (EA and MCA) -> canonical rows for Azure OpenAI / Foundry lines."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from decimal import Decimal

import polars as pl
import pytest

from connectors.core.config import BUNDLED_SAMPLES
from connectors.landing.zone import ingest_file
from connectors.microsoft.azure_cost import CONNECTOR, parse
from tests.support.landing import assert_parse_fails

SUB = "00000000-0000-0000-0000-000000000000"
RID = f"/subscriptions/{SUB}/resourceGroups/rg-ai/providers/Microsoft.CognitiveServices/accounts/aoai-prod"

# The documented EA 2024-08-01 fixture (vendor-formats.md §4, subset of the 57 columns).
EA_FIXTURE = f"""\
SubscriptionId,ResourceGroup,ResourceLocation,Date,ProductName,MeterCategory,MeterSubCategory,MeterId,MeterName,MeterRegion,UnitOfMeasure,Quantity,EffectivePrice,CostInBillingCurrency,ConsumedService,ResourceId,Tags,ChargeType,PricingModel,BillingCurrencyCode
{SUB},rg-ai,eastus2,08/01/2026,Azure OpenAI - gpt-4o-0806-Inp-glbl Tokens,Foundry Models,Azure OpenAI,11111111-1111-1111-1111-111111111111,gpt-4o-0806-Inp-glbl Tokens,Global,1K,1250.5,0.0025,3.12625,Microsoft.CognitiveServices,{RID},\"\"\"team\"\": \"\"search\"\"\",Usage,On Demand,USD
{SUB},rg-ai,eastus2,08/01/2026,Azure OpenAI - gpt-4o-0806-Outp-glbl Tokens,Foundry Models,Azure OpenAI,22222222-2222-2222-2222-222222222222,gpt-4o-0806-Outp-glbl Tokens,Global,1K,310.2,0.01,3.102,Microsoft.CognitiveServices,{RID},,Usage,On Demand,USD
"""  # noqa: E501

MCA_HEADER = (
    "invoiceId,billingAccountId,date,consumedService,meterId,meterName,meterCategory,meterSubCategory,"
    "meterRegion,ProductName,SubscriptionId,subscriptionName,publisherName,resourceGroupName,ResourceId,"
    "resourceLocation,location,quantity,unitOfMeasure,chargeType,billingCurrency,costInBillingCurrency,"
    "costInUsd,pricingModel,tags"
)
MCA_SUB = "2b4d6f80-1a3c-4e5f-8a9b-c0d1e2f3a4b5"


def _mca_line(
    meter: str,
    quantity: str,
    uom: str,
    cost: str,
    *,
    day: str = "10/01/2026",
    category: str = "Foundry Models",
    sub_category: str = "Azure OpenAI GPT5",
    service: str = "Microsoft.CognitiveServices",
    group: str = "rg-codegen",
    location: str = "westeurope",
    account: str = "foundry-codegen",
    meter_id: str = "m-1",
    publisher: str = "Microsoft",
) -> str:
    rid = f"/subscriptions/{MCA_SUB}/resourceGroups/{group}/providers/{service}/accounts/{account}"
    return (
        f",ba-1,{day},{service},{meter_id},{meter},{category},{sub_category},Global,{sub_category} - {meter},"
        f"{MCA_SUB},Contoso-Prod,{publisher},{group},{rid},{location},{location},{quantity},{uom},Usage,eur,"
        f'{cost},{cost},On Demand,"{{""app"":""codegen""}}"'
    )


def _mca(*lines: str) -> bytes:
    return ("\ufeff" + "\n".join([MCA_HEADER, *lines]) + "\n").encode()


def _ea(*lines: str, header: str | None = None) -> bytes:
    header = header or EA_FIXTURE.splitlines()[0]
    return ("\n".join([header, *lines]) + "\n").encode()


def _ea_line(meter: str, quantity: str, uom: str, cost: str = "1.5", **overrides: str) -> str:
    """One EA line in the fixture's column order, with a few fields overridable by name."""
    fields = {
        "SubscriptionId": SUB,
        "ResourceGroup": "rg-ai",
        "ResourceLocation": "eastus2",
        "Date": "09/03/2026",
        "ProductName": f"Azure OpenAI - {meter}",
        "MeterCategory": "Foundry Models",
        "MeterSubCategory": "Azure OpenAI",
        "MeterId": "33333333-3333-3333-3333-333333333333",
        "MeterName": meter,
        "MeterRegion": "Global",
        "UnitOfMeasure": uom,
        "Quantity": quantity,
        "EffectivePrice": "0.1",
        "CostInBillingCurrency": cost,
        "ConsumedService": "Microsoft.CognitiveServices",
        "ResourceId": RID,
        "Tags": "",
        "ChargeType": "Usage",
        "PricingModel": "On Demand",
        "BillingCurrencyCode": "USD",
    } | overrides
    return ",".join(fields.values())


def _one(raw: bytes) -> dict:
    rows = parse(raw, "export.csv").rows
    assert rows.height == 1
    return rows.row(0, named=True)


def test_ea_fixture_becomes_exact_canonical_rows():
    parsed = parse(EA_FIXTURE.encode(), "ea_export.csv")
    assert (parsed.dataset, parsed.raw_records, parsed.days) == ("ea_cost_details", 2, [date(2026, 8, 1)])
    rows = parsed.rows
    assert rows.select(
        "source_row",
        "activity_type",
        "quantity",
        "unit",
        "model",
        "model_raw",
        "cost_amount",
        "cost_currency",
    ).rows() == [
        (
            "line:2",
            "llm_input_tokens",
            1_250_500.0,
            "tokens",
            "gpt-4o",
            "gpt-4o-0806-Inp-glbl Tokens",
            Decimal("3.12625"),
            "USD",
        ),
        (
            "line:3",
            "llm_output_tokens",
            310_200.0,
            "tokens",
            "gpt-4o",
            "gpt-4o-0806-Outp-glbl Tokens",
            Decimal("3.102"),
            "USD",
        ),
    ]
    first = rows.row(0, named=True)
    assert first["vendor"] == "azure"
    assert first["service"] == "azure.openai"
    assert first["usage_start"] == datetime(2026, 8, 1, tzinfo=UTC)
    assert first["usage_end"] == datetime(2026, 8, 2, tzinfo=UTC)
    assert first["usage_date"] == date(2026, 8, 1)
    assert (first["account"], first["project"], first["workspace"]) == (SUB, "rg-ai", "aoai-prod")
    # a global deployment is served from anywhere: the resource's region is kept, no country is pinned
    assert (first["region"], first["country"]) == ("eastus2", None)
    assert first["natural_key"] == (
        f"2026-08-01|{SUB}|{RID.lower()}|11111111-1111-1111-1111-111111111111|gpt-4o-0806-inp-glbl tokens"
        "|Usage|On Demand|\u2205|\u2205|\u2205|llm_input_tokens"
    )
    attributes = json.loads(first["attributes"])
    assert attributes["deployment_type"] == "global"
    assert attributes["batch"] is False
    assert attributes["unit_of_measure"] == "1K"
    assert attributes["billed_quantity"] == "1250.5"
    assert attributes["tags"] == '"team": "search"'


def test_mca_header_bom_camel_case_and_non_ai_lines():
    raw = _mca(
        _mca_line("5.4 mini cd Inp Gl 1M Tokens", "2.5", "1M", "0.057", location="eastus", meter_id="m-a"),
        _mca_line("GPT 5.1 Opt Rg 1M Tokens", "0.25", "1M", "2.51", meter_id="m-b"),
        _mca_line(
            "D8as v5",
            "24",
            "1 Hour",
            "7.53",
            category="Virtual Machines",
            sub_category="Dasv5 Series",
            service="Microsoft.Compute",
        ),
        _mca_line(
            "S1 Characters", "2.3", "1M", "21.0", category="Cognitive Services", sub_category="Translator"
        ),
        _mca_line("gpt-5-codex-ccchd-inp-glbl Tokens", "800", "1K Tokens", "0.0913", day="2026-10-02"),
    )
    parsed = parse(raw, "mca_export.csv")
    assert parsed.dataset == "mca_cost_details"
    # every record is counted before the parser decides; the VM and the Translator lines are not model
    # usage and are skipped with a reason
    assert parsed.raw_records == 5
    assert parsed.skipped is not None and parsed.skipped.height == 2
    assert parsed.days == [date(2026, 10, 1), date(2026, 10, 2)]
    assert parsed.rows.select(
        "source_row",
        "activity_type",
        "quantity",
        "model",
        "region",
        "country",
        "account",
        "project",
        "workspace",
        "cost_amount",
        "cost_currency",
        "usage_date",
    ).rows() == [
        (
            "line:2",
            "llm_cached_input_tokens",
            2_500_000.0,
            "gpt-5.4-mini",
            "eastus",
            None,
            MCA_SUB,
            "rg-codegen",
            "foundry-codegen",
            Decimal("0.057"),
            "EUR",
            date(2026, 10, 1),
        ),
        (
            "line:3",
            "llm_output_tokens",
            250_000.0,
            "gpt-5.1",
            "westeurope",
            "NLD",
            MCA_SUB,
            "rg-codegen",
            "foundry-codegen",
            Decimal("2.51"),
            "EUR",
            date(2026, 10, 1),
        ),
        (
            "line:6",
            "llm_cached_input_tokens",
            800_000.0,
            "gpt-5-codex",
            "westeurope",
            None,
            MCA_SUB,
            "rg-codegen",
            "foundry-codegen",
            Decimal("0.0913"),
            "EUR",
            date(2026, 10, 2),
        ),
    ]


@pytest.mark.parametrize(
    ("meter", "uom", "quantity", "activity_type", "expected", "unit"),
    [
        ("gpt-4o-0806-Inp-glbl Tokens", "1K", "2.5", "llm_input_tokens", 2_500.0, "tokens"),
        ("GPT 5.1 inp Rg 1M Tokens", "1M", "0.75", "llm_input_tokens", 750_000.0, "tokens"),
        ("gpt-5-codex-outp-glbl Tokens", "1K Tokens", "12", "llm_output_tokens", 12_000.0, "tokens"),
        ("o4-mini-0416-Inp-DZone Tokens", "10K", "3", "llm_input_tokens", 30_000.0, "tokens"),
        ("gpt 4.1 Inp glbl Tokens", '"1,000"', "1.5", "llm_input_tokens", 1_500.0, "tokens"),
        ("Image-Dall-E-3 Std LowRes-regnl EP Images", "100", "0.07", "images", 7.0, "images"),
        ("Sora 2 dzone Second", "1 Second", "42", "video_seconds", 42.0, "seconds"),
        ("Whisper regnl Hours", "1 Hour", "0.5", "audio_seconds", 1_800.0, "seconds"),
        ("tts-hd regnl Characters", "1M", "0.002", "tts_characters", 2_000.0, "characters"),
    ],
)
def test_unit_of_measure_is_multiplied_out_to_base_units(meter, uom, quantity, activity_type, expected, unit):
    row = _one(_ea(_ea_line(meter, quantity, uom)))
    assert (row["activity_type"], row["quantity"], row["unit"]) == (activity_type, expected, unit)
    assert json.loads(row["attributes"])["billed_quantity"] == quantity


@pytest.mark.parametrize(
    ("meter", "activity_type", "model", "deployment", "batch"),
    [
        ("gpt-4o-mini-0718-Batch-Inp-glbl Tokens", "llm_input_tokens", "gpt-4o-mini", "global", True),
        ("gpt-4o-0806-Outp-regnl Tokens", "llm_output_tokens", "gpt-4o", "regional", False),
        ("gpt 4.1 Inp glbl Tokens", "llm_input_tokens", "gpt-4.1", "global", False),
        ("gpt-5-codex-ccchd-inp-glbl Tokens", "llm_cached_input_tokens", "gpt-5-codex", "global", False),
        ("5.4 inp Gl 1M Tokens", "llm_input_tokens", "gpt-5.4", "global", False),
        ("5.4 mini cd Inp Gl 1M Tokens", "llm_cached_input_tokens", "gpt-5.4-mini", "global", False),
        ("GPT 5.1 Opt Rg 1M Tokens", "llm_output_tokens", "gpt-5.1", "regional", False),
        (
            "text-embedding-3-large-regional Tokens",
            "embedding_tokens",
            "text-embedding-3-large",
            "regional",
            False,
        ),
        (
            "gpt-4o-mini-0718-cached-Inp-DZone Tokens",
            "llm_cached_input_tokens",
            "gpt-4o-mini",
            "data_zone",
            False,
        ),
        ("Image-Dall-E-3 Std LowRes-regnl EP Images", "images", "dall-e-3", "regional", False),
        ("Sora 2 dzone Second", "video_seconds", "sora-2", "data_zone", False),
        ("Provisioned Managed Global Unit", "spend", None, "global", False),
    ],
)
def test_meter_name_gives_activity_model_and_deployment(meter, activity_type, model, deployment, batch):
    uom = {"images": "100", "video_seconds": "1 Second", "spend": "1/Hour"}.get(activity_type, "1K")
    row = _one(_ea(_ea_line(meter, "2", uom, MeterRegion="")))
    attributes = json.loads(row["attributes"])
    assert (row["activity_type"], row["model"], row["model_raw"]) == (activity_type, model, meter)
    assert (attributes["deployment_type"], attributes["batch"]) == (deployment, batch)


@pytest.mark.parametrize(
    ("location", "meter", "region", "country"),
    [
        ("swedencentral", "gpt-4o-0806-Inp-regnl Tokens", "swedencentral", "SWE"),
        ("francecentral", "gpt-4o-0806-Inp-regnl Tokens", "francecentral", "FRA"),
        ("westeurope", "gpt-4o-0806-Inp-regnl Tokens", "westeurope", "NLD"),
        ("northeurope", "gpt-4o-0806-Inp-regnl Tokens", "northeurope", "IRL"),
        ("uksouth", "gpt-4o-0806-Inp-regnl Tokens", "uksouth", "GBR"),
        ("japaneast", "gpt-4o-0806-Inp-regnl Tokens", "japaneast", "JPN"),
        ("West US", "gpt-4o-0806-Inp-regnl Tokens", "westus", "USA"),  # display spelling is squashed
        ("EastUS2", "gpt-4o-0806-Inp-regnl Tokens", "eastus2", "USA"),
        ("swedencentral", "gpt-4o-0806-Inp-glbl Tokens", "swedencentral", None),  # global deployment
        ("swedencentral", "gpt-4o-0806-Inp-DZone Tokens", "swedencentral", None),  # EU data zone
        ("global", "gpt-4o-0806-Inp-regnl Tokens", "global", None),
    ],
)
def test_region_and_country(location, meter, region, country):
    row = _one(_ea(_ea_line(meter, "1", "1K", ResourceLocation=location, MeterRegion="")))
    assert (row["region"], row["country"]) == (region, country)


def test_cost_only_lines_become_spend_rows():
    raw = _mca(
        _mca_line(
            "Claude CCU",
            "1250",
            "100",
            "11.415",
            category="",
            sub_category="",
            service="Microsoft.SaaS",
            publisher="Anthropic",
            location="global",
        ),
        _mca_line("Provisioned Managed Global Unit", "24", "1/Hour", "24.0", meter_id="m-ptu"),
    )
    rows = parse(raw, "mca.csv").rows
    assert rows.select(
        "activity_type", "unit", "quantity", "cost_amount", "cost_currency", "service"
    ).rows() == [
        ("spend", "currency", 11.415, Decimal("11.415"), "EUR", "azure.foundry"),
        ("spend", "currency", 24.0, Decimal("24"), "EUR", "azure.openai"),
    ]


def test_cost_in_scientific_notation_and_cognitive_services_category():
    """Old meter category "Cognitive Services" keeps OpenAI lines only; tiny costs print as 6.4E-06."""
    raw = _ea(
        _ea_line(
            "gpt-4o-mini-0718-Inp-glbl Tokens",
            "0.04",
            "1K",
            cost="6.4E-06",
            MeterCategory="Cognitive Services",
        ),
        _ea_line(
            "S1 Speech To Text",
            "3.5",
            "1 Hour",
            MeterCategory="Cognitive Services",
            MeterSubCategory="Speech",
            ProductName="Speech",
        ),
    )
    parsed = parse(raw, "ea.csv")
    assert (parsed.raw_records, parsed.rows.height, parsed.skipped.height) == (2, 1, 1)
    row = parsed.rows.row(0, named=True)
    assert (row["quantity"], row["cost_amount"]) == (40.0, Decimal("0.0000064"))


def test_older_ea_column_order_is_read_by_name():
    """Schema 2021-10-01 starts with CostInBillingCurrency: columns are matched by name, not position."""
    header = EA_FIXTURE.splitlines()[0].split(",")
    line = EA_FIXTURE.splitlines()[1]
    # the fixture line has a quoted comma-free Tags cell; move the cost column to the front of both
    cells = line.replace('"""team"": ""search"""', "TAGS").split(",")
    index = header.index("CostInBillingCurrency")
    header.insert(0, header.pop(index))
    cells.insert(0, cells.pop(index))
    raw = _ea(",".join(cells), header=",".join(header))
    row = _one(raw)
    assert (row["quantity"], row["cost_amount"], row["model"]) == (1_250_500.0, Decimal("3.12625"), "gpt-4o")


def test_resource_group_casing_does_not_split_keys():
    upper = _one(
        _ea(_ea_line("gpt 4.1 Inp glbl Tokens", "1", "1M", ResourceGroup="RG-AI", ResourceId=RID.upper()))
    )
    lower = _one(_ea(_ea_line("gpt 4.1 Inp glbl Tokens", "1", "1M")))
    assert upper["project"] == lower["project"] == "rg-ai"
    assert upper["natural_key"] == lower["natural_key"]


def test_bad_cells_null_the_row_not_the_file():
    raw = _ea(
        _ea_line("gpt 4.1 Inp glbl Tokens", "n/a", "1M"),
        _ea_line("gpt 4.1 Outp glbl Tokens", "2", "1M", Date="13/45/2026"),
    )
    rows = parse(raw, "ea.csv").rows
    assert rows.get_column("quantity").to_list() == [None, 2_000_000.0]
    assert rows.get_column("usage_start").to_list()[1] is None


def test_file_with_no_ai_lines_covers_its_days_with_no_rows():
    raw = _ea(
        _ea_line(
            "D4s v5",
            "24",
            "1 Hour",
            MeterCategory="Virtual Machines",
            MeterSubCategory="Dv5 Series",
            ProductName="Virtual Machines",
            ConsumedService="Microsoft.Compute",
        )
    )
    parsed = parse(raw, "ea.csv")
    assert (parsed.rows.height, parsed.raw_records, parsed.days) == (0, 1, [date(2026, 9, 3)])
    assert parsed.skipped.get_column("reason").to_list() == ["not an Azure OpenAI / Foundry model line"]


@pytest.mark.parametrize(
    ("payload", "problem"),
    [
        (b"", "file is empty"),
        (
            b"SubscriptionId,Date,MeterName\nabc,09/01/2026,x\n",
            "missing required column(s) 'unitofmeasure', 'quantity'",
        ),
        (
            b"SubscriptionId,Date,MeterName,UnitOfMeasure,Quantity,CostInBillingCurrency,BillingCurrencyCode\n"
            b"s,09/01/2026,m,1K,1,1,USD\n",
            "no MeterCategory",
        ),
        (b'Date,Quantity\n"09/01/2026,1\n', "missing required column(s) 'subscriptionid'"),
    ],
)
def test_unreadable_files_fail_naming_source_file_and_problem(payload, problem):
    assert_parse_fails(parse, payload, "broken_costs.csv", "[azure_cost] broken_costs.csv", problem)


def test_every_bundled_sample_lands_without_quarantine(paths):
    files = CONNECTOR.find_files(BUNDLED_SAMPLES / "azure_cost")
    assert [f.name for f in files] == [
        "ea_cost_details_2026-09-01_2026-09-10.csv",
        "mca_cost_details_2026-09-28_2026-10-07.csv",
    ]
    for path in files:
        result = ingest_file(CONNECTOR, path, paths)
        assert result.rows_in > 0, path.name
        assert result.rows_in == result.rows_landed, path.name
        assert result.rows_quarantined == 0, path.name
    landed = pl.read_parquet(paths.activity / "source=azure_cost" / "**" / "*.parquet")
    assert set(landed.get_column("dataset")) == {"ea_cost_details", "mca_cost_details"}
    assert landed.filter(pl.col("activity_type") == "llm_cached_input_tokens").height > 0
    assert set(landed.get_column("cost_currency")) == {"USD", "EUR"}
