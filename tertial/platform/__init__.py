"""What every app may use and that knows no app: the per-organisation cache."""
