{{ stage_activity('mistral_usage') }}
