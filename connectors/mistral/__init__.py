"""Mistral AI: the console's usage exports."""
