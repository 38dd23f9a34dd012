"""Server-rendered portal pages (``/ui``) and their inline SVG charts."""
