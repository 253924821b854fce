"""Commerce side of the sandbox: customers, tokens, carts, checkout, orders, outbox (Magento 2.4 semantics)."""
