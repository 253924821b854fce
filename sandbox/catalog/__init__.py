"""Catalog side of the sandbox: stores, categories, products, CMS, URL rewrites, images, GraphQL resolvers."""
