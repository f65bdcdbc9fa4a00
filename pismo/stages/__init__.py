"""The flow of one letter, a stage a module:

    receive   source → item: the bytes kept, the item claimed (``receive``)
    read      item → text: mail parsed, scans OCR'd; noise stops here (``read``)
    judge     text → fields → findings: what the letter says, checked (``judge``)
    register  findings → appeal: number and deadlines (``register``)
    draft     appeal → drafts: the letters it calls for, as PDF (``draft``)

Each stage takes ids, reads what it needs, does its work outside any
transaction, and writes its result in one short transaction guarded by the
item's state, so running a stage twice, or in two processes at once, does the
work once.  ``pismo.running`` chains them, inline or queued; approval and
dispatch are people's steps (``pismo.actions``, ``pismo.dispatch``).
"""
