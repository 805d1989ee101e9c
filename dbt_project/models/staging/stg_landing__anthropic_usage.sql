{{ stage_activity('anthropic_usage') }}
