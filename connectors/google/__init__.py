"""Google: Cloud Billing exports and Google Ads reports."""
