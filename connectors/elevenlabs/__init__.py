"""ElevenLabs: character usage (character-stats) by model, voice, product or user."""
