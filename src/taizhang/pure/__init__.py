"""Django-free helpers for Chinese text, search folding, figures and the working-day calendar."""
