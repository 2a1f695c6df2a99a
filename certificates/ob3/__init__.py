"""Open Badges 3.0 verifiable credentials for certificates (issue 22), as plain Python.

Building an ``OpenBadgeCredential`` from a certificate's facts, canonicalising it (RDFC-1.0
with JSON-LD contexts shipped in ``contexts/``), signing it as a Data Integrity proof
(``eddsa-rdfc-2022``), the issuer's controller document, the Bitstring Status List, baking
the credential into a PNG badge, and checking a pasted credential. Like the rest of
``certificates``, nothing here imports Flask, SQLAlchemy or ``training``: ``training.ob3``
publishes the documents.
"""
