{{ stage_activity('aws_cur') }}
