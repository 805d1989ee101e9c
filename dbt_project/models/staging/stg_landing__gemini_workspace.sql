{{ stage_activity('gemini_workspace') }}
