{{ stage_activity('elevenlabs_usage') }}
