{{ stage_activity('anthropic_console') }}
