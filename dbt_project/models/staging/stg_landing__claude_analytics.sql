{{ stage_activity('claude_analytics') }}
