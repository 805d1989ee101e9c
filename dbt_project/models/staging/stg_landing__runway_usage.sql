{{ stage_activity('runway_usage') }}
