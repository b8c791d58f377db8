"""The web application: create_app(settings), routes per area, Jinja2 templates (web issue)."""
