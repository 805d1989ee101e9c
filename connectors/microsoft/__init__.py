"""Microsoft: Azure Cost Management exports."""
