{{ stage_activity('m365_copilot') }}
