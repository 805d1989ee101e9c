{{ stage_activity('jasper_usage') }}
