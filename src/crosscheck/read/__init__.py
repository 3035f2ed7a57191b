"""Read models: what every face shows, built once per request (models.py, queries.py, format.py)."""
