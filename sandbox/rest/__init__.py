"""Magento-compatible REST endpoints of the sandbox (``/rest/<store>/V1/...``)."""
