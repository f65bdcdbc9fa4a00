"""Everything staff do, as plain functions: the web pages, the JSON API and the CLI call
these, never the store directly.  Each checks the actor's role, validates its input,
changes the store in one transaction and writes an audit event (who, when, the old
and the new value).

``replies`` (letters staff start, edit, approve, return), ``corrections`` (fields,
kind, category, gender, grounds and defects, transcription, and the letters that
follow), ``appeals`` (the claim workflow: assign, decide, dispute, extend),
``common`` (the role check), ``drafts`` and ``transcription`` (the engines under
them), ``staff`` (users, passwords, sessions).
"""
