{{ stage_activity('amazon_ads') }}
