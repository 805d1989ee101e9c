"""OpenAI: the organisation Usage and Costs APIs, and the dashboard's CSV exports."""
