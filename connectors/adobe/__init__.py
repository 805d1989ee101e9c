"""Adobe: generative credits of Firefly and the Creative Cloud apps."""
