{{ stage_activity('linkedin_ads') }}
