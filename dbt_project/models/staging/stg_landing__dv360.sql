{{ stage_activity('dv360') }}
