"""Bank API clients: httpx, OAuth2 as an httpx.Auth, wire DTOs → statements (bank API issue)."""
