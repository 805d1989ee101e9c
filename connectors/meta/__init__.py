"""Meta: Marketing API ad insights."""
