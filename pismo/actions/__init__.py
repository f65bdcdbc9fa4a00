"""Everything staff do, as plain functions: the web pages, the JSON API and the CLI call
these, never the store directly.

``appeals`` (corrections, assignment, decisions, disputes, extensions, and the
role-checked draft actions), ``drafts`` (draft versions: create, edit,
approve), ``transcription`` (a person's text for an unreadable scan),
``staff`` (users, passwords, sessions).
"""
