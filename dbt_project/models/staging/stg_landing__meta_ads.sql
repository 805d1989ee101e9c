{{ stage_activity('meta_ads') }}
