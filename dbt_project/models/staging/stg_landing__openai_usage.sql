{{ stage_activity('openai_usage') }}
