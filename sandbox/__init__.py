"""The Magento sandbox: a separate Django project that answers like Magento 2.4 (DESIGN.md §7).

Rules: the storefront never imports this package; it runs as its own process (port 8001 by default)
with ``sandbox.settings`` and its own SQLite file.
"""
