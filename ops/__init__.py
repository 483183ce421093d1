"""Running Career Coach in production: the Rasa server's endpoints from the environment, the
tracker store that survives a database restart and forgets on request, the load balancer's
configuration, and the admin command that deletes a person's data (docs/operations.md)."""
