"""The clouds' own carbon exports (AWS, Azure, Google Cloud): vendor-reported emissions, one reader
for the three formats because they share their shape."""
