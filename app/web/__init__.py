"""HTTP plumbing shared by every domain: the write boundary, idempotency keys, pagination,
shared schemas, error registration and the id converter. Domains import from here; nothing
here imports a domain."""
