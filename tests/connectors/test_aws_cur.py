"""AWS CUR (CUR 2.0 and legacy) -> canonical Bedrock rows, checked value by value."""

from __future__ import annotations

import gzip
import io
import json
from datetime import UTC, date, datetime
from decimal import Decimal

import polars as pl
import pytest

from connectors.amazon.cur import CONNECTOR, parse
from connectors.landing.zone import ingest_file, init_landing
from tests.support.landing import assert_parse_fails

# The documented CUR 2.0 CSV fixture (vendor-formats.md §5): a first-party Nova line and a
# Marketplace-sold Claude line whose product code is not AmazonBedrock.
CUR2_CSV = """\
identity_line_item_id,bill_billing_entity,line_item_line_item_type,line_item_usage_start_date,line_item_usage_end_date,line_item_product_code,line_item_usage_type,line_item_operation,line_item_usage_amount,line_item_unblended_rate,line_item_unblended_cost,line_item_currency_code,product_region_code,pricing_unit,product,resource_tags
aaa1,AWS,Usage,2026-08-01T00:00:00Z,2026-08-02T00:00:00Z,AmazonBedrock,USE1-Nova2.0Lite-input-tokens,InvokeModelInference,1250000,0.00000006,0.075,USD,us-east-1,Tokens,"{""product_name"":""Amazon Bedrock"",""region"":""us-east-1""}","{""user_team"":""search""}"
aaa2,AWS Marketplace,Usage,2026-08-01T00:00:00Z,2026-08-02T00:00:00Z,c1hxxxxxxxxxxxxxxxxxxxxx,USW2-MP:USW2_InputTokenCount-Units,Usage,2000000,0.000003,6.0,USD,us-west-2,Units,"{""product_name"":""Claude 3.5 Sonnet (Amazon Bedrock Edition)""}",{}
"""  # noqa: E501

COLUMNS = [
    "model",
    "model_raw",
    "activity_type",
    "quantity",
    "unit",
    "region",
    "country",
    "account",
    "project",
    "cost_amount",
    "cost_currency",
    "source_row",
]
DAY1 = datetime(2026, 9, 1, tzinfo=UTC)
DAY2 = datetime(2026, 9, 2, tzinfo=UTC)


def _rows(parsed) -> list[tuple]:
    rows = parsed if isinstance(parsed, pl.DataFrame) else parsed.rows
    return rows.sort("source_row").select(COLUMNS).rows()


def test_documented_cur2_csv_keeps_first_party_and_marketplace_lines():
    parsed = parse(CUR2_CSV.encode(), "cur2.csv")
    assert (parsed.dataset, parsed.raw_records, parsed.days) == ("bedrock", 2, [date(2026, 8, 1)])
    assert _rows(parsed) == [
        (
            "nova-2-lite",
            "Nova2.0Lite",
            "llm_input_tokens",
            1_250_000.0,
            "tokens",
            "us-east-1",
            "USA",
            None,
            None,
            Decimal("0.075"),
            "USD",
            "line:2",
        ),
        (
            "claude-3-5-sonnet",
            "Claude 3.5 Sonnet (Amazon Bedrock Edition)",
            "llm_input_tokens",
            2_000_000.0,  # "Units" at a per-token rate: token counts
            "tokens",
            "us-west-2",
            "USA",
            None,
            None,
            Decimal("6"),
            "USD",
            "line:3",
        ),
    ]
    first = parsed.rows.sort("source_row").row(0, named=True)
    assert (first["vendor"], first["service"], first["dataset"]) == ("aws", "aws.bedrock", "bedrock")
    assert (first["usage_start"], first["usage_end"], first["usage_date"]) == (
        datetime(2026, 8, 1, tzinfo=UTC),
        datetime(2026, 8, 2, tzinfo=UTC),
        date(2026, 8, 1),
    )
    attributes = json.loads(first["attributes"])
    assert attributes["line_item_id"] == "aaa1"
    assert attributes["resource_tags"] == {"user_team": "search"}
    assert attributes["usage_amount"] == "1250000"
    second = json.loads(parsed.rows.sort("source_row").row(1, named=True)["attributes"])
    assert (second["billing_entity"], second["product_code"]) == (
        "AWS Marketplace",
        "c1hxxxxxxxxxxxxxxxxxxxxx",
    )


def _cur2_parquet(records: list[dict]) -> bytes:
    """A CUR 2.0 Parquet part as AWS writes it: MAP columns, timestamp usage dates, double amounts."""
    string_map = pl.Map(pl.String, pl.String)
    schema = {
        "identity_line_item_id": pl.String,
        "identity_time_interval": pl.String,
        "bill_billing_entity": pl.String,
        "bill_payer_account_id": pl.String,
        "line_item_usage_account_id": pl.String,
        "line_item_line_item_type": pl.String,
        "line_item_usage_start_date": pl.Datetime("ms"),
        "line_item_usage_end_date": pl.Datetime("ms"),
        "line_item_product_code": pl.String,
        "line_item_usage_type": pl.String,
        "line_item_operation": pl.String,
        "line_item_resource_id": pl.String,
        "line_item_usage_amount": pl.Float64,
        "line_item_unblended_rate": pl.String,
        "line_item_unblended_cost": pl.Float64,
        "line_item_currency_code": pl.String,
        "product_region_code": pl.String,
        "pricing_unit": pl.String,
        "product": string_map,
        "resource_tags": string_map,
    }
    defaults = {
        "identity_time_interval": "2026-09-01T00:00:00Z/2026-09-02T00:00:00Z",
        "bill_billing_entity": "AWS",
        "bill_payer_account_id": "999988887777",
        "line_item_usage_account_id": "111122223333",
        "line_item_line_item_type": "Usage",
        "line_item_usage_start_date": datetime(2026, 9, 1),
        "line_item_usage_end_date": datetime(2026, 9, 2),
        "line_item_product_code": "AmazonBedrock",
        "line_item_operation": "InvokeModelInference",
        "line_item_resource_id": "",
        "line_item_currency_code": "USD",
        "pricing_unit": "Tokens",
        "product": {"product_name": "Amazon Bedrock"},
        "resource_tags": {"user_project": "search-ranking"},
    }
    frame = pl.DataFrame([defaults | r for r in records], schema=schema)
    buffer = io.BytesIO()
    frame.write_parquet(buffer)
    return buffer.getvalue()


def _line(line_id: str, usage_type: str, amount: float, cost: float, **extra) -> dict:
    return {
        "identity_line_item_id": line_id,
        "line_item_usage_type": usage_type,
        "line_item_usage_amount": amount,
        "line_item_unblended_cost": cost,
        "line_item_unblended_rate": str(cost / amount) if amount else "",
        "product_region_code": "us-east-1",
    } | extra


CLAUDE_45 = {
    "bill_billing_entity": "AWS Marketplace",
    "line_item_product_code": "8gk2vq1n7dx4mtp0rz3ys9cw5",
    "line_item_operation": "Usage",
    "pricing_unit": "Units",
    "product_region_code": "eu-central-1",
    "product": {"product_name": "Claude Sonnet 4.5 (Amazon Bedrock Edition)", "region": "eu-central-1"},
}


def test_cur2_parquet_maps_every_bedrock_usage_type_and_drops_the_rest():
    records = [
        _line("l1", "USE1-Claude3.5Sonnet-input-tokens", 1000.0, 0.003),
        _line("l2", "USE1-Claude3.5Sonnet-output-tokens", 200.0, 0.003),
        _line("l3", "USE1-Claude4.6Sonnet-cache-read-input-token-count", 5000.0, 0.0015),
        _line("l4", "USE1-Claude4.6Sonnet-cache-write-input-token-count", 800.0, 0.003),
        _line("l5", "USE1-TitanEmbeddingsV2-Text-input-tokens", 9000.0, 0.00018),
        _line("l6", "USE1-NovaCanvas-1024x1024-Standard-images", 3.0, 0.12, pricing_unit="Images"),
        _line("l7", "USE1-NovaReel-video-seconds", 12.0, 0.96, pricing_unit="Seconds"),
        _line("l8", "USE1-Guardrails-ContentPolicy-TextUnits", 40.0, 0.03, pricing_unit="Units"),
        # no product_region_code: the region comes from the usage-type prefix
        _line("l9", "EUW3-gpt-oss-120b-output-tokens-priority", 100.0, 0.0001, product_region_code=None),
        _line("l10", "USW2-Llama3-70B-input-tokens-batch", 700.0, 0.001, product_region_code="us-west-2"),
        _line("l11", "USE1-NovaPro-input-tokens-cross-region-global", 300.0, 0.00024),
        # Marketplace-sold Claude: random product code, model from the product name
        _line("m1", "EUC1-MP:EUC1_input_tokens_standard-Units", 100.0, 0.00033, **CLAUDE_45),
        _line("m2", "EUC1-MP:EUC1_CacheReadInputTokenCount-Units", 2000.0, 0.00066, **CLAUDE_45),
        _line("m3", "EUC1-MP:EUC1_CacheWriteInputTokenCount-Units", 50.0, 0.0002, **CLAUDE_45),
        # not Bedrock usage: EC2, a Marketplace SaaS, and Bedrock tax, credit and refund lines
        _line("x1", "USE1-BoxUsage:m7i.xlarge", 24.0, 4.8, line_item_product_code="AmazonEC2"),
        _line(
            "x2",
            "USE1-MP:USE1_Hosts-Units",
            10.0,
            0.5,
            bill_billing_entity="AWS Marketplace",
            line_item_product_code="7vc2nx9tq4ha1ky8rm3wz5dpe",
            product={"product_name": "Acme Observability Pro"},
        ),
        _line("x3", "", 1.0, 0.9, line_item_line_item_type="Tax"),
        _line("x4", "", 0.0, -5.0, line_item_line_item_type="Credit"),
        _line("x5", "USE1-NovaPro-input-tokens", 10.0, -0.01, line_item_line_item_type="Refund"),
        # an EC2 line alone on the next day: the file still covers that day
        _line(
            "x6",
            "USE1-BoxUsage:m7i.xlarge",
            24.0,
            4.8,
            line_item_product_code="AmazonEC2",
            identity_time_interval="2026-09-02T00:00:00Z/2026-09-03T00:00:00Z",
            line_item_usage_start_date=datetime(2026, 9, 2),
            line_item_usage_end_date=datetime(2026, 9, 3),
        ),
    ]
    parsed = parse(_cur2_parquet(records), "bedrock-cur2-00001.snappy.parquet")
    # every record is counted; EC2, the Marketplace SaaS and the tax line are skipped with a reason
    assert (parsed.raw_records, parsed.skipped.height) == (20, 4)
    assert parsed.days == [date(2026, 9, 1), date(2026, 9, 2)]
    rows = parsed.rows.with_columns(pl.col("source_row").str.extract(r"(\d+)$").cast(pl.Int64).alias("_n"))
    # the credit and the refund match no usage line of their usage type: money-only rows, gross 0, net
    # their amount, no activity
    credits = rows.filter(pl.col("_n") >= 14).sort("_n")
    assert credits.select("activity_type", "quantity", "cost_amount", "cost_amount_net").rows() == [
        ("spend", 0.0, Decimal(0), Decimal("-5")),
        ("spend", 0.0, Decimal(0), Decimal("-0.01")),
    ]
    got = rows.filter(pl.col("_n") < 14).sort("_n").select(COLUMNS).rows()
    usa, deu, t = ("us-east-1", "USA"), ("eu-central-1", "DEU"), "tokens"
    s45, c46 = "Claude Sonnet 4.5 (Amazon Bedrock Edition)", "Claude4.6Sonnet"
    fra = ("eu-west-3", "FRA")
    expected = [
        ("claude-3-5-sonnet", "Claude3.5Sonnet", "llm_input_tokens", 1000.0, t, *usa, "0.003", "row:0"),
        ("claude-3-5-sonnet", "Claude3.5Sonnet", "llm_output_tokens", 200.0, t, *usa, "0.003", "row:1"),
        ("claude-sonnet-4-6", c46, "llm_cached_input_tokens", 5000.0, t, *usa, "0.0015", "row:2"),
        ("claude-sonnet-4-6", c46, "llm_cache_write_tokens", 800.0, t, *usa, "0.003", "row:3"),
        ("titan-embeddings-v2-text", "TitanEmbeddingsV2-Text", "embedding_tokens", 9000.0, t, *usa, "0.00018",
         "row:4"),
        ("nova-canvas", "NovaCanvas", "images", 3.0, "images", *usa, "0.12", "row:5"),
        ("nova-reel", "NovaReel", "video_seconds", 12.0, "seconds", *usa, "0.96", "row:6"),
        (None, None, "spend", 0.03, "currency", *usa, "0.03", "row:7"),
        ("gpt-oss-120b", "gpt-oss-120b", "llm_output_tokens", 100.0, t, *fra, "0.0001", "row:8"),
        ("llama3-70b", "Llama3-70B", "llm_input_tokens", 700.0, t, "us-west-2", "USA", "0.001", "row:9"),
        # global cross-region inference may run in any region: no country is pinned
        ("nova-pro", "NovaPro", "llm_input_tokens", 300.0, t, "us-east-1", None, "0.00024", "row:10"),
        ("claude-sonnet-4-5", s45, "llm_input_tokens", 100.0, t, *deu, "0.00033", "row:11"),
        ("claude-sonnet-4-5", s45, "llm_cached_input_tokens", 2000.0, t, *deu, "0.00066", "row:12"),
        ("claude-sonnet-4-5", s45, "llm_cache_write_tokens", 50.0, t, *deu, "0.0002", "row:13"),
    ]  # fmt: skip
    assert [(*r[:7], r[9], r[11]) for r in got] == [(*e[:7], Decimal(e[7]), e[8]) for e in expected]
    assert {(r[7], r[8], r[10]) for r in got} == {("111122223333", "search-ranking", "USD")}
    by_row = {r["source_row"]: r for r in parsed.rows.iter_rows(named=True)}
    assert by_row["row:0"]["usage_start"] == DAY1 and by_row["row:0"]["usage_end"] == DAY2
    assert json.loads(by_row["row:8"]["attributes"])["service_tier"] == "priority"
    assert json.loads(by_row["row:9"]["attributes"])["service_tier"] == "batch"
    assert json.loads(by_row["row:10"]["attributes"])["cross_region"] is True
    assert json.loads(by_row["row:11"]["attributes"])["resource_tags"] == {"user_project": "search-ranking"}


# Legacy CUR CSV: lineItem/... headers, resourceTags/user:* columns, first-party tokens priced per
# 1K tokens (amount in thousands) and Marketplace tokens priced in Units at a per-million price.
LEGACY_CSV = """\
identity/LineItemId,identity/TimeInterval,bill/BillingEntity,bill/PayerAccountId,lineItem/UsageAccountId,lineItem/LineItemType,lineItem/UsageStartDate,lineItem/UsageEndDate,lineItem/ProductCode,lineItem/UsageType,lineItem/Operation,lineItem/ResourceId,lineItem/UsageAmount,lineItem/CurrencyCode,lineItem/UnblendedRate,lineItem/UnblendedCost,lineItem/LineItemDescription,product/ProductName,product/region,pricing/unit,resourceTags/user:project,resourceTags/user:team
id1,2026-10-01T00:00:00Z/2026-10-02T00:00:00Z,AWS,999988887777,444455556666,Usage,2026-10-01T00:00:00Z,2026-10-02T00:00:00Z,AmazonBedrock,USW2-Llama3-70B-input-tokens,InvokeModelInference,,1234.567,USD,0.00265,3.27160255,"Llama 3 70B, input tokens",Amazon Bedrock,us-west-2,1K tokens,support-bot,support
id2,2026-10-01T00:00:00Z/2026-10-02T00:00:00Z,AWS Marketplace,999988887777,444455556666,Usage,2026-10-01T00:00:00Z,2026-10-02T00:00:00Z,5jd8rw2xq0fk7nz1ht4mc6bv3,APN1-MP:APN1_OutputTokenCount-Units,Usage,,0.25,usd,5.5,1.375,"Claude Haiku 4.5, output tokens",Claude Haiku 4.5 (Amazon Bedrock Edition),ap-northeast-1,Units,,
id3,2026-10-01T00:00:00Z/2026-10-02T00:00:00Z,AWS,999988887777,111122223333,Usage,2026-10-01T00:00:00Z,2026-10-02T00:00:00Z,AmazonBedrock,EUN1-TitanTextExpress-output-tokens,InvokeModelInference,,2,USD,0.0006,0.0012,Titan output,Amazon Bedrock,eu-north-1,1M tokens,,
id4,2026-10-01T00:00:00Z/2026-11-01T00:00:00Z,AWS,999988887777,111122223333,Credit,2026-10-01T00:00:00Z,2026-11-01T00:00:00Z,AmazonBedrock,,,,0,USD,,-10,Promotional credit,Amazon Bedrock,,,,
id5,2026-10-01T00:00:00Z/2026-10-02T00:00:00Z,AWS,999988887777,111122223333,Usage,2026-10-01T00:00:00Z,2026-10-02T00:00:00Z,AmazonS3,EUW1-TimedStorage-ByteHrs,StandardStorage,bucket-a,12.5,USD,0.023,0.2875,S3 storage,Amazon Simple Storage Service,eu-west-1,GB-Mo,,
"""  # noqa: E501


def test_legacy_cur_csv_multiplies_out_pricing_units():
    parsed = parse(LEGACY_CSV.encode(), "bedrock-legacy-cur-1.csv")
    assert (parsed.raw_records, parsed.days) == (5, [date(2026, 10, 1)])
    # the month's promotional credit ties to no usage type: a money-only row (gross 0, net -10)
    credit = parsed.rows.filter(pl.col("source_row") == "line:5")
    assert credit.select("activity_type", "quantity", "cost_amount", "cost_amount_net").rows() == [
        ("spend", 0.0, Decimal(0), Decimal(-10))
    ]
    assert parsed.skipped.get_column("reason").to_list() == [
        "not an Amazon Bedrock line (another AWS service)"
    ]
    assert _rows(parsed.rows.filter(pl.col("source_row") != "line:5")) == [
        (
            "llama3-70b",
            "Llama3-70B",
            "llm_input_tokens",
            1_234_567.0,  # 1234.567 x 1K tokens
            "tokens",
            "us-west-2",
            "USA",
            "444455556666",
            "support-bot",
            Decimal("3.27160255"),
            "USD",
            "line:2",
        ),
        (
            "claude-haiku-4-5",
            "Claude Haiku 4.5 (Amazon Bedrock Edition)",
            "llm_output_tokens",
            250_000.0,  # 0.25 Units at $5.50 a unit: millions of tokens
            "tokens",
            "ap-northeast-1",
            "JPN",
            "444455556666",
            None,
            Decimal("1.375"),
            "USD",  # upper-cased
            "line:3",
        ),
        (
            "titan-text-express",
            "TitanTextExpress",
            "llm_output_tokens",
            2_000_000.0,  # 2 x 1M tokens
            "tokens",
            "eu-north-1",
            "SWE",
            "111122223333",
            None,
            Decimal("0.0012"),
            "USD",
            "line:4",
        ),
    ]
    attributes = json.loads(parsed.rows.sort("source_row").row(0, named=True)["attributes"])
    assert attributes["resource_tags"] == {"user:project": "support-bot", "user:team": "support"}
    assert (attributes["pricing_unit"], attributes["unit_multiplier"]) == ("1K tokens", 1000.0)
    assert attributes["description"] == "Llama 3 70B, input tokens"


def test_gzipped_csv_as_aws_delivers_it_parses_the_same():
    plain = parse(LEGACY_CSV.encode(), "report-1.csv")
    zipped = parse(gzip.compress(LEGACY_CSV.encode(), mtime=0), "report-1.csv.gz")
    assert zipped.rows.equals(plain.rows)


def test_athena_style_legacy_names_are_read():
    csv = (
        "line_item_usage_start_date,line_item_usage_end_date,line_item_product_code,line_item_usage_type,"
        "line_item_usage_amount,line_item_unblended_cost,line_item_currency_code,line_item_usage_account_id,"
        "product_region,product_product_name,resource_tags_user_project\n"
        "2026-09-03 00:00:00.000,2026-09-04 00:00:00.000,AmazonBedrock,APN1-NovaPro-output-tokens,"
        "500,0.0016,USD,123456789012,ap-northeast-1,Amazon Bedrock,faq-bot\n"
    )
    row = parse(csv.encode(), "athena.csv").rows.row(0, named=True)
    assert (row["model"], row["activity_type"], row["quantity"], row["region"], row["country"]) == (
        "nova-pro",
        "llm_output_tokens",
        500.0,
        "ap-northeast-1",
        "JPN",
    )
    assert (row["account"], row["project"], row["usage_start"]) == (
        "123456789012",
        "faq-bot",
        datetime(2026, 9, 3, tzinfo=UTC),
    )


def test_natural_key_survives_a_redelivery_with_new_line_item_ids():
    """identity_line_item_id changes between CUR deliveries (AWS docs), so it is not in the key."""
    first = parse(CUR2_CSV.encode(), "a.csv").rows.get_column("natural_key").to_list()
    again = CUR2_CSV.replace("aaa1,", "zzz9,").replace("aaa2,", "zzz8,").replace(",6.0,", ",6.5,")
    second = parse(again.encode(), "b.csv").rows.get_column("natural_key").to_list()
    assert first == second
    assert all(key.endswith("|llm_input_tokens") for key in first)
    assert len(set(first)) == 2


def test_identical_line_dimensions_get_distinct_keys():
    lines = CUR2_CSV.splitlines()
    doubled = "\n".join([*lines, lines[1].replace("aaa1", "aaa3")]) + "\n"
    keys = parse(doubled.encode(), "dup.csv").rows.get_column("natural_key").to_list()
    assert len(set(keys)) == 3


def test_bad_cells_null_the_row_instead_of_failing_the_file():
    broken = CUR2_CSV.replace(",1250000,", ",lots,").replace(
        "2026-08-01T00:00:00Z,2026-08-02T00:00:00Z,c1h", "yesterday,2026-08-02T00:00:00Z,c1h"
    )
    rows = parse(broken.encode(), "broken.csv").rows.sort("source_row")
    assert rows.get_column("quantity").to_list() == [None, 2_000_000.0]
    assert rows.get_column("usage_start").to_list() == [datetime(2026, 8, 1, tzinfo=UTC), None]


def test_export_without_bedrock_lines_covers_its_days_with_no_rows():
    csv = LEGACY_CSV.splitlines()
    parsed = parse(("\n".join([csv[0], csv[5]]) + "\n").encode(), "s3-only.csv")
    assert (parsed.rows.height, parsed.raw_records, parsed.days) == (0, 1, [date(2026, 10, 1)])
    assert parsed.skipped.height == 1


@pytest.mark.parametrize(
    ("payload", "problem"),
    [
        (b"", "file is empty"),
        (
            b"date,service,cost\n2026-09-01,Bedrock,1.0\n",
            "missing required column(s) 'line_item_usage_start_date'",
        ),
        (b"PAR1 not really parquet", "unreadable Parquet"),
        (b"\x1f\x8b\x08\x00broken", "corrupt gzip"),
        (
            b"lineItem/UsageStartDate,lineItem/UsageType\n1,2,3,4\n",
            "missing required column(s) 'line_item_usage_end",
        ),
    ],
)
def test_unreadable_files_fail_naming_source_file_and_problem(payload, problem):
    assert_parse_fails(parse, payload, "broken-cur.csv", "[aws_cur] broken-cur.csv", problem)


def test_every_bundled_sample_lands_completely(paths):
    from connectors.core.config import BUNDLED_SAMPLES

    files = CONNECTOR.find_files(BUNDLED_SAMPLES / "aws_cur")
    assert sorted(p.suffix for p in files) == [".csv", ".parquet"]
    init_landing(paths, [CONNECTOR.source])
    for path in files:
        result = ingest_file(CONNECTOR, path, paths)
        assert result.rows_in > 0, path.name
        assert result.rows_in == result.rows_landed, path.name
        assert result.rows_quarantined == 0, path.name
    landed = pl.read_parquet(paths.activity / "source=aws_cur" / "dataset=bedrock" / "**" / "*.parquet")
    assert {
        "llm_input_tokens",
        "llm_cached_input_tokens",
        "llm_cache_write_tokens",
        "images",
        "spend",
    } <= set(landed.get_column("activity_type"))
    marketplace = landed.filter(pl.col("model_raw").str.contains("Amazon Bedrock Edition"))
    assert marketplace.height > 0
    assert set(landed.get_column("usage_date").dt.month()) == {9, 10}
