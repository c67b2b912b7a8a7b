"""Identity: WeChat login, signed revocable tokens, roles with scopes."""
