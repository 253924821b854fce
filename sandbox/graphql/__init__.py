"""The sandbox's GraphQL endpoint: SDL files + registered resolvers, executed with graphql-core."""
