"""The stages run over the sources: inline in one process, or queued on Procrastinate.

``chain`` runs whatever stages items still need, in this process; ``sources``
are where letters come from (drop folders, an IMAP mailbox), each taken the
same way by ``inline`` (``pismo run``, ``pismo ingest``: SQLite or PostgreSQL)
and by ``queued`` (``pismo worker``: PostgreSQL, any number of machines).
"""
