"""Terminal tables for the ``ewh`` commands: markdown-style, every row and column, full precision."""

import polars as pl


def print_table(frame: pl.DataFrame, *, width: int = 200, text: int = 90) -> None:
    with pl.Config(
        tbl_rows=-1,
        tbl_cols=-1,
        tbl_hide_dataframe_shape=True,
        tbl_hide_column_data_types=True,
        tbl_formatting="ASCII_MARKDOWN",
        tbl_width_chars=width,
        fmt_str_lengths=text,
        float_precision=None,
    ):
        print(frame)
