{{ stage_activity('gcp_billing') }}
