"""LinkedIn: Marketing API ad analytics."""
