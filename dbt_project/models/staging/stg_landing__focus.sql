{{ stage_activity('focus') }}
