{{ stage_activity('openai_dashboard') }}
