{{ stage_activity('anthropic_costs') }}
