{{ stage_activity('adobe_firefly') }}
