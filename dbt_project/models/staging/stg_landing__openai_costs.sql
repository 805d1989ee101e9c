{{ stage_activity('openai_costs') }}
