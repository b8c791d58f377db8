"""The sandbox bank's OAuth2 authorization server: Authlib's server components, adapted.

Authlib 1.9 has no FastAPI integration; :mod:`.requests` turns a Starlette request into
Authlib's ``OAuth2Request`` and :mod:`.server` supplies the storage (the sandbox's
SQLAlchemy session), the grants (authorization code + PKCE S256, rotating refresh
tokens) and RFC 7009 revocation.
"""
