{{ stage_activity('google_ads') }}
