"""Amazon: AWS Cost and Usage Reports (legacy CUR and CUR 2.0)."""
