"""The sandbox bank: a PSD2-style bank API server for tests, demos and laptops.

It plays the bank (ASPSP) our bank client talks to: customers, users with a role per
agreement, accounts and transactions in its own SQLite database; an OAuth2
authorization server (Authlib) with both consent styles (Berlin Group consent
resource + redirect SCA, and Rabobank-style OAuth scopes); server-rendered consent
pages; the NextGenPSD2 account-information API; pain.001/pain.008 payment initiation.

Layers inside (lowest first): ``clock``/``settings``/``problems`` → ``tables`` →
``store``/``seed``/``bank``/``consents``/``generator``/``pain`` → ``oauth`` →
``routes`` → ``app`` (``create_app``). It imports only the lowest floors of
bankbridge (errors, money, identifiers, statements, formats' writers).
"""
