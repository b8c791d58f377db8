"""Book-side records: environments, administrations, GL accounts, bank journals,
relations, open items, transaction codes, and what processing writes (journal entries,
postings, settlements)."""
