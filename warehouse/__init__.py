"""What the application and the Dagster definitions both need of the built warehouse: dbt, the
landing gate's validation, cost reconciliation, atomic publishing. Imports neither of them."""
