{{ stage_activity('microsoft_ads') }}
