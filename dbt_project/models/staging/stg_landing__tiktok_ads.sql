{{ stage_activity('tiktok_ads') }}
