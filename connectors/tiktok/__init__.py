"""TikTok: Business API integrated reports."""
