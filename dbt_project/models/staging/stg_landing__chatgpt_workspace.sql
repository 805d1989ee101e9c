{{ stage_activity('chatgpt_workspace') }}
