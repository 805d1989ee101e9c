{{ stage_activity('azure_cost') }}
